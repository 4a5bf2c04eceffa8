//
// history.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/router.hpp>

#include "test_support.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

namespace {

// "<sender>/<event>#<sequence>" for each event, in order.
std::vector<std::string> names(const std::vector<sig::retained_event>& batch) {
  std::vector<std::string> out;
  for (const sig::retained_event& e : batch)
    out.push_back(e.sender + "/" + e.event + "#" + std::to_string(e.sequence));
  return out;
}

std::vector<std::string> list(std::initializer_list<const char*> items) {
  return std::vector<std::string>(items.begin(), items.end());
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// A router with the senders "p1" and "p2", both declaring the channel "#a"
// and the event "cold".
asio::awaitable<sig::router> two_publishers() {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("p1", sig::events("#a", "cold"));
  co_await r.add_sender("p2", sig::events("#a", "cold"));
  co_return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history_test)

CO_TEST_CASE(a_retained_channel_keeps_the_triggers_of_every_sender_in_order) {
  sig::router r = co_await two_publishers();
  co_await r.trigger("p1", "#a", sig::arg("n", 1));
  co_await r.retain(sig::topic("#a"), sig::max_events(100));
  auto before = std::chrono::system_clock::now();
  co_await r.trigger("p1", "#a", sig::arg("n", 2));
  co_await r.trigger("p2", "#a", sig::arg("n", 3));
  co_await r.trigger("p1", "cold");
  co_await r.trigger("p2", "#a", sig::arg("n", 4));
  std::vector<sig::retained_event> got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#1", "p2/#a#2", "p2/#a#3"}),
             boost::test_tools::per_element());
  std::vector<int> data;
  for (const auto& e : got) data.push_back(e.data.get<int>("n"));
  BOOST_TEST(data == std::vector<int>({2, 3, 4}), boost::test_tools::per_element());
  BOOST_TEST((got.front().time >= before));
  BOOST_TEST((got[0].time <= got[1].time && got[1].time <= got[2].time));
}

CO_TEST_CASE(a_sender_topic_keeps_that_sender_only_and_outlives_its_removal) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.retain(sig::topic("p1", "cold"), sig::max_events(10));
  co_await r.add_sender("p1", sig::events("cold", "hot"));
  co_await r.add_sender("p2", sig::events("cold"));
  co_await r.trigger("p1", "cold");
  co_await r.trigger("p1", "hot");
  co_await r.trigger("p2", "cold");
  co_await r.remove_sender("p1");
  co_await r.add_sender("p1", sig::events("cold"));
  co_await r.trigger("p1", "cold");
  auto got = co_await r.pull(sig::topic("p1", "cold"));
  BOOST_TEST(names(got) == list({"p1/cold#1", "p1/cold#2"}), boost::test_tools::per_element());
}

CO_TEST_CASE(presence_can_be_retained) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.retain(sig::topic("#connect"), sig::max_events(10));
  co_await r.add_sender("p1", sig::events("#a"));
  co_await r.add_sender("p2", sig::events("x", "y"));
  auto got = co_await r.pull(sig::topic("#connect"));
  BOOST_TEST(names(got) == list({"p1/#connect#1", "p2/#connect#2"}),
             boost::test_tools::per_element());
  BOOST_TEST(got[1].data.get<std::vector<std::string>>("events") == list({"x", "y"}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(since_returns_what_was_triggered_at_that_time_or_later) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(100));
  co_await r.trigger("p1", "#a");
  co_await r.trigger("p2", "#a");
  co_await sleep_for(5ms);
  auto t = std::chrono::system_clock::now();
  co_await r.trigger("p2", "#a");
  co_await r.trigger("p1", "#a");
  auto got = co_await r.pull(sig::topic("#a"), sig::since(t));
  BOOST_TEST(names(got) == list({"p2/#a#3", "p1/#a#4"}), boost::test_tools::per_element());
  BOOST_TEST((co_await r.pull(sig::topic("#a"), sig::since(t), sig::max_batch(1))).size() == 1u);
}

CO_TEST_CASE(max_events_keeps_the_newest_and_numbers_are_never_reused) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(3));
  for (int i = 0; i < 5; ++i) co_await r.trigger("p1", "#a");
  auto got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#3", "p1/#a#4", "p1/#a#5"}),
             boost::test_tools::per_element());
  // Retained again: the new bound applies at once to what is kept.
  co_await r.retain(sig::topic("#a"), sig::max_events(1));
  got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#5"}), boost::test_tools::per_element());
}

