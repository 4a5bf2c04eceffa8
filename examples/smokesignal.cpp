//
// smokesignal.cpp
// ~~~~~~~~~~~~~~~
//
// smokesignal's named signals on a router: on, once and max_calls, emit
// with data, the emitting context manager, disconnect_from, clear and
// responds_to.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <iostream>

namespace asio = boost::asio;
namespace sig = asio_signals;

void my_callback(const sig::event& ev) {
  std::cout << "my_callback responds to '" << sig::event_name(ev) << "'\n";
}

void with_arguments(const sig::event& ev) {
  const sig::kwargs& data = sig::event_data(ev);
  std::cout << "called with four=" << data.get<int>("four") << "\n";
}

// Lets every callback scheduled so far run, so the output keeps its order.
asio::awaitable<void> settle() {
  for (int i = 0; i < 4; ++i)
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

asio::awaitable<void> run(sig::router smokesignal) {
  // on, once and max_calls.
  co_await smokesignal.on("foo", my_callback);
  co_await smokesignal.on(
      "bar", [] { std::cout << "once responds to 'bar'\n"; }, sig::once());
  co_await smokesignal.on(
      "baz", [] { std::cout << "max_calls=2 responds to 'baz'\n"; }, sig::max_calls(2));
  co_await smokesignal.emit("foo");
  for (int i = 0; i < 3; ++i) {
    co_await smokesignal.emit("bar");
    co_await smokesignal.emit("baz");
  }
  co_await settle();

  // emit with data.
  co_await smokesignal.on("tx", with_arguments);
  co_await smokesignal.emit("tx", sig::arg("four", 4));
  co_await settle();

  // emitting: "foo" on entry, "qux" on exit.
  co_await smokesignal.on("qux", my_callback);
  {
    sig::emitting scope(smokesignal, "foo", "qux");
    co_await settle();
    std::cout << "inside the emitting scope\n";
  }
  co_await settle();

  // responds_to, then disconnect_from and clear.
  std::cout << std::boolalpha
            << "responds to 'foo': " << co_await smokesignal.responds_to(my_callback, "foo")
            << "\n";
  co_await smokesignal.disconnect_from(my_callback, "foo");
  std::cout << "after disconnect_from, responds to 'foo': "
            << co_await smokesignal.responds_to(my_callback, "foo")
            << ", to 'qux': " << co_await smokesignal.responds_to(my_callback, "qux") << "\n";
  co_await smokesignal.clear("qux");
  std::cout << "after clear('qux'), responds to 'qux': "
            << co_await smokesignal.responds_to(my_callback, "qux") << "\n";
  std::size_t n = co_await smokesignal.emit("foo");
  std::cout << "emitting 'foo' reached " << n << " callbacks\n";
  co_await smokesignal.clear_all();
  n = co_await smokesignal.emit("tx", sig::arg("four", 4));
  std::cout << "after clear_all, emitting 'tx' reached " << n << " callbacks\n";
}

int main() {
  asio::io_context ctx;
  sig::router smokesignal(ctx);
  asio::co_spawn(ctx, run(smokesignal), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
