//
// nats.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Each test starts its own nats-server on an ephemeral loopback port.

#include <asio_signals/nats.hpp>

#include "nats_support.hpp"
#include "router_support.hpp"
#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/value_to.hpp>
#include <boost/system/system_error.hpp>

#include <nats/nats.h>

#include <algorithm>
#include <any>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

namespace {

using test::error_log;
using test::eventually;
using test::log_type;
using test::options_for;
using test::raw_client;
using test::recorder;
using test::sleep;

// Waits until router `r` has the sender `name` connected, asking at most
// `tries` times, `step` apart; returns whether it did.
asio::awaitable<bool> connected_eventually(sig::router& r, const std::string& name, int tries = 200,
                                           std::chrono::milliseconds step = 5ms) {
  for (int i = 0; i < tries; ++i) {
    if (co_await r.is_connected(name)) co_return true;
    co_await sleep(step);
  }
  co_return false;
}

// Two routers linked through one server: a's sender "s" declares the event
// "e", which b listens to; what the tests of payloads publish through. The
// sender's presence lasts: writing and reading many payloads holds the
// executor the links share long enough, in a sanitized build, for the tests'
// short expiry to remove it, and these tests are about payloads.
class payload_path {
 public:
  payload_path(const asio::any_io_executor& ex, const test::nats_server& server)
      : a(ex), b(ex), la(a, lasting(server)), lb(b, lasting(server)) {}

  // Starts both links with `listener` listening on b; returns whether b
  // learnt of the sender.
  asio::awaitable<bool> start(std::function<void(const sig::event&)> listener) {
    co_await b.add_listener(std::move(listener), "s", "e");
    co_await la.start();
    co_await lb.start();
    co_await a.add_sender("s", sig::events("e"));
    co_return co_await connected_eventually(b, "s");
  }

  asio::awaitable<void> stop() {
    co_await la.stop();
    co_await lb.stop();
  }

  sig::router a, b;
  sig::nats_link la, lb;

 private:
  static sig::nats_options lasting(const test::nats_server& server) {
    sig::nats_options options = options_for(server);
    options.presence_expiry = std::chrono::seconds(30);
    return options;
  }
};

// A listener that keeps the kwarg "i" of each event in `ticks`.
auto tick_recorder(std::vector<std::int64_t>& ticks) {
  return [&ticks](const sig::event& ev) {
    ticks.push_back(sig::event_data(ev).get<std::int64_t>("i"));
  };
}

// Triggers "tick" of "counter" on `a`, counting up from 1, at most `tries`
// times, until `ticks` holds more than it held; returns whether it did.
asio::awaitable<bool> trigger_until_delivered(sig::router& a,
                                              const std::vector<std::int64_t>& ticks, int tries) {
  const std::size_t held = ticks.size();
  for (std::int64_t sent = 1; sent <= tries; ++sent) {
    co_await a.trigger("counter", "tick", sig::arg("i", sent));
    if (co_await eventually([&] { return ticks.size() > held; }, 25ms)) co_return true;
  }
  co_return false;
}

// Requests counter.ping of `b` until one is answered, up to `tries` times,
// 25 ms apart; returns whether one was.
asio::awaitable<bool> request_until_answered(sig::router& b, int tries) {
  auto ping = [&b]() -> asio::awaitable<bool> {
    try {
      co_return std::any_cast<std::string>(co_await b.request("counter", "ping")) == "pong";
    } catch (const std::exception&) {
      co_return false;
    }
  };
  for (int i = 0; i < tries; ++i) {
    if (co_await ping()) co_return true;
    co_await sleep(25ms);
  }
  co_return false;
}

// Milliseconds since `t`.
long ms_since(std::chrono::steady_clock::time_point t) {
  return long(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
          .count());
}

struct point {
  int x = 0;
  int y = 0;
};

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const point& p) {
  v = {{"x", p.x}, {"y", p.y}};
}

point tag_invoke(boost::json::value_to_tag<point>, const boost::json::value& v) {
  return point{static_cast<int>(v.at("x").as_int64()), static_cast<int>(v.at("y").as_int64())};
}

struct opaque {};

// Declared to the link, but its encoding throws.
struct faulty {};

void tag_invoke(boost::json::value_from_tag, boost::json::value&, const faulty&) {
  throw std::runtime_error("faulty cannot be encoded");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(nats_test)

CO_TEST_CASE(every_kind_of_listener_receives_remote_events) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  log_type router_wide, sender_wide, channel, one_event, local;
  double celsius = 0;
  // Registered before the remote sender exists.
  co_await b.add_listener(recorder(router_wide, "router"));
  co_await b.add_listener(recorder(sender_wide, "sender"), "temp");
  co_await b.add_listener(recorder(channel, "channel"), sig::any, "#changed");
  co_await b.add_listener(recorder(one_event, "event"), "temp", "cold");
  co_await b.add_listener(
      [&](const sig::event& ev) { celsius = sig::event_data(ev).get<double>("celsius"); }, "temp",
      "#changed");
  co_await a.add_listener(recorder(local, "local"), "temp");
  co_await lb.start();
  co_await la.start();
  co_await a.add_sender("temp", sig::events("#changed", "cold"));
  co_await a.trigger("temp", "#changed", sig::arg("celsius", 21.5));
  co_await a.trigger("temp", "cold");
  BOOST_TEST(co_await eventually([&] { return router_wide.size() == 3 && one_event.size() == 1; }));
  BOOST_TEST(
      router_wide == (log_type{"router:temp/#connect", "router:temp/#changed", "router:temp/cold"}),
      boost::test_tools::per_element());
  BOOST_TEST(
      sender_wide == (log_type{"sender:temp/#connect", "sender:temp/#changed", "sender:temp/cold"}),
      boost::test_tools::per_element());
  BOOST_TEST(channel == log_type{"channel:temp/#changed"}, boost::test_tools::per_element());
  BOOST_TEST(one_event == log_type{"event:temp/cold"}, boost::test_tools::per_element());
  BOOST_TEST(celsius == 21.5);
  BOOST_TEST(co_await b.is_connected("temp"));
  auto declared = co_await b.declared_events("temp");
  BOOST_TEST(declared == (std::vector<std::string>{"#changed", "cold"}),
             boost::test_tools::per_element());
  // No echo: the sender's own router delivered each event once.
  co_await sleep(200ms);
  BOOST_TEST(local == (log_type{"local:temp/#connect", "local:temp/#changed", "local:temp/cold"}),
             boost::test_tools::per_element());
  BOOST_TEST(router_wide.size() == 3u);
  // Removal reaches the other router as #disconnect.
  co_await a.remove_sender("temp");
  BOOST_TEST(co_await eventually([&] { return router_wide.size() == 4; }));
  BOOST_TEST(router_wide.back() == "router:temp/#disconnect");
  BOOST_TEST(!co_await b.is_connected("temp"));
  co_await la.stop();
  co_await lb.stop();
  BOOST_TEST(la.dropped_messages() == 0u);
  BOOST_TEST(lb.dropped_messages() == 0u);
}

CO_TEST_CASE(a_late_router_learns_the_senders_and_events_keep_their_order) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  co_await la.start();
  co_await a.add_sender("counter", sig::events("tick"));
  log_type connects;
  co_await b.add_listener(recorder(connects, "b"), sig::any, "#connect");
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  co_await lb.start();
  BOOST_TEST(co_await eventually([&] { return connects.size() == 1; }));
  BOOST_TEST(connects == log_type{"b:counter/#connect"}, boost::test_tools::per_element());
  auto declared = co_await b.declared_events("counter");
  BOOST_TEST(declared == std::vector<std::string>{"tick"}, boost::test_tools::per_element());
  const std::int64_t n = 500;
  for (std::int64_t i = 0; i < n; ++i) co_await a.trigger("counter", "tick", sig::arg("i", i));
  BOOST_TEST(co_await eventually([&] { return ticks.size() == std::size_t(n); }));
  bool in_order = true;
  for (std::int64_t i = 0; i < std::int64_t(ticks.size()); ++i)
    in_order = in_order && ticks[i] == i;
  BOOST_TEST(in_order);
  co_await la.stop();
  co_await lb.stop();
}

