//
// basic_await.cpp
// ~~~~~~~~~~~~~~~
//
// The basic example with co_await, as asyncio_dispatch's async/await twin:
// the io_context runs just long enough to connect, send and call back.
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

asio::awaitable<void> callback(const sig::event&) {
  std::cout << "callback was called!\n";
  co_return;
}

asio::awaitable<void> connect_and_send_signal(sig::signal signal) {
  co_await signal.connect(callback);
  std::cout << "sending the signal.\n";
  co_await signal.send();
}

int main() {
  asio::io_context ctx;
  sig::signal signal(ctx);
  asio::co_spawn(ctx, connect_and_send_signal(signal), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
