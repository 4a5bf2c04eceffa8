// hello_signals: a first signal, built against the installed asio_signals
// package exactly as docs/getting-started.md shows.

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> greet(sig::signal greeting) {
  // A callback for every send: it receives the event, with the kwargs.
  co_await greeting.connect(
      [](const sig::event& ev) { std::cout << "hello, " << ev.get<std::string>("name") << "\n"; });

  // Send once with the default name, once with another.
  co_await greeting.send();
  co_await greeting.send(sig::arg("name", "asio_signals"));
}

int main() {
  asio::io_context ctx;

  // A signal on the io_context, declaring one kwarg, "name", with its default.
  sig::signal greeting(ctx, sig::arg("name", std::string("world")));

  asio::co_spawn(ctx, greet(greeting), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