// Two senders whose triggers alternate, with names too long to be stored
// inline in a string: each listener hears each sender's events, in order.
CO_TEST_CASE(alternating_senders_reach_their_listeners_in_order) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  const std::string kitchen = "thermometer-in-the-kitchen", hall = "thermometer-in-the-hall";
  log_type heard;
  std::vector<std::int64_t> kitchen_ticks, hall_ticks;
  co_await b.add_listener(
      [&](const sig::event& ev) {
        heard.push_back(sig::sender_name(ev));
        (sig::sender_name(ev) == kitchen ? kitchen_ticks : hall_ticks)
            .push_back(sig::event_data(ev).get<std::int64_t>("i"));
      },
      sig::any, "#changed");
  co_await lb.start();
  co_await la.start();
  co_await a.add_sender(kitchen, sig::events("#changed"));
  co_await a.add_sender(hall, sig::events("#changed"));
  BOOST_TEST(co_await connected_eventually(b, kitchen));
  BOOST_TEST(co_await connected_eventually(b, hall));
  for (std::int64_t i = 0; i < 50; ++i) {
    co_await a.trigger(kitchen, "#changed", sig::arg("i", i));
    co_await a.trigger(hall, "#changed", sig::arg("i", i));
    if (i % 10 == 0) co_await a.trigger(hall, "#changed", sig::arg("i", -1));
  }
  BOOST_TEST(co_await eventually([&] { return heard.size() == 105; }));
  std::vector<std::int64_t> expected_kitchen, expected_hall;
  for (std::int64_t i = 0; i < 50; ++i) {
    expected_kitchen.push_back(i);
    expected_hall.push_back(i);
    if (i % 10 == 0) expected_hall.push_back(-1);
  }
  BOOST_TEST(kitchen_ticks == expected_kitchen, boost::test_tools::per_element());
  BOOST_TEST(hall_ticks == expected_hall, boost::test_tools::per_element());
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(a_killed_process_is_announced_disconnected_within_the_expiry) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router b(ex);
  sig::nats_link lb(b, options_for(server));
  log_type presence;
  std::vector<std::int64_t> values;
  co_await b.add_listener(
      [&](const sig::event& ev) {
        values.push_back(sig::event_data(ev).get<std::int64_t>("value"));
      },
      "sensor", "#changed");
  co_await b.add_listener(recorder(presence, "b"), "sensor");
  co_await lb.start();
  std::vector<std::string> peer_args(1, ASIO_SIGNALS_NATS_PEER);
  for (const std::string& arg :
       {server.url(), std::string("t"), std::string("sensor"), std::string("20")})
    peer_args.push_back(arg);
  test::child_process peer(peer_args);
  bool got = co_await eventually([&] { return values.size() == 20; });
  BOOST_TEST(got);
  // Every reading of the other process, once each, in the order triggered.
  std::vector<std::int64_t> triggered(20);
  std::iota(triggered.begin(), triggered.end(), 0);
  BOOST_TEST(values == triggered, boost::test_tools::per_element());
  BOOST_TEST(co_await b.is_connected("sensor"));
  // A request across processes.
  std::any pong = co_await b.request("sensor", "ping");
  BOOST_TEST(std::any_cast<std::string>(pong) == "pong");
  peer.kill();
  auto killed = std::chrono::steady_clock::now();
  BOOST_TEST(co_await eventually(
      [&] { return !presence.empty() && presence.back() == "b:sensor/#disconnect"; }));
  // The peer's expiry is 500 ms, checked every 100 ms.
  BOOST_TEST(ms_since(killed) < 1500);
  BOOST_TEST(!co_await b.is_connected("sensor"));
  co_await lb.stop();
}

CO_TEST_CASE(garbage_on_a_subject_is_dropped_reported_and_counted) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto ob = options_for(server);
  ob.on_error = errors.handler();
  sig::nats_link la(a, options_for(server)), lb(b, ob);
  log_type received, other;
  co_await b.add_listener(recorder(received, "b"), "temp", "cold");
  co_await b.add_listener(recorder(other, "c"), "temp", "cold");
  co_await lb.start();
  co_await la.start();
  co_await a.add_sender("temp", sig::events("cold"));
  co_await a.trigger("temp", "cold");
  BOOST_TEST(co_await eventually([&] { return received.size() == 1; }));
  raw_client raw(server.url());
  raw.publish("t.s.ev.temp.cold", "not json {");
  raw.publish("t.s.pr.somebody", "[1, 2]");
  raw.publish("t.s.ev.bad%ZZ.cold", "{}");
  // An event among the garbage, published raw too, reaches both listeners.
  raw.publish("t.s.ev.temp.cold", "{\"n\":1}");
  raw.publish("t.s.ev.temp.cold", "[1, 2]");
  raw.publish("t.s.ev.temp.cold", "\"text\"");
  raw.publish("t.s.ev.temp.cold", "{\"a\":1} {");
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 6; }));
  BOOST_TEST(
      errors.subjects == (log_type{"t.s.ev.temp.cold", "t.s.pr.somebody", "t.s.ev.bad%ZZ.cold",
                                   "t.s.ev.temp.cold", "t.s.ev.temp.cold", "t.s.ev.temp.cold"}),
      boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(errors.messages.size() == 6u);
  BOOST_TEST(test::contains(errors.messages[0], "undecodable JSON"), errors.messages[0]);
  BOOST_TEST(test::contains(errors.messages[3], "not a JSON object"), errors.messages[3]);
  BOOST_TEST(test::contains(errors.messages[4], "not a JSON object"), errors.messages[4]);
  BOOST_TEST(test::contains(errors.messages[5], "undecodable JSON"), errors.messages[5]);
  co_await a.trigger("temp", "cold");
  BOOST_TEST(co_await eventually([&] { return received.size() == 3 && other.size() == 3; }));
  // Each event once to each listener, the garbage to none.
  BOOST_TEST(received == log_type(3, "b:temp/cold"), boost::test_tools::per_element());
  BOOST_TEST(other == log_type(3, "c:temp/cold"), boost::test_tools::per_element());
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(garbage_requests_are_dropped_reported_and_counted) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto oa = options_for(server);
  oa.on_error = errors.handler();
  sig::nats_link la(a, oa), lb(b, options_for(server));
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("sensor", sig::events("changed"),
                        sig::method("ping", [] { return std::string("pong"); }));
  BOOST_TEST_REQUIRE(co_await connected_eventually(b, "sensor"));
  // Taken from their subscription on the executor, as the requests of
  // other links are.
  raw_client raw(server.url());
  raw.publish("t.rq.sensor", "not json {");
  raw.publish("t.rq.sensor", R"({"method": 1})");
  BOOST_TEST(co_await eventually([&] { return la.dropped_messages() == 2; }));
  BOOST_TEST(errors.subjects == (log_type{"t.rq.sensor", "t.rq.sensor"}),
             boost::test_tools::per_element());
  // The requests after them are served.
  std::any pong = co_await b.request("sensor", "ping");
  BOOST_TEST(std::any_cast<std::string>(pong) == "pong");
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(messages_beyond_pending_bytes_are_dropped_counted_and_reported) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto oa = options_for(server), ob = options_for(server);
  oa.presence_expiry = ob.presence_expiry = 5s;
  ob.on_error = errors.handler();
  ob.pending_bytes = 4096;
  sig::nats_link la(a, oa), lb(b, ob);
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  co_await lb.start();
  co_await la.start();
  co_await a.add_sender("counter", sig::events("tick"));
  BOOST_TEST_REQUIRE(co_await connected_eventually(b, "counter"));
  // The executor is held while a raw client publishes about 50 KB of the
  // sender's events and cnats's threads receive them.
  constexpr std::int64_t n = 400;
  {
    raw_client raw(server.url());
    const std::string pad(100, 'x');
    for (std::int64_t i = 1; i <= n; ++i)
      raw.publish("t.s.ev.counter.tick",
                  "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + pad + "\"}");
    std::this_thread::sleep_for(300ms);
  }
  BOOST_TEST(co_await eventually(
      [&] { return static_cast<std::int64_t>(ticks.size() + lb.dropped_messages()) == n; }));
  // The first ones fit, in order; the others are counted, and reported by
  // the mailbox (and by cnats's queue, if its delivery thread fell behind
  // too: it has the same bound).
  BOOST_TEST(!ticks.empty());
  BOOST_TEST(ticks.size() < 40u);
  for (std::size_t i = 0; i < ticks.size(); ++i) BOOST_TEST(ticks[i] == std::int64_t(i + 1));
  BOOST_TEST_REQUIRE(!errors.messages.empty());
  for (const auto& message : errors.messages)
    BOOST_TEST(test::contains(message, "nats_options::pending_bytes"), message);
  // The mailbox's reports (one per drain) give their counts; all of them
  // when cnats's queue dropped none.
  std::uint64_t reported = 0;
  for (std::size_t i = 0; i < errors.messages.size(); ++i)
    if (errors.subjects[i] == "t.s.ev.counter.tick")
      reported += std::stoull(errors.messages[i].substr(errors.messages[i].find(' ') + 1));
  BOOST_TEST(reported > 0u);
  if (std::count(errors.subjects.begin(), errors.subjects.end(), "t.s.>") == 0)
    BOOST_TEST(reported == lb.dropped_messages());
  // The link takes the events that follow.
  co_await a.trigger("counter", "tick", sig::arg("i", n + 1));
  BOOST_TEST(co_await eventually([&] { return !ticks.empty() && ticks.back() == n + 1; }));
  // A message larger than the bound is dropped by cnats's queue, before the
  // mailbox: counted, and reported with the subscription's subject.
  // (A report of the burst's may still be on its way.)
  const std::uint64_t dropped = lb.dropped_messages();
  const std::size_t reports = errors.messages.size();
  auto reported_by_cnats = [&] {
    return std::count(errors.subjects.begin() + std::ptrdiff_t(reports), errors.subjects.end(),
                      "t.s.>") > 0;
  };
  raw_client(server.url())
      .publish("t.s.ev.counter.tick", "{\"i\":0,\"pad\":\"" + std::string(5000, 'x') + "\"}");
  BOOST_TEST(co_await eventually(
      [&] { return lb.dropped_messages() == dropped + 1 && reported_by_cnats(); }));
  BOOST_TEST(std::count(errors.subjects.begin() + std::ptrdiff_t(reports), errors.subjects.end(),
                        "t.s.ev.counter.tick") == 0);
  co_await a.trigger("counter", "tick", sig::arg("i", n + 2));
  BOOST_TEST(co_await eventually([&] { return ticks.back() == n + 2; }));
  co_await la.stop();
  co_await lb.stop();
}

