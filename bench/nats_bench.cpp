//
// nats_bench.cpp
// ~~~~~~~~~~~~~~
//
// The NATS link against raw cnats doing the same work, one role per process;
// scripts/nats_bench.sh runs them in pairs and reports medians and ratios
// (docs/performance.md).
//
//   asio_signals_nats_bench MODE URL [N]
//
// Events: `trigger-sender URL N` triggers "#changed" of the sender "sensor"
// N times with one double kwarg, as fast as its router accepts them;
// `trigger-listener URL N` listens to that channel through its router's
// link. `raw-publisher URL N` publishes the same JSON object to a subject
// of the link's shape, with natsConnection_Publish; `raw-subscriber URL N`
// receives it in an asynchronous subscription and parses it. Each pair
// starts in either order: the listener tells the sender when it listens. A
// listener prints its rate from its first message to its last, and what it
// missed: it stops at N messages, or 1 s after the last one.
//
// Requests: `request-responder URL` serves the method "echo" of the sender
// "service", which answers its param "value", until killed;
// `request-client URL N` makes N sequential requests after 100 of warm-up
// and prints the median and the 99th percentile of their round trips.
// `raw-responder URL` and `raw-requester URL N` do the same with cnats: an
// asynchronous subscription that publishes the reply, natsConnection_Request
// for each round trip, the payloads as the link's, both connections sending
// at once (natsOptions_SetSendAsap) as the link's requests do.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)

#include <asio_signals/nats.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <nats/nats.h>

#include <algorithm>
#include <any>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
namespace sig = asio_signals;

namespace {

using clock_type = std::chrono::steady_clock;

// The subjects the link uses for the prefix "raw", so that both sides route
// the same subject shapes through the server.
constexpr const char* raw_event_subject = "raw.s.ev.sensor.#changed";
constexpr const char* raw_request_subject = "raw.rq.service";
constexpr const char* raw_ready_subject = "raw.ready";

constexpr int warm_up_requests = 100;

// How long a listener waits for more after its last message.
constexpr auto idle_end = std::chrono::seconds(1);
// How long any role waits for its peer.
constexpr auto peer_wait = std::chrono::seconds(30);

double reading(long i) {
  return 20.5 + 0.001 * static_cast<double>(i % 1000);
}

// Whether a reply carries reading(i): Boost.JSON 1.81 parses a double to
// within its last bits, not always exactly.
bool is_reading(double v, long i) {
  return std::abs(v - reading(i)) < 1e-9;
}

// What a listener measured: received of expected, from first to last.
struct receipt {
  std::atomic<long> received{0};
  std::atomic<std::int64_t> first_ns{0};
  std::atomic<std::int64_t> last_ns{0};

  void count() {
    auto now = clock_type::now().time_since_epoch().count();
    if (received.load(std::memory_order_relaxed) == 0) first_ns.store(now);
    last_ns.store(now);
    received.fetch_add(1);
  }

  // Whether the listener is done: all received, or silent since idle_end.
  bool done(long expected) const {
    if (received.load() >= expected) return true;
    if (received.load() == 0) return false;
    auto silent = clock_type::now().time_since_epoch().count() - last_ns.load();
    return std::chrono::nanoseconds(silent) > idle_end;
  }

  // Prints the rate; 0 when every message arrived.
  int print(std::string_view mode, long expected, std::int64_t client_dropped) const {
    long n = received.load();
    double seconds = static_cast<double>(last_ns.load() - first_ns.load()) * 1e-9;
    double rate = n > 1 && seconds > 0 ? static_cast<double>(n - 1) / seconds : 0.0;
    std::printf(
        "%s received=%ld expected=%ld missing=%ld client_dropped=%lld seconds=%.4f "
        "msgs_per_s=%.0f\n",
        std::string(mode).c_str(), n, expected, expected - n,
        static_cast<long long>(client_dropped), seconds, rate);
    return n == expected ? 0 : 1;
  }
};

// Prints the median and 99th percentile of round trips, in microseconds.
int print_latencies(std::string_view mode, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<std::size_t>(q * (us.size() - 1))]; };
  std::printf("%s n=%zu p50_us=%.1f p99_us=%.1f\n", std::string(mode).c_str(), us.size(), at(0.5),
              at(0.99));
  return 0;
}

// cnats

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(s));
}

// With `send_asap`, each publish is written at once rather than gathered by
// cnats's flusher (about 1 ms): what the link does for requests and replies.
natsConnection* raw_connect(const std::string& url, bool send_asap = false) {
  natsOptions* opts = nullptr;
  check(natsOptions_Create(&opts), "options");
  check(natsOptions_SetURL(opts, url.c_str()), "options");
  check(natsOptions_SetSendAsap(opts, send_asap), "options");
  natsConnection* conn = nullptr;
  check(natsConnection_Connect(&conn, opts), "connect");
  natsOptions_Destroy(opts);
  return conn;
}

std::string event_payload(long i) {
  json::object data;
  data["value"] = reading(i);
  return json::serialize(data);
}

