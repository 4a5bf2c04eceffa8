// A program that uses asio_signals only through its installed interface.

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

int main() {
  asio::io_context ctx;
  sig::signal greeting(ctx, sig::arg("name", std::string("world")));
  std::string heard;
  asio::co_spawn(
      ctx,
      [&]() -> asio::awaitable<void> {
        co_await greeting.connect(
            [&](const sig::event& ev) { heard = ev.get<std::string>("name"); }, sig::key("hello"));
        co_await greeting.send(sig::key("hello"), sig::arg("name", "consumer"));
      },
      asio::detached);
  ctx.run();
  std::cout << "hello, " << heard << "\n";
  return heard == "consumer" ? 0 : 1;
}