// The replies come on a connection of their own, bounded and reported as
// the events' is.
CO_TEST_CASE(a_reply_beyond_pending_bytes_is_dropped_counted_and_reported) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto ob = options_for(server);
  ob.on_error = errors.handler();
  ob.pending_bytes = 4096;
  ob.request_timeout = 1s;
  sig::nats_link la(a, options_for(server)), lb(b, ob);
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("store", sig::events("changed"),
                        sig::method("small", [] { return std::string(100, 's'); }),
                        sig::method("large", [] { return std::string(5000, 'l'); }));
  BOOST_TEST_REQUIRE(co_await connected_eventually(b, "store"));
  // The large reply is beyond the bytes cnats's queue of b's replies holds:
  // dropped there, so the request times out, and the drop is counted and
  // reported with the replies' subject.
  auto lost = co_await test::failure_of<boost::system::system_error>(b.request("store", "large"));
  BOOST_TEST(test::contains(lost, "no reply from 'store' to 'large'"), lost);
  BOOST_TEST(co_await eventually([&] { return !errors.messages.empty(); }));
  BOOST_TEST_REQUIRE(errors.messages.size() == 1u);
  BOOST_TEST(errors.subjects[0].starts_with("_INBOX."), errors.subjects[0]);
  BOOST_TEST(test::contains(errors.messages[0], "nats_options::pending_bytes"), errors.messages[0]);
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 1u; }));
  // The replies that fit still arrive.
  std::any small = co_await b.request("store", "small");
  BOOST_TEST(std::any_cast<std::string>(small) == std::string(100, 's'));
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(events_before_their_senders_announcement_wait_for_it_up_to_a_bound) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router b(ex);
  error_log errors;
  auto ob = options_for(server);
  ob.on_error = errors.handler();
  // Room for two of the events below (16 bytes of subject, 7 of payload).
  ob.held_event_bytes = 50;
  // Long enough that a slow (sanitized) build does not expire what this
  // test means to deliver.
  ob.presence_expiry = 2s;
  sig::nats_link lb(b, ob);
  log_type heard;
  auto listener = [&heard](const sig::event& ev) {
    const auto* i = sig::event_data(ev).get_if<std::int64_t>("i");
    heard.push_back(sig::sender_name(ev) + "/" + sig::event_name(ev) +
                    (i ? " " + std::to_string(*i) : ""));
  };
  co_await b.add_listener(listener);
  co_await lb.start();
  // Three events come before their sender's announcement: the first is
  // dropped to make room for the third.
  raw_client raw(server.url());
  raw.publish("t.s.ev.ghost.boo", R"({"i":1})");
  raw.publish("t.s.ev.ghost.boo", R"({"i":2})");
  raw.publish("t.s.ev.ghost.boo", R"({"i":3})");
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 1; }));
  BOOST_TEST_REQUIRE(errors.messages.size() == 1u);
  BOOST_TEST(errors.subjects[0] == "t.s.ev.ghost.boo");
  BOOST_TEST(test::contains(errors.messages[0], "'ghost'"), errors.messages[0]);
  BOOST_TEST(test::contains(errors.messages[0], "held_event_bytes"), errors.messages[0]);
  BOOST_TEST(heard.empty());
  // The announcement comes: the held events follow its #connect, in order,
  // and before the sender's next one.
  raw.publish("t.s.pr.ghostlink", R"({"senders":{"ghost":["boo"]},"bye":false})");
  raw.publish("t.s.ev.ghost.boo", R"({"i":4})");
  // (The senders of this test expire 2 s after their last announcement.)
  BOOST_TEST(co_await eventually([&] { return heard.size() >= 4; }));
  BOOST_TEST_REQUIRE(heard.size() >= 4u);
  BOOST_TEST(log_type(heard.begin(), heard.begin() + 4) ==
                 (log_type{"ghost/#connect", "ghost/boo 2", "ghost/boo 3", "ghost/boo 4"}),
             boost::test_tools::per_element());
  raw.publish("t.s.pr.ghostlink", R"({"senders":{},"bye":true})");
  BOOST_TEST(co_await eventually([&] { return heard.size() == 5; }));
  // An event larger than the room goes at once, and alone.
  raw.publish("t.s.ev.kept.boo", R"({"i":5})");
  raw.publish("t.s.ev.kept.boo", R"({"i":6,"padding":"......................................"})");
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 2; }));
  BOOST_TEST_REQUIRE(errors.messages.size() == 2u);
  BOOST_TEST(test::contains(errors.messages[1], "larger than"), errors.messages[1]);
  raw.publish("t.s.pr.keptlink", R"({"senders":{"kept":["boo"]},"bye":false})");
  BOOST_TEST(co_await eventually([&] { return heard.size() >= 7; }));
  BOOST_TEST_REQUIRE(heard.size() >= 7u);
  BOOST_TEST(heard[5] == "kept/#connect");
  BOOST_TEST(heard[6] == "kept/boo 5");
  // An event of a sender that is never announced is dropped once the
  // presence expiry has passed.
  auto published = std::chrono::steady_clock::now();
  raw.publish("t.s.ev.nobody.boo", R"({"i":7})");
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 3; }));
  BOOST_TEST(ms_since(published) >= 2000);
  BOOST_TEST_REQUIRE(errors.messages.size() == 3u);
  BOOST_TEST(errors.subjects[2] == "t.s.ev.nobody.boo");
  BOOST_TEST(test::contains(errors.messages[2], "'nobody'"), errors.messages[2]);
  BOOST_TEST(test::contains(errors.messages[2], "presence_expiry"), errors.messages[2]);
  // Another process's event of a sender that is this process's own is
  // dropped at once.
  co_await b.add_sender("mine", sig::events("boo"));
  raw.publish("t.s.ev.mine.boo", R"({"i":8})");
  BOOST_TEST(co_await eventually([&] { return lb.dropped_messages() == 4; }));
  BOOST_TEST_REQUIRE(errors.messages.size() == 4u);
  BOOST_TEST(test::contains(errors.messages[3], "this process's own"), errors.messages[3]);
  // One still held when the link stops is dropped too. The announcement
  // that follows it on the same subject is handled after it.
  raw.publish("t.s.ev.late.boo", R"({"i":9})");
  raw.publish("t.s.pr.keptlink", R"({"senders":{"kept":["boo"],"marker":[]},"bye":false})");
  BOOST_TEST(co_await eventually(
      [&] { return std::count(heard.begin(), heard.end(), "marker/#connect") == 1; }));
  co_await lb.stop();
  BOOST_TEST(lb.dropped_messages() == 5u);
  BOOST_TEST_REQUIRE(errors.messages.size() == 5u);
  BOOST_TEST(errors.subjects[4] == "t.s.ev.late.boo");
  BOOST_TEST(test::contains(errors.messages[4], "stopped"), errors.messages[4]);
}

