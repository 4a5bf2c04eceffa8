//
// connection.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection.hpp>

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <memory>
#include <stdexcept>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

void count_call(const sig::event&) {}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_test)

BOOST_AUTO_TEST_CASE(default_connection_is_not_connected) {
  sig::connection c;
  BOOST_TEST(!c.connected());
  c.disconnect();
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(disconnect_takes_effect_at_once) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  sig::connection c = co_await s.connect([&] { ++calls; });
  sig::connection copy = c;
  BOOST_TEST(c.connected());
  auto connected = co_await s.send();
  co_await test::settle();
  BOOST_TEST(connected == 1u);
  BOOST_TEST(calls == 1);
  c.disconnect();
  BOOST_TEST(!c.connected());
  BOOST_TEST(!copy.connected());
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(calls == 1);
  c.disconnect();
}

CO_TEST_CASE(disconnect_stops_a_send_already_started) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  int others = 0;
  sig::connection c = co_await s.connect([&] { ++calls; });
  co_await s.connect([&] { ++others; });
  s.send(asio::detached);
  c.disconnect();
  co_await test::settle();
  BOOST_TEST(calls == 0);
  // The send itself went on, to the callback still connected.
  BOOST_TEST(others == 1);
}

CO_TEST_CASE(handles_compare_by_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  sig::connection a = co_await s.connect(count_call, sig::key("a"));
  sig::connection b = co_await s.connect(count_call, sig::key("b"));
  sig::connection other = co_await s.connect([] {});
  BOOST_TEST((a == b));
  BOOST_TEST(!(a == other));
  BOOST_TEST((sig::connection() == sig::connection()));
}

BOOST_AUTO_TEST_CASE(outlives_its_signal) {
  asio::io_context ctx;
  sig::connection c;
  {
    sig::signal s(ctx);
    s.connect([] {}, [&](std::exception_ptr, sig::connection made) { c = made; });
    ctx.run();
    BOOST_TEST(c.connected());
  }
  ctx.restart();
  ctx.run();
  BOOST_TEST(!c.connected());
  c.disconnect();
}

CO_TEST_CASE(does_not_keep_the_callback_alive) {
  sig::signal s(co_await asio::this_coro::executor);
  auto resource = std::make_shared<int>(0);
  std::weak_ptr<int> watch = resource;
  // Named first: GCC 12 destroys a capturing lambda written inside co_await twice.
  auto callback = [resource] { ++*resource; };
  sig::connection c = co_await s.connect(std::move(callback));
  resource.reset();
  BOOST_TEST(!watch.expired());
  co_await s.disconnect(c);
  BOOST_TEST(watch.expired());
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(once_runs_once_then_ends) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; }, sig::once());
  auto first = co_await s.send();
  BOOST_TEST(!c.connected());
  auto second = co_await s.send();
  co_await test::settle();
  BOOST_TEST(first == 1u);
  BOOST_TEST(second == 0u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(max_calls_counts_only_matching_sends) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; }, sig::key("k"), sig::max_calls(2));
  for (int i = 0; i < 3; ++i) {
    co_await s.send(sig::key("other"));
    co_await s.send(sig::key("k"));
  }
  co_await test::settle();
  BOOST_TEST(calls == 2);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(reconnecting_with_a_limit_replaces_it) {
  sig::signal s(co_await asio::this_coro::executor);
  auto c = co_await s.connect(count_call, sig::once());
  co_await s.connect(count_call, sig::key("k"), sig::max_calls(3));
  std::size_t total = 0;
  for (int i = 0; i < 5; ++i) total += co_await s.send(sig::key("k"));
  BOOST_TEST(total == 3u);
  BOOST_TEST(!c.connected());
}

BOOST_AUTO_TEST_CASE(a_limit_of_zero_is_rejected) {
  BOOST_CHECK_THROW(sig::max_calls(0), std::invalid_argument);
  BOOST_TEST(sig::max_calls(4).count() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
