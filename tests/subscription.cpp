//
// subscription.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/subscription.hpp>

#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

asio::awaitable<int> receive_n(sig::subscription& sub) {
  sig::event ev = co_await sub.receive();
  co_return ev.get<int>("n");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(subscription_test)

CO_TEST_CASE(queues_matching_events_in_send_order) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  sig::subscription sub(s, 8, sig::overflow::drop_newest, sig::key("k"));
  for (int i = 1; i <= 3; ++i) co_await s.send(sig::key("k"), sig::arg("n", i));
  co_await s.send(sig::key("other"), sig::arg("n", 99));
  std::vector<int> got;
  for (int i = 0; i < 3; ++i) got.push_back(co_await receive_n(sub));
  BOOST_TEST((got == std::vector<int>{1, 2, 3}));
  BOOST_TEST(sub.dropped() == 0u);
  BOOST_TEST(sub.capacity() == 8u);
  BOOST_TEST((sub.policy() == sig::overflow::drop_newest));
}

CO_TEST_CASE(drop_oldest_keeps_the_latest_and_counts) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  sig::subscription sub(s, 2, sig::overflow::drop_oldest);
  for (int i = 1; i <= 5; ++i) co_await s.send(sig::arg("n", i));
  int first = co_await receive_n(sub);
  int second = co_await receive_n(sub);
  BOOST_TEST(first == 4);
  BOOST_TEST(second == 5);
  BOOST_TEST(sub.dropped() == 3u);
}

CO_TEST_CASE(drop_newest_keeps_the_first_and_counts) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  sig::subscription sub(s, 2, sig::overflow::drop_newest);
  for (int i = 1; i <= 5; ++i) co_await s.send(sig::arg("n", i));
  int first = co_await receive_n(sub);
  int second = co_await receive_n(sub);
  BOOST_TEST(first == 1);
  BOOST_TEST(second == 2);
  BOOST_TEST(sub.dropped() == 3u);
}

CO_TEST_CASE(wait_holds_the_send_until_there_is_room) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  sig::subscription sub(s, 1, sig::overflow::wait);
  int callback_calls = 0;
  co_await s.connect([&] { ++callback_calls; });
  std::vector<int> sent;
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        for (int i = 1; i <= 3; ++i) {
          co_await s.send(sig::arg("n", i));
          sent.push_back(i);
        }
      },
      asio::detached);
  co_await test::settle();
  // The first event fills the buffer; the second is held, and so is its send,
  // although its callbacks ran.
  BOOST_TEST((sent == std::vector<int>{1}));
  BOOST_TEST(callback_calls == 2);
  BOOST_TEST(co_await receive_n(sub) == 1);
  co_await test::settle();
  BOOST_TEST((sent == std::vector<int>{1, 2}));
  BOOST_TEST(co_await receive_n(sub) == 2);
  BOOST_TEST(co_await receive_n(sub) == 3);
  BOOST_TEST(co_await test::until([&] { return sent.size() == 3; }));
  BOOST_TEST(sub.dropped() == 0u);
}

CO_TEST_CASE(a_capacity_of_zero_hands_events_over) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  sig::subscription rendezvous(s, 0, sig::overflow::wait);
  sig::subscription lossy(s, 0, sig::overflow::drop_newest);
  bool sent = false;
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        co_await s.send(sig::arg("n", 1));
        sent = true;
      },
      asio::detached);
  co_await test::settle();
  BOOST_TEST(!sent);
  BOOST_TEST(lossy.dropped() == 1u);
  BOOST_TEST(co_await receive_n(rendezvous) == 1);
  BOOST_TEST(co_await test::until([&] { return sent; }));
}

CO_TEST_CASE(receive_waits_for_the_next_event) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  sig::subscription sub(s, 4, sig::overflow::drop_newest);
  std::vector<int> got;
  for (int i = 0; i < 2; ++i) {
    sub.receive([&](boost::system::error_code ec, sig::event ev) {
      if (!ec) got.push_back(ev.get<int>("n"));
    });
  }
  co_await test::settle();
  co_await s.send(sig::arg("n", 7));
  co_await s.send(sig::arg("n", 8));
  BOOST_TEST(co_await test::until([&] { return got.size() == 2; }));
  BOOST_TEST((got == std::vector<int>{7, 8}));
}

CO_TEST_CASE(a_cancelled_receive_loses_no_event) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  sig::subscription sub(s, 4, sig::overflow::drop_newest);
  asio::steady_timer timer(ex, std::chrono::milliseconds(1));
  auto first = co_await (sub.receive() || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(first.index() == 1u);
  co_await s.send(sig::arg("n", 5));
  BOOST_TEST(co_await receive_n(sub) == 5);
}

CO_TEST_CASE(destroying_it_aborts_receives_and_unsubscribes) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  std::optional<boost::system::error_code> result;
  {
    sig::subscription sub(s, 4, sig::overflow::drop_newest, sig::key("k"));
    co_await test::settle();
    bool subscribed = co_await s.has_receivers(sig::key("k"));
    BOOST_TEST(subscribed);
    sub.receive([&](boost::system::error_code ec, sig::event) { result = ec; });
  }
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST((*result == asio::error::operation_aborted));
  bool still = co_await s.has_receivers(sig::key("k"));
  BOOST_TEST(!still);
}

CO_TEST_CASE(outlives_its_signal_until_the_buffer_is_empty) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<sig::subscription> sub;
  {
    sig::signal s(ex, sig::arg("n", 0));
    sub.emplace(s, 4, sig::overflow::drop_newest);
    co_await s.send(sig::arg("n", 1));
  }
  BOOST_TEST(co_await receive_n(*sub) == 1);
  auto [ec, ev] = co_await sub->receive(asio::as_tuple(asio::use_awaitable));
  BOOST_TEST((ec == asio::error::operation_aborted));
  BOOST_TEST(!ev);
}

CO_TEST_CASE(a_wait_subscription_released_on_destruction) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  std::optional<sig::subscription> sub(std::in_place, s, 0, sig::overflow::wait);
  bool sent = false;
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        co_await s.send(sig::arg("n", 1));
        sent = true;
      },
      asio::detached);
  co_await test::settle();
  BOOST_TEST(!sent);
  sub.reset();
  BOOST_TEST(co_await test::until([&] { return sent; }));
}

BOOST_AUTO_TEST_SUITE_END()
