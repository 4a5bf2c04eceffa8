//
// history_subscription.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/history_subscription.hpp>

#include "test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;
using namespace std::chrono_literals;

namespace {

// A router with the sender "p1" declaring the channel "#a", retained, and
// the durable subscriber "s1" of it; `n` events triggered, with n = 1.. .
asio::awaitable<sig::router> subscribed_after(int n) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("p1", sig::events("#a"));
  co_await r.retain(sig::topic("#a"), sig::max_events(1000));
  co_await r.subscribe("s1", sig::topic("#a"));
  for (int i = 1; i <= n; ++i) co_await r.trigger("p1", "#a", sig::arg("n", i));
  co_return r;
}

// The sequence numbers of `batch`.
std::vector<std::uint64_t> sequences(const std::vector<sig::retained_event>& batch) {
  std::vector<std::uint64_t> out;
  for (const sig::retained_event& e : batch) out.push_back(e.sequence);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history_subscription_test)

CO_TEST_CASE(receives_what_is_kept_then_what_comes_in_order) {
  sig::router r = co_await subscribed_after(5);
  sig::history_subscription events(r, "s1", 2);
  BOOST_TEST(events.capacity() == 2u);
  std::vector<int> got;
  for (int i = 0; i < 5; ++i) {
    sig::retained_event ev = co_await events.receive();
    BOOST_TEST(ev.sender == "p1");
    BOOST_TEST(ev.event == "#a");
    BOOST_TEST(ev.sequence == static_cast<std::uint64_t>(i + 1));
    got.push_back(ev.data.get<int>("n"));
  }
  BOOST_TEST(got == std::vector<int>({1, 2, 3, 4, 5}), boost::test_tools::per_element());
  // Nothing new: the next receive waits for the next trigger.
  std::optional<sig::retained_event> next;
  events.receive([&](std::exception_ptr e, sig::retained_event ev) {
    if (!e) next = std::move(ev);
  });
  co_await test::settle();
  BOOST_TEST(!next.has_value());
  co_await r.trigger("p1", "#a", sig::arg("n", 6));
  BOOST_TEST(co_await test::until([&] { return next.has_value(); }));
  BOOST_TEST(next->data.get<int>("n") == 6);
}

CO_TEST_CASE(pulls_ahead_only_what_its_buffer_makes_room_for) {
  sig::router r = co_await subscribed_after(20);
  constexpr std::size_t capacity = 3;
  std::optional<sig::history_subscription> events(std::in_place, r, "s1", capacity);
  sig::retained_event first = co_await events->receive();
  BOOST_TEST(first.sequence == 1u);
  co_await test::settle();
  events.reset();
  // The subscriber's next pull starts after what the stream pulled: the
  // received event, the buffer's three and a batch waiting for room.
  std::vector<sig::retained_event> rest = co_await r.pull("s1", sig::max_batch(100));
  BOOST_TEST_REQUIRE(!rest.empty());
  BOOST_TEST(rest.front().sequence > 2u);
  BOOST_TEST(rest.front().sequence <= 1 + 2 * capacity);
  BOOST_TEST(rest.back().sequence == 20u);
}

CO_TEST_CASE(what_was_received_and_not_acknowledged_comes_again_on_resume) {
  sig::router r = co_await subscribed_after(6);
  {
    sig::history_subscription events(r, "s1", 4);
    co_await events.receive();
    sig::retained_event second = co_await events.receive();
    co_await events.receive();
    co_await r.ack("s1", second);
  }
  co_await r.subscribe("s1", sig::topic("#a"));
  sig::history_subscription events(r, "s1", 4);
  std::vector<sig::retained_event> got;
  for (int i = 0; i < 4; ++i) got.push_back(co_await events.receive());
  BOOST_TEST(sequences(got) == std::vector<std::uint64_t>({3, 4, 5, 6}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(an_unsubscribed_subscriber_ends_the_stream_after_its_buffer) {
  sig::router r = co_await subscribed_after(2);
  sig::history_subscription events(r, "s1", 8);
  co_await test::settle();
  co_await r.unsubscribe("s1");
  co_await test::settle();
  BOOST_TEST((co_await events.receive()).sequence == 1u);
  BOOST_TEST((co_await events.receive()).sequence == 2u);
  std::string error = co_await test::failure_of<sig::router_error>(events.receive());
  BOOST_TEST(test::contains(error, "'s1' was unsubscribed while a pull waited"), error);
  error = co_await test::failure_of<sig::router_error>(events.receive());
  BOOST_TEST(test::contains(error, "'s1' was unsubscribed while a pull waited"), error);
}

CO_TEST_CASE(an_unknown_subscriber_fails_every_receive) {
  sig::router r = co_await subscribed_after(0);
  sig::history_subscription events(r, "nobody", 8);
  for (int i = 0; i < 2; ++i) {
    std::string error = co_await test::failure_of<sig::router_error>(events.receive());
    BOOST_TEST(test::contains(error, "no subscriber 'nobody'"), error);
  }
}

CO_TEST_CASE(a_cancelled_receive_loses_nothing) {
  using namespace asio::experimental::awaitable_operators;
  sig::router r = co_await subscribed_after(0);
  sig::history_subscription events(r, "s1", 0);
  asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
  auto result = co_await (events.receive() || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  co_await r.trigger("p1", "#a", sig::arg("n", 1));
  co_await r.trigger("p1", "#a", sig::arg("n", 2));
  std::vector<int> got;
  while (got.size() < 2) {
    timer.expires_after(5s);
    result = co_await (events.receive() || timer.async_wait(asio::use_awaitable));
    BOOST_TEST_REQUIRE(result.index() == 0u);
    got.push_back(std::get<0>(result).data.get<int>("n"));
  }
  BOOST_TEST(got == std::vector<int>({1, 2}), boost::test_tools::per_element());
}

CO_TEST_CASE(a_receive_started_later_outlives_a_move_of_its_stream) {
  sig::router r = co_await subscribed_after(1);
  sig::history_subscription events(r, "s1", 4);
  auto op = events.receive(asio::deferred);
  sig::history_subscription moved = std::move(events);
  sig::retained_event ev = co_await std::move(op);
  BOOST_TEST(ev.sequence == 1u);
  BOOST_TEST(moved.capacity() == 4u);
}

CO_TEST_CASE(destroying_it_aborts_pending_receives) {
  sig::router r = co_await subscribed_after(0);
  std::optional<sig::history_subscription> events(std::in_place, r, "s1", 8);
  std::string error;
  events->receive([&](std::exception_ptr e, sig::retained_event) { error = test::message_of(e); });
  co_await test::settle();
  events.reset();
  BOOST_TEST(co_await test::until([&] { return !error.empty(); }));
  BOOST_TEST(error == boost::system::system_error(asio::error::operation_aborted).what());
  // The stream no longer pulls: the next event is the subscriber's.
  co_await r.trigger("p1", "#a", sig::arg("n", 1));
  std::vector<sig::retained_event> got = co_await r.pull("s1");
  BOOST_TEST(sequences(got) == std::vector<std::uint64_t>({1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
