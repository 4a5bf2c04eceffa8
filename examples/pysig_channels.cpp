//
// pysig_channels.cpp
// ~~~~~~~~~~~~~~~~~~
//
// pysig's channel events: temperature, humidity and light sensors share the
// "#changed" channel, heard with one subscription; "cold" is no channel; and
// one listener hears "#changed" from the temperature sensor only.
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

// Hears "#changed" from any sensor.
void on_any_change(const sig::event& ev) {
  std::cout << "channel " << sig::event_name(ev) << ": " << sig::sender_name(ev) << " is now "
            << sig::event_data(ev).get<double>("value") << "\n";
}

// Hears "#changed" from the temperature sensor only.
void on_temperature_change(const sig::event& ev) {
  std::cout << "temp only: " << sig::sender_name(ev) << " is now "
            << sig::event_data(ev).get<double>("value") << "\n";
}

// Hears "cold" from the temperature sensor.
void on_cold(const sig::event& ev) {
  std::cout << "cold: " << sig::sender_name(ev) << " says it is cold\n";
}

asio::awaitable<void> run(sig::router router) {
  // One subscription for every sensor, those connected later included.
  co_await router.add_listener(on_any_change, sig::any, "#changed");

  // The pitfall: "cold" is not a channel, so no sender means nothing to
  // hear. pysig drops such a listener silently; the router says so.
  try {
    co_await router.add_listener(on_cold, sig::any, "cold");
  } catch (const sig::router_error& e) {
    std::cout << "router_error: " << e.what() << "\n";
  }
  co_await router.add_listener(on_cold, "temp", "cold");

  // A listener of the temperature sensor's "#changed", not of the channel.
  co_await router.add_listener(on_temperature_change, "temp", "#changed");

  co_await router.add_sender("temp", sig::events("#changed", "cold", "hot"));
  co_await router.add_sender("humidity", sig::events("#changed", "dry", "wet"));
  co_await router.add_sender("light", sig::events("#changed"));

  co_await router.trigger("temp", "#changed", sig::arg("value", 3.5));
  co_await router.trigger("humidity", "#changed", sig::arg("value", 40.0));
  co_await router.trigger("light", "#changed", sig::arg("value", 250.0));
  co_await router.trigger("temp", "cold");
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, run(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