CO_TEST_CASE(max_bytes_keeps_what_fits_and_always_the_newest) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  // Each event is "p1", "#a", "text" and 100 characters: 108 bytes, two fit.
  co_await r.retain(sig::topic("#a"), sig::max_bytes(250));
  for (int i = 0; i < 4; ++i)
    co_await r.trigger("p1", "#a", sig::arg("text", std::string(100, 'x')));
  got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#3", "p1/#a#4"}), boost::test_tools::per_element());
  co_await r.trigger("p1", "#a", sig::arg("text", std::string(1000, 'x')));
  got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#5"}), boost::test_tools::per_element());
}

CO_TEST_CASE(max_age_drops_what_is_older) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  co_await r.retain(sig::topic("#a"), sig::max_age(200ms));
  co_await r.trigger("p1", "#a");
  co_await r.trigger("p2", "#a");
  co_await sleep_for(300ms);
  co_await r.trigger("p1", "#a");
  got = co_await r.pull(sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#3"}), boost::test_tools::per_element());
  co_await sleep_for(300ms);
  BOOST_TEST((co_await r.pull(sig::topic("#a"))).empty());
}

CO_TEST_CASE(a_pull_of_several_topics_merges_them_by_time) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.retain(sig::topic("p2", "cold"), sig::max_events(10));
  co_await r.trigger("p1", "#a");
  co_await sleep_for(2ms);
  co_await r.trigger("p2", "cold");
  co_await sleep_for(2ms);
  co_await r.trigger("p2", "#a");
  co_await sleep_for(2ms);
  co_await r.trigger("p2", "cold");
  auto got = co_await r.pull(sig::topic("#a"), sig::topic("p2", "cold"), sig::topic("#a"));
  BOOST_TEST(names(got) == list({"p1/#a#1", "p2/cold#1", "p2/#a#2", "p2/cold#2"}),
             boost::test_tools::per_element());
  got = co_await r.pull(sig::topic("#a"), sig::topic("p2", "cold"), sig::max_batch(3));
  BOOST_TEST(names(got) == list({"p1/#a#1", "p2/cold#1", "p2/#a#2"}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(a_listener_finds_its_event_already_kept) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  std::size_t seen = 0;
  co_await r.add_listener(
      [&](const sig::event&) -> asio::awaitable<void> {
        seen = (co_await r.pull(sig::topic("#a"))).size();
      },
      sig::any, "#a");
  co_await r.trigger("p1", "#a");
  BOOST_TEST(co_await test::until([&] { return seen == 1; }));
}

// Durable subscribers.

CO_TEST_CASE(a_subscriber_pulls_what_is_new_in_batches) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  co_await r.retain(sig::topic("#a"), sig::max_events(100));
  co_await r.retain(sig::topic("p1", "cold"), sig::max_events(100));
  co_await r.trigger("p1", "#a");
  co_await r.subscribe("s1", sig::topic("#a"), sig::topic("p1", "cold"));
  co_await r.trigger("p1", "cold");
  co_await r.trigger("p2", "#a");
  got = co_await r.pull("s1", sig::max_batch(2));
  BOOST_TEST(names(got) == list({"p1/#a#1", "p1/cold#1"}), boost::test_tools::per_element());
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p2/#a#2"}), boost::test_tools::per_element());
  BOOST_TEST((co_await r.pull("s1")).empty());
  co_await r.trigger("p2", "cold");  // not a topic of s1
  co_await r.trigger("p1", "cold");
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p1/cold#2"}), boost::test_tools::per_element());
}

CO_TEST_CASE(a_resumed_subscriber_starts_after_what_it_acknowledged) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  co_await r.retain(sig::topic("#a"), sig::max_events(100));
  co_await r.subscribe("s1", sig::topic("#a"));
  for (int i = 0; i < 4; ++i) co_await r.trigger("p1", "#a");
  auto first = co_await r.pull("s1", sig::max_batch(2));
  co_await r.ack("s1", first);
  auto second = co_await r.pull("s1", sig::max_batch(1));
  BOOST_TEST(names(second) == list({"p1/#a#3"}), boost::test_tools::per_element());
  // As after a restart: #3 was pulled, not acknowledged, so it comes again.
  co_await r.subscribe("s1", sig::topic("#a"));
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p1/#a#3", "p1/#a#4"}), boost::test_tools::per_element());
  co_await r.ack("s1", sig::retained_event(first.back()));
  co_await r.subscribe("s1", sig::topic("#a"));
  BOOST_TEST((co_await r.pull("s1")).size() == 2u);
}

