//
// notifications.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Notifications: receiver_connected() and receiver_disconnected().
BOOST_AUTO_TEST_SUITE(notifications_test)

CO_TEST_CASE(announces_connections_with_their_keys) {
  sig::signal s(co_await asio::this_coro::executor);
  std::vector<sig::connection> all;
  std::vector<sig::connection> news;
  co_await s.receiver_connected().connect(
      [&](const sig::event& ev) { all.push_back(ev.get<sig::connection>("connection")); });
  co_await s.receiver_connected().connect(
      [&](const sig::event& ev) { news.push_back(ev.get<sig::connection>("connection")); },
      sig::key("news"));
  auto plain = co_await s.connect([] {});
  auto reader = co_await s.connect([] {}, sig::keys("sport", "news"));
  BOOST_TEST(co_await test::until([&] { return all.size() == 2; }));
  BOOST_TEST((all[0] == plain && all[1] == reader));
  BOOST_TEST_REQUIRE(news.size() == 1u);
  BOOST_TEST((news[0] == reader));
}

CO_TEST_CASE(announces_disconnections_whatever_the_cause) {
  sig::signal s(co_await asio::this_coro::executor);
  std::vector<std::string> heard;
  co_await s.receiver_disconnected().connect([&](const sig::event& ev) {
    std::string keys;
    for (const sig::key& k : ev.keys()) keys += k.to_string();
    heard.push_back(keys + (ev.get<bool>("ended") ? " ended" : " left"));
  });
  co_await s.connect(test::record_f, sig::keys("a", "b"));
  co_await s.disconnect(test::record_f, sig::key("a"));
  co_await s.disconnect(test::record_f);
  auto c = co_await s.connect([] {}, sig::key("c"));
  c.disconnect();
  co_await s.connect([] {}, sig::key("d"), sig::once());
  co_await s.send(sig::key("d"));
  auto w = std::make_shared<test::widget>();
  co_await s.connect(&test::widget::on_event, w, sig::key("e"));
  w.reset();
  co_await s.send(sig::key("e"));
  BOOST_TEST(co_await test::until([&] { return heard.size() == 5; }));
  BOOST_TEST(
      (heard == std::vector<std::string>{"a left", "b ended", "c ended", "d ended", "e ended"}));
}

BOOST_AUTO_TEST_SUITE_END()
