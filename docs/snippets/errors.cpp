//
// errors.cpp
// ~~~~~~~~~~
//
// The examples of docs/errors.md, compiled and run as a test.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

void expect(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("errors: ") + what);
}

asio::awaitable<void> lazy(sig::signal orders) {
  //! [lazy]
  auto later = orders.send(sig::arg("quantity", "two"), asio::deferred);  // nothing thrown yet
  try {
    co_await std::move(later);
  } catch (const sig::kwarg_error& e) {
    // kwarg 'quantity' is declared as int but the send gave std::string
    std::cerr << e.what() << "\n";
  }
  //! [lazy]
}

}  // namespace

int main() {
  asio::io_context ctx;
  sig::signal orders(ctx, sig::arg("quantity", 0));

  //! [eager]
  try {
    orders.send(sig::arg("price", 10), asio::detached);  // an eager token: thrown from the call
  } catch (const sig::kwarg_error& e) {
    std::cerr << e.what() << "\n";  // the signal declares no kwarg 'price' (the send gave int)
  }
  //! [eager]

  //! [bad-callback]
  std::function<void()> empty;
  try {
    orders.connect(empty, asio::detached);
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n";  // the callback is empty
  }
  //! [bad-callback]

  asio::co_spawn(ctx, lazy(orders), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });

  //! [run-loop]
  orders.connect([] { throw std::runtime_error("out of stock"); }, asio::detached);
  orders.send(asio::detached);
  int failures = 0;
  for (;;) {
    try {
      ctx.run();
      break;
    } catch (const std::exception& e) {
      ++failures;  // a callback threw and no error handler is set: log it, and go on
      std::cerr << "callback failed: " << e.what() << "\n";
    }
  }
  //! [run-loop]
  expect(failures == 1, "one failure left run()");
}
