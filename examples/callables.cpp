//
// callables.cpp
// ~~~~~~~~~~~~~
//
// asyncio_dispatch's "multiple types of callables": functions, coroutines,
// members, coroutine members and static members, all connected to one signal
// and all scheduled by one send. Unlike asyncio_dispatch, they start in the
// order they were connected.
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

void callback1(const sig::event&) {
  std::cout << "callback1 was called\n";
}

asio::awaitable<void> callback2(const sig::event&) {
  std::cout << "callback2 was called\n";
  co_return;
}

asio::awaitable<void> callback3() {
  std::cout << "callback3 was called\n";
  co_return;
}

class test {
 public:
  void callback4(const sig::event&) { std::cout << "callback4 was called\n"; }

  asio::awaitable<void> callback5(const sig::event&) {
    std::cout << "callback5 was called\n";
    co_return;
  }

  asio::awaitable<void> callback6() const {
    std::cout << "callback6 was called\n";
    co_return;
  }

  static void callback7(const sig::event&) { std::cout << "callback7 was called\n"; }

  static asio::awaitable<void> callback8() {
    std::cout << "callback8 was called\n";
    co_return;
  }
};

int main() {
  asio::io_context ctx;
  sig::signal signal(ctx);
  test t;

  // The free function and coroutines.
  signal.connect(callback1, asio::detached);
  signal.connect(callback2, asio::detached);
  signal.connect(callback3, asio::detached);

  // The members, by pointer or by reference, and the static members.
  signal.connect(&test::callback4, &t, asio::detached);
  signal.connect(&test::callback5, &t, asio::detached);
  signal.connect(&test::callback6, t, asio::detached);
  signal.connect(&test::callback7, asio::detached);
  signal.connect(&test::callback8, asio::detached);

  signal.send(asio::detached);
  ctx.run();
}
