//
// pysig_listeners.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// pysig's first example: a listener registered before its sender exists,
// the connect and disconnect events, then an event with no data.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Called when the sender connects or disconnects.
void listen_to_connect_disconnect(const sig::event& ev) {
  std::cout << "Sender connect/disconnect event, current state:  "
            << (sig::event_name(ev) == sig::connect_event ? "connected" : "disconnected") << "\n";
}

// Prints the data as pysig does: None when there is none.
std::string describe(const sig::kwargs& data) {
  return data.empty() ? "None" : std::to_string(data.size()) + " kwargs";
}

// The listener of my_event_1.
void listen_to_events(const sig::event& ev) {
  std::cout << "Received event '" << sig::event_name(ev) << "' from sender '"
            << sig::sender_name(ev) << "' having data '" << describe(sig::event_data(ev)) << "'\n";
}

asio::awaitable<void> print_sender_state(sig::router& router) {
  bool connected = co_await router.is_connected("my_sender");
  std::cout << "Sender state: " << (connected ? "connected" : "disconnected") << "\n";
}

asio::awaitable<void> run(sig::router router) {
  // Register the listener, even though no sender is connected yet.
  co_await router.add_listener(listen_to_events, "my_sender", "my_event_1");

  // Register to the connect and disconnect events.
  co_await router.add_listener(listen_to_connect_disconnect, "my_sender", sig::connect_event);
  co_await router.add_listener(listen_to_connect_disconnect, "my_sender", sig::disconnect_event);
  co_await print_sender_state(router);

  // Create the sender: the connect event is triggered.
  co_await router.add_sender("my_sender", sig::events("my_event_1", "my_event_2"));
  co_await print_sender_state(router);

  // Disconnect the sender: the disconnect event is triggered.
  co_await router.remove_sender("my_sender");
  co_await print_sender_state(router);

  // Connect the sender again: the connect event is triggered.
  co_await router.add_sender("my_sender", sig::events("my_event_1", "my_event_2"));
  co_await print_sender_state(router);

  // Trigger the first event.
  co_await router.trigger("my_sender", "my_event_1");
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, run(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
