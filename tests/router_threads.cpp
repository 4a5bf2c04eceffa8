//
// router_threads.cpp
// ~~~~~~~~~~~~~~~~~~
//
// The router used from several threads at once, run under ThreadSanitizer.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/event_trigger.hpp>
#include <asio_signals/history_subscription.hpp>
#include <asio_signals/router.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <any>
#include <atomic>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(router_threads_test)

// Four threads trigger, add and end listeners, add and remove senders and
// make requests, all at once, on a router whose state is on a strand of a
// four-thread io_context. Every operation must complete, and the router must
// still deliver afterwards.
BOOST_AUTO_TEST_CASE(triggers_listeners_senders_and_requests_from_several_threads) {
  asio::io_context ctx;
  auto work = asio::make_work_guard(ctx);
  std::vector<std::thread> runners;
  for (int i = 0; i < 4; ++i) runners.emplace_back([&] { ctx.run(); });

  sig::router r(asio::make_strand(ctx));
  std::atomic<long> heard{0};
  std::atomic<long> completed{0};
  std::atomic<long> responses{0};
  auto count = [&heard] { heard.fetch_add(1, std::memory_order_relaxed); };
  auto done = [&completed](std::exception_ptr, auto&&...) {
    completed.fetch_add(1, std::memory_order_relaxed);
  };
  for (int s = 0; s < 4; ++s)
    r.add_sender("s" + std::to_string(s), sig::events("#c", "e"),
                 sig::method("m", [] { return 1; }), asio::use_future)
        .get();

  // One object for every thread, of the sender worker 0 keeps removing and
  // adding: what it found of the router is refreshed under the others.
  sig::event_trigger shared(r, "s3", "e");

  constexpr int rounds = 300;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      const std::string mine = "s" + std::to_string(w);
      for (int i = 0; i < rounds; ++i) {
        r.trigger(mine, "e", sig::arg("i", i), done);
        shared.trigger(sig::arg("i", i), done);
        r.trigger("s" + std::to_string((w + 1) % 4), "#c", done);
        r.add_listener(count, mine, "e", sig::once(), done);
        r.add_listener(count, sig::any, "#c", [&](std::exception_ptr, sig::connection c) {
          c.disconnect();
          completed.fetch_add(1, std::memory_order_relaxed);
        });
        r.request(mine, "m", [&](std::exception_ptr e, std::any) {
          if (!e) responses.fetch_add(1, std::memory_order_relaxed);
          completed.fetch_add(1, std::memory_order_relaxed);
        });
        if (w == 0 && i % 10 == 0) {
          r.remove_sender("s3", done);
          r.add_sender("s3", sig::events("#c", "e"), sig::method("m", [] { return 1; }), done);
        }
      }
    });
  }
  for (auto& t : workers) t.join();

  // Everything above has reached the strand before these run: a positive
  // control that the router still delivers and answers.
  std::promise<void> delivered;
  r.add_listener([&] { delivered.set_value(); }, "s0", "e", sig::once(), asio::use_future).get();
  r.trigger("s0", "e", asio::use_future).get();
  delivered.get_future().get();
  std::any last = r.request("s1", "m", asio::use_future).get();

  work.reset();
  for (auto& t : runners) t.join();
  // trigger x3, add_listener x2, request x1 per round and worker; 60 sender
  // changes by worker 0.
  BOOST_TEST(completed.load() == 4L * rounds * 6 + 2 * (rounds / 10));
  BOOST_TEST(responses.load() > 0);
  BOOST_TEST(std::any_cast<int>(last) == 1);
  BOOST_TEST(heard.load() > 0);
}

// Two threads trigger a retained channel while the main thread receives its
// events through a history subscription, on a strand of a four-thread
// io_context: every event arrives once, in sequence; destroying the stream
// ends a receive pending on another thread.
BOOST_AUTO_TEST_CASE(a_history_subscription_receives_what_other_threads_trigger) {
  asio::io_context ctx;
  auto work = asio::make_work_guard(ctx);
  std::vector<std::thread> runners;
  for (int i = 0; i < 4; ++i) runners.emplace_back([&] { ctx.run(); });

  sig::router r(asio::make_strand(ctx));
  r.add_sender("p1", sig::events("#a"), asio::use_future).get();
  r.add_sender("p2", sig::events("#a"), asio::use_future).get();
  r.retain(sig::topic("#a"), sig::max_events(1000), asio::use_future).get();
  r.subscribe("s1", sig::topic("#a"), asio::use_future).get();
  std::optional<sig::history_subscription> events(std::in_place, r, "s1", 4);

  constexpr int per_thread = 200;
  std::vector<std::thread> producers;
  for (const char* p : {"p1", "p2"})
    producers.emplace_back([&, p] {
      for (int i = 0; i < per_thread; ++i) r.trigger(p, "#a", asio::detached);
    });
  std::vector<std::uint64_t> sequences;
  for (int i = 0; i < 2 * per_thread; ++i)
    sequences.push_back(events->receive(asio::use_future).get().sequence);
  for (auto& t : producers) t.join();
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 1; i <= 2 * per_thread; ++i) expected.push_back(i);
  BOOST_TEST(sequences == expected, boost::test_tools::per_element());

  std::future<sig::retained_event> pending = events->receive(asio::use_future);
  events.reset();
  BOOST_CHECK_THROW(pending.get(), boost::system::system_error);

  work.reset();
  for (auto& t : runners) t.join();
}

BOOST_AUTO_TEST_SUITE_END()
