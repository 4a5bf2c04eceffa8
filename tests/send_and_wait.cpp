//
// send_and_wait.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// send_and_wait: a send that completes once every callback has finished,
// with each callback's outcome.
BOOST_AUTO_TEST_SUITE(send_and_wait_test)

CO_TEST_CASE(send_and_wait_completes_after_every_callback) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  auto strand = asio::make_strand(ex);
  bool coroutine_done = false;
  bool bound_done = false;
  auto first = co_await s.connect([] {});
  auto second = co_await s.connect([&]() -> asio::awaitable<void> {
    co_await test::yield();
    co_await test::yield();
    coroutine_done = true;
  });
  auto third = co_await s.connect(asio::bind_executor(strand, [&] { bound_done = true; }));
  s.next([](boost::system::error_code, sig::event) {});
  co_await test::settle();
  std::vector<sig::outcome> outcomes = co_await s.send_and_wait();
  BOOST_TEST(coroutine_done);
  BOOST_TEST(bound_done);
  BOOST_TEST_REQUIRE(outcomes.size() == 3u);
  BOOST_TEST((outcomes[0].receiver == first && outcomes[1].receiver == second &&
              outcomes[2].receiver == third));
  BOOST_TEST((!outcomes[0].error && !outcomes[1].error && !outcomes[2].error));
}

CO_TEST_CASE(send_and_wait_reports_exceptions_instead_of_the_handler) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int handled = 0;
  s.set_error_handler([&](std::exception_ptr, const sig::event&) { ++handled; });
  co_await s.connect([] { throw std::runtime_error("plain"); });
  co_await s.connect([](const sig::event& ev) -> asio::awaitable<void> {
    co_await test::yield();
    if (ev.get<int>("n") > 0) throw std::runtime_error("coroutine");
  });
  auto outcomes = co_await s.send_and_wait(sig::arg("n", 1), asio::deferred);
  BOOST_TEST_REQUIRE(outcomes.size() == 2u);
  BOOST_TEST(test::message_of(outcomes[0].error) == "plain");
  BOOST_TEST(test::message_of(outcomes[1].error) == "coroutine");
  co_await test::settle();
  BOOST_TEST(handled == 0);
  auto none = co_await s.send_and_wait(sig::key("nobody"));
  BOOST_TEST(none.size() == 2u);
  BOOST_TEST(!none[1].error);
  co_await test::settle();
  BOOST_TEST(handled == 0);
  // A plain send reports the same exceptions to the handler.
  co_await s.send(sig::arg("n", 1));
  BOOST_TEST(co_await test::until([&] { return handled == 2; }));
}

CO_TEST_CASE(cancelling_send_and_wait_leaves_the_callbacks_running) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  std::vector<std::string> handled;
  s.set_error_handler(
      [&](std::exception_ptr e, const sig::event&) { handled.push_back(test::message_of(e)); });
  bool finished = false;
  co_await s.connect([&]() -> asio::awaitable<void> {
    asio::steady_timer later(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    co_await later.async_wait(asio::use_awaitable);
    finished = true;
    throw std::runtime_error("late");
  });
  asio::steady_timer timeout(ex, std::chrono::milliseconds(1));
  auto result = co_await (s.send_and_wait() || timeout.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  BOOST_TEST(!finished);
  BOOST_TEST(co_await test::until([&] { return finished && !handled.empty(); }, 100000));
  BOOST_TEST((handled == std::vector<std::string>{"late"}));
}

CO_TEST_CASE(send_and_wait_checks_kwargs_like_send) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  BOOST_CHECK_THROW(co_await s.send_and_wait(sig::arg("n", "x")), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send_and_wait(sig::arg("m", 1), asio::detached), sig::kwarg_error);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto outcomes = co_await s.send_and_wait(sig::arg("n", 1));
  BOOST_TEST(outcomes.size() == 1u);
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
