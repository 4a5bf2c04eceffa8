// hello_nats: the NATS link, built against the installed asio_signals
// package's nats component. No server listens on port 1, so starting the
// link fails with the error a user catches.

#include <asio_signals/nats.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> link_to_nowhere(sig::router router) {
  sig::nats_options options;
  options.servers.push_back("nats://127.0.0.1:1");
  sig::nats_link link(router, options);
  try {
    co_await link.start();
    std::cout << "connected to a server on port 1\n";
  } catch (const sig::nats_error&) {
    std::cout << "hello, nats: no server on port 1\n";
  }
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, link_to_nowhere(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