CO_TEST_CASE(a_subscriber_since_a_time_and_a_new_topic_on_resubscribe) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  co_await r.retain(sig::topic("#a"), sig::max_events(100));
  co_await r.retain(sig::topic("p2", "cold"), sig::max_events(100));
  co_await r.trigger("p1", "#a");
  co_await r.trigger("p2", "cold");
  co_await sleep_for(5ms);
  auto t = std::chrono::system_clock::now();
  co_await r.trigger("p2", "#a");
  co_await r.subscribe("s1", sig::topic("#a"), sig::since(t));
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p2/#a#2"}), boost::test_tools::per_element());
  // A new topic starts at its oldest event; "#a" keeps its place.
  co_await r.subscribe("s1", sig::topic("#a"), sig::topic("p2", "cold"));
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p2/cold#1", "p2/#a#2"}), boost::test_tools::per_element());
}

CO_TEST_CASE(events_dropped_before_a_subscriber_pulls_them_are_skipped) {
  sig::router r = co_await two_publishers();
  std::vector<sig::retained_event> got;
  co_await r.retain(sig::topic("#a"), sig::max_events(2));
  co_await r.subscribe("s1", sig::topic("#a"));
  for (int i = 0; i < 5; ++i) co_await r.trigger("p1", "#a");
  got = co_await r.pull("s1");
  BOOST_TEST(names(got) == list({"p1/#a#4", "p1/#a#5"}), boost::test_tools::per_element());
}

CO_TEST_CASE(ack_of_a_topic_the_subscriber_does_not_pull_acknowledges_nothing) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.retain(sig::topic("p1", "cold"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#a"));
  co_await r.trigger("p1", "#a");
  co_await r.trigger("p1", "cold");
  auto mine = co_await r.pull("s1");
  auto other = co_await r.pull(sig::topic("p1", "cold"));
  mine.push_back(other.front());
  std::string error = co_await test::failure_of<sig::router_error>(r.ack("s1", mine));
  BOOST_TEST(test::contains(error, "'s1' does not pull topic 'cold' of sender 'p1'"), error);
  co_await r.subscribe("s1", sig::topic("#a"));
  BOOST_TEST((co_await r.pull("s1")).size() == 1u);  // #1 was not acknowledged
}

CO_TEST_CASE(an_event_the_subscriber_has_not_pulled_cannot_be_acknowledged) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#a"));
  for (int i = 0; i < 3; ++i) co_await r.trigger("p1", "#a");
  std::vector<sig::retained_event> first = co_await r.pull("s1", sig::max_batch(1));
  std::vector<sig::retained_event> all = co_await r.pull(sig::topic("#a"));
  std::string error = co_await test::failure_of<sig::router_error>(r.ack("s1", all.back()));
  BOOST_TEST(test::contains(error, "'s1' has not pulled event #3 of topic '#a'"), error);
  co_await r.ack("s1", first);
  co_await r.subscribe("s1", sig::topic("#a"));
  std::vector<sig::retained_event> rest = co_await r.pull("s1");
  BOOST_TEST(names(rest) == list({"p1/#a#2", "p1/#a#3"}), boost::test_tools::per_element());
}

CO_TEST_CASE(unsubscribe_forgets_the_subscriber) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#a"));
  BOOST_TEST(co_await r.unsubscribe("s1"));
  BOOST_TEST(!co_await r.unsubscribe("s1"));
  std::string error = co_await test::failure_of<sig::router_error>(r.pull("s1"));
  BOOST_TEST(test::contains(error, "no subscriber 's1'"), error);
}

