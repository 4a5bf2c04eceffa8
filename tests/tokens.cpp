//
// tokens.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

#include <cstddef>
#include <exception>
#include <future>
#include <optional>
#include <stdexcept>
#include <utility>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Completion tokens: lazy tokens report errors at the co_await, eager ones
// from the call.
BOOST_AUTO_TEST_SUITE(tokens_test)

CO_TEST_CASE(deferred_and_as_tuple_tokens) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; }, asio::deferred);
  BOOST_TEST(c.connected());
  auto n = co_await s.send(sig::arg("n", 1), asio::deferred);
  BOOST_TEST(n == 1u);
  auto [error, count] = co_await s.send(asio::as_tuple(asio::use_awaitable));
  BOOST_TEST(!error);
  BOOST_TEST(count == 1u);
  co_await s.disconnect(c, asio::deferred);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(lazy_tokens_report_errors_at_the_co_await) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto deferred_send = s.send(sig::arg("n", 1.5), asio::deferred);
  auto awaitable_send = s.send(sig::arg("missing", 1));
  BOOST_CHECK_THROW(co_await std::move(deferred_send), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await std::move(awaitable_send), sig::kwarg_error);
  void (*null_function)() = nullptr;
  auto deferred_connect = s.connect(null_function, asio::deferred);
  BOOST_CHECK_THROW(co_await std::move(deferred_connect), std::invalid_argument);
  auto [error, count] = co_await s.send(sig::arg("n", "x"), asio::as_tuple(asio::use_awaitable));
  BOOST_TEST(static_cast<bool>(error));
  BOOST_TEST(count == 0u);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto valid = co_await s.send(sig::arg("n", 2), asio::deferred);
  co_await test::settle();
  BOOST_TEST(valid == 1u);
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(eager_tokens_throw_errors_from_the_call) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  int calls = 0;
  bool completed = false;
  s.connect([&] { ++calls; }, asio::detached);
  BOOST_CHECK_THROW(s.send(sig::arg("n", "text"), asio::detached), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send(sig::arg("m", 1), asio::use_future), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send(sig::arg("n", 1), sig::arg("n", 2),
                           [&](std::exception_ptr, std::size_t) { completed = true; }),
                    sig::kwarg_error);
  ctx.run();
  BOOST_TEST(calls == 0);
  BOOST_TEST(!completed);
  ctx.restart();
  s.send(sig::arg("n", 1), [&](std::exception_ptr, std::size_t) { completed = true; });
  ctx.run();
  BOOST_TEST(calls == 1);
  BOOST_TEST(completed);
}

BOOST_AUTO_TEST_CASE(callback_future_and_detached_tokens) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int calls = 0;
  std::optional<sig::connection> made;
  s.connect([&] { ++calls; },
            [&](std::exception_ptr e, sig::connection c) {
              BOOST_TEST(!e);
              made = c;
            });
  std::future<std::size_t> first = s.send(asio::use_future);
  s.send(asio::detached);
  bool disconnected = false;
  ctx.run();
  ctx.restart();
  BOOST_TEST_REQUIRE(made.has_value());
  s.disconnect(*made, [&](std::exception_ptr e) { disconnected = !e; });
  std::future<std::size_t> second = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(first.get() == 1u);
  BOOST_TEST(second.get() == 0u);
  BOOST_TEST(disconnected);
  BOOST_TEST(calls == 2);
}

BOOST_AUTO_TEST_SUITE_END()
