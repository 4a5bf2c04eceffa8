//
// router.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/router.hpp>

#include "router_support.hpp"
#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <any>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

using test::error_of;
using test::log_type;
using test::recorder;

int free_calls = 0;
void free_listener(const sig::event&) {
  ++free_calls;
}

struct listener_object {
  int calls = 0;
  void on_event(const sig::event&) { ++calls; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(router_test)

// The four kinds of listener.

CO_TEST_CASE(event_listener_hears_its_event_only) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "e"), "temp", "cold");
  co_await r.add_sender("temp", sig::events("cold", "hot"));
  co_await r.trigger("temp", "hot");
  co_await r.trigger("temp", "cold");
  co_await test::settle();
  BOOST_TEST(log == log_type({"e:temp/cold"}), boost::test_tools::per_element());
}

CO_TEST_CASE(an_awaited_trigger_runs_after_the_operations_still_queued) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("temp", sig::events("cold", "hot"));
  r.add_listener(recorder(log, "e"), "temp", asio::detached);
  r.trigger("temp", "cold", asio::detached);
  co_await r.trigger("temp", "hot");
  co_await test::settle();
  BOOST_TEST(log == log_type({"e:temp/cold", "e:temp/hot"}), boost::test_tools::per_element());
}

CO_TEST_CASE(an_awaited_trigger_with_nothing_queued_runs_within_the_co_await) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  log_type log;
  co_await r.add_sender("temp", sig::events("hot"));
  co_await r.add_listener(recorder(log, "e"), "temp");
  bool posted_ran = false;
  asio::post(ex, [&] { posted_ran = true; });
  co_await r.trigger("temp", "hot");
  // No trip through the scheduler: the listener has run, the handler the
  // program posted before has not.
  BOOST_TEST(log == log_type({"e:temp/hot"}), boost::test_tools::per_element());
  BOOST_TEST(!posted_ran);
  // Errors still complete the awaited operation.
  auto absent = co_await test::failure_of<sig::not_connected_error>(r.trigger("nobody", "hot"));
  BOOST_TEST(absent == "asio_signals: sender 'nobody' is not connected");
  co_await test::settle();
  BOOST_TEST(posted_ran);
}

namespace {

// What the callbacks of a send of `s` queued before an awaited trigger, and
// the listener of that trigger, log, in the order they ran.
asio::awaitable<log_type> queued_send_then_awaited_trigger(sig::signal s) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("temp", sig::events("hot"));
  co_await r.add_listener(recorder(log, "e"), "temp");
  co_await s.connect([&] { log.push_back("signal"); });
  // Out of the turn that completed the connect (a strand's, for a signal on one).
  co_await test::settle();
  s.send(asio::detached);
  co_await r.trigger("temp", "hot");
  co_await test::settle();
  co_return log;
}

}  // namespace

CO_TEST_CASE(an_awaited_trigger_runs_after_a_queued_send_of_a_signal) {
  auto ex = co_await asio::this_coro::executor;
  log_type log = co_await queued_send_then_awaited_trigger(sig::signal(ex));
  BOOST_TEST(log == log_type({"signal", "e:temp/hot"}), boost::test_tools::per_element());
}

CO_TEST_CASE(an_awaited_trigger_runs_after_a_queued_send_of_a_signal_on_a_strand) {
  auto ex = co_await asio::this_coro::executor;
  // Another executor of the same io_context posts to the same queue.
  log_type log = co_await queued_send_then_awaited_trigger(sig::signal(asio::make_strand(ex)));
  BOOST_TEST(log == log_type({"signal", "e:temp/hot"}), boost::test_tools::per_element());
}

CO_TEST_CASE(an_awaited_operation_does_not_overtake_a_request_that_has_its_answer) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  co_await r.add_sender("s", sig::events("e"), sig::method("m", [] { return 42; }));
  std::string outcome = "pending";
  r.request("s", "m", [&](std::exception_ptr e, std::any v) {
    outcome = e ? "failed" : std::to_string(std::any_cast<int>(v));
  });
  co_await r.trigger("s", "e");
  // The method has answered before the sender goes: the request succeeds.
  co_await r.remove_sender("s");
  co_await test::settle();
  BOOST_TEST(outcome == "42");
}

CO_TEST_CASE(a_loop_of_awaited_triggers_lets_the_scheduler_run) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  co_await r.add_sender("temp", sig::events("hot"));
  int heard = 0;
  co_await r.add_listener([&] { ++heard; }, "temp");
  int posted_ran_at = -1;
  asio::post(ex, [&] { posted_ran_at = heard; });
  for (int i = 0; i < 1000; ++i) co_await r.trigger("temp", "hot");
  // The handler ran while the loop went on, not after it.
  BOOST_TEST(posted_ran_at >= 0);
  BOOST_TEST(posted_ran_at < 1000);
  BOOST_TEST(heard == 1000);
}

CO_TEST_CASE(a_coroutine_listener_awaiting_a_trigger_waits_for_the_delivery_to_end) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  log_type log;
  co_await r.add_sender("a", sig::events("x", "y"));
  co_await r.add_listener(
      [&r](const sig::event& ev) -> asio::awaitable<void> {
        if (sig::event_name(ev) == "x") co_await r.trigger("a", "y");
      },
      "a");
  co_await r.add_listener(recorder(log, "s"), "a");
  co_await r.trigger("a", "x");
  co_await test::settle();
  // The trigger of "y" waits until every listener of "x" has heard it.
  BOOST_TEST(log == log_type({"s:a/x", "s:a/y"}), boost::test_tools::per_element());
}

