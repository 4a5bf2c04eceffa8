//
// basic.cpp
// ~~~~~~~~~
//
// asyncio_dispatch's basic example: a callback connected without senders or
// keys runs for every send. Plain code, no coroutine: the operations complete
// through asio::detached, and the io_context runs them in order.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace sig = asio_signals;

void callback() {
  std::cout << "callback was called!\n";
}

int main() {
  asio::io_context ctx;

  // Create the signal.
  sig::signal signal(ctx);

  // Connect the callback to the signal: an asynchronous operation.
  signal.connect(callback, asio::detached);

  // Send the signal: also an asynchronous operation.
  std::cout << "sending the signal.\n";
  signal.send(asio::detached);

  ctx.run();
}
