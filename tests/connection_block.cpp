//
// connection_block.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection_block.hpp>

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <optional>
#include <utility>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(connection_block_test)

CO_TEST_CASE(a_blocked_connection_is_skipped_and_not_counted) {
  sig::signal s(co_await asio::this_coro::executor);
  int blocked = 0;
  int other = 0;
  auto c = co_await s.connect([&] { ++blocked; });
  co_await s.connect([&] { ++other; });
  std::size_t while_blocked = 0;
  {
    sig::connection_block block(c);
    BOOST_TEST(block.blocking());
    BOOST_TEST(c.connected());
    while_blocked = co_await s.send();
  }
  auto after = co_await s.send();
  co_await test::settle();
  BOOST_TEST(while_blocked == 1u);
  BOOST_TEST(after == 2u);
  BOOST_TEST(blocked == 1);
  BOOST_TEST(other == 2);
}

CO_TEST_CASE(sends_started_while_blocked_stay_blocked) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  {
    sig::connection_block block(c);
    s.send(asio::detached);
  }
  co_await test::settle();
  BOOST_TEST(calls == 0);
  s.send(asio::detached);
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(blocks_nest_and_release_early) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  sig::connection_block first(c);
  std::optional<sig::connection_block> second(std::in_place, c);
  first.unblock();
  BOOST_TEST(!first.blocking());
  co_await s.send();
  second.reset();
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(moving_transfers_the_block) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  sig::connection_block outer(sig::connection{});
  BOOST_TEST(!outer.blocking());
  {
    sig::connection_block inner(c);
    outer = std::move(inner);
  }
  co_await s.send();
  outer.unblock();
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