CO_TEST_CASE(sender_broadcast_hears_every_event_of_its_sender) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("a", sig::events("x", "y"));
  co_await r.add_sender("b", sig::events("x"));
  co_await r.add_listener(recorder(log, "s"), "a");
  co_await r.trigger("a", "x");
  co_await r.trigger("b", "x");
  co_await r.trigger("a", "y");
  co_await test::settle();
  BOOST_TEST(log == log_type({"s:a/x", "s:a/y"}), boost::test_tools::per_element());
}

CO_TEST_CASE(router_broadcast_hears_everything_with_presence) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "r"));
  co_await r.add_sender("a", sig::events("x"));
  co_await r.add_sender("b", sig::events("y"));
  co_await r.trigger("a", "x");
  co_await r.trigger("b", "y");
  co_await r.remove_sender("a");
  co_await test::settle();
  BOOST_TEST(log == log_type({"r:a/#connect", "r:b/#connect", "r:a/x", "r:b/y", "r:a/#disconnect"}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(any_spells_the_broadcasts) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "any-any"), sig::any, sig::any);
  co_await r.add_listener(recorder(log, "a-any"), "a", sig::any);
  co_await r.add_sender("a", sig::events("x"));
  co_await r.trigger("a", "x");
  co_await test::settle();
  BOOST_TEST(
      log == log_type({"any-any:a/#connect", "a-any:a/#connect", "any-any:a/x", "a-any:a/x"}),
      boost::test_tools::per_element());
}

CO_TEST_CASE(channel_hears_every_sender_that_declares_it) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "c"), sig::any, "#changed");
  co_await r.add_sender("temp", sig::events("#changed", "cold"));
  co_await r.add_sender("humidity", sig::events("#changed", "dry"));
  co_await r.add_sender("light", sig::events("changed"));
  co_await r.trigger("temp", "#changed");
  co_await r.trigger("humidity", "#changed");
  co_await r.trigger("light", "changed");  // not the channel: not declared with '#'
  co_await r.trigger("temp", "cold");
  co_await test::settle();
  BOOST_TEST(log == log_type({"c:temp/#changed", "c:humidity/#changed"}),
             boost::test_tools::per_element());
}

CO_TEST_CASE(sender_specific_listener_of_a_channel_hears_that_sender_only) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "t"), "temp", "#changed");
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await r.add_sender("humidity", sig::events("#changed"));
  co_await r.trigger("humidity", "#changed");
  co_await r.trigger("temp", "#changed");
  co_await test::settle();
  BOOST_TEST(log == log_type({"t:temp/#changed"}), boost::test_tools::per_element());
}

CO_TEST_CASE(presence_is_a_channel) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  std::vector<std::string> declared;
  co_await r.add_listener(recorder(log, "c"), sig::any, sig::connect_event);
  co_await r.add_listener(recorder(log, "d"), sig::any, sig::disconnect_event);
  co_await r.add_listener(
      [&](const sig::event& ev) {
        declared = sig::event_data(ev).get<std::vector<std::string>>("events");
      },
      "a", "#connect");
  co_await r.add_sender("a", sig::events("x", "#y"));
  co_await r.remove_sender("a");
  co_await test::settle();
  BOOST_TEST(log == log_type({"c:a/#connect", "d:a/#disconnect"}),
             boost::test_tools::per_element());
  BOOST_TEST(declared == std::vector<std::string>({"x", "#y"}), boost::test_tools::per_element());
}

// Order and uniqueness.

CO_TEST_CASE(groups_deliver_in_order_each_in_registration_order) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await r.add_listener(recorder(log, "event1"), "temp", "#changed");
  co_await r.add_listener(recorder(log, "channel1"), sig::any, "#changed");
  co_await r.add_listener(recorder(log, "sender1"), "temp");
  co_await r.add_listener(recorder(log, "router1"));
  co_await r.add_listener(recorder(log, "event2"), "temp", "#changed");
  co_await r.add_listener(recorder(log, "channel2"), sig::any, "#changed");
  co_await r.add_listener(recorder(log, "sender2"), "temp");
  co_await r.add_listener(recorder(log, "router2"));
  co_await r.trigger("temp", "#changed");
  co_await test::settle();
  BOOST_TEST(
      log == log_type({"router1:temp/#changed", "router2:temp/#changed", "sender1:temp/#changed",
                       "sender2:temp/#changed", "channel1:temp/#changed", "channel2:temp/#changed",
                       "event1:temp/#changed", "event2:temp/#changed"}),
      boost::test_tools::per_element());
}

CO_TEST_CASE(a_listener_runs_once_per_trigger) {
  sig::router r(co_await asio::this_coro::executor);
  free_calls = 0;
  co_await r.add_sender("temp", sig::events("cold"));
  co_await r.add_listener(free_listener, "temp", "cold");
  co_await r.add_listener(free_listener, "temp", "cold");  // merged, as in a signal
  co_await r.trigger("temp", "cold");
  co_await test::settle();
  BOOST_TEST(free_calls == 1);
}

// Listening before the sender exists.

CO_TEST_CASE(listeners_survive_removal_and_hear_again) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_listener(recorder(log, "e"), "s", "x");
  BOOST_TEST(!co_await r.is_connected("s"));
  co_await r.add_sender("s", sig::events("x"));
  BOOST_TEST(co_await r.is_connected("s"));
  co_await r.trigger("s", "x");
  BOOST_TEST(co_await r.remove_sender("s"));
  BOOST_TEST(!co_await r.remove_sender("s"));
  BOOST_TEST(!co_await r.is_connected("s"));
  co_await r.add_sender("s", sig::events("x", "z"));
  co_await r.trigger("s", "x");
  co_await test::settle();
  BOOST_TEST(log.size() == 2u);
  auto declared = co_await r.declared_events("s");
  BOOST_TEST(declared == std::vector<std::string>({"x", "z"}), boost::test_tools::per_element());
}

// Data.

