//
// awaiting.cpp
// ~~~~~~~~~~~~
//
// The examples of docs/awaiting.md, compiled and run as a test: each checks,
// with expect(), what the document says.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

namespace {

void expect(bool condition, const char* what) {
  if (!condition) throw std::runtime_error(std::string("awaiting: ") + what);
}

asio::awaitable<void> settle() {
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < 8; ++i) co_await asio::post(ex, asio::use_awaitable);
}

void on_order(const sig::event&) {}

// Sends a book order once the tasks already queued have run.
asio::awaitable<void> order_later(sig::signal orders) {
  co_await settle();
  co_await orders.send(sig::key("book"), sig::arg("id", 7));
}

asio::awaitable<void> next_event(sig::signal orders) {
  asio::co_spawn(co_await asio::this_coro::executor, order_later(orders), asio::detached);
  //! [next]
  sig::event ev = co_await orders.next(sig::key("book"));  // the next send naming "book"
  int id = ev.get<int>("id");
  //! [next]
  expect(id == 7, "next completes with the event");
}

asio::awaitable<void> next_with_timeout(sig::signal orders) {
  //! [timeout]
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, 10ms);
  std::variant<sig::event, std::monostate> first =
      co_await (orders.next(sig::key("book")) || timer.async_wait(asio::use_awaitable));
  if (first.index() == 1) {
    // No order within 10 ms; the wait was withdrawn.
  }
  //! [timeout]
  expect(first.index() == 1, "the timer wins when nothing is sent");
}

asio::awaitable<void> subscribing(sig::signal orders) {
  auto ex = co_await asio::this_coro::executor;
  //! [subscription]
  sig::subscription books(orders, 64, sig::overflow::drop_oldest, sig::key("book"));
  for (int id = 1; id <= 3; ++id) co_await orders.send(sig::key("book"), sig::arg("id", id));
  for (int n = 0; n < 3; ++n) {
    sig::event ev = co_await books.receive();  // ids 1, 2, 3 in send order
    std::cout << "order " << ev.get<int>("id") << "\n";
  }
  std::size_t lost = books.dropped();  // 0: the buffer never filled
  //! [subscription]
  expect(lost == 0, "nothing dropped");

  //! [backpressure]
  sig::subscription paced(orders, 1, sig::overflow::wait);
  asio::co_spawn(
      ex,
      [orders]() mutable -> asio::awaitable<void> {
        for (int id = 1; id <= 3; ++id)
          co_await orders.send(sig::arg("id", id));  // waits while `paced` is full
      },
      asio::detached);
  for (int n = 1; n <= 3; ++n) {
    sig::event ev = co_await paced.receive();
    expect(ev.get<int>("id") == n, "in order, none lost");
  }
  //! [backpressure]
}

asio::awaitable<void> waiting_for_callbacks(sig::signal orders) {
  //! [send-and-wait]
  co_await orders.connect([] { throw std::runtime_error("out of stock"); });
  co_await orders.connect([]() -> asio::awaitable<void> {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  });
  std::vector<sig::outcome> outcomes = co_await orders.send_and_wait();
  for (const sig::outcome& o : outcomes)
    if (o.error) std::cout << "a callback failed\n";  // the first one
  //! [send-and-wait]
  expect(outcomes.size() == 2 && outcomes[0].error && !outcomes[1].error, "one outcome each");
}

asio::awaitable<void> counting(sig::signal orders) {
  int calls = 0;
  //! [counted]
  sig::connection c = co_await orders.connect([&] { ++calls; }, sig::once());
  co_await orders.send();
  co_await orders.send();  // c has ended: not called again
  //! [counted]
  co_await settle();
  expect(calls == 1 && !c.connected(), "once runs once");
  co_await orders.connect(on_order, sig::max_calls(3));
}

asio::awaitable<void> scoping(sig::signal orders) {
  int calls = 0;
  //! [scoped]
  {
    sig::scoped_connection c = co_await orders.connect([&] { ++calls; });
    {
      sig::connection_block block(c.get());
      co_await orders.send();  // skipped while blocked
    }
    {
      sig::scoped_mute quiet(orders);
      co_await orders.send();  // nobody hears a muted signal
    }
    co_await orders.send();  // heard
  }
  co_await orders.send();  // c was disconnected at the end of its scope
  //! [scoped]
  co_await settle();
  expect(calls == 1, "block, mute and scope");
}

asio::awaitable<void> notifying(sig::signal orders) {
  std::vector<std::string> log;
  //! [notifications]
  co_await orders.receiver_connected().connect(
      [&](const sig::event&) { log.push_back("someone listens to books"); }, sig::key("book"));
  co_await orders.connect(on_order, sig::keys("book", "pen"));  // announced
  co_await orders.connect(on_order, sig::key("pen"));           // not about books
  //! [notifications]
  co_await settle();
  expect(log.size() == 1, "filtered by key");
}

asio::awaitable<void> introspecting(sig::signal orders) {
  //! [introspection]
  sig::connection c = co_await orders.connect(on_order, sig::keys("book", "pen"));
  std::size_t connected = orders.receivers();                    // 1
  bool books = co_await orders.has_receivers(sig::key("book"));  // true
  bool toys = co_await orders.has_receivers(sig::key("toy"));    // false
  sig::filter_set f = co_await orders.filters(c);                // keys "book", "pen"
  //! [introspection]
  expect(connected == 1 && books && !toys && f.keys.size() == 2 && !f.unfiltered, "introspection");
}

asio::awaitable<void> all(asio::any_io_executor ex) {
  auto fresh = [&] { return sig::signal(ex, sig::arg("id", 0)); };
  co_await next_event(fresh());
  co_await next_with_timeout(fresh());
  co_await subscribing(fresh());
  co_await waiting_for_callbacks(fresh());
  co_await counting(fresh());
  co_await scoping(fresh());
  co_await notifying(fresh());
  co_await introspecting(fresh());
}

}  // namespace

int main() {
  asio::io_context ctx;
  asio::co_spawn(ctx, all(ctx.get_executor()), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