CO_TEST_CASE(requests_cross_links_with_distinct_errors) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  auto ob = options_for(server);
  ob.request_timeout = 500ms;
  sig::nats_link la(a, options_for(server)), lb(b, ob);
  co_await la.start();
  co_await lb.start();
  // Answers after a second: its replies come after their requests ended.
  int slow_answered = 0;
  auto slow = [&slow_answered]() -> asio::awaitable<int> {
    co_await sleep(1000ms);
    ++slow_answered;
    co_return 1;
  };
  co_await a.add_sender(
      "weather", sig::events("changed"),
      sig::method(
          "temperature",
          [](const sig::kwargs& p) { return p.get<std::string>("unit") == "C" ? 29.5 : 85.1; }),
      sig::method("fail", []() -> int { throw std::runtime_error("sensor broken"); }),
      sig::method("nan", [] { return std::numeric_limits<double>::quiet_NaN(); }),
      sig::method("slow", slow));
  log_type connects;
  co_await b.add_listener(recorder(connects, "b"), "weather", "#connect");
  BOOST_TEST(co_await eventually([&] { return connects.size() == 1; }));
  std::any t = co_await b.request("weather", "temperature", sig::arg("unit", "C"));
  BOOST_TEST(std::any_cast<double>(t) == 29.5);
  auto lookup = co_await test::failure_of<sig::lookup_error>(b.request("weather", "wind"));
  BOOST_TEST(test::contains(lookup, "wind"), lookup);
  auto failed = co_await test::failure_of<sig::remote_error>(b.request("weather", "fail"));
  BOOST_TEST(failed == "sensor broken");
  // A result JSON has no number for fails in the owner, which says why.
  auto nan = co_await test::failure_of<sig::remote_error>(b.request("weather", "nan"));
  BOOST_TEST(test::contains(nan, "the result holds a NaN"), nan);
  // A timeout by per-operation cancellation.
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(ex, 100ms);
  auto started = std::chrono::steady_clock::now();
  auto first = co_await (b.request("weather", "slow") || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(first.index() == 1u);
  BOOST_TEST(ms_since(started) < 500);
  // A timeout by request_timeout, with its own error code.
  boost::system::error_code timed_out;
  try {
    co_await b.request("weather", "slow");
  } catch (const boost::system::system_error& e) {
    timed_out = e.code();
  }
  BOOST_TEST(timed_out == asio::error::timed_out);
  // The replies of both slow requests come after their requests ended: each
  // is dropped, and the requests after them get their own replies.
  t = co_await b.request("weather", "temperature", sig::arg("unit", "F"));
  BOOST_TEST(std::any_cast<double>(t) == 85.1);
  BOOST_TEST(co_await eventually([&] { return slow_answered == 2; }));
  co_await sleep(100ms);
  t = co_await b.request("weather", "temperature", sig::arg("unit", "C"));
  BOOST_TEST(std::any_cast<double>(t) == 29.5);
  BOOST_TEST(lb.dropped_messages() == 0u);
  // A proxy whose process never answers: NATS says no responders at once.
  raw_client raw(server.url());
  raw.publish("t.s.pr.ghostlink", R"({"senders":{"ghost":["boo"]},"bye":false})");
  BOOST_TEST(co_await eventually([&] { return connects.size() == 1; }));
  bool ghost = co_await connected_eventually(b, "ghost");
  BOOST_TEST(ghost);
  started = std::chrono::steady_clock::now();
  auto nobody = co_await test::failure_of<sig::not_connected_error>(b.request("ghost", "anything"));
  BOOST_TEST(test::contains(nobody, "no responders"), nobody);
  BOOST_TEST(ms_since(started) < 1000);
  // The ghost's link never speaks again: its sender expires.
  BOOST_TEST(co_await eventually([&] { return false; }, 700ms) == false);
  BOOST_TEST(!co_await b.is_connected("ghost"));
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(a_late_no_responders_answer_is_not_taken_for_the_next_request) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  auto options = options_for(server);
  options.heartbeat_interval = 1s;
  options.presence_expiry = 5s;
  auto ob = options;
  ob.request_timeout = 100ms;
  sig::nats_link la(a, options), lb(b, ob);
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("weather", sig::events("changed"),
                        sig::method("temperature", [] { return 29.5; }));
  raw_client raw(server.url());
  raw.publish("t.s.pr.ghostlink", R"({"senders":{"ghost":["boo"]},"bye":false})");
  BOOST_TEST_REQUIRE(co_await connected_eventually(b, "weather"));
  BOOST_TEST_REQUIRE(co_await connected_eventually(b, "ghost"));
  // The server, paused, answers "no responders" to the request to the ghost
  // only after it timed out; then the next request gets its own reply.
  server.pause();
  boost::system::error_code timed_out;
  try {
    co_await b.request("ghost", "anything");
  } catch (const boost::system::system_error& e) {
    timed_out = e.code();
  }
  BOOST_TEST(timed_out == asio::error::timed_out);
  server.resume();
  co_await sleep(50ms);
  std::any t = co_await b.request("weather", "temperature");
  BOOST_TEST(std::any_cast<double>(t) == 29.5);
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(events_of_a_sender_stopped_before_its_announcement_reach_listeners) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  co_await lb.start();
  co_await la.start();
  // Announced once a flush returned, which the stop does not wait for.
  co_await a.add_sender("counter", sig::events("tick"));
  co_await a.trigger("counter", "tick", sig::arg("i", std::int64_t(1)));
  co_await la.stop();
  BOOST_TEST(co_await eventually([&] { return ticks.size() == 1; }));
  co_await lb.stop();
}

CO_TEST_CASE(senders_added_before_the_link_started_are_shared) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  co_await a.add_sender("early", sig::events("e"), sig::method("ping", [] { return 1; }));
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  std::vector<std::int64_t> got;
  co_await b.add_listener(
      [&](const sig::event& ev) { got.push_back(sig::event_data(ev).get<std::int64_t>("i")); },
      "early", "e");
  co_await lb.start();
  co_await la.start();
  bool connected = co_await connected_eventually(b, "early");
  BOOST_TEST(connected);
  co_await a.trigger("early", "e", sig::arg("i", std::int64_t(7)));
  BOOST_TEST(co_await eventually([&] { return got.size() == 1; }));
  BOOST_TEST(got.front() == 7);
  std::any pong = co_await b.request("early", "ping");
  BOOST_TEST(std::any_cast<std::int64_t>(pong) == 1);
  co_await la.stop();
  co_await lb.stop();
}

// A sender removed and added again is published on the subjects of the
// events it declares now, though its last trigger named the same event.
CO_TEST_CASE(a_sender_added_again_publishes_its_events_as_declared_now) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  log_type heard, gone;
  co_await b.add_listener(recorder(gone, "b"), sig::any, "#disconnect");
  co_await b.add_listener(recorder(heard, "b"), sig::any, "#changed");
  co_await b.add_listener(recorder(heard, "b"), "temp", "cold");
  co_await lb.start();
  co_await la.start();
  co_await a.add_sender("temp", sig::events("#changed"));
  BOOST_TEST(co_await connected_eventually(b, "temp"));
  co_await a.trigger("temp", "#changed");
  BOOST_TEST(co_await eventually([&] { return heard.size() == 1; }));
  co_await a.remove_sender("temp");
  BOOST_TEST(co_await eventually([&] { return gone.size() == 1; }));
  co_await a.add_sender("temp", sig::events("cold", "#changed"));
  BOOST_TEST(co_await connected_eventually(b, "temp"));
  co_await a.trigger("temp", "#changed");
  co_await a.trigger("temp", "cold");
  BOOST_TEST(co_await eventually([&] { return heard.size() == 3; }));
  BOOST_TEST(heard == log_type({"b:temp/#changed", "b:temp/#changed", "b:temp/cold"}),
             boost::test_tools::per_element());
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(each_link_of_a_router_publishes_its_triggers) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex), c(ex);
  auto other = options_for(server);
  other.prefix = "other";
  // Router a is linked twice, under two prefixes; b and c hear one each.
  sig::nats_link la(a, options_for(server)), la_other(a, other);
  sig::nats_link lb(b, options_for(server)), lc(c, other);
  std::vector<std::int64_t> heard_b, heard_c;
  auto into = [](std::vector<std::int64_t>& heard) {
    return [&heard](const sig::event& ev) {
      heard.push_back(sig::event_data(ev).get<std::int64_t>("i"));
    };
  };
  co_await b.add_listener(into(heard_b), "s", "e");
  co_await c.add_listener(into(heard_c), "s", "e");
  co_await lb.start();
  co_await lc.start();
  co_await la.start();
  co_await la_other.start();
  co_await a.add_sender("s", sig::events("e"));
  BOOST_TEST(co_await connected_eventually(b, "s"));
  BOOST_TEST(co_await connected_eventually(c, "s"));
  co_await a.trigger("s", "e", sig::arg("i", std::int64_t(1)));
  BOOST_TEST(co_await eventually([&] { return heard_b.size() == 1 && heard_c.size() == 1; }));
  // One link stopped, the other still publishes.
  co_await la.stop();
  co_await a.trigger("s", "e", sig::arg("i", std::int64_t(2)));
  BOOST_TEST(co_await eventually([&] { return heard_c.size() == 2; }));
  BOOST_TEST(heard_c == std::vector<std::int64_t>({1, 2}), boost::test_tools::per_element());
  BOOST_TEST(heard_b == std::vector<std::int64_t>({1}), boost::test_tools::per_element());
  co_await la_other.stop();
  co_await lb.stop();
  co_await lc.stop();
}