CO_TEST_CASE(every_listener_sees_sender_event_and_data) {
  sig::router r(co_await asio::this_coro::executor);
  std::vector<double> seen;
  auto read = [&](const sig::event& ev) {
    if (const double* c = sig::event_data(ev).get_if<double>("celsius")) seen.push_back(*c);
  };
  co_await r.add_listener(read);
  co_await r.add_listener(read, "temp");
  co_await r.add_listener(read, sig::any, "#changed");
  co_await r.add_listener(read, "temp", "#changed");
  co_await r.add_sender("temp", sig::events("#changed"));
  co_await test::settle();
  BOOST_TEST(seen.empty());  // "#connect" has no "celsius": read() threw nothing and saw nothing
  co_await r.trigger("temp", "#changed", sig::arg("celsius", 21.5));
  co_await test::settle();
  BOOST_TEST(seen == std::vector<double>(4, 21.5), boost::test_tools::per_element());
}

CO_TEST_CASE(a_trigger_without_data_gives_empty_data) {
  sig::router r(co_await asio::this_coro::executor);
  std::optional<bool> empty;
  auto cb = [&](const sig::event& ev) { empty = sig::event_data(ev).empty(); };
  co_await r.add_listener(cb, "a", "x");
  co_await r.add_sender("a", sig::events("x"));
  co_await r.trigger("a", "x");
  co_await test::settle();
  BOOST_TEST((empty && *empty));
}

// Every kind of callback.

CO_TEST_CASE(members_coroutines_and_bound_callbacks_run) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  listener_object object;
  auto shared = std::make_shared<listener_object>();
  int coroutine_calls = 0;
  int bound_calls = 0;
  auto strand = asio::make_strand(ex);
  co_await r.add_sender("a", sig::events("x"));
  co_await r.add_listener(&listener_object::on_event, object, "a", "x");
  co_await r.add_listener(&listener_object::on_event, shared, "a");
  co_await r.add_listener(
      [&]() -> asio::awaitable<void> {
        ++coroutine_calls;
        co_return;
      },
      "a", "x");
  co_await r.add_listener(asio::bind_executor(strand, [&] { ++bound_calls; }), sig::any, sig::any);
  co_await r.trigger("a", "x");
  co_await test::settle();
  BOOST_TEST(object.calls == 1);
  BOOST_TEST(shared->calls == 1);
  BOOST_TEST(coroutine_calls == 1);
  BOOST_TEST(bound_calls == 1);
}

CO_TEST_CASE(once_and_disconnect_end_a_listener) {
  sig::router r(co_await asio::this_coro::executor);
  int once_calls = 0;
  int calls = 0;
  co_await r.add_sender("a", sig::events("x"));
  co_await r.add_listener([&] { ++once_calls; }, "a", "x", sig::once());
  sig::connection c = co_await r.add_listener([&] { ++calls; }, "a");
  co_await r.trigger("a", "x");
  co_await r.trigger("a", "x");
  co_await test::settle();
  c.disconnect();
  co_await r.trigger("a", "x");
  co_await test::settle();
  BOOST_TEST(once_calls == 1);
  BOOST_TEST(calls == 2);
}

// Errors.

CO_TEST_CASE(an_empty_callback_fails_the_registration) {
  sig::router r(co_await asio::this_coro::executor);
  void (*null)(const sig::event&) = nullptr;
  auto listener = co_await test::failure_of<std::invalid_argument>(r.add_listener(null, "a", "x"));
  auto named = co_await test::failure_of<std::invalid_argument>(r.on("foo", null));
  BOOST_TEST(listener != "no exception");
  BOOST_TEST(named != "no exception");
  BOOST_TEST(!co_await r.responds_to(null, "foo"));
  // Positive control: a real function registers.
  BOOST_TEST(co_await test::failure_of<std::invalid_argument>(r.on("foo", free_listener)) ==
             "no exception");
}

CO_TEST_CASE(listening_to_an_undeclared_event_of_a_connected_sender_fails) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("temp", sig::events("cold"));
  auto message =
      co_await test::failure_of<sig::router_error>(r.add_listener([] {}, "temp", "warm"));
  BOOST_TEST(test::contains(message, "'temp'"));
  BOOST_TEST(test::contains(message, "'warm'"));
  // Positive control: a declared event is accepted.
  auto ok = co_await test::failure_of<sig::router_error>(r.add_listener([] {}, "temp", "cold"));
  BOOST_TEST(ok == "no exception");
}

CO_TEST_CASE(listening_to_a_non_channel_without_sender_fails) {
  sig::router r(co_await asio::this_coro::executor);
  auto message =
      co_await test::failure_of<sig::router_error>(r.add_listener([] {}, sig::any, "cold"));
  BOOST_TEST(test::contains(message, "'cold'"));
  auto ok = co_await test::failure_of<sig::router_error>(r.add_listener([] {}, sig::any, "#cold"));
  BOOST_TEST(ok == "no exception");
}

