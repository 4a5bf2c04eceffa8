//
// remote_weather.cpp
// ~~~~~~~~~~~~~~~~~~
//
// pysig's weather sender answering requests from other processes, over NATS:
// `remote_weather --nats URLS` links a router to NATS and adds the sender
// "weather" with the methods temperature, is_hot (params: threshold),
// forecast (which throws), slow (which answers after 500 ms) and stop, and no
// default handler. It prints `weather ready` once it serves, and serves until
// it is requested to stop, or receives SIGINT or SIGTERM; then it stops its
// link, prints `weather stopped` and exits 0.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

// The handlers: each takes the params, or nothing.
double temperature() {
  return 29.5;
}

bool is_hot(const sig::kwargs& params) {
  return temperature() > params.get<double>("threshold");
}

std::string forecast() {
  throw std::runtime_error("the forecast service is down");
}

// An answer that takes its time, without blocking the router's executor.
asio::awaitable<std::string> slow() {
  asio::steady_timer delay(co_await asio::this_coro::executor, std::chrono::milliseconds(500));
  co_await delay.async_wait(asio::use_awaitable);
  co_return "late";
}

asio::awaitable<void> run(sig::router router, sig::nats_options options) {
  // Cancelled by the request "stop", or by SIGINT or SIGTERM.
  asio::steady_timer stop(router.get_executor(), asio::steady_timer::time_point::max());
  asio::signal_set signals(router.get_executor(), SIGINT, SIGTERM);
  signals.async_wait([&stop](boost::system::error_code ec, int) {
    if (!ec) stop.cancel();
  });

  sig::nats_link link(router, options);
  co_await link.start();
  auto stop_serving = [&stop] {
    stop.cancel();
    return std::string("stopping");
  };
  // Requests from any process linked to the same NATS system reach these
  // handlers; a method without one is a lookup error there.
  co_await router.add_sender("weather", sig::method("temperature", temperature),
                             sig::method("is_hot", is_hot), sig::method("forecast", forecast),
                             sig::method("slow", slow), sig::method("stop", stop_serving));
  std::cout << "weather ready" << std::endl;

  co_await stop.async_wait(asio::as_tuple(asio::use_awaitable));
  signals.cancel();
  // Stopping answers the requests being served, "stop" among them, first.
  co_await link.stop();
  std::cout << "weather stopped" << std::endl;
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
    std::cerr << "usage: remote_weather --nats URLS\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 0;
  asio::co_spawn(ctx, run(router, options), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_weather: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
