//
// readme.cpp
// ~~~~~~~~~~
//
// The example of README.md, compiled and run as a test.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> chat(sig::signal message) {
  co_await message.connect(
      [](const sig::event& ev) { std::cout << "got: " << ev.get<std::string>("text") << "\n"; },
      sig::key("important"));
  co_await message.send(sig::key("important"), sig::arg("text", "hello"));
}

int main() {
  asio::io_context ctx;
  sig::signal message(ctx, sig::arg("text", std::string()));  // declares the kwarg "text"
  asio::co_spawn(ctx, chat(message), asio::detached);
  ctx.run();
}
