//
// remote_publisher.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// The pub/sub client seed's publisher, over NATS with the history in
// JetStream: `remote_publisher --nats URLS --name NAME --topic TOPIC --count
// N` retains the channel "#TOPIC" on the servers, publishes N events of it
// as the sender NAME, and exits. The events stay on the servers for
// remote_subscriber to pull, later, from another process.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

asio::awaitable<void> run(sig::router router, sig::nats_options options, std::string name,
                          std::string topic, int count) {
  sig::nats_link link(router, options);
  co_await link.start();
  // Retaining a topic that the servers already keep changes nothing.
  co_await router.retain(sig::topic(topic), sig::max_events(10'000), sig::max_age(24h));
  co_await router.add_sender(name, sig::events(topic));
  for (int i = 1; i <= count; ++i)
    co_await router.trigger(name, topic, sig::arg("text", "event " + std::to_string(i)));
  co_await link.stop();
  std::cout << name << " published " << count << " event(s) of " << topic << "\n";
}

int main(int argc, char** argv) {
  sig::nats_options options;
  options.jetstream_history = true;
  std::string name = "P1";
  std::string topic = "#A";
  int count = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--nats") {
      std::istringstream urls(value);
      for (std::string url; std::getline(urls, url, ',');) options.servers.push_back(url);
    } else if (flag == "--name") {
      name = value;
    } else if (flag == "--topic") {
      topic = "#" + value;
    } else if (flag == "--count") {
      count = std::atoi(value.c_str());
    }
  }
  if (options.servers.empty()) {
    std::cerr << "usage: remote_publisher --nats URLS [--name NAME] [--topic TOPIC] [--count N]\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 0;
  asio::co_spawn(ctx, run(router, options, name, topic, count), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_publisher: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
