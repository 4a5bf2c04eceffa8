//
// threads.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>
#include <asio_signals/subscription.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// An io_context run by `threads` threads until it is stopped or destroyed.
class thread_pool_context {
 public:
  explicit thread_pool_context(int threads) : work_(asio::make_work_guard(ctx_)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ctx_.run(); });
  }

  ~thread_pool_context() {
    work_.reset();
    for (auto& t : threads_) t.join();
  }

  asio::io_context& context() noexcept { return ctx_; }

 private:
  asio::io_context ctx_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

// Runs `ctx` on this thread until it runs out of work, while `consumer` runs
// on another thread from 100 ms on. Returns what `done()` says once run() has
// returned, then lets whatever is left finish, so a failure never hangs.
template <class Consumer, class Done>
bool done_when_run_returns(asio::io_context& ctx, Consumer consumer, Done done) {
  std::thread consumer_thread([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    consumer();
  });
  ctx.run();
  bool result = done();
  ctx.restart();
  auto work = asio::make_work_guard(ctx);
  std::thread runner([&] { ctx.run(); });
  consumer_thread.join();
  work.reset();
  runner.join();
  return result;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(threads_test)

BOOST_AUTO_TEST_CASE(sends_from_many_threads_are_each_delivered) {
  constexpr int senders = 4;
  constexpr int sends_per_thread = 300;
  std::atomic<long> calls{0};
  long scheduled = 0;
  {
    thread_pool_context pool(2);
    sig::signal s(asio::make_strand(pool.context()));
    for (int i = 0; i < 3; ++i) s.connect([&] { ++calls; }, asio::use_future).get();
    std::vector<std::future<long>> totals;
    for (int t = 0; t < senders; ++t) {
      totals.push_back(std::async(std::launch::async, [&s] {
        std::vector<std::future<std::size_t>> counts;
        for (int i = 0; i < sends_per_thread; ++i) counts.push_back(s.send(asio::use_future));
        long sum = 0;
        for (auto& c : counts) sum += static_cast<long>(c.get());
        return sum;
      }));
    }
    for (auto& t : totals) scheduled += t.get();
  }
  BOOST_TEST(scheduled == 3L * senders * sends_per_thread);
  BOOST_TEST(calls.load() == scheduled);
}

BOOST_AUTO_TEST_CASE(no_send_after_a_completed_disconnect_calls_it) {
  constexpr int workers = 4;
  constexpr int rounds = 100;
  std::atomic<int> late_calls{0};
  std::atomic<long> calls{0};
  long scheduled = 0;
  {
    thread_pool_context pool(2);
    sig::signal s(asio::make_strand(pool.context()), sig::arg("disconnected", false));
    // An unfiltered callback on another executor keeps sends busy meanwhile.
    auto other = asio::make_strand(pool.context());
    s.connect(asio::bind_executor(other, [&] { ++calls; }), asio::use_future).get();
    std::vector<std::future<long>> done;
    for (int w = 0; w < workers; ++w) {
      done.push_back(std::async(std::launch::async, [&, w] {
        long mine = 0;
        for (int r = 0; r < rounds; ++r) {
          auto c = s.connect(
                        [&](const sig::event& ev) {
                          ++calls;
                          if (ev.get<bool>("disconnected")) ++late_calls;
                        },
                        sig::key(w), asio::use_future)
                       .get();
          mine += static_cast<long>(s.send(sig::key(w), asio::use_future).get());
          if (r % 2 == 0)
            s.disconnect(c, asio::use_future).get();
          else
            c.disconnect();
          mine += static_cast<long>(
              s.send(sig::key(w), sig::arg("disconnected", true), asio::use_future).get());
        }
        return mine;
      }));
    }
    for (auto& d : done) scheduled += d.get();
  }
  BOOST_TEST(late_calls.load() == 0);
  BOOST_TEST(calls.load() == scheduled);
  // Every round's first send reaches both callbacks, its second only the
  // unfiltered one.
  BOOST_TEST(scheduled == 3L * workers * rounds);
}

BOOST_AUTO_TEST_CASE(a_waiting_caller_keeps_its_own_context_running) {
  thread_pool_context signal_side(1);
  sig::signal s(signal_side.context());
  s.connect([] {}, asio::use_future).get();
  asio::io_context caller;
  std::optional<std::size_t> result;
  asio::co_spawn(
      caller, [&]() -> asio::awaitable<void> { result = co_await s.send(); }, asio::detached);
  caller.run();
  BOOST_TEST_REQUIRE(result.has_value());
  BOOST_TEST(*result == 1u);
}

BOOST_AUTO_TEST_CASE(connection_handles_are_usable_from_any_thread) {
  thread_pool_context pool(2);
  sig::signal s(asio::make_strand(pool.context()));
  std::atomic<int> calls{0};
  auto c = s.connect([&] { ++calls; }, asio::use_future).get();
  BOOST_TEST(s.send(asio::use_future).get() == 1u);
  std::vector<std::thread> users;
  for (int i = 0; i < 4; ++i) {
    users.emplace_back([c, &s] {
      sig::connection copy = c;
      for (int j = 0; j < 50; ++j) {
        (void)copy.connected();
        s.send(asio::detached);
      }
      copy.disconnect();
    });
  }
  for (auto& t : users) t.join();
  BOOST_TEST(!c.connected());
  auto after = s.send(asio::use_future).get();
  BOOST_TEST(after == 0u);
}

BOOST_AUTO_TEST_CASE(a_counted_connection_never_exceeds_its_count) {
  constexpr int limit = 5;
  std::atomic<int> calls{0};
  long scheduled = 0;
  {
    thread_pool_context pool(2);
    sig::signal s(asio::make_strand(pool.context()));
    auto c = s.connect([&] { ++calls; }, sig::max_calls(limit), asio::use_future).get();
    std::vector<std::future<long>> totals;
    for (int t = 0; t < 4; ++t) {
      totals.push_back(std::async(std::launch::async, [&s] {
        long sum = 0;
        for (int i = 0; i < 50; ++i) sum += static_cast<long>(s.send(asio::use_future).get());
        return sum;
      }));
    }
    for (auto& t : totals) scheduled += t.get();
    BOOST_TEST(!c.connected());
  }
  BOOST_TEST(scheduled == limit);
  BOOST_TEST(calls.load() == limit);
}

BOOST_AUTO_TEST_CASE(every_kind_of_callback_on_other_executors_adds_up) {
  constexpr int workers = 4;
  constexpr int sends = 100;
  constexpr int limit = 3;
  std::atomic<long> plain{0};
  std::atomic<long> coroutine{0};
  std::atomic<long> counted{0};
  long scheduled = 0;
  {
    thread_pool_context pool(2);
    sig::signal s(asio::make_strand(pool.context()));
    std::vector<std::future<long>> done;
    for (int w = 0; w < workers; ++w) {
      done.push_back(std::async(std::launch::async, [&, w] {
        auto other = asio::make_strand(pool.context());
        s.connect(asio::bind_executor(other, [&] { ++plain; }), sig::key(w), asio::use_future)
            .get();
        auto task = [&]() -> asio::awaitable<void> {
          ++coroutine;
          co_return;
        };
        s.connect(asio::bind_executor(other, task), sig::key(w), asio::use_future).get();
        s.connect([&] { ++counted; }, sig::key(w), sig::max_calls(limit), asio::use_future).get();
        long mine = 0;
        for (int i = 0; i < sends; ++i)
          mine += static_cast<long>(s.send(sig::key(w), asio::use_future).get());
        return mine;
      }));
    }
    for (auto& d : done) scheduled += d.get();
  }
  BOOST_TEST(plain.load() == long(workers) * sends);
  BOOST_TEST(coroutine.load() == long(workers) * sends);
  BOOST_TEST(counted.load() == long(workers) * limit);
  BOOST_TEST(scheduled == plain.load() + coroutine.load() + counted.load());
}

BOOST_AUTO_TEST_CASE(weak_members_whose_objects_die_during_sends) {
  struct target {
    std::atomic<long>* calls;
    std::atomic<long>* late_calls;
    std::atomic<bool> alive{true};
    void on_event() {
      // A send that met the object keeps it alive until the call.
      if (!alive.load()) ++*late_calls;
      ++*calls;
    }
    ~target() { alive = false; }
  };
  constexpr int makers = 2;
  constexpr int objects = 200;
  std::atomic<long> calls{0};
  std::atomic<long> late_calls{0};
  std::atomic<bool> stop{false};
  long scheduled = 0;
  {
    thread_pool_context pool(2);
    sig::signal s(asio::make_strand(pool.context()));
    std::vector<std::future<long>> senders;
    for (int t = 0; t < 2; ++t) {
      senders.push_back(std::async(std::launch::async, [&] {
        long sum = 0;
        while (!stop.load()) sum += static_cast<long>(s.send(asio::use_future).get());
        return sum;
      }));
    }
    std::vector<std::thread> threads;
    for (int m = 0; m < makers; ++m) {
      threads.emplace_back([&] {
        for (int i = 0; i < objects; ++i) {
          auto object = std::make_shared<target>();
          object->calls = &calls;
          object->late_calls = &late_calls;
          s.connect(&target::on_event, object, asio::use_future).get();
          // Dies while sends run; its connection is pruned by a later send.
        }
      });
    }
    for (auto& t : threads) t.join();
    stop = true;
    for (auto& f : senders) scheduled += f.get();
    BOOST_TEST(s.send(asio::use_future).get() == 0u);
    BOOST_TEST(s.receivers() == 0u);
  }
  BOOST_TEST(calls.load() == scheduled);
  BOOST_TEST(late_calls.load() == 0);
}

BOOST_AUTO_TEST_CASE(waits_resume_across_threads) {
  thread_pool_context pool(2);
  sig::signal s(asio::make_strand(pool.context()), sig::arg("n", 0));
  std::vector<std::future<int>> waits;
  for (int i = 0; i < 4; ++i) {
    std::promise<int> p;
    waits.push_back(p.get_future());
    s.next([p = std::move(p)](boost::system::error_code ec, sig::event ev) mutable {
      p.set_value(ec ? -1 : ev.get<int>("n"));
    });
  }
  // A send started after the waits, from another thread, completes them all.
  std::thread([&s] { s.send(sig::arg("n", 7), asio::use_future).get(); }).join();
  for (auto& w : waits) BOOST_TEST(w.get() == 7);
}

BOOST_AUTO_TEST_CASE(a_subscription_fed_and_drained_from_other_threads) {
  constexpr int events = 400;
  thread_pool_context pool(2);
  sig::signal s(asio::make_strand(pool.context()), sig::arg("n", 0));
  sig::subscription sub(s, 8, sig::overflow::wait);
  std::thread producer([&s] {
    for (int i = 0; i < events; ++i) s.send(sig::arg("n", i), asio::use_future).get();
  });
  std::vector<int> got;
  for (int i = 0; i < events; ++i) {
    sig::event ev = sub.receive(asio::use_future).get();
    got.push_back(ev.get<int>("n"));
  }
  producer.join();
  BOOST_TEST(sub.dropped() == 0u);
  BOOST_TEST_REQUIRE(got.size() == std::size_t(events));
  for (int i = 0; i < events; ++i) BOOST_TEST_REQUIRE(got[std::size_t(i)] == i);
}

// Every operation that is parked until something else happens keeps
// outstanding work on the executor its plain callback completes on, so run()
// does not return under it while a consumer on another thread is on its way.

BOOST_AUTO_TEST_CASE(a_held_send_keeps_run_going) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  sig::subscription sub(s, 1, sig::overflow::wait);
  int completions = 0;
  for (int n = 1; n <= 2; ++n)
    s.send(sig::arg("n", n), [&](std::exception_ptr, std::size_t) { ++completions; });
  bool done = done_when_run_returns(
      ctx, [&] { sub.receive(asio::use_future).wait_for(std::chrono::seconds(5)); },
      [&] { return completions == 2; });
  BOOST_TEST(done);
  BOOST_TEST(completions == 2);
}

