//
// disconnect.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <memory>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Disconnecting: full and partial disconnects, by connection, by callable or
// by member and any form of its object.
BOOST_AUTO_TEST_SUITE(disconnect_test)

CO_TEST_CASE(disconnect_between_sends) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  co_await s.send();
  co_await s.disconnect(c);
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(calls == 1);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(disconnect_removes_a_function_entirely) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  auto c = co_await s.connect(test::record_f, sig::keys("a", "b"));
  co_await s.connect(test::record_f);
  auto connected = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(connected == 1u);
  BOOST_TEST(test::journal.size() == 1u);
  co_await s.disconnect(test::record_f);
  auto n = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(test::journal.size() == 1u);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(partial_disconnect_by_key) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  auto c = co_await s.connect(test::record_f, sig::keys("a", "b"));
  co_await s.disconnect(test::record_f, sig::key("a"));
  auto a = co_await s.send(sig::key("a"));
  auto b = co_await s.send(sig::key("b"));
  BOOST_TEST(a == 0u);
  BOOST_TEST(b == 1u);
  BOOST_TEST(c.connected());
}

CO_TEST_CASE(partial_disconnect_by_sender) {
  sig::signal s(co_await asio::this_coro::executor);
  test::widget w;
  int x = 0;
  int y = 0;
  co_await s.connect(&test::widget::on_event, &w, sig::senders(&x, &y));
  co_await s.disconnect(&test::widget::on_event, &w, sig::sender(&x));
  auto from_x = co_await s.send(sig::sender(&x));
  auto from_y = co_await s.send(sig::sender(&y));
  BOOST_TEST(from_x == 0u);
  BOOST_TEST(from_y == 1u);
}

CO_TEST_CASE(partial_disconnect_of_the_last_filter_ends_the_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  auto c = co_await s.connect(test::record_f, sig::key("a"));
  auto connected = co_await s.send(sig::key("a"));
  BOOST_TEST(connected == 1u);
  co_await s.disconnect(test::record_f, sig::key("a"));
  BOOST_TEST(!c.connected());
  auto n = co_await s.send(sig::key("a"));
  BOOST_TEST(n == 0u);
}

CO_TEST_CASE(partial_disconnect_keeps_an_unfiltered_registration) {
  sig::signal s(co_await asio::this_coro::executor);
  auto c = co_await s.connect(test::record_f);
  co_await s.disconnect(test::record_f, sig::key("a"));
  BOOST_TEST(c.connected());
  auto n = co_await s.send();
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(disconnecting_what_is_not_connected_does_nothing) {
  sig::signal s(co_await asio::this_coro::executor);
  test::widget w;
  auto c = co_await s.connect(test::record_f, sig::key("a"));
  co_await s.disconnect(test::record_g);
  co_await s.disconnect(&test::widget::on_event, &w);
  co_await s.disconnect(test::record_f, sig::key("unknown"), sig::sender(&w));
  co_await s.disconnect(sig::connection());
  std::weak_ptr<test::widget> expired = std::make_shared<test::widget>();
  co_await s.disconnect(&test::widget::on_event, expired);
  BOOST_TEST(c.connected());
  auto n = co_await s.send(sig::key("a"));
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(disconnect_ignores_a_connection_of_another_signal) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  sig::signal other(ex);
  int calls = 0;
  auto c = co_await other.connect([&] { ++calls; });
  co_await s.disconnect(c);
  BOOST_TEST(c.connected());
  auto n = co_await other.send();
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(members_disconnect_by_any_form_of_their_object) {
  sig::signal s(co_await asio::this_coro::executor);
  auto w = std::make_shared<test::widget>();
  auto c = co_await s.connect(&test::widget::on_event, w.get());
  co_await s.disconnect(&test::widget::on_event, w);
  BOOST_TEST(!c.connected());
  c = co_await s.connect(&test::widget::on_event, std::weak_ptr<test::widget>(w));
  co_await s.disconnect(&test::widget::on_event, *w);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(no_send_started_after_disconnect_calls_the_callback) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
  co_await s.disconnect(c);
  s.send(asio::detached);
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