CO_TEST_CASE(triggering_errors_name_what_is_wrong) {
  sig::router r(co_await asio::this_coro::executor);
  int calls = 0;
  co_await r.add_listener([&] { ++calls; });
  auto absent = co_await test::failure_of<sig::not_connected_error>(r.trigger("ghost", "x"));
  BOOST_TEST(test::contains(absent, "'ghost'"));
  co_await r.add_sender("temp", sig::events("cold"));
  co_await test::settle();
  calls = 0;
  auto undeclared = co_await test::failure_of<sig::router_error>(r.trigger("temp", "warm"));
  BOOST_TEST(test::contains(undeclared, "'warm'"));
  auto presence = co_await test::failure_of<sig::router_error>(r.trigger("temp", "#connect"));
  BOOST_TEST(test::contains(presence, "#connect"));
  co_await test::settle();
  BOOST_TEST(calls == 0);
  co_await r.trigger("temp", "cold");
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(empty_names_fail_at_once_for_eager_tokens) {
  sig::router r(co_await asio::this_coro::executor);
  BOOST_TEST(test::contains(error_of<sig::router_error>([&] { r.add_sender("", asio::detached); }),
                            "sender name is empty"));
  BOOST_TEST(
      test::contains(error_of<sig::router_error>([&] { r.trigger("a", "", asio::detached); }),
                     "event name is empty"));
  BOOST_TEST(test::contains(
      error_of<sig::router_error>([&] { r.add_listener([] {}, "", "x", asio::detached); }),
      "sender name is empty"));
  BOOST_TEST(test::contains(
      error_of<sig::router_error>([&] { r.add_listener([] {}, "a", "#", asio::detached); }),
      "'#'"));
  auto lazy = co_await test::failure_of<sig::router_error>(r.add_sender(""));
  BOOST_TEST(test::contains(lazy, "sender name is empty"));
}

CO_TEST_CASE(bad_declarations_change_nothing) {
  sig::router r(co_await asio::this_coro::executor);
  auto twice =
      co_await test::failure_of<sig::router_error>(r.add_sender("a", sig::events("x", "x")));
  BOOST_TEST(test::contains(twice, "'x' twice"));
  auto builtin =
      co_await test::failure_of<sig::router_error>(r.add_sender("a", sig::events("#connect")));
  BOOST_TEST(test::contains(builtin, "#connect"));
  BOOST_TEST(!co_await r.is_connected("a"));
  co_await r.add_sender("a", sig::events("x"));
  auto again = co_await test::failure_of<sig::router_error>(r.add_sender("a"));
  BOOST_TEST(test::contains(again, "already connected"));
}

// Tokens.

CO_TEST_CASE(every_token_works) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  co_await r.add_sender("a", sig::events("x"), asio::deferred);
  bool connected = co_await r.is_connected("a", asio::deferred);
  BOOST_TEST(connected);
  auto [e, events] = co_await r.declared_events("a", asio::as_tuple(asio::use_awaitable));
  BOOST_TEST(!e);
  BOOST_TEST(events.size() == 1u);
  bool called = false;
  r.trigger("a", "x", [&](std::exception_ptr e) { called = !e; });
  co_await test::settle();
  BOOST_TEST(called);
}

// Requests.

struct weather {
  std::string temperature(const sig::kwargs&) const { return "29.5"; }
  bool is_hot() const { return true; }
};

CO_TEST_CASE(request_completes_with_the_response) {
  sig::router r(co_await asio::this_coro::executor);
  weather w;
  co_await r.add_sender(
      "weather", sig::events("changed"),
      sig::method("temperature", [&](const sig::kwargs& p) { return w.temperature(p); }),
      sig::method("ishot", [&] { return w.is_hot(); }),
      sig::method("later", []() -> asio::awaitable<int> { co_return 7; }),
      sig::method("nothing", [](const sig::kwargs&) {}));
  std::any t = co_await r.request("weather", "temperature");
  std::any hot = co_await r.request("weather", "ishot");
  std::any later = co_await r.request("weather", "later");
  std::any nothing = co_await r.request("weather", "nothing");
  BOOST_TEST(std::any_cast<std::string>(t) == "29.5");
  BOOST_TEST(std::any_cast<bool>(hot));
  BOOST_TEST(std::any_cast<int>(later) == 7);
  BOOST_TEST(!nothing.has_value());
}

CO_TEST_CASE(a_bound_request_handler_runs_on_its_executor) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  auto strand = asio::make_strand(ex);
  bool on_strand = false;
  co_await r.add_sender("s", sig::method("m", asio::bind_executor(strand, [&] {
                                           on_strand = strand.running_in_this_thread();
                                           return 3;
                                         })));
  BOOST_TEST(std::any_cast<int>(co_await r.request("s", "m")) == 3);
  BOOST_TEST(on_strand);
}

CO_TEST_CASE(default_method_gets_the_name_and_params) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::default_method([](const std::string& m, const sig::kwargs& p) {
                          return m + "/" + p.get<std::string>("lorem");
                        }));
  std::any response = co_await r.request("s", "unknown_method", sig::arg("lorem", "ipsum"));
  BOOST_TEST(std::any_cast<std::string>(response) == "unknown_method/ipsum");
}

CO_TEST_CASE(unknown_method_without_default_is_a_lookup_error) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::method("known", [] { return 1; }));
  auto message = co_await test::failure_of<sig::lookup_error>(r.request("s", "unknown_method"));
  BOOST_TEST(test::contains(message, "'unknown_method'"));
  auto ok = co_await test::failure_of<sig::lookup_error>(r.request("s", "known"));
  BOOST_TEST(ok == "no exception");
}

CO_TEST_CASE(handler_exception_reaches_the_requester) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::method("boom", []() -> int { throw std::domain_error("boom"); }),
                        sig::method("coboom", []() -> asio::awaitable<int> {
                          throw std::domain_error("coboom");
                          co_return 0;
                        }));
  BOOST_TEST(co_await test::failure_of<std::domain_error>(r.request("s", "boom")) == "boom");
  BOOST_TEST(co_await test::failure_of<std::domain_error>(r.request("s", "coboom")) == "coboom");
}

CO_TEST_CASE(request_to_a_sender_not_connected_fails) {
  sig::router r(co_await asio::this_coro::executor);
  auto message = co_await test::failure_of<sig::not_connected_error>(r.request("ghost", "m"));
  BOOST_TEST(test::contains(message, "'ghost'"));
  co_await r.add_sender("ghost", sig::method("m", [] { return 1; }));
  co_await r.remove_sender("ghost");
  auto removed = co_await test::failure_of<sig::not_connected_error>(r.request("ghost", "m"));
  BOOST_TEST(test::contains(removed, "'ghost'"));
  // Handlers are dropped with the sender: a new one serves the new sender.
  co_await r.add_sender("ghost", sig::method("m", [] { return 2; }));
  BOOST_TEST(std::any_cast<int>(co_await r.request("ghost", "m")) == 2);
}