BOOST_AUTO_TEST_CASE(a_held_send_completing_elsewhere_keeps_run_going) {
  asio::io_context ctx;
  thread_pool_context elsewhere(1);
  sig::signal s(ctx, sig::arg("n", 0));
  sig::subscription sub(s, 1, sig::overflow::wait);
  std::atomic<int> completions{0};
  // The handlers complete on another context: the held send must still keep
  // the signal's context running until a consumer makes room.
  for (int n = 1; n <= 2; ++n)
    s.send(sig::arg("n", n),
           asio::bind_executor(elsewhere.context(),
                               [&](std::exception_ptr, std::size_t) { ++completions; }));
  bool done = done_when_run_returns(
      ctx, [&] { sub.receive(asio::use_future).wait_for(std::chrono::seconds(5)); },
      [&] {
        // The second completion, if the send completed, is on its way there.
        for (int i = 0; i < 500 && completions < 2; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return completions == 2;
      });
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_CASE(a_pending_next_keeps_run_going) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  int got = 0;
  s.next([&](boost::system::error_code ec, sig::event ev) { got = ec ? -1 : ev.get<int>("n"); });
  bool done = done_when_run_returns(
      ctx, [&] { s.send(sig::arg("n", 3), asio::use_future).wait_for(std::chrono::seconds(5)); },
      [&] { return got == 3; });
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_CASE(a_pending_receive_keeps_run_going) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  sig::subscription sub(s, 4, sig::overflow::wait);
  int got = 0;
  sub.receive(
      [&](boost::system::error_code ec, sig::event ev) { got = ec ? -1 : ev.get<int>("n"); });
  bool done = done_when_run_returns(
      ctx, [&] { s.send(sig::arg("n", 5), asio::use_future).wait_for(std::chrono::seconds(5)); },
      [&] { return got == 5; });
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_CASE(a_pending_send_and_wait_keeps_run_going) {
  asio::io_context ctx;
  thread_pool_context other(1);
  sig::signal s(ctx);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  // The callback runs on the other context and finishes once the consumer
  // thread lets it.
  s.connect(asio::bind_executor(other.context(), [released] { released.wait(); }),
            [](std::exception_ptr, sig::connection) {});
  std::size_t outcomes = 0;
  s.send_and_wait(
      [&](std::exception_ptr, std::vector<sig::outcome> all) { outcomes = all.size(); });
  bool done = done_when_run_returns(
      ctx, [&] { release.set_value(); }, [&] { return outcomes == 1; });
  BOOST_TEST(done);
}

BOOST_AUTO_TEST_SUITE_END()
