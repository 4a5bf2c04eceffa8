//
// pubsub_client.cpp
// ~~~~~~~~~~~~~~~~~
//
// The pub/sub client seed on a router with retained history: a publisher
// "P1" publishes events of the topic "A", and a subscriber "S1" subscribes to
// the topic and pulls every new event by time stamp — those published before
// it subscribed included, since the topic keeps them.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

void print(const std::vector<sig::retained_event>& events) {
  for (const sig::retained_event& e : events)
    std::cout << "  " << e.event << " #" << e.sequence << " from " << e.sender << ": "
              << e.data.get<std::string>("text") << "\n";
}

asio::awaitable<void> run(sig::router router) {
  // Create a topic: the channel "#A", kept for a day, 10,000 events at most.
  co_await router.retain(sig::topic("#A"), sig::max_events(10'000), sig::max_age(24h));

  // Create and register a publisher.
  co_await router.add_sender("P1", sig::events("#A"));

  // The publisher publishes an event of the topic.
  co_await router.trigger("P1", "#A", sig::arg("text", std::string("first")));

  // Create a subscriber that subscribes to the topic.
  co_await router.subscribe("S1", sig::topic("#A"));

  // The subscriber gets all new events, by time stamp, of its topics.
  std::vector<sig::retained_event> events = co_await router.pull("S1");
  std::cout << "S1 pulled " << events.size() << " event(s):\n";
  print(events);
  co_await router.ack("S1", events);

  co_await router.trigger("P1", "#A", sig::arg("text", std::string("second")));
  co_await router.trigger("P1", "#A", sig::arg("text", std::string("third")));
  events = co_await router.pull("S1");
  std::cout << "S1 pulled " << events.size() << " event(s):\n";
  print(events);
  co_await router.ack("S1", events);

  events = co_await router.pull("S1");
  std::cout << "S1 pulled " << events.size() << " event(s)\n";

  // Bad input is an error that says what was wrong.
  try {
    co_await router.subscribe("S2", sig::topic("#B"));
  } catch (const sig::router_error& e) {
    std::cout << "router_error: " << e.what() << "\n";
  }
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, run(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