// A handler that waits until `gate` is cancelled.
auto gated(asio::steady_timer& gate) {
  return [&gate]() -> asio::awaitable<int> {
    co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return 1;
  };
}

CO_TEST_CASE(request_is_cancellable_so_a_timer_is_a_timeout) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  asio::steady_timer gate(ex, std::chrono::steady_clock::time_point::max());
  co_await r.add_sender("slow", sig::method("m", gated(gate)));
  asio::steady_timer timeout(ex, std::chrono::milliseconds(1));
  auto result = co_await (r.request("slow", "m") || timeout.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  // The sender still serves; the first handler's late response is dropped.
  gate.expires_at(std::chrono::steady_clock::time_point::min());
  BOOST_TEST(std::any_cast<int>(co_await r.request("slow", "m")) == 1);
}

CO_TEST_CASE(request_in_flight_fails_when_its_sender_is_removed) {
  auto ex = co_await asio::this_coro::executor;
  sig::router r(ex);
  asio::steady_timer gate(ex, std::chrono::steady_clock::time_point::max());
  co_await r.add_sender("slow", sig::method("m", gated(gate)));
  std::optional<std::string> failure;
  r.request("slow", "m", [&](std::exception_ptr e, std::any) {
    try {
      if (e) std::rethrow_exception(e);
      failure = "no exception";
    } catch (const sig::not_connected_error& x) {
      failure = x.what();
    }
  });
  co_await test::settle();
  BOOST_TEST(!failure);  // in flight
  co_await r.remove_sender("slow");
  co_await test::settle();
  BOOST_TEST_REQUIRE(failure.has_value());
  BOOST_TEST(test::contains(*failure, "removed while request 'm'"));
  gate.cancel();
}

BOOST_AUTO_TEST_CASE(pending_request_keeps_its_executor_busy) {
  asio::io_context router_context;
  asio::io_context requester;
  auto guard = asio::make_work_guard(router_context);
  std::thread router_thread([&] { router_context.run(); });
  sig::router r(router_context);
  std::promise<void> added;
  r.add_sender("s",
               sig::method("m",
                           []() -> asio::awaitable<int> {
                             asio::steady_timer t(co_await asio::this_coro::executor,
                                                  std::chrono::milliseconds(20));
                             co_await t.async_wait(asio::use_awaitable);
                             co_return 5;
                           }),
               [&](std::exception_ptr) { added.set_value(); });
  added.get_future().wait();
  int response = 0;
  r.request("s", "m", asio::bind_executor(requester, [&](std::exception_ptr, std::any a) {
              response = std::any_cast<int>(a);
            }));
  requester.run();  // returns only once the response has arrived
  guard.reset();
  router_thread.join();
  BOOST_TEST(response == 5);
}

// Named signals: smokesignal and PyDispatcher.

int named_calls = 0;
void named_callback(const sig::event&) {
  ++named_calls;
}
int other_calls = 0;
void other_callback() {
  ++other_calls;
}

CO_TEST_CASE(on_and_emit_with_data) {
  sig::router r(co_await asio::this_coro::executor);
  int four = 0;
  std::string name;
  co_await r.on("foo", [&](const sig::event& ev) {
    four = sig::event_data(ev).get<int>("four");
    name = sig::event_name(ev);
  });
  std::size_t n = co_await r.emit("foo", sig::arg("four", 4));
  std::size_t none = co_await r.emit("bar");
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(none == 0u);
  BOOST_TEST(four == 4);
  BOOST_TEST(name == "foo");
}

CO_TEST_CASE(once_and_max_calls_limit_the_calls) {
  sig::router r(co_await asio::this_coro::executor);
  int once = 0;
  int twice = 0;
  int always = 0;
  co_await r.on(
      "foo", [&] { ++once; }, sig::once());
  co_await r.on(
      "foo", [&] { ++twice; }, sig::max_calls(2));
  co_await r.on("foo", [&] { ++always; });
  for (int i = 0; i < 3; ++i) co_await r.emit("foo");
  co_await test::settle();
  BOOST_TEST(once == 1);
  BOOST_TEST(twice == 2);
  BOOST_TEST(always == 3);
}

CO_TEST_CASE(disconnect_from_one_signal_and_from_all) {
  sig::router r(co_await asio::this_coro::executor);
  named_calls = 0;
  co_await r.on("foo", named_callback);
  co_await r.on("bar", named_callback);
  co_await r.on("baz", named_callback);
  BOOST_TEST(co_await r.responds_to(named_callback, "foo"));
  auto names = co_await r.signals(named_callback);
  BOOST_TEST(names == std::vector<std::string>({"bar", "baz", "foo"}),
             boost::test_tools::per_element());
  co_await r.disconnect_from(named_callback, "foo");
  BOOST_TEST(!co_await r.responds_to(named_callback, "foo"));
  BOOST_TEST(co_await r.responds_to(named_callback, "bar"));
  co_await r.emit("foo");
  co_await r.emit("bar");
  co_await test::settle();
  BOOST_TEST(named_calls == 1);
  co_await r.disconnect(named_callback);
  co_await r.emit("bar");
  co_await r.emit("baz");
  co_await test::settle();
  BOOST_TEST(named_calls == 1);
  BOOST_TEST((co_await r.signals(named_callback)).empty());
}

