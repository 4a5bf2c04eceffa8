//
// filtering.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// A member of a chat room: it sends to the room and hears the others.
struct member : std::enable_shared_from_this<member> {
  explicit member(std::string name) : name(std::move(name)) {}

  void hear(const sig::event& ev) { heard.push_back(ev.get<std::string>("text")); }

  std::string name;
  std::vector<std::string> heard;
};

struct base {
  virtual ~base() = default;
  int b = 0;
};

struct other_base {
  virtual ~other_base() = default;
  int o = 0;
};

// Its `base` subobject lives at another address than the object itself.
struct derived : other_base, base {};

}  // namespace

BOOST_AUTO_TEST_SUITE(filtering_test)

CO_TEST_CASE(not_from_skips_the_sends_of_that_sender_only) {
  sig::signal room(co_await asio::this_coro::executor, sig::arg("text", std::string()));
  auto ann = std::make_shared<member>("ann");
  auto bob = std::make_shared<member>("bob");
  auto cid = std::make_shared<member>("cid");
  for (const auto& m : {ann, bob, cid})
    co_await room.connect(&member::hear, m, sig::key("lobby"), sig::not_from(m.get()));

  std::size_t from_ann =
      co_await room.send(sig::sender(ann.get()), sig::key("lobby"), sig::arg("text", "hi"));
  // A send from no member reaches all three: the filter does not drop it.
  std::size_t from_nobody = co_await room.send(sig::key("lobby"), sig::arg("text", "welcome"));
  co_await test::settle();

  BOOST_TEST(from_ann == 2u);
  BOOST_TEST(from_nobody == 3u);
  BOOST_TEST((ann->heard == std::vector<std::string>{"welcome"}));
  BOOST_TEST((bob->heard == std::vector<std::string>{"hi", "welcome"}));
  BOOST_TEST((cid->heard == std::vector<std::string>{"hi", "welcome"}));
}

CO_TEST_CASE(not_from_holds_whatever_else_the_send_names) {
  sig::signal s(co_await asio::this_coro::executor);
  int me = 0;
  int other = 0;
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::not_from(&me));
  // Another sender named with this one does not lift the filter.
  co_await s.send(sig::senders(&other, &me));
  co_await s.send(sig::sender(&other));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 2);
}

CO_TEST_CASE(not_from_merges_into_a_comparable_connection) {
  sig::signal room(co_await asio::this_coro::executor, sig::arg("text", std::string()));
  member ann("ann");
  member bob("bob");
  sig::connection first = co_await room.connect(&member::hear, &ann, sig::not_from(&ann));
  sig::connection second = co_await room.connect(&member::hear, &ann, sig::not_from(&bob));
  BOOST_TEST((first == second));
  co_await room.send(sig::sender(&bob), sig::arg("text", "from bob"));
  co_await room.send(sig::sender(&ann), sig::arg("text", "from ann"));
  co_await room.send(sig::arg("text", "from nobody"));
  co_await test::settle();
  BOOST_TEST((ann.heard == std::vector<std::string>{"from nobody"}));
}

CO_TEST_CASE(an_event_tells_who_sent_it) {
  sig::signal s(co_await asio::this_coro::executor);
  int a = 0;
  int b = 0;
  int c = 0;
  std::vector<const void*> named;
  bool has_b = false;
  bool has_c = true;
  co_await s.connect([&](const sig::event& ev) {
    const sig::sender_set& senders = ev.senders();
    for (const sig::sender& x : senders) named.push_back(x.address());
    has_b = senders.contains(&b);
    has_c = senders.contains(&c);
  });
  co_await s.send(sig::senders(&a, &b, &a));
  co_await test::settle();
  BOOST_TEST((named == std::vector<const void*>{&a, &b}));
  BOOST_TEST(has_b);
  BOOST_TEST(!has_c);
}

CO_TEST_CASE(sender_filter) {
  sig::signal s(co_await asio::this_coro::executor);
  int ashley = 0;
  int mike = 0;
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::sender(&ashley));
  co_await s.send();
  co_await s.send(sig::sender(&mike));
  co_await s.send(sig::key("k"));
  auto n = co_await s.send(sig::sender(&ashley));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(several_senders_match_as_a_union_and_call_once) {
  sig::signal s(co_await asio::this_coro::executor);
  int a = 0;
  int b = 0;
  int c = 0;
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::senders(&a, &b));
  co_await s.send(sig::sender(&a));
  co_await s.send(sig::sender(&b));
  co_await s.send(sig::sender(&c));
  auto n = co_await s.send(sig::senders(&a, &b, &c));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 3);
}

CO_TEST_CASE(key_filter) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::keys("important", "books"));
  co_await s.send();
  co_await s.send(sig::key("logs"));
  co_await s.send(sig::key("books"));
  auto n = co_await s.send(sig::keys("important", "books", "logs"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 2);
}

CO_TEST_CASE(sender_and_key_on_one_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  int ashley = 0;
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::sender(&ashley), sig::key("books"));
  co_await s.send(sig::sender(&ashley));
  co_await s.send(sig::key("books"));
  co_await s.send(sig::sender(&ashley), sig::key("books"));
  co_await s.send(sig::key("music"));
  co_await test::settle();
  BOOST_TEST(calls == 3);
}

CO_TEST_CASE(unfiltered_and_filtered_callbacks_together) {
  sig::signal s(co_await asio::this_coro::executor);
  int unfiltered = 0;
  int filtered = 0;
  co_await s.connect([&] { ++unfiltered; });
  co_await s.connect([&] { ++filtered; }, sig::key("k"));
  auto none = co_await s.send();
  auto both = co_await s.send(sig::key("k"));
  co_await test::settle();
  BOOST_TEST(none == 1u);
  BOOST_TEST(both == 2u);
  BOOST_TEST(unfiltered == 2);
  BOOST_TEST(filtered == 1);
}

CO_TEST_CASE(base_and_derived_pointers_are_one_sender) {
  sig::signal s(co_await asio::this_coro::executor);
  derived d;
  base* as_base = &d;
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::sender(as_base));
  auto n = co_await s.send(sig::sender(&d));
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(equal_distinct_objects_are_different_senders) {
  sig::signal s(co_await asio::this_coro::executor);
  std::string a = "same";
  std::string b = "same";
  co_await s.connect([] {}, sig::sender(&a));
  auto n = co_await s.send(sig::sender(&b));
  BOOST_TEST(n == 0u);
  auto same = co_await s.send(sig::sender(&a));
  BOOST_TEST(same == 1u);
}

CO_TEST_CASE(keys_match_after_normalisation) {
  sig::signal s(co_await asio::this_coro::executor);
  int strings = 0;
  int integers = 0;
  co_await s.connect([&] { ++strings; }, sig::key(std::string("1")));
  co_await s.connect([&] { ++integers; }, sig::key(1));
  co_await s.send(sig::key("1"));
  co_await s.send(sig::key(std::string_view("1")));
  co_await s.send(sig::key(1L));
  co_await s.send(sig::key(std::uint8_t(1)));
  co_await s.send(sig::key(true));
  co_await test::settle();
  BOOST_TEST(strings == 2);
  BOOST_TEST(integers == 2);
}

BOOST_AUTO_TEST_SUITE_END()
