//
// remote_client.cpp
// ~~~~~~~~~~~~~~~~~
//
// pysig's requests from another process, over NATS: `remote_client --nats
// URLS` waits until the sender "weather" of a remote_weather is connected,
// requests each of its methods, an unknown one and, with a timeout, its slow
// one, prints one line per answer and per error, then requests it to stop
// and, once it is gone, requests it once more. It exits 0 — or 1 after 10 s
// without the sender.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <any>
#include <chrono>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <variant>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace asio::experimental::awaitable_operators;

// Waits until the sender "weather" is connected, or gone: true once it is,
// false after 10 s. `change` is cancelled by the listeners of its "#connect"
// and "#disconnect"; each wait is short, so that one that comes between the
// check and the wait costs little.
asio::awaitable<bool> wait_for_weather(sig::router router, asio::steady_timer& change,
                                       bool connected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (co_await router.is_connected("weather") != connected) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    change.expires_after(std::chrono::milliseconds(100));
    co_await change.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

asio::awaitable<int> run(sig::router router, sig::nats_options options) {
  asio::steady_timer change(router.get_executor());
  auto wake = [&change](const sig::event&) { change.cancel(); };
  co_await router.add_listener(wake, "weather", "#connect");
  co_await router.add_listener(wake, "weather", "#disconnect");
  sig::nats_link link(router, options);
  co_await link.start();
  if (!co_await wait_for_weather(router, change, true)) {
    std::cerr << "remote_client: no sender 'weather' within 10 s\n";
    co_await link.stop();
    co_return 1;
  }

  // The requests are forwarded to the weather's process; JSON has one
  // floating-point type, double.
  std::any response = co_await router.request("weather", "temperature");
  std::cout << "temperature is now: " << std::any_cast<double>(response) << "\n";
  const double thresholds[] = {25.0, 30.0};
  for (double threshold : thresholds) {
    response = co_await router.request("weather", "is_hot", sig::arg("threshold", threshold));
    std::cout << "hot above " << threshold << ": "
              << (std::any_cast<bool>(response) ? "True" : "False") << "\n";
  }

  // The errors of the remote handlers are thrown here.
  try {
    co_await router.request("weather", "forecast");
  } catch (const sig::remote_error& e) {
    std::cout << "remote_error: " << e.what() << "\n";
  }
  try {
    co_await router.request("weather", "unknown_method", sig::arg("lorem", "ipsum"));
  } catch (const sig::lookup_error& e) {
    std::cout << "lookup_error: " << e.what() << "\n";
  }

  // A timeout is the router's cancellation: the first to complete wins.
  asio::steady_timer timeout(router.get_executor(), std::chrono::milliseconds(100));
  auto first =
      co_await (router.request("weather", "slow") || timeout.async_wait(asio::use_awaitable));
  if (first.index() == 0)
    std::cout << "slow: " << std::any_cast<std::string>(std::get<0>(first)) << "\n";
  else
    std::cout << "slow: no answer within 100 ms\n";

  response = co_await router.request("weather", "stop");
  std::cout << "stop: " << std::any_cast<std::string>(response) << "\n";
  if (!co_await wait_for_weather(router, change, false)) {
    std::cerr << "remote_client: the sender 'weather' stays connected\n";
    co_await link.stop();
    co_return 1;
  }
  try {
    co_await router.request("weather", "temperature");
  } catch (const sig::not_connected_error& e) {
    std::cout << "not_connected_error: " << e.what() << "\n";
  }
  co_await link.stop();
  co_return 0;
}

int main(int argc, char** argv) {
  sig::nats_options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--nats") {
      std::istringstream urls(value);
      for (std::string url; std::getline(urls, url, ',');) options.servers.push_back(url);
    }
  }
  if (options.servers.empty()) {
    std::cerr << "usage: remote_client --nats URLS\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 1;
  asio::co_spawn(ctx, run(router, options), [&](std::exception_ptr e, int result) {
    status = result;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_client: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