CO_TEST_CASE(a_stopping_link_answers_the_requests_it_serves) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("svc", sig::events("e"), sig::method("slow", []() -> asio::awaitable<int> {
                          co_await sleep(200ms);
                          co_return 42;
                        }));
  bool connected = co_await connected_eventually(b, "svc");
  BOOST_TEST(connected);
  std::optional<std::int64_t> answer;
  std::string error;
  b.request("svc", "slow", [&](std::exception_ptr e, std::any r) {
    if (e)
      error = test::message_of(e);
    else
      answer = std::any_cast<std::int64_t>(r);
  });
  co_await sleep(50ms);
  // The request is being served in a's process when its link stops.
  co_await la.stop();
  BOOST_TEST(co_await eventually([&] { return answer || !error.empty(); }));
  BOOST_TEST(answer.value_or(0) == 42, error);
  // Then its sender is gone.
  BOOST_TEST(co_await eventually([&] { return false; }, 100ms) == false);
  BOOST_TEST(!co_await b.is_connected("svc"));
  co_await lb.stop();
}

CO_TEST_CASE(names_that_tokens_cannot_carry_are_encoded) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
  log_type received;
  co_await b.add_listener(recorder(received, "b"), "room 1.temp*", "too>hot%");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("room 1.temp*", sig::events("too>hot%", "#a.b"));
  bool connected = co_await connected_eventually(b, "room 1.temp*");
  BOOST_TEST(connected);
  co_await a.trigger("room 1.temp*", "too>hot%");
  BOOST_TEST(co_await eventually([&] { return received.size() == 1; }));
  BOOST_TEST(received == log_type{"b:room 1.temp*/too>hot%"}, boost::test_tools::per_element());
  co_await la.stop();
  co_await lb.stop();
}

BOOST_AUTO_TEST_CASE(invalid_options_are_rejected) {
  asio::io_context ctx;
  sig::router r(ctx);
  auto rejects = [&](sig::nats_options o) {
    try {
      sig::nats_link link(r, o);
    } catch (const std::invalid_argument&) {
      return true;
    }
    return false;
  };
  sig::nats_options ok;
  ok.servers.push_back("nats://127.0.0.1:4222");
  BOOST_TEST(!rejects(ok));
  sig::nats_options none;
  BOOST_TEST(rejects(none));
  for (std::string prefix : {"", "a..b", "a.*", "a b", "a.>", "a."}) {
    sig::nats_options bad = ok;
    bad.prefix = prefix;
    BOOST_TEST(rejects(bad), prefix);
  }
  sig::nats_options slow = ok;
  slow.presence_expiry = slow.heartbeat_interval;
  BOOST_TEST(rejects(slow));
  sig::nats_options no_room = ok;
  no_room.pending_bytes = 0;
  BOOST_TEST(rejects(no_room));
  sig::nats_options past = ok;
  past.write_deadline = std::chrono::milliseconds(-1);
  BOOST_TEST(rejects(past));
}

CO_TEST_CASE(values_are_json_and_unencodable_ones_fail_the_trigger) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto oa = options_for(server);
  oa.on_error = errors.handler();
  oa.json_type<point>();
  oa.json_type<faulty>();
  sig::nats_link la(a, oa), lb(b, options_for(server));
  sig::kwargs got;
  co_await b.add_listener([&](const sig::event& ev) { got = sig::event_data(ev); }, "s", "e");
  int local = 0;
  co_await a.add_listener([&](const sig::event&) { ++local; }, "s", "e");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("s", sig::events("e"));
  bool connected = co_await connected_eventually(b, "s");
  BOOST_TEST(connected);
  auto unencodable = a.trigger("s", "e", sig::arg("o", opaque{}));
  std::string error = co_await test::failure_of<sig::nats_error>(std::move(unencodable));
  BOOST_TEST(test::contains(error, "opaque"), error);
  BOOST_TEST(test::contains(error, "json_type"), error);
  // An encoding that throws fails the trigger with what it threw.
  error =
      co_await test::failure_of<std::runtime_error>(a.trigger("s", "e", sig::arg("f", faulty{})));
  BOOST_TEST(test::contains(error, "faulty cannot be encoded"), error);
  // JSON has no number for a NaN or an infinity, at any depth of a value.
  error = co_await test::failure_of<sig::nats_error>(
      a.trigger("s", "e", sig::arg("nan", std::numeric_limits<double>::quiet_NaN())));
  BOOST_TEST(test::contains(error, "kwarg \"nan\" holds a NaN"), error);
  error = co_await test::failure_of<sig::nats_error>(
      a.trigger("s", "e", sig::arg("low", -std::numeric_limits<float>::infinity())));
  BOOST_TEST(test::contains(error, "kwarg \"low\" holds an infinity"), error);
  boost::json::value deep = {1, {{"x", std::numeric_limits<double>::infinity()}}};
  error = co_await test::failure_of<sig::nats_error>(a.trigger("s", "e", sig::arg("deep", deep)));
  BOOST_TEST(test::contains(error, "kwarg \"deep\" holds an infinity"), error);
  BOOST_TEST(la.failed_publishes() == 0u);
  BOOST_TEST(errors.messages.empty());
  boost::json::value pair = {1, 2};
  co_await a.trigger("s", "e", sig::arg("text", "hi"), sig::arg("q\"\n", "a\\\"b\x01"),
                     sig::arg("n", 7), sig::arg("long", -(1ll << 40)), sig::arg("big", 1u << 31),
                     sig::arg("whole", 20.0), sig::arg("huge", 1e300), sig::arg("zero", -0.0),
                     sig::arg("f", 0.25f), sig::arg("exact", -97570.19231092371),
                     sig::arg("yes", true), sig::arg("nothing", nullptr),
                     sig::arg("p", point{3, 4}), sig::arg("j", pair));
  BOOST_TEST(co_await eventually([&] { return !got.empty(); }));
  BOOST_TEST(got.get<std::string>("text") == "hi");
  BOOST_TEST(got.get<std::string>("q\"\n") == "a\\\"b\x01");
  BOOST_TEST(got.get<std::int64_t>("n") == 7);
  BOOST_TEST(got.get<std::int64_t>("long") == -(1ll << 40));
  BOOST_TEST(got.get<std::int64_t>("big") == std::int64_t(1u << 31));
  BOOST_TEST(got.get<double>("f") == 0.25);
  // A whole double stays a double.
  BOOST_TEST(got.get<double>("whole") == 20.0);
  BOOST_TEST(got.get<double>("huge") == 1e300);
  BOOST_TEST(std::signbit(got.get<double>("zero")));
  // Boost.JSON 1.81's parser alone reads this one as -97570.192310923725.
  BOOST_TEST(got.get<double>("exact") == -97570.19231092371);
  BOOST_TEST(got.get<bool>("yes"));
  BOOST_TEST(got.contains("nothing"));
  auto p = boost::json::value_to<point>(got.get<boost::json::value>("p"));
  BOOST_TEST(p.x == 3);
  BOOST_TEST(p.y == 4);
  BOOST_TEST(got.get<boost::json::value>("j") == pair);
  // The failed trigger reached no listener, here or there.
  BOOST_TEST(local == 1);
  co_await la.stop();
  co_await lb.stop();
}

// Every finite double arrives as it was sent, to the bit: decimals of up to
// 15 digits, which the parser's own conversion reads exactly, and doubles of
// 16 and 17 digits, which are read again from their text.
CO_TEST_CASE(doubles_arrive_to_the_bit) {
  test::nats_server server;
  payload_path path(co_await asio::this_coro::executor, server);
  std::vector<double> sent = {0.1,
                              0.3,
                              -0.0,
                              20.507,
                              1e22,
                              1e23,
                              5e-324,
                              2.5e-22,
                              1e15,
                              123456.789,
                              -1e-15,
                              1.7976931348623157e308,
                              9007199254740993.0,
                              -97570.19231092371};
  std::mt19937_64 random(2026);
  while (sent.size() < 2000) {
    std::uint64_t bits = random();
    double x = 0;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) sent.push_back(x);
    const double decimal = static_cast<double>(random() % 1'000'000'000'000'000) /
                           std::pow(10.0, static_cast<double>(random() % 16));
    sent.push_back(bits % 2 ? decimal : -decimal);
  }
  sig::kwargs data;
  for (std::size_t i = 0; i < sent.size(); ++i) data.set("v" + std::to_string(i), sent[i]);
  std::optional<sig::kwargs> got;
  auto keep = [&](const sig::event& ev) { got = sig::event_data(ev); };
  BOOST_TEST(co_await path.start(keep));
  co_await path.a.trigger("s", "e", data);
  BOOST_TEST(co_await eventually([&] { return got.has_value(); }));
  std::size_t differ = 0;
  for (std::size_t i = 0; got && i < sent.size(); ++i) {
    const double x = got->get<double>("v" + std::to_string(i));
    if (std::memcmp(&x, &sent[i], sizeof x) != 0) ++differ;
  }
  BOOST_TEST(differ == 0u);
  co_await path.stop();
}

