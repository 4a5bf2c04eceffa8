//
// scoped_mute.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/scoped_mute.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>

#include <optional>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(scoped_mute_test)

CO_TEST_CASE(a_muted_signal_reaches_nobody) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  int calls = 0;
  bool waited = false;
  co_await s.connect([&] { ++calls; });
  s.next([&](boost::system::error_code, sig::event) { waited = true; });
  std::size_t muted = 0;
  {
    sig::scoped_mute quiet(s);
    muted = co_await s.send();
    s.send(asio::detached);
  }
  co_await test::settle();
  BOOST_TEST(muted == 0u);
  BOOST_TEST(calls == 0);
  BOOST_TEST(!waited);
  auto heard = co_await s.send();
  BOOST_TEST(co_await test::until([&] { return waited; }));
  BOOST_TEST(heard == 1u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(mutes_nest) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  std::optional<sig::scoped_mute> outer(std::in_place, s);
  { sig::scoped_mute inner(s); }
  co_await s.send();
  outer.reset();
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
