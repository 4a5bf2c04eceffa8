//
// getting_started.cpp
// ~~~~~~~~~~~~~~~~~~~
//
// The GCC 12 example of docs/getting-started.md, compiled and run as a test:
// a value built before the co_await that uses it.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

struct client {
  explicit client(tcp::socket socket) : socket(std::move(socket)) {}

  tcp::socket socket;
  std::string name;
};

asio::awaitable<bool> serve(client c) {
  co_return !c.socket.is_open() && c.name.empty();
}

asio::awaitable<bool> accept_one() {
  //! [value first]
  // Not this: a braced temporary inside co_await.
  //   co_await serve(client{tcp::socket(co_await asio::this_coro::executor), {}});
  // This: the value first, then the co_await.
  client c(tcp::socket(co_await asio::this_coro::executor));
  co_await serve(std::move(c));
  //! [value first]
  co_return co_await serve(client(tcp::socket(co_await asio::this_coro::executor)));
}

}  // namespace

int main() {
  asio::io_context ctx;
  auto served = asio::co_spawn(ctx, accept_one(), asio::use_future);
  ctx.run();
  if (!served.get()) throw std::runtime_error("getting_started: the client was not served");
}