// A double goes on the wire in the fewest digits that read back exactly,
// with ".0" after a whole number, so that it is read back as a double; one
// of at most 15 digits without an exponent. (The trigger publishes before it
// completes, so the raw client's blocking read finds the message.)
CO_TEST_CASE(doubles_go_on_the_wire_in_their_fewest_digits) {
  test::nats_server server;
  sig::router a(co_await asio::this_coro::executor);
  sig::nats_link la(a, options_for(server));
  raw_client raw(server.url());
  raw.subscribe("t.s.ev.s.e");
  co_await la.start();
  co_await a.add_sender("s", sig::events("e"));
  co_await a.trigger("s", "e", sig::arg("a", 20.507), sig::arg("b", 0.55), sig::arg("c", 5.0),
                     sig::arg("d", -0.001), sig::arg("e", 0.1 + 0.2), sig::arg("f", 1e22),
                     sig::arg("g", -0.0), sig::arg("h", 123456789012345.6), sig::arg("i", 0.00001));
  BOOST_TEST(raw.next_payload() ==
             R"({"a":20.507,"b":0.55,"c":5.0,"d":-0.001,"e":0.30000000000000004,"f":1e+22,)"
             R"("g":-0.0,"h":123456789012345.6,"i":0.00001})");
  co_await la.stop();
}

// Payloads that no link writes but any JSON writer may: escapes, numbers
// beyond int64, nested values, a repeated name.
CO_TEST_CASE(any_json_object_is_read_as_kwargs) {
  test::nats_server server;
  payload_path path(co_await asio::this_coro::executor, server);
  std::vector<sig::kwargs> got;
  auto keep = [&](const sig::event& ev) { got.push_back(sig::event_data(ev)); };
  BOOST_TEST(co_await path.start(keep));
  raw_client raw(server.url());
  // Cut short within a nested value: dropped, and the next payload is read
  // afresh.
  raw.publish("t.s.ev.s.e", R"({"a": {"b": [1, {"c": "d)");
  raw.publish("t.s.ev.s.e",
              R"( { "t\u00e9xt" : "a\"b\n\u00e9" , "huge": 18446744073709551615, "neg": -5,)"
              R"( "nested": {"d": [-97570.19231092371, {"k": null}], "s": "x\ty", "e": [],)"
              R"( "o": {}}, "n": 1, "n": 2, "d": 1e2, "empty": [] } )");
  raw.publish("t.s.ev.s.e", "{}");
  BOOST_TEST(co_await eventually([&] { return got.size() == 2; }));
  BOOST_TEST_REQUIRE(got.size() == 2u);
  const sig::kwargs& k = got[0];
  std::vector<std::string> names;
  for (const auto& entry : k) names.push_back(entry.first);
  BOOST_TEST(names == (log_type{"t\xc3\xa9xt", "huge", "neg", "nested", "n", "d", "empty"}),
             boost::test_tools::per_element());
  BOOST_TEST(k.get<std::string>("t\xc3\xa9xt") == "a\"b\n\xc3\xa9");
  BOOST_TEST(k.get<std::uint64_t>("huge") == 18446744073709551615u);
  BOOST_TEST(k.get<std::int64_t>("neg") == -5);
  BOOST_TEST(k.get<std::int64_t>("n") == 2);
  BOOST_TEST(k.get<double>("d") == 100.0);
  const auto& nested = k.get<boost::json::value>("nested").as_object();
  // Within nested values too, a double arrives as it was sent.
  BOOST_TEST(nested.at("d").as_array().at(0).as_double() == -97570.19231092371);
  BOOST_TEST(nested.at("d").as_array().at(1).as_object().at("k").is_null());
  BOOST_TEST(nested.at("s").as_string() == "x\ty");
  BOOST_TEST(nested.at("e").as_array().empty());
  BOOST_TEST(nested.at("o").as_object().empty());
  BOOST_TEST(k.get<boost::json::value>("empty").as_array().empty());
  BOOST_TEST(got[1].empty());
  BOOST_TEST(path.lb.dropped_messages() == 1u);
  co_await path.stop();
}

// A payload as the link's writer makes it is read without Boost.JSON's
// parser; one with a space before it is read by the parser. Each random
// payload arrives both ways as the same kwargs (types, and doubles to the
// bit), and each malformed one is dropped both ways.
CO_TEST_CASE(payloads_read_without_the_parser_are_read_as_with_it) {
  test::nats_server server;
  payload_path path(co_await asio::this_coro::executor, server);
  std::vector<std::string> got;
  auto render = [&](const sig::event& ev) {
    std::string text;
    for (const auto& [name, v] : sig::event_data(ev)) {
      text += name + "=";
      if (const auto* d = v.get_if<double>()) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, d, sizeof bits);
        text += "double:" + std::to_string(bits);
      } else if (const auto* i = v.get_if<std::int64_t>()) {
        text += "int64:" + std::to_string(*i);
      } else if (const auto* u = v.get_if<std::uint64_t>()) {
        text += "uint64:" + std::to_string(*u);
      } else if (const auto* str = v.get_if<std::string>()) {
        text += "string:" + *str;
      } else if (const auto* flag = v.get_if<bool>()) {
        text += *flag ? "bool:true" : "bool:false";
      } else if (v.get_if<std::nullptr_t>()) {
        text += "null";
      } else {
        text += std::string("other:") + v.type().name();
      }
      text += ";";
    }
    got.push_back(text);
  };
  BOOST_TEST_REQUIRE(co_await path.start(render));
  std::mt19937_64 random(2027);
  auto digits = [&](std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += char('0' + random() % 10);
    return text;
  };
  auto number = [&] {
    std::string text = random() % 2 ? "-" : "";
    std::string whole = digits(1 + random() % 20);
    if (whole.size() > 1 && whole[0] == '0') whole[0] = '1';
    text += whole;
    switch (random() % 4) {
      case 0:
        return text;
      case 1:
        return text + "." + digits(1 + random() % 17);
      case 2:
        return text + (random() % 2 ? "e" : "E") + (random() % 2 ? "-" : "+") +
               std::to_string(random() % 400);
      default:
        return text + "." + digits(1 + random() % 6) + "e" + std::to_string(random() % 30);
    }
  };
  auto value = [&]() -> std::string {
    switch (random() % 6) {
      case 0: {
        std::string text;
        for (std::size_t n = random() % 12; n > 0; --n) {
          const char c = char(0x20 + random() % 95);
          if (c != '"' && c != '\\') text += c;
        }
        return "\"" + text + "\"";
      }
      case 1:
        return random() % 2 ? "true" : "false";
      case 2:
        return "null";
      default:
        return number();
    }
  };
  const std::vector<std::string> names = {"a", "b", "value", "x y", "k-1", "a"};
  // One edge each: a value the reader declines sends its whole payload to
  // the parser.
  std::vector<std::string> payloads = {"{}",
                                       R"({"z":0})",
                                       R"({"m":-0})",
                                       R"({"n":-0.0})",
                                       R"({"o":0e0})",
                                       R"({"p":1E+2})",
                                       R"({"q":-1e-400})",
                                       R"({"r":1e-0005})",
                                       R"({"big":1e400})",
                                       R"({"u":18446744073709551615})",
                                       R"({"i":999999999999999999})",
                                       R"({"j":-999999999999999999})",
                                       R"({"i":9223372036854775807})",
                                       R"({"j":-9223372036854775808})",
                                       R"({"d":0.000000000000001})",
                                       R"({"e":123456789012345.6})",
                                       R"({"f":5e-324})",
                                       R"({"":1})",
                                       "{\"del\":\"\x7f\"}"};
  while (payloads.size() < 300) {
    std::string text = "{";
    for (std::size_t n = random() % 6; n > 0; --n) {
      if (text.size() > 1) text += ",";
      text += "\"" + names[random() % names.size()] + "\":" + value();
    }
    payloads.push_back(text + "}");
  }
  const std::vector<std::string> malformed = {R"({"a":012})",
                                              R"({"a":1.})",
                                              R"({"a":-})",
                                              R"({"a":+1})",
                                              R"({"a":.5})",
                                              R"({"a":1e})",
                                              R"({"a":1e+})",
                                              R"({"a":-01})",
                                              R"({"a":0x10})",
                                              R"({"a":NaN})",
                                              R"({"a":1,})",
                                              R"({"a"1})",
                                              R"({"a":tru})",
                                              R"({"a":nulll})",
                                              R"({"a":"x})",
                                              R"({"a":1}x)",
                                              R"({"a":1}})",
                                              R"({,})",
                                              R"({"a":1,,"b":2})",
                                              R"({"a)",
                                              "{\"a\":\"\x01\"}",
                                              "{\"a\":\"\xff\"}",
                                              "{",
                                              "[1]",
                                              R"({"a":0e2147483648})",
                                              R"({"a":-0.0E+99999999999})"};
  raw_client raw(server.url());
  auto publish_both_ways = [&](const std::vector<std::string>& set) {
    for (const auto& p : set) {
      raw.publish("t.s.ev.s.e", p);
      raw.publish("t.s.ev.s.e", " " + p);
    }
  };
  publish_both_ways(payloads);
  publish_both_ways(malformed);
  BOOST_TEST(co_await eventually([&] {
    return got.size() == 2 * payloads.size() && path.lb.dropped_messages() == 2 * malformed.size();
  }));
  BOOST_TEST_REQUIRE(got.size() == 2 * payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i)
    BOOST_TEST(got[2 * i] == got[2 * i + 1], payloads[i]);
  BOOST_TEST(path.lb.dropped_messages() == 2 * malformed.size());
  co_await path.stop();
}

