//
// event.cpp
// ~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/event.hpp>

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(event_test)

CO_TEST_CASE(one_state_is_shared_by_every_callback_and_copy) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("message", std::string()));
  std::vector<const sig::kwargs*> seen;
  std::optional<sig::event> copy;
  co_await s.connect([&](const sig::event& ev) { seen.push_back(&ev.args()); });
  co_await s.connect([&](const sig::event& ev) {
    copy = ev;
    seen.push_back(&copy->args());
  });
  co_await s.send(sig::arg("message", "shared"));
  co_await test::settle();
  BOOST_TEST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(seen[0] == seen[1]);
  BOOST_TEST(copy->get<std::string>("message") == "shared");
}

CO_TEST_CASE(names_every_sender_and_key_of_the_send) {
  sig::signal s(co_await asio::this_coro::executor);
  int a = 0;
  int b = 0;
  std::optional<sig::event> got;
  co_await s.connect([&](const sig::event& ev) { got = ev; }, sig::key("a"));
  co_await s.send(sig::keys("a", "b", "c"), sig::key("a"), sig::senders(&a, &b));
  co_await test::settle();
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->keys().size() == 3u);
  BOOST_TEST(got->keys().contains("b"));
  BOOST_TEST(!got->keys().contains("d"));
  BOOST_TEST(got->senders().size() == 2u);
  BOOST_TEST(got->senders().contains(&b));
  std::vector<std::string> order;
  for (const sig::key& k : got->keys()) order.push_back(k.to_string());
  BOOST_TEST((order == std::vector<std::string>{"a", "b", "c"}));
}

CO_TEST_CASE(source_is_the_signal) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  sig::signal other(ex);
  std::optional<sig::event> got;
  co_await s.connect([&](const sig::event& ev) { got = ev; });
  co_await s.send();
  co_await test::settle();
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST((got->source() == s));
  BOOST_TEST(!(got->source() == other));
}

CO_TEST_CASE(args_are_the_defaults_merged_with_the_overrides) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("count", 1),
                sig::arg("label", std::string("default")));
  std::vector<std::string> seen;
  co_await s.connect([&](const sig::event& ev) {
    seen.push_back(ev.get<std::string>("label") + "/" + std::to_string(ev.get<int>("count")));
    BOOST_TEST(ev.args().size() == 2u);
  });
  co_await s.send(sig::arg("label", "changed"));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST((seen == std::vector<std::string>{"changed/1", "default/1"}));
}

CO_TEST_CASE(values_are_passed_as_given) {
  auto payload = std::make_shared<std::vector<int>>();
  sig::signal s(co_await asio::this_coro::executor,
                sig::arg("payload", std::shared_ptr<std::vector<int>>()));
  co_await s.connect([](const sig::event& ev) {
    ev.get<std::shared_ptr<std::vector<int>>>("payload")->push_back(1);
  });
  co_await s.connect([](const sig::event& ev) {
    ev.get<std::shared_ptr<std::vector<int>>>("payload")->push_back(2);
  });
  co_await s.send(sig::arg("payload", payload));
  co_await test::settle();
  BOOST_TEST((*payload == std::vector<int>{1, 2}));
}

CO_TEST_CASE(get_of_a_wrong_type_throws_kwarg_error) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("count", 1));
  bool threw = false;
  co_await s.connect([&](const sig::event& ev) {
    try {
      (void)ev.get<double>("count");
    } catch (const sig::kwarg_error&) {
      threw = true;
    }
  });
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(threw);
}

BOOST_AUTO_TEST_CASE(default_event_is_empty) {
  sig::event ev;
  BOOST_TEST(!ev);
}

BOOST_AUTO_TEST_SUITE_END()
