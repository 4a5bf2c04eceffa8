//
// remote_sensor.cpp
// ~~~~~~~~~~~~~~~~~
//
// pysig's remote sender, over NATS: `remote_sensor --nats URLS --name NAME
// --count N` links a router to NATS, adds the sensor NAME on the "#changed"
// channel, triggers it N times with a reading, and exits. URLS is one
// nats://host:port or a comma-separated list of a cluster's.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> run(sig::router router, sig::nats_options options, std::string name,
                          int count) {
  sig::nats_link link(router, options);
  co_await link.start();
  co_await router.add_sender(name, sig::events("#changed"));
  for (int i = 0; i < count; ++i)
    co_await router.trigger(name, "#changed", sig::arg("value", 20.5 + 0.5 * i));
  // Stopping flushes what is published and tells the others the sensor left.
  co_await link.stop();
}

int main(int argc, char** argv) {
  sig::nats_options options;
  std::string name = "temp";
  int count = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--nats") {
      std::istringstream urls(value);
      for (std::string url; std::getline(urls, url, ',');) options.servers.push_back(url);
    } else if (flag == "--name") {
      name = value;
    } else if (flag == "--count") {
      count = std::atoi(value.c_str());
    }
  }
  if (options.servers.empty()) {
    std::cerr << "usage: remote_sensor --nats URLS [--name NAME] [--count N]\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 0;
  asio::co_spawn(ctx, run(router, options, name, count), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_sensor: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
