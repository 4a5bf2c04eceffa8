//
// next.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Awaiting the next emission with next(): matching, cancellation, and what
// happens when the last handle goes.
BOOST_AUTO_TEST_SUITE(next_test)

CO_TEST_CASE(next_completes_with_the_event_of_the_next_send) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  std::optional<sig::event> got;
  asio::co_spawn(
      ex, [&]() -> asio::awaitable<void> { got = co_await s.next(); }, asio::detached);
  co_await test::settle();
  BOOST_TEST(!got.has_value());
  auto n = co_await s.send(sig::arg("n", 3));
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(n == 0u);
  BOOST_TEST(got->get<int>("n") == 3);
  BOOST_TEST((got->source() == s));
}

CO_TEST_CASE(next_matches_like_a_connection) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  int x = 0;
  std::optional<sig::event> by_key;
  std::optional<sig::event> by_sender;
  asio::co_spawn(
      ex, [&]() -> asio::awaitable<void> { by_key = co_await s.next(sig::key("a")); },
      asio::detached);
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        by_sender = co_await s.next(sig::sender(&x), asio::deferred);
      },
      asio::detached);
  co_await test::settle();
  co_await s.send();
  co_await s.send(sig::key("b"));
  co_await test::settle();
  BOOST_TEST(!by_key.has_value());
  BOOST_TEST(!by_sender.has_value());
  co_await s.send(sig::keys("b", "a"));
  co_await s.send(sig::sender(&x), sig::key("c"));
  BOOST_TEST(co_await test::until([&] { return by_key && by_sender; }));
  BOOST_TEST(by_key->keys().contains("a"));
  BOOST_TEST(by_sender->keys().contains("c"));
}

CO_TEST_CASE(many_waits_resume_on_one_send) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  int resumed = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          co_await s.next();
          ++resumed;
        },
        asio::detached);
  }
  co_await test::settle();
  co_await s.send();
  BOOST_TEST(co_await test::until([&] { return resumed == 3; }));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(resumed == 3);
}

CO_TEST_CASE(next_waits_for_a_send_that_starts_after_it) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  std::optional<int> got;
  s.send(sig::arg("n", 1), asio::detached);
  s.next([&](boost::system::error_code, sig::event ev) { got = ev.get<int>("n"); });
  s.send(sig::arg("n", 2), asio::detached);
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(*got == 2);
}

CO_TEST_CASE(next_with_a_timeout_leaves_nothing_behind) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  asio::steady_timer timer(ex, std::chrono::milliseconds(1));
  auto result = co_await (s.next(sig::key("k")) || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  // The withdrawn wait is not completed by a later send, and the test's
  // io_context runs out of work: nothing is left pending. A wait started
  // afterwards is completed by that send.
  std::optional<boost::system::error_code> later;
  s.next(sig::key("k"), [&](boost::system::error_code ec, sig::event) { later = ec; });
  co_await test::settle();
  co_await s.send(sig::key("k"));
  BOOST_TEST(co_await test::until([&] { return later.has_value(); }));
  BOOST_TEST(!*later);
}

CO_TEST_CASE(a_cancelled_wait_completes_with_operation_aborted) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  asio::cancellation_signal cancel;
  std::optional<boost::system::error_code> result;
  s.next(
      asio::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec, sig::event ev) {
        result = ec;
        BOOST_TEST(!ev);
      }));
  co_await test::settle();
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST((*result == asio::error::operation_aborted));
  co_await s.send();
  co_await test::settle();
}

CO_TEST_CASE(dropping_the_last_handle_aborts_the_waits) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<boost::system::error_code> result;
  std::optional<sig::event> kept;
  {
    sig::signal s(ex);
    co_await s.connect([&](const sig::event& ev) { kept = ev; });
    co_await s.send();
    s.next([&](boost::system::error_code ec, sig::event) { result = ec; });
    co_await test::settle();
    BOOST_TEST(!result.has_value());
  }
  // An event refers to the signal's state, but is not a handle.
  BOOST_TEST(kept.has_value());
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST((*result == asio::error::operation_aborted));
}

CO_TEST_CASE(a_handle_made_from_an_event_counts) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<sig::signal> again;
  std::optional<boost::system::error_code> result;
  {
    sig::signal s(ex);
    co_await s.connect([&](const sig::event& ev) { again.emplace(ev.source()); });
    co_await s.send();
    co_await test::settle();
    s.next([&](boost::system::error_code ec, sig::event) { result = ec; });
  }
  co_await test::settle();
  BOOST_TEST(!result.has_value());
  co_await again->send();
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST(!*result);
}

BOOST_AUTO_TEST_SUITE_END()
