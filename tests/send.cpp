//
// send.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Sending: who a send reaches, what it counts, and in which order callbacks
// start. A send schedules and counts; it never runs a callback itself.
BOOST_AUTO_TEST_SUITE(send_test)

CO_TEST_CASE(unfiltered_callback_runs_on_every_send) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto n = co_await s.send();
  co_await s.send(sig::key("any"), sig::sender(&calls));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 2);
}

CO_TEST_CASE(several_unfiltered_callbacks_all_run) {
  sig::signal s(co_await asio::this_coro::executor);
  int a = 0;
  int b = 0;
  int c = 0;
  co_await s.connect([&] { ++a; });
  co_await s.connect([&] { ++b; });
  co_await s.connect([&] { ++c; });
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 3u);
  BOOST_TEST((a == 1 && b == 1 && c == 1));
}

CO_TEST_CASE(send_without_connections_schedules_nothing) {
  sig::signal s(co_await asio::this_coro::executor);
  auto n = co_await s.send(sig::key("k"));
  BOOST_TEST(n == 0u);
  // Once connected, the same send reaches the callback.
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto connected = co_await s.send(sig::key("k"));
  co_await test::settle();
  BOOST_TEST(connected == 1u);
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(send_never_runs_a_callback_inside_the_call) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int calls = 0;
  s.connect([&] { ++calls; }, asio::detached);
  ctx.run();
  ctx.restart();
  std::optional<std::size_t> completed;
  s.send([&](std::exception_ptr, std::size_t n) { completed = n; });
  BOOST_TEST(calls == 0);
  BOOST_TEST(!completed.has_value());
  ctx.run();
  BOOST_TEST(calls == 1);
  BOOST_TEST_REQUIRE(completed.has_value());
  BOOST_TEST(*completed == 1u);
}

CO_TEST_CASE(send_from_the_executor_does_not_run_callbacks_inline) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  s.send(asio::detached);
  BOOST_TEST(calls == 0);
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(an_awaited_send_runs_after_the_sends_still_queued) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  std::vector<int> order;
  co_await s.connect([&](const sig::event& ev) { order.push_back(ev.get<int>("n")); });
  s.send(sig::arg("n", 1), asio::detached);
  s.send(sig::arg("n", 2), asio::detached);
  co_await s.send(sig::arg("n", 3));
  co_await s.send(sig::arg("n", 4));
  co_await test::settle();
  BOOST_TEST((order == std::vector<int>{1, 2, 3, 4}));
}

CO_TEST_CASE(callbacks_start_in_connection_order) {
  sig::signal s(co_await asio::this_coro::executor);
  std::vector<std::string> order;
  int x = 0;
  co_await s.connect([&] { order.push_back("a"); }, sig::key("k"));
  co_await s.connect([&]() -> asio::awaitable<void> {
    order.push_back("b");
    co_return;
  });
  co_await s.connect([&] { order.push_back("c"); }, sig::sender(&x));
  co_await s.connect([&] { order.push_back("d"); }, sig::key("other"));
  co_await s.connect([&] { order.push_back("e"); });
  co_await s.send(sig::sender(&x), sig::keys("other", "k"));
  co_await test::settle();
  BOOST_TEST((order == std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

CO_TEST_CASE(merged_connections_keep_their_first_position) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  co_await s.connect(test::record_f, sig::key("first"));
  co_await s.connect(test::record_g);
  co_await s.connect(test::record_f, sig::key("later"));
  co_await s.send(sig::key("later"));
  co_await test::settle();
  BOOST_TEST((test::journal == std::vector<std::string>{"f", "g"}));
}

CO_TEST_CASE(sends_keep_their_order) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  std::vector<std::string> log;
  co_await s.connect(
      [&](const sig::event& ev) { log.push_back("a" + std::to_string(ev.get<int>("n"))); });
  co_await s.connect(
      [&](const sig::event& ev) { log.push_back("b" + std::to_string(ev.get<int>("n"))); });
  for (int i = 0; i < 3; ++i) s.send(sig::arg("n", i), asio::detached);
  co_await test::settle();
  BOOST_TEST((log == std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

BOOST_AUTO_TEST_SUITE_END()
