//
// event_trigger.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/event_trigger.hpp>

#include "router_support.hpp"
#include "test_support.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

using test::log_type;
using test::recorder;

}  // namespace

BOOST_AUTO_TEST_SUITE(event_trigger_test)

// The four groups, in their order, each listener once, with the data: what
// router::trigger delivers.
CO_TEST_CASE(it_delivers_what_a_trigger_by_name_delivers) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  std::vector<int> values;
  co_await r.add_listener(recorder(log, "event"), "temp", "#changed");
  co_await r.add_listener(recorder(log, "channel"), sig::any, "#changed");
  co_await r.add_listener(recorder(log, "sender"), "temp");
  co_await r.add_listener(recorder(log, "router"));
  co_await r.add_listener(
      [&](const sig::event& ev) { values.push_back(sig::event_data(ev).get<int>("value")); },
      "temp", "#changed");
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await test::settle();
  log.clear();
  sig::event_trigger changed(r, "temp", "#changed");
  BOOST_TEST(changed.sender_name() == "temp");
  BOOST_TEST(changed.event_name() == "#changed");
  co_await changed.trigger(sig::arg("value", 1));
  co_await r.trigger("temp", "#changed", sig::arg("value", 2));
  co_await changed.trigger(sig::arg("value", 3));
  co_await test::settle();
  const log_type once = {"router:temp/#changed", "sender:temp/#changed", "channel:temp/#changed",
                         "event:temp/#changed"};
  log_type thrice;
  for (int i = 0; i < 3; ++i) thrice.insert(thrice.end(), once.begin(), once.end());
  BOOST_TEST(log == thrice, boost::test_tools::per_element());
  BOOST_TEST(values == std::vector<int>({1, 2, 3}), boost::test_tools::per_element());
}

// Made before its sender exists, it fails while the sender is not
// connected or does not declare its event, and delivers whenever it does,
// however the senders change in between.
CO_TEST_CASE(it_follows_its_sender_through_removal_and_return) {
  sig::router r(co_await asio::this_coro::executor);
  int calls = 0;
  co_await r.add_listener([&] { ++calls; }, "s", "x");
  sig::event_trigger x(r, "s", "x");
  auto absent = co_await test::failure_of<sig::not_connected_error>(x.trigger());
  BOOST_TEST(test::contains(absent, "'s'"));
  co_await r.add_sender("s", sig::events("x"));
  co_await x.trigger();
  co_await r.add_sender("other", sig::events("x"));
  co_await x.trigger();
  co_await r.remove_sender("s");
  auto removed = co_await test::failure_of<sig::not_connected_error>(x.trigger());
  BOOST_TEST(test::contains(removed, "'s'"));
  co_await r.add_sender("s", sig::events("y"));
  auto undeclared = co_await test::failure_of<sig::router_error>(x.trigger());
  BOOST_TEST(test::contains(undeclared, "'x'"));
  co_await r.remove_sender("s");
  co_await r.remove_sender("other");
  co_await r.add_sender("s", sig::events("y", "x"));
  co_await x.trigger();
  co_await test::settle();
  BOOST_TEST(calls == 3);
}

// A sender removed with no listener left is forgotten by the router; the
// event_trigger that found it must not reach for it again.
CO_TEST_CASE(it_outlives_a_sender_the_router_forgot) {
  sig::router r(co_await asio::this_coro::executor);
  sig::event_trigger x(r, "s", "x");
  co_await r.add_sender("s", sig::events("x"));
  co_await x.trigger();
  co_await r.remove_sender("s");
  auto forgotten = co_await test::failure_of<sig::not_connected_error>(x.trigger());
  BOOST_TEST(test::contains(forgotten, "'s'"));
  int calls = 0;
  co_await r.add_listener([&] { ++calls; }, "s", "x");
  co_await r.add_sender("s", sig::events("x"));
  co_await x.trigger();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

// A retained topic keeps what is triggered through an event_trigger, with
// data and without, as it keeps a trigger by name.
CO_TEST_CASE(a_retained_topic_keeps_its_triggers) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.retain(sig::topic("s", "x"), sig::max_events(10));
  co_await r.add_sender("s", sig::events("x"));
  sig::event_trigger x(r, "s", "x");
  co_await x.trigger(sig::arg("n", 1));
  co_await x.trigger();
  auto got = co_await r.pull(sig::topic("s", "x"));
  BOOST_TEST_REQUIRE(got.size() == 2u);
  BOOST_TEST(got[0].data.get<int>("n") == 1);
  BOOST_TEST(got[1].data.empty());
}