CO_TEST_CASE(a_server_that_goes_away_is_reported_and_nothing_hangs) {
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  {
    // No server at all: start fails with a clear error.
    sig::nats_options nowhere;
    nowhere.servers.push_back("nats://127.0.0.1:1");
    sig::nats_link link(a, nowhere);
    std::string error = co_await test::failure_of<sig::nats_error>(link.start());
    BOOST_TEST(test::contains(error, "cannot connect"), error);
  }
  test::nats_server server;
  error_log errors;
  auto ob = options_for(server);
  ob.on_error = errors.handler();
  ob.request_timeout = 300ms;
  ob.max_reconnect = 2;
  ob.reconnect_wait = 50ms;
  sig::nats_link la(a, options_for(server)), lb(b, ob);
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("svc", sig::events("e"), sig::method("ping", [] { return 1; }));
  bool connected = co_await connected_eventually(b, "svc");
  BOOST_TEST(connected);
  server.kill();
  BOOST_TEST(co_await eventually([&] { return !errors.messages.empty(); }));
  BOOST_TEST(test::contains(errors.messages.front(), "disconnected"), errors.messages.front());
  auto started = std::chrono::steady_clock::now();
  std::string outcome = "no exception";
  try {
    co_await b.request("svc", "ping");
  } catch (const std::exception& e) {
    outcome = e.what();
  }
  BOOST_TEST(outcome != "no exception");
  BOOST_TEST(ms_since(started) < 2000);
  // The proxy expires with its silent link.
  BOOST_TEST(co_await eventually([&] { return false; }, 700ms) == false);
  BOOST_TEST(!co_await b.is_connected("svc"));
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(a_start_refused_after_its_first_connection_closes_that_connection) {
  // A server that takes one client: the link's requests' connection is
  // made, its main connection refused.
  auto config = std::filesystem::temp_directory_path() /
                ("asio_signals_one_client_" + std::to_string(::getpid()) + ".conf");
  std::ofstream(config) << "max_connections: 1\n";
  test::nats_server server({"-c", config.string()});
  std::filesystem::remove(config);
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex);
  {
    sig::nats_link link(a, options_for(server));
    std::string error = co_await test::failure_of<sig::nats_error>(link.start());
    // cnats's reason is the server's "maximum connections exceeded" or,
    // when it reads the closed socket first, a protocol error.
    BOOST_TEST(test::contains(error, "cannot connect"), error);
  }
  // The first connection was closed: the server takes a client again.
  natsConnection* conn = nullptr;
  auto connects = [&] {
    return conn || natsConnection_ConnectTo(&conn, server.url().c_str()) == NATS_OK;
  };
  BOOST_TEST(co_await eventually(connects));
  natsConnection_Destroy(conn);
}

// A stop called while the link connects waits for the connect: the start
// then fails, and the link is stopped. Its router's sender never reaches the
// other link, and its executor runs out of work.
BOOST_AUTO_TEST_CASE(a_stop_while_the_link_connects_fails_the_start_and_stops_the_link) {
  test::nats_server server;
  asio::io_context ctx;
  // A server that takes connections and never answers: cnats waits 2 s for
  // its greeting on each of the link's two connections, then connects to the
  // next server.
  asio::ip::tcp::acceptor silent(ctx, {asio::ip::address_v4::loopback(), 0});
  auto options = options_for(server);
  options.servers.insert(options.servers.begin(),
                         "nats://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  options.randomize_servers = false;
  sig::router a(ctx.get_executor()), b(ctx.get_executor());
  sig::nats_link la(a, options), lb(b, options_for(server));
  bool start_done = false;
  std::string start_error;
  int announced = 0;
  bool checked = false;
  auto body = [&]() -> asio::awaitable<void> {
    co_await a.add_sender("early", sig::events("e"));
    co_await b.add_listener([&](const sig::event&) { ++announced; }, "early", "#connect");
    co_await lb.start();
    asio::co_spawn(ctx, la.start(), [&](std::exception_ptr e) {
      start_done = true;
      start_error = test::message_of(e);
    });
    co_await test::sleep(100ms);
    BOOST_TEST(!start_done);
    co_await la.stop();
    BOOST_TEST(start_done);
    // Were the start to go on (it takes about 4 s), its announcement would
    // reach the other link meanwhile.
    co_await eventually([&] { return start_done; }, 10s);
    co_await test::sleep(500ms);
    BOOST_TEST(announced == 0);
    co_await lb.stop();
    checked = true;
  };
  asio::co_spawn(ctx, body(), asio::detached);
  ctx.run_for(30s);
  BOOST_TEST(checked);
  BOOST_TEST(ctx.stopped(), "a link still counts as work on the executor");
  BOOST_TEST(test::contains(start_error, "stopped while it started"), start_error);
}

CO_TEST_CASE(a_start_while_the_link_stops_fails_and_a_second_stop_waits_for_the_first) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex);
  sig::nats_link la(a, options_for(server));
  co_await la.start();
  // On the link's executor, the stop runs at once up to its wait for
  // cnats's close on the blocking thread: the start made next finds it under
  // way.
  bool first_stopped = false;
  la.stop([&](std::exception_ptr) { first_stopped = true; });
  std::string error = co_await test::failure_of<sig::nats_error>(la.start());
  BOOST_TEST(test::contains(error, "still stopping"), error);
  co_await la.stop();
  BOOST_TEST(first_stopped);
  // Stopped, it starts again.
  co_await la.start();
  co_await la.stop();
}

// A server that stops reading: once its socket is full, a trigger's publish
// waits on the executor at most the write deadline, then fails and is
// reported; the link reconnects once the server reads again.
CO_TEST_CASE(a_server_that_stops_reading_holds_a_trigger_at_most_the_write_deadline) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto oa = options_for(server);
  oa.on_error = errors.handler();
  oa.write_deadline = 200ms;
  oa.reconnect_buffer_bytes = 1024 * 1024;
  sig::nats_link la(a, oa), lb(b, options_for(server));
  std::vector<std::int64_t> got;
  co_await b.add_listener(
      [&](const sig::event& ev) { got.push_back(sig::event_data(ev).get<std::int64_t>("n")); }, "s",
      "e");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("s", sig::events("e"));
  bool connected = co_await connected_eventually(b, "s");
  BOOST_TEST(connected);
  server.pause();
  // Resumes the server after 10 s in any case, should a write wait for it.
  std::atomic<bool> done = false;
  std::jthread watchdog([&] {
    for (int i = 0; i < 1000 && !done; ++i) std::this_thread::sleep_for(10ms);
    server.resume();
  });
  const std::string payload(64 * 1024, 'x');
  auto longest = std::chrono::steady_clock::duration();
  for (int i = 0; i < 2000 && la.failed_publishes() == 0; ++i) {
    auto started = std::chrono::steady_clock::now();
    co_await a.trigger("s", "e", sig::arg("n", 0), sig::arg("p", payload));
    longest = std::max(longest, std::chrono::steady_clock::now() - started);
  }
  done = true;
  watchdog.join();
  BOOST_TEST(la.failed_publishes() > 0u);
  BOOST_TEST(std::any_of(errors.messages.begin(), errors.messages.end(),
                         [](const std::string& m) { return test::contains(m, "cannot publish"); }));
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(longest).count() < 2000);
  // Reading again, the server takes the link back, and its triggers arrive.
  auto arrived = [&] { return std::find(got.begin(), got.end(), 1) != got.end(); };
  for (int i = 0; i < 100 && !arrived(); ++i) {
    co_await a.trigger("s", "e", sig::arg("n", 1));
    co_await sleep(100ms);
  }
  BOOST_TEST(arrived());
  co_await la.stop();
  co_await lb.stop();
}

