//
// introspection.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/deferred.hpp>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Introspection: receivers(), has_receivers() and filters().
BOOST_AUTO_TEST_SUITE(introspection_test)

CO_TEST_CASE(counts_receivers) {
  sig::signal s(co_await asio::this_coro::executor);
  BOOST_TEST(s.receivers() == 0u);
  auto a = co_await s.connect([] {});
  co_await s.connect(test::record_f, sig::key("k"));
  co_await s.connect(test::record_f, sig::key("j"));
  s.next([](boost::system::error_code, sig::event) {});
  co_await test::settle();
  BOOST_TEST(s.receivers() == 2u);
  co_await s.disconnect(a);
  BOOST_TEST(s.receivers() == 1u);
  co_await s.send();
}

CO_TEST_CASE(has_receivers_for_senders_and_keys) {
  sig::signal s(co_await asio::this_coro::executor);
  int x = 0;
  int y = 0;
  co_await s.connect(test::record_f, sig::key("k"), sig::sender(&x));
  bool for_k = co_await s.has_receivers(sig::key("k"));
  bool for_other = co_await s.has_receivers(sig::key("other"));
  bool for_x = co_await s.has_receivers(sig::sender(&x));
  bool for_y = co_await s.has_receivers(sig::sender(&y), sig::key("other"));
  BOOST_TEST(for_k);
  BOOST_TEST(!for_other);
  BOOST_TEST(for_x);
  BOOST_TEST(!for_y);
  co_await s.connect([] {});
  bool with_unfiltered = co_await s.has_receivers(sig::key("other"), asio::deferred);
  BOOST_TEST(with_unfiltered);
}

CO_TEST_CASE(filters_of_a_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  int x = 0;
  auto c = co_await s.connect(test::record_f, sig::keys("a", "b"), sig::sender(&x));
  co_await s.connect(test::record_f);
  sig::filter_set f = co_await s.filters(c);
  BOOST_TEST(f.unfiltered);
  BOOST_TEST(f.keys.size() == 2u);
  BOOST_TEST((f.senders.size() == 1u && f.senders[0] == sig::sender(&x)));
  co_await s.disconnect(c);
  f = co_await s.filters(c, asio::deferred);
  BOOST_TEST(!f.unfiltered);
  BOOST_TEST(f.keys.empty());
}

BOOST_AUTO_TEST_SUITE_END()
