//
// remote_subscriber.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// The pub/sub client seed's subscriber, over NATS with the history in
// JetStream: `remote_subscriber --nats URLS --name NAME --topic TOPIC` makes
// or resumes the durable subscriber NAME of the channel "#TOPIC", prints
// every event it has not acknowledged yet — whenever they were published,
// whoever published them — acknowledges them, and exits. Run again, it
// prints only what was published since.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> run(sig::router router, sig::nats_options options, std::string name,
                          std::string topic) {
  sig::nats_link link(router, options);
  co_await link.start();
  co_await router.subscribe(name, sig::topic(topic));
  std::size_t pulled = 0;
  for (;;) {
    std::vector<sig::retained_event> batch = co_await router.pull(name, sig::max_batch(100));
    if (batch.empty()) break;
    for (const sig::retained_event& e : batch)
      std::cout << "  " << e.event << " #" << e.sequence << " from " << e.sender << ": "
                << e.data.get<std::string>("text") << "\n";
    co_await router.ack(name, batch);
    pulled += batch.size();
  }
  co_await link.stop();
  std::cout << name << " pulled " << pulled << " event(s)\n";
}

int main(int argc, char** argv) {
  sig::nats_options options;
  options.jetstream_history = true;
  std::string name = "S1";
  std::string topic = "#A";
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
    }
  }
  if (options.servers.empty()) {
    std::cerr << "usage: remote_subscriber --nats URLS [--name NAME] [--topic TOPIC]\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 0;
  asio::co_spawn(ctx, run(router, options, name, topic), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_subscriber: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