CO_TEST_CASE(clear_one_signal_and_all) {
  sig::router r(co_await asio::this_coro::executor);
  named_calls = 0;
  other_calls = 0;
  sig::connection c = co_await r.on("foo", named_callback);
  co_await r.on("foo", other_callback);
  co_await r.on("bar", other_callback);
  BOOST_TEST(co_await r.responds_to(c, "foo"));
  co_await r.clear("foo");
  BOOST_TEST(!c.connected());
  co_await r.emit("foo");
  co_await r.emit("bar");
  co_await test::settle();
  BOOST_TEST(named_calls == 0);
  BOOST_TEST(other_calls == 1);
  co_await r.clear_all();
  co_await r.emit("bar");
  co_await test::settle();
  BOOST_TEST(other_calls == 1);
}

CO_TEST_CASE(emitting_sends_on_entry_and_exit) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.on("enter", [&] { log.push_back("enter"); });
  co_await r.on("exit", [&] { log.push_back("exit"); });
  {
    sig::emitting scope(r, "enter", "exit");
    co_await test::settle();
    log.push_back("body");
  }
  { sig::emitting scope(r, "exit"); }
  co_await test::settle();
  BOOST_TEST(log == log_type({"enter", "body", "exit", "exit"}), boost::test_tools::per_element());
}

CO_TEST_CASE(pydispatcher_sender_filter_and_anonymous_sends) {
  sig::router r(co_await asio::this_coro::executor);
  int first = 0;
  int second = 0;
  int any = 0;
  int from_first = 0;
  co_await r.on("signal", [&](const sig::event& ev) {
    ++any;
    if (ev.senders().contains(sig::sender(&first))) ++from_first;
  });
  co_await r.on(
      "signal", [&] { ++second; }, sig::sender(&second));
  co_await r.emit("signal", sig::sender(&first));
  co_await r.emit("signal", sig::sender(&second));
  co_await r.emit("signal");  // Anonymous
  co_await test::settle();
  BOOST_TEST(any == 3);
  BOOST_TEST(from_first == 1);
  BOOST_TEST(second == 1);
}

// A randomized model-based test: random sequences of sender additions and
// removals (with random declarations), listener registrations of the four
// kinds (some invalid), disconnections and triggers (some invalid), each
// checked against a small reference model: which listeners every operation
// reaches, in which order, and which operations fail. ASIO_SIGNALS_MODEL_SEED
// replays one seed.

namespace router_model {

const std::vector<std::string> sender_names = {"s0", "s1", "s2"};
const std::vector<std::string> event_names = {"a", "b", "#c", "#d", "#connect", "#disconnect"};

struct listener {
  int id;
  std::optional<std::string> sender;
  std::optional<std::string> event;
  sig::connection conn;
  bool alive = true;
};

struct model {
  std::map<std::string, std::vector<std::string>> connected;
  std::vector<listener> listeners;

  bool declares(const std::string& s, const std::string& e) const {
    auto it = connected.find(s);
    if (it == connected.end()) return false;
    if (e == "#connect" || e == "#disconnect") return true;
    return std::find(it->second.begin(), it->second.end(), e) != it->second.end();
  }

  // What a trigger of `e` from `s` reaches, in order.
  std::vector<std::string> reach(const std::string& s, const std::string& e) const {
    std::vector<std::string> out;
    auto group = [&](auto pick) {
      for (const listener& l : listeners)
        if (l.alive && pick(l)) out.push_back(std::to_string(l.id) + ":" + s + "/" + e);
    };
    group([](const listener& l) { return !l.sender && !l.event; });
    group([&](const listener& l) { return l.sender == s && !l.event; });
    if (e.size() > 1 && e[0] == '#')
      group([&](const listener& l) { return !l.sender && l.event == e; });
    group([&](const listener& l) { return l.sender == s && l.event == e; });
    return out;
  }
};

std::string describe(const std::optional<std::string>& name) {
  return name ? *name : std::string("any");
}

asio::awaitable<std::optional<std::string>> run(std::uint64_t seed, int length) {
  std::mt19937_64 random(seed);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  auto chance = [&](int percent) {
    return std::uniform_int_distribution<int>(0, 99)(random) < percent;
  };
  sig::router r(co_await asio::this_coro::executor);
  model m;
  log_type seen;
  int next_id = 0;
  for (int step = 0; step < length; ++step) {
    std::ostringstream what;
    std::vector<std::string> expected;
    bool failed = false;
    bool expect_failure = false;
    int kind = std::uniform_int_distribution<int>(0, 9)(random);
    if (kind <= 1) {
      std::string s = pick(sender_names);
      std::vector<std::string> events;
      for (const std::string& e : event_names)
        if (e != "#connect" && e != "#disconnect" && chance(50)) events.push_back(e);
      what << "add_sender " << s << " (" << events.size() << " events)";
      expect_failure = m.connected.contains(s);
      try {
        switch (events.size()) {
          case 0:
            co_await r.add_sender(s);
            break;
          case 1:
            co_await r.add_sender(s, sig::events(events[0]));
            break;
          case 2:
            co_await r.add_sender(s, sig::events(events[0], events[1]));
            break;
          case 3:
            co_await r.add_sender(s, sig::events(events[0], events[1], events[2]));
            break;
          default:
            co_await r.add_sender(s, sig::events(events[0], events[1], events[2], events[3]));
        }
      } catch (const sig::router_error&) {
        failed = true;
      }
      if (!expect_failure) {
        m.connected[s] = events;
        expected = m.reach(s, "#connect");
      }
    } else if (kind == 2) {
      std::string s = pick(sender_names);
      what << "remove_sender " << s;
      bool was = co_await r.remove_sender(s);
      if (was != m.connected.contains(s)) co_return what.str() + ": wrong result";
      if (was) {
        expected = m.reach(s, "#disconnect");
        m.connected.erase(s);
      }
    } else if (kind <= 5) {
      std::optional<std::string> s;
      std::optional<std::string> e;
      if (chance(70)) s = pick(sender_names);
      if (chance(70)) e = pick(event_names);
      what << "add_listener " << next_id << " " << describe(s) << " " << describe(e);
      expect_failure =
          e && ((!s && (*e)[0] != '#') || (s && m.connected.contains(*s) && !m.declares(*s, *e)));
      int id = next_id++;
      auto cb = [&seen, id](const sig::event& ev) {
        seen.push_back(std::to_string(id) + ":" + sig::sender_name(ev) + "/" + sig::event_name(ev));
      };
      try {
        sig::connection c;
        if (s && e)
          c = co_await r.add_listener(cb, *s, *e);
        else if (s)
          c = co_await r.add_listener(cb, *s);
        else if (e)
          c = co_await r.add_listener(cb, sig::any, *e);
        else
          c = co_await r.add_listener(cb);
        m.listeners.push_back(listener{id, s, e, c});
      } catch (const sig::router_error&) {
        failed = true;
      }
    } else if (kind == 6 && !m.listeners.empty()) {
      listener& l = m.listeners[std::uniform_int_distribution<std::size_t>(
          0, m.listeners.size() - 1)(random)];
      what << "disconnect " << l.id;
      l.conn.disconnect();
      l.alive = false;
    } else {
      std::string s = pick(sender_names);
      std::string e = pick(event_names);
      what << "trigger " << s << " " << e;
      expect_failure =
          !m.connected.contains(s) || !m.declares(s, e) || e == "#connect" || e == "#disconnect";
      try {
        co_await r.trigger(s, e, sig::arg("step", step));
      } catch (const sig::router_error&) {
        failed = true;
      } catch (const sig::not_connected_error&) {
        failed = true;
      }
      if (!expect_failure) expected = m.reach(s, e);
    }
    co_await test::settle();
    if (failed != expect_failure)
      co_return what.str() + (failed ? ": failed unexpectedly" : ": did not fail");
    if (seen != expected) {
      std::ostringstream report;
      report << what.str() << ": reached";
      for (const auto& x : seen) report << " " << x;
      report << " instead of";
      for (const auto& x : expected) report << " " << x;
      co_return report.str();
    }
    seen.clear();
  }
  co_return std::nullopt;
}

}  // namespace router_model

