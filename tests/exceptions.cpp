//
// exceptions.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Exceptions from callbacks: to the error handler if there is one, out of
// run() otherwise; the other callbacks of the send still run.
BOOST_AUTO_TEST_SUITE(exceptions_test)

CO_TEST_CASE(exceptions_go_to_the_error_handler_and_the_others_still_run) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  std::vector<std::string> errors;
  std::vector<int> from_send;
  s.set_error_handler([&](std::exception_ptr e, const sig::event& ev) {
    errors.push_back(test::message_of(e));
    from_send.push_back(ev.get<int>("n"));
  });
  int after = 0;
  co_await s.connect([] { throw std::runtime_error("plain"); });
  co_await s.connect([]() -> asio::awaitable<void> {
    co_await test::yield();
    throw std::runtime_error("coroutine");
  });
  co_await s.connect([&] { ++after; });
  co_await s.send(sig::arg("n", 7));
  BOOST_TEST(co_await test::until([&] { return errors.size() == 2; }));
  BOOST_TEST(after == 1);
  BOOST_TEST((errors == std::vector<std::string>{"plain", "coroutine"}));
  BOOST_TEST((from_send == std::vector<int>{7, 7}));
  co_await s.send(sig::arg("n", 8));
  BOOST_TEST(co_await test::until([&] { return errors.size() == 4; }));
  BOOST_TEST(after == 2);
}

BOOST_AUTO_TEST_CASE(without_a_handler_exceptions_leave_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int after = 0;
  s.connect([] { throw std::runtime_error("plain"); }, asio::detached);
  s.connect([&] { ++after; }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::runtime_error);
  ctx.run();
  BOOST_TEST(after == 1);
}

BOOST_AUTO_TEST_CASE(without_a_handler_coroutine_exceptions_leave_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int after = 0;
  s.connect(
      []() -> asio::awaitable<void> {
        co_await test::yield();
        throw std::runtime_error("coroutine");
      },
      asio::detached);
  s.connect([&] { ++after; }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::runtime_error);
  ctx.run();
  BOOST_TEST(after == 1);
}

BOOST_AUTO_TEST_CASE(an_exception_from_the_error_handler_leaves_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  s.set_error_handler(
      [](std::exception_ptr, const sig::event&) { throw std::logic_error("handler"); });
  s.connect([] { throw std::runtime_error("plain"); }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
