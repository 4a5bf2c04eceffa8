//
// tokens.cpp
// ~~~~~~~~~~
//
// One signal driven with each completion token: a plain callback,
// asio::detached, asio::use_future, asio::use_awaitable (the default) and
// asio::deferred. The callback only records what it receives, so what this
// prints does not depend on whether a send completes before or after its
// callbacks run (which the library leaves unspecified).
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <exception>
#include <future>
#include <iostream>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<void> with_coroutines(sig::signal numbers) {
  // asio::use_awaitable, the default token: co_await the operation.
  std::size_t scheduled = co_await numbers.send(sig::arg("n", 4));
  std::cout << "use_awaitable: " << scheduled << " callback scheduled\n";

  // asio::deferred: the operation is made now and starts when awaited.
  auto later = numbers.send(sig::arg("n", 5), asio::deferred);
  std::cout << "deferred: made, not started\n";
  scheduled = co_await std::move(later);
  std::cout << "deferred: " << scheduled << " callback scheduled\n";
}

int main() {
  asio::io_context ctx;
  sig::signal numbers(ctx, sig::arg("n", 0));
  std::vector<int> received;

  // A plain callback as the token: it receives the operation's results.
  numbers.connect([&](const sig::event& ev) { received.push_back(ev.get<int>("n")); },
                  [](std::exception_ptr, sig::connection c) {
                    std::cout << "callback: connected " << std::boolalpha << c.connected() << "\n";
                  });
  numbers.send(sig::arg("n", 1), [](std::exception_ptr, std::size_t n) {
    std::cout << "callback: " << n << " callback scheduled\n";
  });
  ctx.run();
  ctx.restart();

  // asio::detached: fire and forget.
  numbers.send(sig::arg("n", 2), asio::detached);

  // asio::use_future: a std::future of the count, ready once the context ran.
  std::future<std::size_t> scheduled = numbers.send(sig::arg("n", 3), asio::use_future);
  ctx.run();
  ctx.restart();
  std::cout << "use_future: " << scheduled.get() << " callback scheduled\n";

  asio::co_spawn(ctx, with_coroutines(numbers), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();

  std::cout << "received:";
  for (int n : received) std::cout << " " << n;
  std::cout << "\n";
}
