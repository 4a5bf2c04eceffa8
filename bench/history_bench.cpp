//
// history_bench.cpp
// ~~~~~~~~~~~~~~~~~
//
// The retained history in JetStream against raw cnats JetStream doing the
// same work, one measure per process; scripts/history_bench.sh runs them,
// raw and library alternating, and reports medians and ratios
// (docs/performance.md).
//
//   asio_signals_history_bench MODE URL N
//
// Publishing: `history-publish URL N` retains "#changed" through a router's
// link and triggers it N times with one double kwarg; `raw-publish URL N`
// makes the same stream and publishes the same JSON to the same subject with
// js_PublishAsync. Each prints the rate from the first publish until
// JetStream holds all N (the library) or has acknowledged all N (raw).
//
// Pulling: both first fill their stream with N events, untimed, before the
// library's link starts. Then
// `history-pull URL N` makes a durable subscriber and pulls batches of 256,
// acknowledging each, until it has N; `raw-pull URL N` does the same with a
// durable pull consumer: natsSubscription_Fetch of 256, each payload parsed,
// the last of each batch acknowledged (AckAll). Each prints the rate.
//
// Every run uses a prefix of its own, so that runs never share a stream.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace asio = boost::asio;
namespace json = boost::json;
namespace sig = asio_signals;

namespace {

using clock_type = std::chrono::steady_clock;

constexpr int batch = 256;

const std::string prefix = "h" + std::to_string(::getpid());
const std::string subject = prefix + ".s.ev.sensor.#changed";
// The name the link gives the stream of the channel "#changed".
const std::string stream = prefix + "--_23changed";

double reading(long i) {
  return 20.5 + 0.001 * static_cast<double>(i % 1000);
}

std::string payload(long i) {
  json::object data;
  data["value"] = reading(i);
  return json::serialize(data);
}

void check(natsStatus s, const char* what) {
  if (s != NATS_OK) throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(s));
}

int print(std::string_view mode, long n, clock_type::time_point start) {
  double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("%s n=%ld seconds=%.4f events_per_s=%.0f\n", std::string(mode).c_str(), n, seconds,
              static_cast<double>(n) / seconds);
  return 0;
}

// A raw connection and its JetStream context.
struct raw_js {
  explicit raw_js(const std::string& url) {
    check(natsConnection_ConnectTo(&conn, url.c_str()), "connect");
    check(natsConnection_JetStream(&js, conn, nullptr), "jetstream");
  }
  ~raw_js() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(conn);
  }

  void add_stream() {
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    const char* subjects[] = {subject.c_str()};
    config.Name = stream.c_str();
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    config.MaxMsgs = 10'000'000;
    check(js_AddStream(nullptr, js, &config, nullptr, nullptr), "add stream");
  }

  // Publishes N events, each acknowledged; returns once all are.
  void publish(long n) {
    for (long i = 0; i < n; ++i) {
      std::string data = payload(i);
      check(
          js_PublishAsync(js, subject.c_str(), data.data(), static_cast<int>(data.size()), nullptr),
          "publish");
    }
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = 60'000;
    check(js_PublishAsyncComplete(js, &options), "publish complete");
  }

  std::uint64_t stored() {
    jsStreamInfo* si = nullptr;
    check(js_GetStreamInfo(&si, js, stream.c_str(), nullptr, nullptr), "stream info");
    std::uint64_t n = si->State.Msgs;
    jsStreamInfo_Destroy(si);
    return n;
  }

  natsConnection* conn = nullptr;
  jsCtx* js = nullptr;
};

int raw_publish(const std::string& url, long n) {
  raw_js raw(url);
  raw.add_stream();
  auto start = clock_type::now();
  raw.publish(n);
  return print("raw-publish", n, start);
}

int raw_pull(const std::string& url, long n) {
  raw_js raw(url);
  raw.add_stream();
  raw.publish(n);
  auto start = clock_type::now();
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = stream.c_str();
  options.Config.AckPolicy = js_AckAll;
  natsSubscription* sub = nullptr;
  check(js_PullSubscribe(&sub, raw.js, subject.c_str(), "s1", nullptr, &options, nullptr),
        "pull subscribe");
  long pulled = 0;
  double sum = 0;
  while (pulled < n) {
    natsMsgList list{};
    check(natsSubscription_Fetch(&list, sub, batch, 5000, nullptr), "fetch");
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* m = list.Msgs[i];
      json::value v = json::parse(
          std::string_view(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m))));
      sum += v.at("value").as_double();
    }
    if (list.Count > 0) check(natsMsg_Ack(list.Msgs[list.Count - 1], nullptr), "ack");
    pulled += list.Count;
    natsMsgList_Destroy(&list);
  }
  natsSubscription_Destroy(sub);
  if (sum <= 0) throw std::runtime_error("no readings");
  return print("raw-pull", n, start);
}

sig::nats_options link_options(const std::string& url) {
  sig::nats_options options;
  options.servers = {url};
  options.prefix = prefix;
  options.jetstream_history = true;
  return options;
}

asio::awaitable<int> history_publish(sig::router router, std::string url, long n) {
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  co_await router.retain(sig::topic("#changed"), sig::max_events(10'000'000));
  co_await router.add_sender("sensor", sig::events("#changed"));
  raw_js raw(url);
  auto start = clock_type::now();
  for (long i = 0; i < n; ++i)
    co_await router.trigger("sensor", "#changed", sig::arg("value", reading(i)));
  asio::steady_timer poll(router.get_executor());
  while (raw.stored() < static_cast<std::uint64_t>(n)) {
    poll.expires_after(std::chrono::milliseconds(1));
    co_await poll.async_wait(asio::use_awaitable);
  }
  int status = print("history-publish", n, start);
  co_await link.stop();
  co_return status;
}

asio::awaitable<int> history_pull(sig::router router, std::string url, long n) {
  // Filled before the link starts, so that the link's listeners do not
  // receive the events while they are pulled.
  raw_js raw(url);
  raw.add_stream();
  raw.publish(n);
  sig::nats_link link(router, link_options(url));
  co_await link.start();
  co_await router.retain(sig::topic("#changed"), sig::max_events(10'000'000));
  auto start = clock_type::now();
  co_await router.subscribe("s1", sig::topic("#changed"));
  long pulled = 0;
  double sum = 0;
  while (pulled < n) {
    std::vector<sig::retained_event> events = co_await router.pull("s1", sig::max_batch(batch));
    for (const sig::retained_event& e : events) sum += e.data.get<double>("value");
    if (!events.empty()) co_await router.ack("s1", events.back());
    pulled += static_cast<long>(events.size());
  }
  if (sum <= 0) throw std::runtime_error("no readings");
  int status = print("history-pull", n, start);
  co_await link.stop();
  co_return status;
}

template <class Role>
int run_library(Role role, const std::string& url, long n) {
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 1;
  asio::co_spawn(ctx, role(router, url, n), [&](std::exception_ptr e, int result) {
    status = result;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "history_bench: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc == 4 ? argv[1] : "";
  const std::string url = argc == 4 ? argv[2] : "";
  const long n = argc == 4 ? std::atol(argv[3]) : 0;
  try {
    if (n > 0) {
      if (mode == "history-publish") return run_library(history_publish, url, n);
      if (mode == "history-pull") return run_library(history_pull, url, n);
      if (mode == "raw-publish") return raw_publish(url, n);
      if (mode == "raw-pull") return raw_pull(url, n);
    }
  } catch (const std::exception& e) {
    std::cerr << "history_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: asio_signals_history_bench history-publish|raw-publish|history-pull|"
               "raw-pull URL N\n";
  return 2;
}
