//
// nats_history.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Retained history in JetStream: each test starts its own nats-server with
// JetStream on an ephemeral loopback port, and each router with its link
// stands for a process of its own.

#include <asio_signals/history_subscription.hpp>
#include <asio_signals/nats.hpp>

#include "nats_support.hpp"
#include "test_support.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

namespace {

using test::error_log;
using test::eventually;
using test::options_for;
using test::raw_client;

sig::nats_options jetstream_options(const test::nats_server& server) {
  sig::nats_options options = options_for(server);
  options.jetstream_history = true;
  return options;
}

// The kwarg "value" of each event.
std::vector<std::int64_t> values(const std::vector<sig::retained_event>& batch) {
  std::vector<std::int64_t> out;
  for (const sig::retained_event& e : batch) out.push_back(e.data.get<std::int64_t>("value"));
  return out;
}

// Pulls topic "#changed" on `r` until it has `n` events, at most for 5 s.
asio::awaitable<std::vector<sig::retained_event>> pull_until(sig::router& r, std::size_t n) {
  std::vector<sig::retained_event> got;
  auto end = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < end) {
    got = co_await r.pull(sig::topic("#changed"));
    if (got.size() >= n) break;
    co_await test::sleep(20ms);
  }
  co_return got;
}

// Pulls "#changed" until it has `n` events, through the link's errors: a
// cluster's pull times out while the cluster places its consumer on a busy
// machine, or until a stream led by a dead server elects a new leader.
asio::awaitable<std::vector<sig::retained_event>> pull_in_cluster(sig::router& r, std::size_t n) {
  std::vector<sig::retained_event> got;
  for (int i = 0; i < 100 && got.size() != n; ++i) {
    try {
      got = co_await r.pull(sig::topic("#changed"));
    } catch (const sig::nats_error&) {
    }
    if (got.size() != n) co_await test::sleep(100ms);
  }
  co_return got;
}

// Retains "#changed" through a link of its own, as a setup process would.
asio::awaitable<void> retain_changed(const test::nats_server& server) {
  sig::router r(co_await asio::this_coro::executor);
  sig::nats_link link(r, jetstream_options(server));
  co_await link.start();
  co_await r.retain(sig::topic("#changed"), sig::max_events(1000));
  co_await link.stop();
}

// A process whose router is linked to a server of its own with JetStream,
// "#changed" retained and subscriber "s1" subscribed to it once started.
struct subscribed_process {
  test::nats_server server{{}, false, true};
  sig::router r;
  sig::nats_link link;

  explicit subscribed_process(const asio::any_io_executor& ex)
      : r(ex), link(r, jetstream_options(server)) {}

  asio::awaitable<void> start() {
    co_await retain_changed(server);
    co_await link.start();
    co_await r.subscribe("s1", sig::topic("#changed"));
  }

