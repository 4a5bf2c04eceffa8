//
// service.cpp
// ~~~~~~~~~~~
//
// Signals awaited inside Asio services: a sensor publishes a reading on a
// timer, and a monitor co_awaits each next reading with a timeout, racing
// signal::next against a steady_timer with asio's awaitable operators. When
// the sensor falls silent the wait times out, is cancelled, and the monitor
// stops; nothing is left pending, so run() returns.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <variant>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

// Publishes `count` readings on `readings`, one every `period`.
class sensor {
 public:
  sensor(sig::signal readings, std::chrono::milliseconds period)
      : readings_(std::move(readings)), period_(period) {}

  asio::awaitable<void> run(int count) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int i = 1; i <= count; ++i) {
      timer.expires_after(period_);
      co_await timer.async_wait(asio::use_awaitable);
      co_await readings_.send(sig::sender(this), sig::arg("celsius", 20.0 + i / 2.0));
    }
  }

 private:
  sig::signal readings_;
  std::chrono::milliseconds period_;
};

// Prints every reading until none comes within `timeout`.
class monitor {
 public:
  monitor(sig::signal readings, std::chrono::milliseconds timeout)
      : readings_(std::move(readings)), timeout_(timeout) {}

  asio::awaitable<void> run() {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int n = 1;; ++n) {
      timer.expires_after(timeout_);
      std::variant<sig::event, std::monostate> next =
          co_await (readings_.next() || timer.async_wait(asio::use_awaitable));
      if (next.index() == 1) {
        std::cout << "no reading within " << timeout_.count() << " ms: the monitor stops\n";
        co_return;
      }
      std::cout << "reading " << n << ": " << std::get<0>(next).get<double>("celsius") << " C\n";
    }
  }

 private:
  sig::signal readings_;
  std::chrono::milliseconds timeout_;
};

int main() {
  asio::io_context ctx;
  sig::signal readings(ctx, sig::arg("celsius", 0.0));

  auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  monitor m(readings, 500ms);
  sensor s(readings, 20ms);
  asio::co_spawn(ctx, m.run(), rethrow);
  asio::co_spawn(ctx, s.run(5), rethrow);
  ctx.run();
}
