//
// scoped_connection.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/scoped_connection.hpp>

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <utility>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(scoped_connection_test)

CO_TEST_CASE(disconnects_when_destroyed) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  sig::connection plain;
  {
    sig::scoped_connection scoped = co_await s.connect([&] { ++calls; });
    plain = scoped.get();
    BOOST_TEST(scoped.connected());
    co_await s.send();
  }
  BOOST_TEST(!plain.connected());
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(moving_transfers_the_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  sig::scoped_connection outer;
  {
    sig::scoped_connection inner = co_await s.connect([] {});
    outer = std::move(inner);
  }
  BOOST_TEST(outer.connected());
  sig::scoped_connection other = co_await s.connect([] {});
  sig::connection replaced = outer.get();
  outer = std::move(other);
  BOOST_TEST(!replaced.connected());
  BOOST_TEST(outer.connected());
}

CO_TEST_CASE(release_keeps_it_connected) {
  sig::signal s(co_await asio::this_coro::executor);
  sig::connection kept;
  {
    sig::scoped_connection scoped = co_await s.connect([] {});
    kept = scoped.release();
    BOOST_TEST(!scoped.connected());
  }
  BOOST_TEST(kept.connected());
}

BOOST_AUTO_TEST_SUITE_END()