CO_TEST_CASE(random_sequences_agree_with_the_model) {
  long first = 1;
  long last = 200;
  if (const char* s = std::getenv("ASIO_SIGNALS_MODEL_SEED")) first = last = std::atol(s);
  int failures = 0;
  for (long seed = first; seed <= last && failures < 3; ++seed) {
    std::optional<std::string> failure = co_await router_model::run(std::uint64_t(seed), 80);
    if (failure) {
      ++failures;
      BOOST_ERROR("seed " << seed << ": " << *failure);
    }
  }
  BOOST_TEST(failures == 0);
}

// Operations run in the order they were started, even when the first is not
// awaited: a listener or named callback registered detached hears the trigger
// or emit started after it.

CO_TEST_CASE(registrations_started_first_hear_what_follows) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("s", sig::events("e"));
  r.add_listener(recorder(log, "l"), "s", "e", asio::detached);
  co_await r.trigger("s", "e");
  int named_calls = 0;
  r.on(
      "foo", [&] { ++named_calls; }, asio::detached);
  std::size_t scheduled = co_await r.emit("foo");
  co_await test::settle();
  BOOST_TEST(log == log_type({"l:s/e"}), boost::test_tools::per_element());
  BOOST_TEST(scheduled == 1u);
  BOOST_TEST(named_calls == 1);
}

// Names of any length reach the listeners intact, in whatever memory the
// thread kept from its earlier triggers: shorter and longer in turn, and
// longer than a thread keeps (256 characters together).
CO_TEST_CASE(names_of_every_length_reach_the_listeners) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  std::vector<std::string> expected;
  char letter = 'a';
  for (std::size_t size : {2u, 20u, 39u, 200u, 3u, 256u, 257u, 600u, 10u}) {
    std::string sender(size - size / 2, letter++);
    std::string event(size / 2, 'e');
    co_await r.add_sender(sender, sig::events(event));
    co_await r.add_listener(recorder(log, "l"), sender, event);
    co_await r.trigger(sender, event);
    expected.push_back("l:" + sender + "/" + event);
  }
  co_await test::settle();
  BOOST_TEST(log == expected, boost::test_tools::per_element());
}

// The data of a trigger that no listener hears are released by the time the
// trigger completes, not kept until the operation is gone.
CO_TEST_CASE(data_no_listener_hears_are_released_when_the_trigger_completes) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::events("e"));
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  auto op = [&] {
    return r.trigger("s", "e", sig::arg("value", std::move(held)), asio::deferred);
  }();
  BOOST_TEST(!watch.expired());
  co_await std::move(op)(asio::use_awaitable);
  BOOST_TEST(watch.expired());
}

// A trigger finds its sender as it is now, though the same names were
// triggered just before the sender went, and before it came back with other
// events.
CO_TEST_CASE(a_trigger_finds_its_sender_as_it_is_now) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("s", sig::events("e"));
  co_await r.add_listener(recorder(log, "l"), "s", sig::any);
  co_await r.trigger("s", "e", sig::arg("n", 1));
  co_await r.remove_sender("s");
  auto gone = co_await test::failure_of<sig::not_connected_error>(r.trigger("s", "e"));
  BOOST_TEST(gone == "asio_signals: sender 's' is not connected");
  co_await r.add_sender("s", sig::events("f"));
  auto undeclared = co_await test::failure_of<sig::router_error>(r.trigger("s", "e"));
  BOOST_TEST(undeclared == "asio_signals: sender 's' did not declare event 'e'");
  co_await r.trigger("s", "f", sig::arg("n", 2));
  co_await r.remove_sender("s");
  co_await r.add_sender("s", sig::events("e"));
  co_await r.trigger("s", "e", sig::arg("n", 3));
  co_await test::settle();
  BOOST_TEST(log == log_type({"l:s/e", "l:s/#disconnect", "l:s/#connect", "l:s/f",
                              "l:s/#disconnect", "l:s/#connect", "l:s/e"}),
             boost::test_tools::per_element());
}