  // Another process that triggers "#changed" `n` times, values 0 to n - 1.
  test::child_process publisher(int n) const {
    return test::child_process(std::vector<std::string>{ASIO_SIGNALS_NATS_PEER, server.url(), "t",
                                                        "sensor", std::to_string(n)});
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(nats_history_test)

CO_TEST_CASE(history_in_jetstream_outlives_its_publisher_its_subscriber_and_the_server) {
  test::nats_server server({}, false, true);
  co_await retain_changed(server);

  // A publisher process triggers five events, and dies.
  {
    test::child_process peer(
        std::vector<std::string>{ASIO_SIGNALS_NATS_PEER, server.url(), "t", "sensor", "5"});
    sig::router watcher(co_await asio::this_coro::executor);
    sig::nats_link link(watcher, jetstream_options(server));
    co_await link.start();
    BOOST_TEST((co_await pull_until(watcher, 5)).size() == 5u);
    co_await link.stop();
  }

  // A subscriber process pulls three, acknowledges them, and goes away.
  {
    sig::router r(co_await asio::this_coro::executor);
    sig::nats_link link(r, jetstream_options(server));
    co_await link.start();
    std::vector<sig::retained_event> all = co_await r.pull(sig::topic("#changed"));
    BOOST_TEST(values(all) == std::vector<std::int64_t>({0, 1, 2, 3, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(all.front().sender == "sensor");
    BOOST_TEST(all.front().event == "#changed");
    BOOST_TEST(all.front().sequence == 1u);
    BOOST_TEST(all.back().sequence == 5u);
    BOOST_TEST((all.front().time <= all.back().time));
    co_await r.subscribe("s1", sig::topic("#changed"));
    std::vector<sig::retained_event> first = co_await r.pull("s1", sig::max_batch(3));
    BOOST_TEST(values(first) == std::vector<std::int64_t>({0, 1, 2}),
               boost::test_tools::per_element());
    co_await r.ack("s1", first);
    std::vector<sig::retained_event> unacknowledged = co_await r.pull("s1", sig::max_batch(1));
    BOOST_TEST(values(unacknowledged) == std::vector<std::int64_t>({3}),
               boost::test_tools::per_element());
    std::string error = co_await test::failure_of<sig::router_error>(r.ack("s1", all.back()));
    BOOST_TEST(test::contains(error, "has not pulled event #5"), error);
    co_await link.stop();
  }

  // The server restarts from its files; the subscriber comes back.
  server.restart();
  {
    sig::router r(co_await asio::this_coro::executor);
    sig::nats_link link(r, jetstream_options(server));
    co_await link.start();
    co_await r.subscribe("s1", sig::topic("#changed"));
    std::vector<sig::retained_event> rest = co_await r.pull("s1");
    BOOST_TEST(values(rest) == std::vector<std::int64_t>({3, 4}), boost::test_tools::per_element());
    BOOST_TEST((co_await r.pull("s1")).empty());
    BOOST_TEST(co_await r.unsubscribe("s1"));
    std::string error = co_await test::failure_of<sig::router_error>(r.pull("s1"));
    BOOST_TEST(test::contains(error, "no subscriber 's1'"), error);
    co_await link.stop();
  }
}

CO_TEST_CASE(each_pulled_event_keeps_its_sender_sequence_and_time) {
  test::nats_server server({}, false, true);
  co_await retain_changed(server);
  auto ex = co_await asio::this_coro::executor;
  auto before = std::chrono::system_clock::now();
  sig::router publisher(ex), reader(ex);
  sig::nats_link publishing(publisher, jetstream_options(server));
  co_await publishing.start();
  // Runs of one sender, then another: one batch holds both.
  const std::vector<std::string> senders = {"front door", "front door", "window", "window",
                                            "window"};
  co_await publisher.add_sender("front door", sig::events("#changed"));
  co_await publisher.add_sender("window", sig::events("#changed"));
  for (std::size_t i = 0; i < senders.size(); ++i)
    co_await publisher.trigger(senders[i], "#changed",
                               sig::arg("value", static_cast<std::int64_t>(i)));
  sig::nats_link reading(reader, jetstream_options(server));
  co_await reading.start();
  std::vector<sig::retained_event> got = co_await pull_until(reader, senders.size());
  auto after = std::chrono::system_clock::now();
  BOOST_TEST_REQUIRE(got.size() == senders.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST(got[i].sender == senders[i]);
    BOOST_TEST(got[i].event == "#changed");
    BOOST_TEST(got[i].data.get<std::int64_t>("value") == static_cast<std::int64_t>(i));
    BOOST_TEST(got[i].sequence == i + 1);
    // The server's clock is this machine's.
    BOOST_TEST((got[i].time >= before - 1s && got[i].time <= after + 1s));
    if (i > 0) BOOST_TEST((got[i - 1].time <= got[i].time));
  }
  // Pulled since the third: the stream's sequences, not the new consumer's.
  std::vector<sig::retained_event> later =
      co_await reader.pull(sig::topic("#changed"), sig::since(got[2].time));
  std::vector<std::uint64_t> sequences;
  for (const sig::retained_event& e : later) sequences.push_back(e.sequence);
  BOOST_TEST(sequences == std::vector<std::uint64_t>({3, 4, 5}), boost::test_tools::per_element());
  co_await publishing.stop();
  co_await reading.stop();
}

CO_TEST_CASE(a_pull_since_a_time_early_in_its_second_gets_what_came_from_it_on) {
  // A time whose fraction of a second has a leading zero (S.090 here), which
  // cnats 3.4 would send JetStream as S.9.
  test::nats_server server({}, false, true);
  co_await retain_changed(server);
  auto ex = co_await asio::this_coro::executor;
  sig::router publisher(ex), reader(ex);
  sig::nats_link publishing(publisher, jetstream_options(server));
  sig::nats_link reading(reader, jetstream_options(server));
  co_await publishing.start();
  co_await reading.start();
  co_await publisher.add_sender("sensor", sig::events("#changed"));
  auto now = std::chrono::system_clock::now();
  auto second = std::chrono::floor<std::chrono::seconds>(now) + 1s;
  // One event early in the second, before the time; two after it.
  co_await test::sleep(std::chrono::duration_cast<std::chrono::milliseconds>(second - now) + 2ms);
  co_await publisher.trigger("sensor", "#changed", sig::arg("value", std::int64_t(0)));
  auto time = second + 90ms;
  co_await test::sleep(std::chrono::duration_cast<std::chrono::milliseconds>(
                           time - std::chrono::system_clock::now()) +
                       5ms);
  for (std::int64_t i = 1; i < 3; ++i)
    co_await publisher.trigger("sensor", "#changed", sig::arg("value", i));
  std::vector<sig::retained_event> all = co_await pull_until(reader, 3);
  BOOST_TEST_REQUIRE(all.size() == 3u);
  // What the server stamped at the time or later: the last two at least.
  std::vector<std::int64_t> expected;
  for (const sig::retained_event& e : all)
    if (e.time >= time) expected.push_back(e.data.get<std::int64_t>("value"));
  BOOST_TEST_REQUIRE(expected.size() >= 2u);
  std::vector<sig::retained_event> later =
      co_await reader.pull(sig::topic("#changed"), sig::since(time));
  BOOST_TEST(values(later) == expected, boost::test_tools::per_element());
  // A durable subscriber from that time starts at the same event.
  co_await reader.subscribe("s1", sig::topic("#changed"), sig::since(time));
  BOOST_TEST(values(co_await reader.pull("s1")) == expected, boost::test_tools::per_element());
  co_await publishing.stop();
  co_await reading.stop();
}

CO_TEST_CASE(a_waiting_pull_gets_the_next_event_of_another_process) {
  subscribed_process p(co_await asio::this_coro::executor);
  co_await p.start();
  sig::router& r = p.r;
  std::optional<std::vector<sig::retained_event>> got;
  r.pull("s1", sig::wait_for_events(),
         [&](std::exception_ptr e, std::vector<sig::retained_event> batch) {
           if (!e) got = std::move(batch);
         });
  co_await test::sleep(100ms);
  BOOST_TEST(!got.has_value());
  test::child_process peer = p.publisher(1);
  BOOST_TEST(co_await eventually([&] { return got.has_value(); }));
  if (got) {
    BOOST_TEST(values(*got) == std::vector<std::int64_t>({0}), boost::test_tools::per_element());
  }
  // Cancelled, a waiting pull takes nothing from the subscriber.
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
  auto result =
      co_await (r.pull("s1", sig::wait_for_events()) || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  co_await p.link.stop();
}

CO_TEST_CASE(a_waiting_pull_cancelled_at_any_moment_of_its_polling_completes) {
  subscribed_process p(co_await asio::this_coro::executor);
  co_await p.start();
  using namespace asio::experimental::awaitable_operators;
  // The cancellation lands before, during and after a poll of JetStream.
  for (int i = 0; i < 100; ++i) {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(i % 50));
    auto result =
        co_await (p.r.pull("s1", sig::wait_for_events()) || timer.async_wait(asio::use_awaitable));
    BOOST_TEST(result.index() == 1u);
  }
  co_await p.link.stop();
}

CO_TEST_CASE(a_history_subscription_streams_another_process_until_the_link_stops) {
  subscribed_process p(co_await asio::this_coro::executor);
  co_await p.start();
  sig::history_subscription events(p.r, "s1", 2);
  test::child_process peer = p.publisher(5);
  std::vector<sig::retained_event> got;
  for (int i = 0; i < 5; ++i) got.push_back(co_await events.receive());
  BOOST_TEST(values(got) == std::vector<std::int64_t>({0, 1, 2, 3, 4}),
             boost::test_tools::per_element());
  co_await p.r.ack("s1", got.back());
  co_await p.link.stop();
  std::string error = co_await test::failure_of<sig::not_connected_error>(events.receive());
  BOOST_TEST(test::contains(error, "the NATS link was stopped"), error);
}

CO_TEST_CASE(a_history_subscription_ends_after_what_it_pulled_when_the_link_stops) {
  subscribed_process p(co_await asio::this_coro::executor);
  co_await p.start();
  test::child_process peer = p.publisher(6);
  BOOST_TEST((co_await pull_until(p.r, 6)).size() == 6u);
  // Its buffer full, the stream waits for room, not for JetStream.
  sig::history_subscription events(p.r, "s1", 2);
  std::vector<sig::retained_event> got;
  got.push_back(co_await events.receive());
  co_await test::sleep(200ms);
  co_await p.link.stop();
  std::string error;
  while (error.empty()) {
    try {
      got.push_back(co_await events.receive());
    } catch (const sig::not_connected_error& e) {
      error = e.what();
    } catch (const std::exception& e) {
      error = std::string("another exception: ") + e.what();
    }
  }
  BOOST_TEST(test::contains(error, "the NATS link was stopped"), error);
  BOOST_TEST_REQUIRE(got.size() >= 2u);
  std::vector<std::int64_t> expected;
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(got.size()); ++i) expected.push_back(i);
  BOOST_TEST(values(got) == expected, boost::test_tools::per_element());
}

CO_TEST_CASE(pulls_waiting_in_memory_fail_when_the_router_is_linked) {
  test::nats_server server({}, false, true);
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("sensor", sig::events("#changed"));
  co_await r.retain(sig::topic("#changed"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#changed"));
  co_await r.subscribe("s2", sig::topic("#changed"));
  sig::history_subscription events(r, "s1", 4);
  std::string error;
  r.pull("s2", sig::wait_for_events(), [&](std::exception_ptr e, std::vector<sig::retained_event>) {
    if (e) error = test::message_of(e);
  });
  co_await test::sleep(50ms);
  sig::nats_link link(r, jetstream_options(server));
  co_await link.start();
  BOOST_TEST(co_await eventually([&] { return !error.empty(); }));
  BOOST_TEST(test::contains(error, "linked to NATS while a pull of subscriber 's2' waited"), error);
  std::string streamed = co_await test::failure_of<sig::router_error>(events.receive());
  BOOST_TEST(test::contains(streamed, "linked to NATS while subscriber 's1' was streamed"),
             streamed);
  co_await link.stop();
}

CO_TEST_CASE(garbage_in_a_retained_stream_is_skipped_reported_and_counted) {
  test::nats_server server({}, false, true);
  co_await retain_changed(server);
  raw_client raw(server.url());
  raw.publish("t.s.ev.sensor.#changed", R"({"value":1})");
  raw.publish("t.s.ev.sensor.#changed", "not json {");
  raw.publish("t.s.ev.sensor.#changed", R"({"value":3})");
  sig::router r(co_await asio::this_coro::executor);
  error_log errors;
  sig::nats_options options = jetstream_options(server);
  options.on_error = errors.handler();
  sig::nats_link link(r, options);
  co_await link.start();
  std::vector<sig::retained_event> got = co_await pull_until(r, 2);
  BOOST_TEST(values(got) == std::vector<std::int64_t>({1, 3}), boost::test_tools::per_element());
  BOOST_TEST(co_await eventually([&] { return !errors.subjects.empty(); }));
  BOOST_TEST(errors.subjects.front() == "t.s.ev.sensor.#changed");
  BOOST_TEST(link.dropped_messages() >= 1u);
  co_await link.stop();
}

CO_TEST_CASE(what_jetstream_cannot_do_is_a_clear_error) {
  {
    test::nats_server plain;
    sig::router r(co_await asio::this_coro::executor);
    sig::nats_link link(r, jetstream_options(plain));
    co_await link.start();
    std::string error = co_await test::failure_of<sig::nats_error>(
        r.retain(sig::topic("#changed"), sig::max_events(10)));
    BOOST_TEST(test::contains(error, "JetStream is not enabled"), error);
    co_await link.stop();
  }
  test::nats_server server({}, false, true);
  sig::router r(co_await asio::this_coro::executor);
  sig::nats_link link(r, jetstream_options(server));
  co_await link.start();
  std::string error = co_await test::failure_of<sig::router_error>(r.pull(sig::topic("#nothing")));
  BOOST_TEST(test::contains(error, "topic '#nothing' is not retained"), error);
  error = co_await test::failure_of<sig::router_error>(r.subscribe("s1", sig::topic("#nothing")));
  BOOST_TEST(test::contains(error, "topic '#nothing' is not retained"), error);
  error = co_await test::failure_of<sig::router_error>(
      r.retain(sig::topic("#connect"), sig::max_events(10)));
  BOOST_TEST(test::contains(error, "JetStream cannot keep it"), error);
  error = co_await test::failure_of<sig::router_error>(
      r.retain(sig::topic("#changed"), sig::max_events(0)));
  BOOST_TEST(test::contains(error, "max_events(0) keeps nothing"), error);
  co_await link.stop();
}

CO_TEST_CASE(a_replicated_history_loses_nothing_when_a_cluster_server_dies) {
  // A JetStream cluster needs its routes configured on every server.
  std::vector<std::string> cluster_urls;
  for (int i = 0; i < 3; ++i)
    cluster_urls.push_back("nats://127.0.0.1:" + std::to_string(test::free_port()));
  std::string routes = cluster_urls[0] + "," + cluster_urls[1] + "," + cluster_urls[2];
  auto member = [&](int i) {
    return std::vector<std::string>{
        "--server_name", "n" + std::to_string(i), "--cluster_name", "history",
        "--cluster",     cluster_urls[i],         "--routes",       routes};
  };
  test::nats_server s1(member(0), false, true), s2(member(1), false, true),
      s3(member(2), false, true);
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_options publisher = jetstream_options(s3);
  publisher.history_replicas = 3;
  publisher.request_timeout = 1s;
  sig::nats_link la(a, publisher);
  co_await la.start();
  // JetStream's cluster elects its leaders within a few seconds: until then
  // a stream cannot be made.
  bool retained = false;
  for (int i = 0; i < 100 && !retained; ++i) {
    try {
      co_await a.retain(sig::topic("#changed"), sig::max_events(100));
      retained = true;
    } catch (const sig::nats_error&) {
    }
    if (!retained) co_await test::sleep(200ms);
  }
  BOOST_TEST_REQUIRE(retained);
  co_await a.add_sender("sensor", sig::events("#changed"));
  for (std::int64_t i = 0; i < 5; ++i)
    co_await a.trigger("sensor", "#changed", sig::arg("value", i));
  sig::nats_options subscriber = jetstream_options(s1);
  subscriber.request_timeout = 1s;
  sig::nats_link lb(b, subscriber);
  co_await lb.start();
  BOOST_TEST((co_await pull_in_cluster(b, 5)).size() == 5u);
  co_await la.stop();
  s3.kill();
  std::vector<sig::retained_event> got = co_await pull_in_cluster(b, 5);
  BOOST_TEST(values(got) == std::vector<std::int64_t>({0, 1, 2, 3, 4}),
             boost::test_tools::per_element());
  co_await lb.stop();
}

BOOST_AUTO_TEST_SUITE_END()