// What a link taps of the router's triggers (the NATS link publishes from
// it) sees the triggers made through an event_trigger, names and data.
CO_TEST_CASE(the_trigger_taps_see_its_triggers) {
  sig::router r(co_await asio::this_coro::executor);
  std::vector<std::string> tapped;
  const int owner = 0;
  sig::detail::router_access::state(r)->add_trigger_tap(
      &owner, [&](std::string_view sender, std::string_view event, const sig::kwargs& data) {
        tapped.push_back(std::string(sender) + "/" + std::string(event) + "/" +
                         std::to_string(data.size()));
      });
  co_await r.add_sender("s", sig::events("x"));
  sig::event_trigger x(r, "s", "x");
  co_await x.trigger(sig::arg("n", 1));
  co_await x.trigger();
  BOOST_TEST(tapped == std::vector<std::string>({"s/x/1", "s/x/0"}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(errors_name_what_is_wrong) {
  sig::router r(co_await asio::this_coro::executor);
  BOOST_TEST(
      test::contains(test::error_of<sig::router_error>([&] { sig::event_trigger(r, "", "x"); }),
                     "sender name is empty"));
  BOOST_TEST(test::contains(
      test::error_of<sig::router_error>([&] { sig::event_trigger(r, "s", "#"); }), "'#'"));
  co_await r.add_sender("s", sig::events("x"));
  sig::event_trigger presence(r, "s", "#connect");
  auto announced = co_await test::failure_of<sig::router_error>(presence.trigger());
  BOOST_TEST(test::contains(announced, "#connect"));
  sig::event_trigger x(r, "s", "x");
  BOOST_TEST(test::contains(test::error_of<sig::kwarg_error>([&] {
                              x.trigger(sig::arg("a", 1), sig::arg("a", 2), asio::detached);
                            }),
                            "'a'"));
  auto twice =
      co_await test::failure_of<sig::kwarg_error>(x.trigger(sig::arg("a", 1), sig::arg("a", 2)));
  BOOST_TEST(test::contains(twice, "'a'"));
}

// A deferred trigger may be started twice; each start delivers the data.
// A callback completes too.
CO_TEST_CASE(a_deferred_trigger_runs_twice) {
  sig::router r(co_await asio::this_coro::executor);
  std::vector<int> seen;
  co_await r.add_sender("s", sig::events("x"));
  co_await r.add_listener(
      [&](const sig::event& ev) { seen.push_back(sig::event_data(ev).get<int>("value")); }, "s",
      "x");
  auto op = sig::event_trigger(r, "s", "x").trigger(sig::arg("value", 7), asio::deferred);
  co_await op(asio::use_awaitable);
  co_await op(asio::use_awaitable);
  bool called = false;
  sig::event_trigger(r, "s", "x").trigger(sig::arg("value", 8), [&](std::exception_ptr e) {
    called = !e;
  });
  co_await test::settle();
  BOOST_TEST(seen == std::vector<int>({7, 7, 8}), boost::test_tools::per_element());
  BOOST_TEST(called);
}

// The data of a trigger that no listener hears are released by the time the
// trigger completes, as for a trigger by name.
CO_TEST_CASE(data_no_listener_hears_are_released_when_the_trigger_completes) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::events("e"));
  sig::event_trigger e(r, "s", "e");
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  auto op = e.trigger(sig::arg("value", std::move(held)), asio::deferred);
  BOOST_TEST(!watch.expired());
  co_await std::move(op)(asio::use_awaitable);
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_SUITE_END()