// A server that stops answering for longer than the requests' connection
// tries to reconnect closes that connection for good, while the main one,
// which pings every 2 minutes, stays: the link reports it.
CO_TEST_CASE(a_requests_connection_that_gives_up_is_reported) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex);
  error_log errors;
  auto oa = options_for(server);
  oa.on_error = errors.handler();
  oa.write_deadline = 200ms;
  oa.max_reconnect = 2;
  oa.reconnect_wait = 50ms;
  sig::nats_link la(a, oa);
  co_await la.start();
  server.pause();
  // Resumes the server after 15 s in any case.
  std::atomic<bool> done = false;
  std::jthread watchdog([&] {
    for (int i = 0; i < 1500 && !done; ++i) std::this_thread::sleep_for(10ms);
    server.resume();
  });
  auto reported = [&] {
    return std::any_of(errors.messages.begin(), errors.messages.end(), [](const std::string& m) {
      return test::contains(m, "connection of the link's requests is closed");
    });
  };
  BOOST_TEST(co_await eventually(reported, 12s));
  done = true;
  watchdog.join();
  co_await la.stop();
}

CO_TEST_CASE(a_restarted_server_is_rejoined_and_listeners_receive_again) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  auto options = options_for(server);
  options.reconnect_wait = 50ms;
  options.presence_expiry = 2000ms;
  options.request_timeout = 500ms;
  sig::nats_link la(a, options), lb(b, options);
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  log_type presence;
  co_await b.add_listener(recorder(presence, "b"), "counter", "#connect");
  co_await b.add_listener(recorder(presence, "b"), "counter", "#disconnect");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("counter", sig::events("tick"),
                        sig::method("ping", [] { return std::string("pong"); }));
  bool connected = co_await connected_eventually(b, "counter");
  BOOST_TEST(connected);
  co_await a.trigger("counter", "tick", sig::arg("i", std::int64_t(0)));
  BOOST_TEST(co_await eventually([&] { return ticks.size() == 1; }));
  server.restart();
  // Both links reconnect and resubscribe; triggers go through again, and
  // requests, whose connection the executor runs.
  bool again = co_await trigger_until_delivered(a, ticks, 200);
  BOOST_TEST(again);
  BOOST_TEST(co_await b.is_connected("counter"));
  bool answered = co_await request_until_answered(b, 20);
  BOOST_TEST(answered);
  BOOST_TEST(presence == log_type{"b:counter/#connect"}, boost::test_tools::per_element());
  // An outage longer than the presence expiry: the silent sender is
  // announced gone, then, re-announced once its link is back, connected.
  server.kill();
  BOOST_TEST(co_await eventually([&] { return presence.size() == 2; }, 3000ms));
  server.restart();
  again = co_await trigger_until_delivered(a, ticks, 200);
  BOOST_TEST(again);
  BOOST_TEST(
      presence == (log_type{"b:counter/#connect", "b:counter/#disconnect", "b:counter/#connect"}),
      boost::test_tools::per_element());
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(triggers_beyond_the_outage_buffer_are_counted_and_reported) {
  test::nats_server server;
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  error_log errors;
  auto oa = options_for(server);
  oa.on_error = errors.handler();
  oa.reconnect_wait = 50ms;
  oa.reconnect_buffer_bytes = 4096;
  oa.presence_expiry = 5000ms;
  auto ob = options_for(server);
  ob.reconnect_wait = 50ms;
  ob.presence_expiry = 5000ms;
  sig::nats_link la(a, oa), lb(b, ob);
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("counter", sig::events("tick"));
  bool connected = co_await connected_eventually(b, "counter");
  BOOST_TEST(connected);
  co_await a.trigger("counter", "tick", sig::arg("i", std::int64_t(0)));
  BOOST_TEST(co_await eventually([&] { return ticks.size() == 1; }));
  server.kill();
  BOOST_TEST(co_await eventually([&] { return !errors.messages.empty(); }));
  BOOST_TEST(test::contains(errors.messages.front(), "disconnected"), errors.messages.front());
  // About 100 bytes each: the first few dozen fit in the 4 KB buffer.
  const std::string padding(64, 'x');
  const int outage_triggers = 200;
  for (int i = 0; i < outage_triggers; ++i)
    co_await a.trigger("counter", "tick", sig::arg("i", std::int64_t(i)), sig::arg("pad", padding));
  // The link publishes in its listener's tasks, which run before this query.
  co_await a.is_connected("counter");
  // Every publish the link could not buffer is counted and reported, events
  // with their subject.
  std::uint64_t failed = la.failed_publishes();
  auto reported =
      std::count_if(errors.messages.begin(), errors.messages.end(),
                    [](const std::string& m) { return test::contains(m, "cannot publish"); });
  BOOST_TEST(std::uint64_t(reported) == failed);
  auto events_lost =
      std::count(errors.subjects.begin(), errors.subjects.end(), "t.s.ev.counter.tick");
  BOOST_TEST(events_lost > 0);
  BOOST_TEST(events_lost < outage_triggers);
  server.restart();
  // After the outage, triggers go through again.
  bool again = co_await trigger_until_delivered(a, ticks, 1000);
  BOOST_TEST(again);
  co_await la.stop();
  co_await lb.stop();
}

CO_TEST_CASE(delivery_continues_after_a_cluster_server_dies) {
  test::nats_server s1({}, true);
  std::vector<std::string> route{"--routes", s1.cluster_url()};
  test::nats_server s2(route, true), s3(route, true);
  auto ex = co_await asio::this_coro::executor;
  sig::router a(ex), b(ex);
  auto sender_options = options_for(s3);
  sender_options.servers.push_back(s1.url());
  sender_options.randomize_servers = false;
  sender_options.reconnect_wait = 50ms;
  auto listener_options = options_for(s1);
  sig::nats_link la(a, sender_options), lb(b, listener_options);
  std::vector<std::int64_t> ticks;
  co_await b.add_listener(tick_recorder(ticks), "counter", "tick");
  co_await la.start();
  co_await lb.start();
  co_await a.add_sender("counter", sig::events("tick"));
  // The routes form within a few seconds: the sender's announcements reach
  // the listener's server once they have.
  bool connected = co_await connected_eventually(b, "counter", 1000, 10ms);
  BOOST_TEST_REQUIRE(connected);
  co_await a.trigger("counter", "tick", sig::arg("i", std::int64_t(0)));
  BOOST_TEST(co_await eventually([&] { return ticks.size() == 1; }));
  // The server neither link uses dies: the cluster's other routes carry on.
  s2.kill();
  bool still = co_await trigger_until_delivered(a, ticks, 400);
  BOOST_TEST(still);
  // The sender's server dies: its client fails over to the listener's.
  s3.kill();
  bool again = co_await trigger_until_delivered(a, ticks, 400);
  BOOST_TEST(again);
  co_await la.stop();
  co_await lb.stop();
}

BOOST_AUTO_TEST_SUITE_END()

// A suite of its own, which ThreadSanitizer runs with tsan.supp.
BOOST_AUTO_TEST_SUITE(nats_strand_test)

// Routers on strands of a pool of two threads: cnats's threads post to the
// strands, whose handlers run on either thread of the pool in turn (a race
// would show under ThreadSanitizer).
BOOST_AUTO_TEST_CASE(routers_on_strands_of_a_thread_pool_are_linked) {
  test::nats_server server;
  asio::thread_pool pool(2);
  sig::router a(asio::make_strand(pool)), b(asio::make_strand(pool));
  std::vector<std::int64_t> got;
  std::atomic<std::size_t> count = 0;
  auto body = [&]() -> asio::awaitable<void> {
    sig::nats_link la(a, options_for(server)), lb(b, options_for(server));
    // On b's strand: the vector is read after the count that follows it.
    auto keep = [&](const sig::event& ev) {
      got.push_back(sig::event_data(ev).get<std::int64_t>("i"));
      count.store(got.size(), std::memory_order_release);
    };
    co_await b.add_listener(keep, "counter", "tick");
    co_await la.start();
    co_await lb.start();
    auto twice = [](const sig::kwargs& p) { return 2 * p.get<std::int64_t>("i"); };
    co_await a.add_sender("counter", sig::events("tick"), sig::method("twice", twice));
    bool connected = co_await connected_eventually(b, "counter");
    BOOST_TEST(connected);
    for (std::int64_t i = 0; i < 200; ++i) co_await a.trigger("counter", "tick", sig::arg("i", i));
    std::any answer = co_await b.request("counter", "twice", sig::arg("i", std::int64_t(21)));
    BOOST_TEST(std::any_cast<std::int64_t>(answer) == 42);
    BOOST_TEST(co_await eventually([&] { return count.load(std::memory_order_acquire) == 200; }));
    co_await la.stop();
    co_await lb.stop();
  };
  asio::co_spawn(a.get_executor(), body, asio::use_future).get();
  pool.join();
  std::vector<std::int64_t> triggered(200);
  std::iota(triggered.begin(), triggered.end(), 0);
  BOOST_TEST(got == triggered, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