CO_TEST_CASE(a_waiting_pull_completes_with_the_next_event_of_its_topics) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.retain(sig::topic("p1", "cold"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#a"));
  std::optional<std::vector<sig::retained_event>> got;
  r.pull("s1", sig::wait_for_events(),
         [&](std::exception_ptr e, std::vector<sig::retained_event> batch) {
           if (!e) got = std::move(batch);
         });
  co_await test::settle();
  co_await r.trigger("p1", "cold");  // not a topic of s1
  co_await test::settle();
  BOOST_TEST(!got.has_value());
  co_await r.trigger("p2", "#a");
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(names(*got) == list({"p2/#a#1"}), boost::test_tools::per_element());
}

CO_TEST_CASE(a_cancelled_waiting_pull_takes_nothing) {
  using namespace asio::experimental::awaitable_operators;
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.subscribe("s1", sig::topic("#a"));
  asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
  auto result =
      co_await (r.pull("s1", sig::wait_for_events()) || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  co_await r.trigger("p1", "#a");
  std::vector<sig::retained_event> got = co_await r.pull("s1", sig::wait_for_events());
  BOOST_TEST(names(got) == list({"p1/#a#1"}), boost::test_tools::per_element());
}

CO_TEST_CASE(a_waiting_pull_follows_its_subscriber) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10));
  co_await r.retain(sig::topic("p1", "cold"), sig::max_events(10));
  co_await r.trigger("p1", "cold");
  co_await r.subscribe("s1", sig::topic("#a"));
  co_await r.subscribe("s2", sig::topic("#a"));
  std::optional<std::vector<sig::retained_event>> got;
  std::string error;
  r.pull("s1", sig::wait_for_events(),
         [&](std::exception_ptr e, std::vector<sig::retained_event> batch) {
           if (!e) got = std::move(batch);
         });
  r.pull("s2", sig::wait_for_events(), [&](std::exception_ptr e, std::vector<sig::retained_event>) {
    if (e) error = test::message_of(e);
  });
  co_await test::settle();
  // Resubscribed with a topic that has an event: the pull gets it.
  co_await r.subscribe("s1", sig::topic("#a"), sig::topic("p1", "cold"));
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(names(*got) == list({"p1/cold#1"}), boost::test_tools::per_element());
  // Unsubscribed: the pull fails, and says why.
  co_await r.unsubscribe("s2");
  BOOST_TEST(co_await test::until([&] { return !error.empty(); }));
  BOOST_TEST(test::contains(error, "'s2' was unsubscribed while a pull waited"), error);
}

// Bad input.

CO_TEST_CASE(bad_history_requests_fail_with_what_was_wrong) {
  sig::router r = co_await two_publishers();
  auto fails = [&](auto op, const std::string& part) -> asio::awaitable<void> {
    std::string error = co_await test::failure_of<sig::router_error>(std::move(op));
    BOOST_TEST(test::contains(error, part), error);
  };
  co_await fails(r.pull(sig::topic("#a")), "topic '#a' is not retained");
  co_await fails(r.subscribe("s1", sig::topic("#a")), "topic '#a' is not retained");
  co_await fails(r.retain(sig::topic("#a")), "without a bound");
  co_await fails(r.retain(sig::topic("#a"), sig::max_events(0)), "max_events(0) keeps nothing");
  co_await fails(r.retain(sig::topic("#a"), sig::max_bytes(0)), "max_bytes(0) keeps nothing");
  co_await fails(r.retain(sig::topic("#a"), sig::max_age(0s)), "max_age of zero");
  co_await fails(r.retain(sig::topic("cold"), sig::max_events(1)), "'cold' is not a channel");
  co_await fails(r.retain(sig::topic("p1", "#a"), sig::max_events(1)), "name it alone");
  co_await fails(r.retain(sig::topic("p1", "warm"), sig::max_events(1)),
                 "sender 'p1' does not declare event 'warm'");
  co_await fails(r.retain(sig::topic(""), sig::max_events(1)), "event name is empty");
  co_await r.retain(sig::topic("#a"), sig::max_events(1));
  co_await fails(r.pull(sig::topic("#a"), sig::max_batch(0)), "max_batch(0)");
  auto tomorrow = std::chrono::system_clock::now() + 24h;
  co_await fails(r.pull(sig::topic("#a"), sig::since(tomorrow)), "time in the future");
  co_await fails(r.subscribe("s1", sig::topic("#a"), sig::since(tomorrow)), "time in the future");
  co_await fails(r.subscribe("s1"), "names no topic");
  co_await fails(r.subscribe("", sig::topic("#a")), "subscriber name is empty");
  co_await fails(r.ack("s1", std::vector<sig::retained_event>()), "no subscriber 's1'");
  // An eager token gets the error from the call.
  BOOST_CHECK_THROW(r.retain(sig::topic("#a"), sig::max_events(0), asio::detached),
                    sig::router_error);
}

CO_TEST_CASE(history_operations_take_any_token) {
  sig::router r = co_await two_publishers();
  co_await r.retain(sig::topic("#a"), sig::max_events(10), asio::deferred);
  co_await r.trigger("p1", "#a");
  auto got = co_await r.pull(sig::topic("#a"), asio::deferred);
  BOOST_TEST(got.size() == 1u);
  std::size_t pulled = 0;
  r.pull(sig::topic("#a"), [&](std::exception_ptr e, std::vector<sig::retained_event> batch) {
    if (!e) pulled = batch.size();
  });
  BOOST_TEST(co_await test::until([&] { return pulled == 1; }));
}

BOOST_AUTO_TEST_SUITE_END()
