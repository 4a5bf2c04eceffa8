//
// pysig_broadcast.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// pysig's router-broadcast example: one listener of every event of every
// sender, connect and disconnect events included.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Called for any event of any sender.
void listen_to_any(const sig::event& ev) {
  const std::string& event = sig::event_name(ev);
  const std::string& sender = sig::sender_name(ev);
  if (event == sig::connect_event)
    std::cout << "Sender '" << sender << "' is now connected\n";
  else if (event == sig::disconnect_event)
    std::cout << "Sender '" << sender << "' is now disconnected\n";
  else
    std::cout << "Sender '" << sender << "' triggered event '" << event << "' with data '"
              << (sig::event_data(ev).empty() ? "None" : "...") << "'\n";
}

asio::awaitable<void> run(sig::router router) {
  // Register the listener, even though no sender is connected yet.
  co_await router.add_listener(listen_to_any);

  // Create the sender (connect event), disconnect it, and connect it again.
  co_await router.add_sender("my_sender", sig::events("my_event_1", "my_event_2"));
  co_await router.remove_sender("my_sender");
  co_await router.add_sender("my_sender", sig::events("my_event_1", "my_event_2"));

  // Connect another sender.
  co_await router.add_sender("my_second_sender", sig::events("my_event_1", "my_event_2"));

  // Trigger some events.
  co_await router.trigger("my_sender", "my_event_1");
  co_await router.trigger("my_second_sender", "my_event_2");
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, run(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