int raw_publisher(const std::string& url, long n) {
  natsConnection* conn = raw_connect(url);
  natsSubscription* ready = nullptr;
  check(natsConnection_SubscribeSync(&ready, conn, raw_ready_subject), "subscribe");
  check(natsConnection_Flush(conn), "flush");
  natsMsg* hello = nullptr;
  check(natsSubscription_NextMsg(&hello, ready, std::chrono::milliseconds(peer_wait).count()),
        "waiting for the subscriber");
  check(natsConnection_Publish(conn, natsMsg_GetReply(hello), nullptr, 0), "publish");
  natsMsg_Destroy(hello);
  for (long i = 0; i < n; ++i) {
    std::string payload = event_payload(i);
    check(natsConnection_Publish(conn, raw_event_subject, payload.data(),
                                 static_cast<int>(payload.size())),
          "publish");
  }
  check(natsConnection_Flush(conn), "flush");
  natsSubscription_Destroy(ready);
  natsConnection_Destroy(conn);
  return 0;
}

void on_raw_event(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* r = static_cast<receipt*>(closure);
  json::value data = json::parse(
      std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
  if (data.at("value").as_double() > 0) r->count();
  natsMsg_Destroy(msg);
}

int raw_subscriber(const std::string& url, long n) {
  natsConnection* conn = raw_connect(url);
  receipt r;
  natsSubscription* sub = nullptr;
  check(natsConnection_Subscribe(&sub, conn, raw_event_subject, on_raw_event, &r), "subscribe");
  check(natsConnection_Flush(conn), "flush");
  // Tells the publisher, once it listens, that this subscription is in place.
  natsMsg* go = nullptr;
  for (auto until = clock_type::now() + peer_wait;;) {
    natsStatus s = natsConnection_Request(&go, conn, raw_ready_subject, nullptr, 0, 1000);
    if (s == NATS_OK) break;
    if (clock_type::now() > until) check(s, "waiting for the publisher");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  natsMsg_Destroy(go);
  for (auto until = clock_type::now() + peer_wait; !r.done(n);) {
    if (r.received.load() == 0 && clock_type::now() > until)
      throw std::runtime_error("no message from the publisher");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::int64_t dropped = 0;
  natsSubscription_GetDropped(sub, &dropped);
  natsSubscription_Unsubscribe(sub);
  natsSubscription_Destroy(sub);
  natsConnection_Destroy(conn);
  return r.print("raw-subscriber", n, dropped);
}

void on_raw_request(natsConnection* conn, natsSubscription*, natsMsg* msg, void*) {
  json::value request = json::parse(
      std::string_view(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
  json::object answer;
  if (request.at("method").as_string() == "echo")
    answer["result"] = request.at("params").at("value");
  else
    answer["error"] = "lookup";
  std::string payload = json::serialize(answer);
  natsConnection_Publish(conn, natsMsg_GetReply(msg), payload.data(),
                         static_cast<int>(payload.size()));
  natsMsg_Destroy(msg);
}

int raw_responder(const std::string& url) {
  natsConnection* conn = raw_connect(url, true);
  natsSubscription* sub = nullptr;
  check(natsConnection_Subscribe(&sub, conn, raw_request_subject, on_raw_request, nullptr),
        "subscribe");
  check(natsConnection_Flush(conn), "flush");
  std::printf("raw-responder ready\n");
  std::fflush(stdout);
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

int raw_requester(const std::string& url, long n) {
  natsConnection* conn = raw_connect(url, true);
  std::vector<double> us;
  auto until = clock_type::now() + peer_wait;
  for (long i = 0; i < n + warm_up_requests;) {
    json::object params;
    params["value"] = reading(i);
    json::object request;
    request["method"] = "echo";
    request["params"] = std::move(params);
    auto start = clock_type::now();
    std::string payload = json::serialize(request);
    natsMsg* reply = nullptr;
    natsStatus s = natsConnection_Request(&reply, conn, raw_request_subject, payload.data(),
                                          static_cast<int>(payload.size()), 10000);
    if (s == NATS_NO_RESPONDERS && i == 0 && clock_type::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    check(s, "request");
    json::value answer = json::parse(std::string_view(
        natsMsg_GetData(reply), static_cast<std::size_t>(natsMsg_GetDataLength(reply))));
    double result = answer.at("result").as_double();
    auto end = clock_type::now();
    natsMsg_Destroy(reply);
    if (!is_reading(result, i)) throw std::runtime_error("a wrong reply");
    if (i++ >= warm_up_requests)
      us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  natsConnection_Destroy(conn);
  return print_latencies("raw-requester", std::move(us));
}

// The link

sig::nats_options link_options(const std::string& url) {
  sig::nats_options options;
  options.servers = {url};
  options.prefix = "bench";
  options.on_error = [](const std::string& subject, std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "nats_bench: " << subject << ": " << x.what() << "\n";
    }
  };
  return options;
}

// Waits until done() or the timeout, polling every 10 ms.
template <class Done>
asio::awaitable<bool> wait_until(sig::router& router, Done done, clock_type::duration timeout) {
  asio::steady_timer poll(router.get_executor());
  for (auto until = clock_type::now() + timeout; !done();) {
    if (clock_type::now() > until) co_return false;
    poll.expires_after(std::chrono::milliseconds(10));
    co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

asio::awaitable<int> trigger_sender(sig::router router, std::string url, long n) {
  bool ready = false;
  auto on_ready = [&] { ready = true; };
  co_await router.add_listener(on_ready, "listener", "ready");
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  co_await router.add_sender("sensor", sig::events("#changed"));
  if (!co_await wait_until(
          router, [&] { return ready; }, peer_wait))
    throw std::runtime_error("no listener");
  for (long i = 0; i < n; ++i)
    co_await router.trigger("sensor", "#changed", sig::arg("value", reading(i)));
  co_await link.stop();
  co_return link.failed_publishes() == 0 ? 0 : 1;
}

asio::awaitable<int> trigger_listener(sig::router router, std::string url, long n) {
  receipt r;
  auto on_changed = [&](const sig::event& ev) {
    if (sig::event_data(ev).get<double>("value") > 0) r.count();
  };
  co_await router.add_listener(on_changed, sig::any, "#changed");
  bool sender_known = false;
  auto on_connect = [&](const sig::event& ev) {
    if (sig::sender_name(ev) == "sensor") sender_known = true;
  };
  co_await router.add_listener(on_connect, sig::any, sig::connect_event);
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  if (!co_await wait_until(
          router, [&] { return sender_known; }, peer_wait))
    throw std::runtime_error("no sender");
  // The sender's proxy is here: what it triggers from now on is heard.
  co_await router.add_sender("listener", sig::events("ready"));
  co_await router.trigger("listener", "ready");
  if (!co_await wait_until(
          router, [&] { return r.received.load() > 0; }, peer_wait))
    throw std::runtime_error("no message from the sender");
  co_await wait_until(
      router, [&] { return r.done(n); }, std::chrono::hours(1));
  co_await link.stop();
  co_return r.print("trigger-listener", n, static_cast<std::int64_t>(link.dropped_messages()));
}

asio::awaitable<int> request_responder(sig::router router, std::string url) {
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  auto echo = [](const sig::kwargs& params) { return params.get<double>("value"); };
  co_await router.add_sender("service", sig::events(), sig::method("echo", echo));
  std::printf("request-responder ready\n");
  std::fflush(stdout);
  asio::steady_timer forever(router.get_executor(), asio::steady_timer::time_point::max());
  co_await forever.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return 0;
}

asio::awaitable<int> request_client(sig::router router, std::string url, long n) {
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  std::vector<double> us;
  asio::steady_timer retry(router.get_executor());
  auto until = clock_type::now() + peer_wait;
  for (long i = 0; i < n + warm_up_requests;) {
    auto start = clock_type::now();
    std::exception_ptr error;
    double result = 0;
    try {
      std::any response = co_await router.request("service", "echo", sig::arg("value", reading(i)));
      result = std::any_cast<double>(response);
    } catch (const sig::not_connected_error&) {
      // The responder's proxy is not here yet.
      if (i != 0 || clock_type::now() > until) throw;
      error = std::current_exception();
    }
    auto end = clock_type::now();
    if (error) {
      retry.expires_after(std::chrono::milliseconds(10));
      co_await retry.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (!is_reading(result, i)) throw std::runtime_error("a wrong reply");
    if (i++ >= warm_up_requests)
      us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  co_await link.stop();
  co_return print_latencies("request-client", std::move(us));
}

// Runs a role on a router of its own, on this thread.
template <class Role, class... Args>
int run_library(Role role, Args... args) {
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 1;
  asio::co_spawn(ctx, role(router, args...), [&](std::exception_ptr e, int result) {
    status = result;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "nats_bench: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc >= 3 ? argv[1] : "";
  const std::string url = argc >= 3 ? argv[2] : "";
  const long n = argc >= 4 ? std::atol(argv[3]) : 0;
  try {
    if (mode == "request-responder") return run_library(request_responder, url);
    if (mode == "raw-responder") return raw_responder(url);
    if (n > 0) {
      if (mode == "trigger-sender") return run_library(trigger_sender, url, n);
      if (mode == "trigger-listener") return run_library(trigger_listener, url, n);
      if (mode == "request-client") return run_library(request_client, url, n);
      if (mode == "raw-publisher") return raw_publisher(url, n);
      if (mode == "raw-subscriber") return raw_subscriber(url, n);
      if (mode == "raw-requester") return raw_requester(url, n);
    }
  } catch (const std::exception& e) {
    std::cerr << "nats_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: asio_signals_nats_bench trigger-sender|trigger-listener|raw-publisher|"
               "raw-subscriber|request-client|raw-requester URL N\n"
               "       asio_signals_nats_bench request-responder|raw-responder URL\n";
  return 2;
}
