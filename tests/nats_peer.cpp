//
// nats_peer.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// The other process of the NATS tests: `nats_peer URL PREFIX NAME COUNT`
// links a router, adds the sender NAME (events "#changed" and "cold", method
// "ping" answering "pong"), triggers "#changed" COUNT times with the kwarg
// "value" = 0..COUNT-1, then runs until killed.

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: nats_peer URL PREFIX NAME COUNT\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router r(ctx);
  sig::nats_options options;
  options.servers.push_back(argv[1]);
  options.prefix = argv[2];
  options.heartbeat_interval = std::chrono::milliseconds(100);
  options.presence_expiry = std::chrono::milliseconds(500);
  sig::nats_link link(r, options);
  std::string name = argv[3];
  std::int64_t count = std::atoll(argv[4]);
  int status = 0;
  asio::co_spawn(
      ctx,
      [&]() -> asio::awaitable<void> {
        co_await link.start();
        co_await r.add_sender(name, sig::events("#changed", "cold"),
                              sig::method("ping", [] { return std::string("pong"); }));
        for (std::int64_t i = 0; i < count; ++i)
          co_await r.trigger(name, "#changed", sig::arg("value", i));
        std::cout << "ready" << std::endl;
        asio::steady_timer forever(ctx, std::chrono::hours(1));
        co_await forever.async_wait(asio::use_awaitable);
      },
      [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          std::cerr << "nats_peer: " << x.what() << "\n";
        }
        status = 1;
        ctx.stop();
      });
  ctx.run();
  return status;
}