// A trigger's data go once its listeners have run, when no event was kept:
// not with a later trigger.
CO_TEST_CASE(a_triggers_data_go_once_no_event_refers_to_them) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::events("e"));
  int heard = 0;
  co_await r.add_listener(
      [&](const sig::event& ev) { heard += *sig::event_data(ev).get<std::shared_ptr<int>>("p"); },
      "s", "e");
  co_await r.add_listener([&](const sig::event&) { ++heard; }, "s", sig::any);
  auto p = std::make_shared<int>(10);
  std::weak_ptr<int> watch = p;
  co_await r.trigger("s", "e", sig::arg("p", std::move(p)));
  co_await test::settle();
  BOOST_TEST(heard == 11);
  BOOST_TEST(watch.expired());
}

// Data that an event kept go with the last copy of the event.
CO_TEST_CASE(kept_data_go_with_the_last_event_that_refers_to_them) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::events("e"));
  std::vector<sig::event> kept;
  co_await r.add_listener([&](const sig::event& ev) { kept.push_back(ev); }, "s", "e");
  auto p = std::make_shared<int>(1);
  std::weak_ptr<int> watch = p;
  co_await r.trigger("s", "e", sig::arg("p", std::move(p)));
  co_await test::settle();
  BOOST_TEST_REQUIRE(kept.size() == 1u);
  BOOST_TEST(!watch.expired());
  kept.clear();
  BOOST_TEST(watch.expired());
}

// Events kept by their listeners keep their own data, each its own, while
// later triggers deliver theirs.
CO_TEST_CASE(kept_events_keep_their_own_data) {
  sig::router r(co_await asio::this_coro::executor);
  co_await r.add_sender("s", sig::events("e"));
  std::vector<sig::event> kept;
  int heard = 0;
  co_await r.add_listener(
      [&](const sig::event& ev) {
        ++heard;
        if (sig::event_data(ev).get<int>("n") % 2 == 1) kept.push_back(ev);
      },
      "s", "e");
  for (int i = 1; i <= 7; ++i)
    co_await r.trigger("s", "e", sig::arg("n", i), sig::arg("text", std::string(i * 5, 'a')));
  co_await test::settle();
  BOOST_TEST(heard == 7);
  BOOST_TEST_REQUIRE(kept.size() == 4u);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const sig::kwargs& data = sig::event_data(kept[k]);
    const int i = static_cast<int>(2 * k + 1);
    BOOST_TEST(data.size() == 2u);
    BOOST_TEST(data.get<int>("n") == i);
    BOOST_TEST(data.get<std::string>("text") == std::string(i * 5, 'a'));
  }
}

// The sender's name and the event's are told apart: "ab" and "c" is not
// "a" and "bc".
CO_TEST_CASE(names_split_differently_name_different_events) {
  sig::router r(co_await asio::this_coro::executor);
  log_type log;
  co_await r.add_sender("ab", sig::events("c"));
  co_await r.add_sender("a", sig::events("bc"));
  co_await r.add_listener(recorder(log, "1"), "ab", "c");
  co_await r.add_listener(recorder(log, "2"), "a", "bc");
  co_await r.trigger("a", "bc");
  co_await r.trigger("ab", "c");
  co_await test::failure_of<sig::router_error>(r.trigger("ab", "bc"));
  co_await test::failure_of<sig::router_error>(r.trigger("a", "c"));
  co_await test::settle();
  BOOST_TEST(log == log_type({"2:a/bc", "1:ab/c"}), boost::test_tools::per_element());
}

// A deferred trigger keeps copies of its names and data: made from
// temporaries, it is started later, twice.
CO_TEST_CASE(a_deferred_trigger_owns_its_names_and_runs_twice) {
  sig::router r(co_await asio::this_coro::executor);
  std::vector<int> seen;
  co_await r.add_sender("temperature_sensor_of_the_north_wing", sig::events("#changed"));
  co_await r.add_listener(
      [&](const sig::event& ev) { seen.push_back(sig::event_data(ev).get<int>("value")); },
      sig::any, "#changed");
  auto op = [&] {
    std::string sender = "temperature_sensor_of_the_north_wing";
    std::string event = "#changed";
    return r.trigger(sender, event, sig::arg("value", 7), asio::deferred);
  }();
  co_await op(asio::use_awaitable);
  co_await op(asio::use_awaitable);
  co_await test::settle();
  BOOST_TEST(seen == std::vector<int>({7, 7}), boost::test_tools::per_element());
}

CO_TEST_CASE(emit_errors_name_what_is_wrong) {
  sig::router r(co_await asio::this_coro::executor);
  int calls = 0;
  co_await r.on("foo", [&] { ++calls; });
  std::string empty = co_await test::failure_of<sig::router_error>(r.emit(""));
  BOOST_TEST(test::contains(empty, "empty"));
  std::string twice = co_await test::failure_of<sig::kwarg_error>(
      r.emit("foo", sig::arg("data", 1), sig::arg("data", 2)));
  BOOST_TEST(test::contains(twice, "data"));
  BOOST_TEST(error_of<sig::router_error>([&] { r.emit("", asio::detached); }) != "no exception");
  BOOST_TEST(co_await r.emit("foo") == 1u);  // the positive control
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
