//
// signal.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>
#include <asio_signals/subscription.hpp>

#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// Free functions record into this journal; each test that uses them clears it.
std::vector<std::string> journal;

void record_f(const sig::event&) {
  journal.push_back("f");
}
void record_g() {
  journal.push_back("g");
}
asio::awaitable<void> record_coroutine(const sig::event&) {
  journal.push_back("coroutine");
  co_return;
}

asio::awaitable<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

struct widget {
  int calls = 0;
  mutable int const_calls = 0;
  static inline int static_calls = 0;

  void on_event(const sig::event&) { ++calls; }
  void on_nothing() { ++calls; }
  void on_const(const sig::event&) const { ++const_calls; }
  asio::awaitable<void> on_coroutine(const sig::event&) {
    co_await yield();
    ++calls;
  }
  static void on_static(const sig::event&) { ++static_calls; }
  static asio::awaitable<void> on_static_coroutine() {
    ++static_calls;
    co_return;
  }
};

// Builds widgets in one buffer, apart from their control blocks: each new one
// has the address of the one before while weak references to that one remain,
// as with shared_ptr<T>(new T) and an allocator that reuses memory.
class widget_place {
 public:
  std::shared_ptr<widget> make() {
    return std::shared_ptr<widget>(new (bytes_) widget, [](widget* w) { w->~widget(); });
  }

 private:
  alignas(widget) unsigned char bytes_[sizeof(widget)];
};

struct counter {
  int* calls;
  void operator()(const sig::event&) const { ++*calls; }
};

struct base {
  virtual ~base() = default;
  int b = 0;
};

struct other_base {
  virtual ~other_base() = default;
  int o = 0;
};

struct derived : other_base, base {};

// Records whether its member ran while the object was still alive.
class tracked {
 public:
  tracked(bool* destroyed, bool* ran_alive) : destroyed_(destroyed), ran_alive_(ran_alive) {}
  ~tracked() { *destroyed_ = true; }
  void on_event() { *ran_alive_ = !*destroyed_; }

 private:
  bool* destroyed_;
  bool* ran_alive_;
};

std::string message_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signal_test)

// asyncio_dispatch's basic examples: one and several unfiltered callbacks.

CO_TEST_CASE(unfiltered_callback_runs_on_every_send) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto n = co_await s.send();
  co_await s.send(sig::key("any"), sig::sender(&calls));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 2);
}

CO_TEST_CASE(several_unfiltered_callbacks_all_run) {
  sig::signal s(co_await asio::this_coro::executor);
  int a = 0;
  int b = 0;
  int c = 0;
  co_await s.connect([&] { ++a; });
  co_await s.connect([&] { ++b; });
  co_await s.connect([&] { ++c; });
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 3u);
  BOOST_TEST((a == 1 && b == 1 && c == 1));
}

CO_TEST_CASE(send_without_connections_schedules_nothing) {
  sig::signal s(co_await asio::this_coro::executor);
  auto n = co_await s.send(sig::key("k"));
  BOOST_TEST(n == 0u);
  // Once connected, the same send reaches the callback.
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto connected = co_await s.send(sig::key("k"));
  co_await test::settle();
  BOOST_TEST(connected == 1u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(disconnect_between_sends) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  co_await s.send();
  co_await s.disconnect(c);
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(calls == 1);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(every_kind_of_callable_runs) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  widget::static_calls = 0;
  widget by_pointer;
  widget by_reference;
  const widget constant;
  auto shared = std::make_shared<widget>();
  auto weak_owner = std::make_shared<widget>();
  std::weak_ptr<widget> weak = weak_owner;
  int lambdas = 0;
  int objects = 0;
  int coroutine_lambdas = 0;
  counter object{&objects};

  co_await s.connect(record_f);
  co_await s.connect(record_g);
  co_await s.connect(record_coroutine);
  co_await s.connect(&widget::on_static);
  co_await s.connect(&widget::on_static_coroutine);
  co_await s.connect([&](const sig::event&) { ++lambdas; });
  co_await s.connect([&] { ++lambdas; });
  co_await s.connect(object);
  co_await s.connect([&]() -> asio::awaitable<void> {
    co_await yield();
    ++coroutine_lambdas;
  });
  co_await s.connect(&widget::on_event, &by_pointer);
  co_await s.connect(&widget::on_nothing, by_reference);
  co_await s.connect(&widget::on_event, shared);
  co_await s.connect(&widget::on_event, weak);
  co_await s.connect(&widget::on_const, &constant);
  co_await s.connect(&widget::on_coroutine, &by_pointer);

  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 15u);
  BOOST_TEST((journal == std::vector<std::string>{"f", "g", "coroutine"}));
  BOOST_TEST(widget::static_calls == 2);
  BOOST_TEST(lambdas == 2);
  BOOST_TEST(objects == 1);
  BOOST_TEST(coroutine_lambdas == 1);
  BOOST_TEST(by_pointer.calls == 2);
  BOOST_TEST(by_reference.calls == 1);
  BOOST_TEST(shared->calls == 1);
  BOOST_TEST(weak_owner->calls == 1);
  BOOST_TEST(constant.const_calls == 1);
}

CO_TEST_CASE(coroutine_callbacks_run_to_completion) {
  sig::signal s(co_await asio::this_coro::executor);
  std::vector<int> steps;
  co_await s.connect([&]() -> asio::awaitable<void> {
    steps.push_back(1);
    co_await yield();
    steps.push_back(2);
    co_await yield();
    steps.push_back(3);
  });
  co_await s.send();
  BOOST_TEST(co_await test::until([&] { return steps.size() == 3; }));
  BOOST_TEST((steps == std::vector<int>{1, 2, 3}));
}

// Rule 1: a send schedules, counts, and never runs a callback itself.

BOOST_AUTO_TEST_CASE(send_never_runs_a_callback_inside_the_call) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int calls = 0;
  s.connect([&] { ++calls; }, asio::detached);
  ctx.run();
  ctx.restart();
  std::optional<std::size_t> completed;
  s.send([&](std::exception_ptr, std::size_t n) { completed = n; });
  BOOST_TEST(calls == 0);
  BOOST_TEST(!completed.has_value());
  ctx.run();
  BOOST_TEST(calls == 1);
  BOOST_TEST_REQUIRE(completed.has_value());
  BOOST_TEST(*completed == 1u);
}

CO_TEST_CASE(send_from_the_executor_does_not_run_callbacks_inline) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  s.send(asio::detached);
  BOOST_TEST(calls == 0);
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(callbacks_run_on_the_signal_executor) {
  asio::io_context ctx;
  auto strand = asio::make_strand(ctx);
  sig::signal s(strand);
  bool plain_on_strand = false;
  bool coroutine_on_strand = false;
  s.connect([&] { plain_on_strand = strand.running_in_this_thread(); }, asio::detached);
  s.connect(
      [&]() -> asio::awaitable<void> {
        co_await yield();
        coroutine_on_strand = strand.running_in_this_thread();
      },
      asio::detached);
  s.send(asio::detached);
  ctx.run();
  BOOST_TEST(plain_on_strand);
  BOOST_TEST(coroutine_on_strand);
}

BOOST_AUTO_TEST_CASE(bound_callbacks_run_on_their_executor) {
  asio::io_context ctx;
  auto strand = asio::make_strand(ctx);
  sig::signal s(ctx);
  bool plain_on_strand = false;
  bool coroutine_on_strand = false;
  s.connect(asio::bind_executor(strand, [&] { plain_on_strand = strand.running_in_this_thread(); }),
            asio::detached);
  s.connect(asio::bind_executor(strand,
                                [&]() -> asio::awaitable<void> {
                                  co_await yield();
                                  coroutine_on_strand = strand.running_in_this_thread();
                                }),
            asio::detached);
  std::size_t count = 0;
  s.send([&](std::exception_ptr, std::size_t n) { count = n; });
  ctx.run();
  BOOST_TEST(count == 2u);
  BOOST_TEST(plain_on_strand);
  BOOST_TEST(coroutine_on_strand);
}

BOOST_AUTO_TEST_CASE(completion_runs_on_the_handlers_executor) {
  asio::io_context ctx;
  auto signal_strand = asio::make_strand(ctx);
  auto caller = asio::make_strand(ctx);
  sig::signal s(signal_strand);
  bool connect_on_caller = false;
  bool send_on_caller = false;
  s.connect([] {}, asio::bind_executor(caller, [&](std::exception_ptr, sig::connection) {
              connect_on_caller = caller.running_in_this_thread();
            }));
  s.send(asio::bind_executor(caller, [&](std::exception_ptr, std::size_t) {
    send_on_caller = caller.running_in_this_thread();
  }));
  ctx.run();
  BOOST_TEST(connect_on_caller);
  BOOST_TEST(send_on_caller);
}

// Rule 2: matching is a union, and a callback runs at most once per send.

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

// Rule 3: comparable callables merge; lambdas do not.

CO_TEST_CASE(reconnecting_a_function_merges_its_filters) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  auto first = co_await s.connect(record_f, sig::key("a"));
  auto second = co_await s.connect(record_f, sig::key("b"));
  BOOST_TEST((first == second));
  co_await s.send(sig::key("a"));
  co_await s.send(sig::key("b"));
  auto n = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(journal.size() == 3u);
}

CO_TEST_CASE(unfiltered_and_filtered_registrations_coexist) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  co_await s.connect(record_f);
  co_await s.connect(record_f, sig::key("a"));
  auto n = co_await s.send(sig::key("a"));
  co_await s.disconnect(record_f, sig::key("a"));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(journal.size() == 2u);
}

CO_TEST_CASE(lambdas_are_not_comparable) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto callback = [&] { ++calls; };
  auto first = co_await s.connect(callback);
  auto second = co_await s.connect(callback);
  BOOST_TEST(!(first == second));
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 2u);
  BOOST_TEST(calls == 2);
}

CO_TEST_CASE(member_identity_is_function_and_object_address) {
  sig::signal s(co_await asio::this_coro::executor);
  auto w = std::make_shared<widget>();
  widget other;
  auto weak = co_await s.connect(&widget::on_event, w, sig::key("a"));
  auto raw = co_await s.connect(&widget::on_event, w.get(), sig::key("b"));
  auto by_reference = co_await s.connect(&widget::on_event, *w);
  auto another = co_await s.connect(&widget::on_event, &other);
  BOOST_TEST((weak == raw));
  BOOST_TEST((weak == by_reference));
  BOOST_TEST(!(weak == another));
  auto n = co_await s.send(sig::keys("a", "b"));
  BOOST_TEST(n == 2u);
  // The first connection held the object weakly, and that ownership stays.
  w.reset();
  n = co_await s.send(sig::key("a"));
  BOOST_TEST(n == 1u);
  BOOST_TEST(!weak.connected());
}

CO_TEST_CASE(a_new_object_at_an_expired_ones_address_is_another_callable) {
  sig::signal s(co_await asio::this_coro::executor);
  widget_place place;
  std::shared_ptr<widget> first = place.make();
  auto stale = co_await s.connect(&widget::on_event, first, sig::keys("old", "both"));
  first.reset();
  // Before any send prunes the stale connection, a new object takes its place.
  std::shared_ptr<widget> second = place.make();
  auto fresh = co_await s.connect(&widget::on_event, second, sig::key("new"));
  BOOST_TEST(!(fresh == stale));
  BOOST_TEST(!stale.connected());
  auto n = co_await s.send(sig::keys("old", "new"));
  BOOST_TEST(n == 1u);
  BOOST_TEST(second->calls == 1);
  BOOST_TEST(fresh.connected());
}

CO_TEST_CASE(disconnecting_a_new_object_at_an_expired_ones_address_ends_only_the_stale_one) {
  sig::signal s(co_await asio::this_coro::executor);
  widget_place place;
  std::shared_ptr<widget> first = place.make();
  auto stale = co_await s.connect(&widget::on_event, first, sig::keys("a", "b"));
  first.reset();
  std::shared_ptr<widget> second = place.make();
  // A partial disconnect naming the new object does not trim the stale
  // connection into something a later send would not prune.
  co_await s.disconnect(&widget::on_event, second, sig::key("a"));
  BOOST_TEST(!stale.connected());
  BOOST_TEST(s.receivers() == 0u);
  auto n = co_await s.send(sig::key("b"));
  BOOST_TEST(n == 0u);
  BOOST_TEST(second->calls == 0);
  // The new object, connected for itself, is reached by that send.
  auto fresh = co_await s.connect(&widget::on_event, second, sig::key("b"));
  n = co_await s.send(sig::key("b"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(second->calls == 1);
  BOOST_TEST(!(fresh == stale));
}

// Rule 4: full and partial disconnects.

CO_TEST_CASE(disconnect_removes_a_function_entirely) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  auto c = co_await s.connect(record_f, sig::keys("a", "b"));
  co_await s.connect(record_f);
  auto connected = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(connected == 1u);
  BOOST_TEST(journal.size() == 1u);
  co_await s.disconnect(record_f);
  auto n = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(n == 0u);
  BOOST_TEST(journal.size() == 1u);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(partial_disconnect_by_key) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  auto c = co_await s.connect(record_f, sig::keys("a", "b"));
  co_await s.disconnect(record_f, sig::key("a"));
  auto a = co_await s.send(sig::key("a"));
  auto b = co_await s.send(sig::key("b"));
  BOOST_TEST(a == 0u);
  BOOST_TEST(b == 1u);
  BOOST_TEST(c.connected());
}

CO_TEST_CASE(partial_disconnect_by_sender) {
  sig::signal s(co_await asio::this_coro::executor);
  widget w;
  int x = 0;
  int y = 0;
  co_await s.connect(&widget::on_event, &w, sig::senders(&x, &y));
  co_await s.disconnect(&widget::on_event, &w, sig::sender(&x));
  auto from_x = co_await s.send(sig::sender(&x));
  auto from_y = co_await s.send(sig::sender(&y));
  BOOST_TEST(from_x == 0u);
  BOOST_TEST(from_y == 1u);
}

CO_TEST_CASE(partial_disconnect_of_the_last_filter_ends_the_connection) {
  sig::signal s(co_await asio::this_coro::executor);
  auto c = co_await s.connect(record_f, sig::key("a"));
  auto connected = co_await s.send(sig::key("a"));
  BOOST_TEST(connected == 1u);
  co_await s.disconnect(record_f, sig::key("a"));
  BOOST_TEST(!c.connected());
  auto n = co_await s.send(sig::key("a"));
  BOOST_TEST(n == 0u);
}

CO_TEST_CASE(partial_disconnect_keeps_an_unfiltered_registration) {
  sig::signal s(co_await asio::this_coro::executor);
  auto c = co_await s.connect(record_f);
  co_await s.disconnect(record_f, sig::key("a"));
  BOOST_TEST(c.connected());
  auto n = co_await s.send();
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(disconnecting_what_is_not_connected_does_nothing) {
  sig::signal s(co_await asio::this_coro::executor);
  widget w;
  auto c = co_await s.connect(record_f, sig::key("a"));
  co_await s.disconnect(record_g);
  co_await s.disconnect(&widget::on_event, &w);
  co_await s.disconnect(record_f, sig::key("unknown"), sig::sender(&w));
  co_await s.disconnect(sig::connection());
  std::weak_ptr<widget> expired = std::make_shared<widget>();
  co_await s.disconnect(&widget::on_event, expired);
  BOOST_TEST(c.connected());
  auto n = co_await s.send(sig::key("a"));
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(disconnect_ignores_a_connection_of_another_signal) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  sig::signal other(ex);
  int calls = 0;
  auto c = co_await other.connect([&] { ++calls; });
  co_await s.disconnect(c);
  BOOST_TEST(c.connected());
  auto n = co_await other.send();
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 1);
}

CO_TEST_CASE(members_disconnect_by_any_form_of_their_object) {
  sig::signal s(co_await asio::this_coro::executor);
  auto w = std::make_shared<widget>();
  auto c = co_await s.connect(&widget::on_event, w.get());
  co_await s.disconnect(&widget::on_event, w);
  BOOST_TEST(!c.connected());
  c = co_await s.connect(&widget::on_event, std::weak_ptr<widget>(w));
  co_await s.disconnect(&widget::on_event, *w);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(no_send_started_after_disconnect_calls_the_callback) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; });
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
  co_await s.disconnect(c);
  s.send(asio::detached);
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(calls == 1);
}

// Rule 5: sender identity.

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

// Rule 6: keys match after normalisation.

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

// Rule 7: options accumulate; kwargs are declared, typed and last one send.

CO_TEST_CASE(options_accumulate) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::key("a"), sig::keys("b", "c"));
  co_await s.send(sig::key("a"));
  co_await s.send(sig::key("b"));
  co_await s.send(sig::key("c"));
  co_await test::settle();
  BOOST_TEST(calls == 3);
}

CO_TEST_CASE(empty_keys_and_senders_add_nothing) {
  sig::signal s(co_await asio::this_coro::executor);
  int calls = 0;
  co_await s.connect([&] { ++calls; }, sig::keys(), sig::senders());
  auto n = co_await s.send();
  BOOST_TEST(n == 1u);
}

CO_TEST_CASE(overrides_last_one_send) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("my_kwarg", std::string("default")),
                sig::arg("payload", 0));
  std::vector<std::string> seen;
  co_await s.connect([&](const sig::event& ev) {
    seen.push_back(ev.get<std::string>("my_kwarg") + ":" + std::to_string(ev.get<int>("payload")));
  });
  co_await s.send();
  co_await s.send(sig::arg("my_kwarg", "changed with send"), sig::arg("payload", 42));
  co_await s.send();
  sig::kwargs many;
  many.set("payload", 7);
  co_await s.send(many);
  co_await test::settle();
  BOOST_TEST((seen == std::vector<std::string>{"default:0", "changed with send:42", "default:0",
                                               "default:7"}));
}

CO_TEST_CASE(invalid_kwargs_fail_and_schedule_nothing) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("message", std::string()));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  BOOST_CHECK_THROW(co_await s.send(sig::arg("undeclared", 1)), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await s.send(sig::arg("message", 5)), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await s.send(sig::arg("message", "a"), sig::arg("message", "b")),
                    sig::kwarg_error);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto n = co_await s.send(sig::arg("message", "a string literal is a std::string"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 1);
}

// A kwarg value whose copy throws while `copies_fail` is set.
struct fragile {
  static inline bool copies_fail = false;
  int value = 0;
  explicit fragile(int v) : value(v) {}
  fragile(const fragile& other) : value(other.value) {
    if (copies_fail) throw std::runtime_error("fragile copy");
  }
  fragile& operator=(const fragile&) = default;
};

CO_TEST_CASE(a_kwarg_value_whose_copy_throws_fails_the_call_alone) {
  fragile initial(1);
  sig::signal s(co_await asio::this_coro::executor, sig::arg("v", initial));
  std::vector<int> seen;
  auto c = co_await s.connect(
      [&](const sig::event& ev) { seen.push_back(ev.get<fragile>("v").value); }, sig::key("k"));
  fragile next(2);
  fragile::copies_fail = true;
  // The value is copied once, when the kwarg is made: the exception leaves
  // that call, before the send starts.
  BOOST_CHECK_THROW(sig::arg("v", next), std::runtime_error);
  // Events share the values they carry: a send copies none.
  auto n = co_await s.send(sig::key("k"));
  fragile::copies_fail = false;
  BOOST_TEST(n == 1u);
  auto v = sig::arg("v", next);
  co_await s.send(sig::key("k"), std::move(v));
  BOOST_TEST(seen == (std::vector<int>{1, 2}), boost::test_tools::per_element());
  BOOST_TEST(c.connected());
  BOOST_TEST(s.receivers() == 1u);
}

BOOST_AUTO_TEST_CASE(constructor_rejects_a_kwarg_declared_twice) {
  asio::io_context ctx;
  BOOST_CHECK_THROW(sig::signal(ctx, sig::arg("a", 1), sig::arg("a", 2)), sig::kwarg_error);
}

// Rule 9: connection order within a send, and send order across sends.

CO_TEST_CASE(callbacks_start_in_connection_order) {
  sig::signal s(co_await asio::this_coro::executor);
  std::vector<std::string> order;
  int x = 0;
  co_await s.connect([&] { order.push_back("a"); }, sig::key("k"));
  co_await s.connect([&]() -> asio::awaitable<void> {
    order.push_back("b");
    co_return;
  });
  co_await s.connect([&] { order.push_back("c"); }, sig::sender(&x));
  co_await s.connect([&] { order.push_back("d"); }, sig::key("other"));
  co_await s.connect([&] { order.push_back("e"); });
  co_await s.send(sig::sender(&x), sig::keys("other", "k"));
  co_await test::settle();
  BOOST_TEST((order == std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

CO_TEST_CASE(merged_connections_keep_their_first_position) {
  sig::signal s(co_await asio::this_coro::executor);
  journal.clear();
  co_await s.connect(record_f, sig::key("first"));
  co_await s.connect(record_g);
  co_await s.connect(record_f, sig::key("later"));
  co_await s.send(sig::key("later"));
  co_await test::settle();
  BOOST_TEST((journal == std::vector<std::string>{"f", "g"}));
}

CO_TEST_CASE(sends_keep_their_order) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  std::vector<std::string> log;
  co_await s.connect(
      [&](const sig::event& ev) { log.push_back("a" + std::to_string(ev.get<int>("n"))); });
  co_await s.connect(
      [&](const sig::event& ev) { log.push_back("b" + std::to_string(ev.get<int>("n"))); });
  for (int i = 0; i < 3; ++i) s.send(sig::arg("n", i), asio::detached);
  co_await test::settle();
  BOOST_TEST((log == std::vector<std::string>{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

// Rule 10: weak members.

CO_TEST_CASE(expired_weak_members_are_pruned_and_not_counted) {
  sig::signal s(co_await asio::this_coro::executor);
  auto w = std::make_shared<widget>();
  auto c = co_await s.connect(&widget::on_event, std::weak_ptr<widget>(w));
  auto alive = co_await s.send();
  w.reset();
  auto expired = co_await s.send();
  BOOST_TEST(alive == 1u);
  BOOST_TEST(expired == 0u);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(a_scheduled_member_stays_alive_until_it_has_run) {
  sig::signal s(co_await asio::this_coro::executor);
  bool destroyed = false;
  bool ran_alive = false;
  auto object = std::make_shared<tracked>(&destroyed, &ran_alive);
  // The first callback drops the last owner before the member runs.
  co_await s.connect([&] { object.reset(); });
  co_await s.connect(&tracked::on_event, object);
  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 2u);
  BOOST_TEST(ran_alive);
  BOOST_TEST(destroyed);
}

// Rule 11: exceptions.

CO_TEST_CASE(exceptions_go_to_the_error_handler_and_the_others_still_run) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  std::vector<std::string> errors;
  std::vector<int> from_send;
  s.set_error_handler([&](std::exception_ptr e, const sig::event& ev) {
    errors.push_back(message_of(e));
    from_send.push_back(ev.get<int>("n"));
  });
  int after = 0;
  co_await s.connect([] { throw std::runtime_error("plain"); });
  co_await s.connect([]() -> asio::awaitable<void> {
    co_await yield();
    throw std::runtime_error("coroutine");
  });
  co_await s.connect([&] { ++after; });
  co_await s.send(sig::arg("n", 7));
  BOOST_TEST(co_await test::until([&] { return errors.size() == 2; }));
  BOOST_TEST(after == 1);
  BOOST_TEST((errors == std::vector<std::string>{"plain", "coroutine"}));
  BOOST_TEST((from_send == std::vector<int>{7, 7}));
  co_await s.send(sig::arg("n", 8));
  BOOST_TEST(co_await test::until([&] { return errors.size() == 4; }));
  BOOST_TEST(after == 2);
}

BOOST_AUTO_TEST_CASE(without_a_handler_exceptions_leave_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int after = 0;
  s.connect([] { throw std::runtime_error("plain"); }, asio::detached);
  s.connect([&] { ++after; }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::runtime_error);
  ctx.run();
  BOOST_TEST(after == 1);
}

BOOST_AUTO_TEST_CASE(without_a_handler_coroutine_exceptions_leave_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int after = 0;
  s.connect(
      []() -> asio::awaitable<void> {
        co_await yield();
        throw std::runtime_error("coroutine");
      },
      asio::detached);
  s.connect([&] { ++after; }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::runtime_error);
  ctx.run();
  BOOST_TEST(after == 1);
}

BOOST_AUTO_TEST_CASE(an_exception_from_the_error_handler_leaves_run) {
  asio::io_context ctx;
  sig::signal s(ctx);
  s.set_error_handler(
      [](std::exception_ptr, const sig::event&) { throw std::logic_error("handler"); });
  s.connect([] { throw std::runtime_error("plain"); }, asio::detached);
  s.send(asio::detached);
  BOOST_CHECK_THROW(ctx.run(), std::logic_error);
}

// Rule 13: lifetime.

BOOST_AUTO_TEST_CASE(an_io_context_destroyed_with_everything_pending_releases_it_all) {
  // Under LeakSanitizer, a cycle between the signal's state and anything
  // pending (operations, waits, coroutine callbacks, sends held by a full
  // subscription, events) would be a leak at exit.
  auto object = std::make_shared<widget>();
  std::weak_ptr<widget> watch = object;
  auto wait_state = std::make_shared<int>(0);
  std::weak_ptr<int> wait_watch = wait_state;
  {
    asio::io_context ctx;
    sig::signal s(ctx, sig::arg("n", 0));
    s.connect(&widget::on_event, object, asio::detached);
    s.connect([](const sig::event&) -> asio::awaitable<void> { co_return; }, asio::detached);
    s.connect(
        [&s](const sig::event& ev) { s.send(sig::arg("n", ev.get<int>("n") + 1), asio::detached); },
        sig::key("chain"), asio::detached);
    sig::subscription held(s, 1, sig::overflow::wait);
    s.next([state = std::move(wait_state)](boost::system::error_code, sig::event) { ++*state; });
    for (int i = 0; i < 3; ++i) s.send(sig::key("chain"), asio::detached);
    s.send_and_wait([](std::exception_ptr, std::vector<sig::outcome>) {});
    object.reset();
    // Run part of it: some callbacks ran, their coroutines and follow-ups
    // are queued, a send waits on the full subscription.
    for (int i = 0; i < 6; ++i) ctx.poll_one();
  }
  BOOST_TEST(watch.expired());
  // The wait's handler, run or not, was released with everything else.
  BOOST_TEST(wait_watch.expired());
}

BOOST_AUTO_TEST_CASE(a_dropped_signal_still_runs_pending_callbacks) {
  asio::io_context ctx;
  std::vector<sig::event> kept;
  auto keep = [&](const sig::event& ev) { kept.push_back(ev); };
  {
    sig::signal s(ctx, sig::arg("n", 1));
    sig::signal other(ctx, sig::arg("n", 1));
    s.connect(keep, asio::detached);
    other.connect(keep, asio::detached);
    s.send(sig::arg("n", 2), asio::detached);
    s.send(sig::arg("n", 3), asio::detached);
    other.send(sig::arg("n", 4), asio::detached);
  }
  ctx.run();
  BOOST_TEST_REQUIRE(kept.size() == 3u);
  BOOST_TEST(kept[0].get<int>("n") == 2);
  BOOST_TEST(kept[1].get<int>("n") == 3);
  BOOST_TEST(kept[2].get<int>("n") == 4);
  // Each event still names the signal that sent it.
  BOOST_TEST((kept[0].source() == kept[1].source()));
  BOOST_TEST(!(kept[0].source() == kept[2].source()));
}

// Bad input.

BOOST_AUTO_TEST_CASE(empty_callbacks_and_null_objects_are_rejected) {
  asio::io_context ctx;
  sig::signal s(ctx);
  void (*null_function)(const sig::event&) = nullptr;
  std::function<void()> empty;
  widget* null_widget = nullptr;
  std::shared_ptr<widget> null_shared;
  std::weak_ptr<widget> expired = std::make_shared<widget>();
  void (widget::*null_member)(const sig::event&) = nullptr;
  widget w;
  BOOST_CHECK_THROW(s.connect(null_function, asio::detached), std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(empty, asio::detached), std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&widget::on_event, null_widget, asio::detached),
                    std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&widget::on_event, null_shared, asio::detached),
                    std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&widget::on_event, expired, asio::detached), std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(null_member, &w, asio::detached), std::invalid_argument);
  auto count = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(count.get() == 0u);
  ctx.restart();
  s.connect(&widget::on_event, &w, asio::detached);
  auto valid = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(valid.get() == 1u);
  BOOST_TEST(w.calls == 1);
}

// Completion tokens.

CO_TEST_CASE(deferred_and_as_tuple_tokens) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  auto c = co_await s.connect([&] { ++calls; }, asio::deferred);
  BOOST_TEST(c.connected());
  auto n = co_await s.send(sig::arg("n", 1), asio::deferred);
  BOOST_TEST(n == 1u);
  auto [error, count] = co_await s.send(asio::as_tuple(asio::use_awaitable));
  BOOST_TEST(!error);
  BOOST_TEST(count == 1u);
  co_await s.disconnect(c, asio::deferred);
  BOOST_TEST(!c.connected());
}

CO_TEST_CASE(lazy_tokens_report_errors_at_the_co_await) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  auto deferred_send = s.send(sig::arg("n", 1.5), asio::deferred);
  auto awaitable_send = s.send(sig::arg("missing", 1));
  BOOST_CHECK_THROW(co_await std::move(deferred_send), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await std::move(awaitable_send), sig::kwarg_error);
  void (*null_function)() = nullptr;
  auto deferred_connect = s.connect(null_function, asio::deferred);
  BOOST_CHECK_THROW(co_await std::move(deferred_connect), std::invalid_argument);
  auto [error, count] = co_await s.send(sig::arg("n", "x"), asio::as_tuple(asio::use_awaitable));
  BOOST_TEST(static_cast<bool>(error));
  BOOST_TEST(count == 0u);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto valid = co_await s.send(sig::arg("n", 2), asio::deferred);
  co_await test::settle();
  BOOST_TEST(valid == 1u);
  BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(eager_tokens_throw_errors_from_the_call) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  int calls = 0;
  bool completed = false;
  s.connect([&] { ++calls; }, asio::detached);
  BOOST_CHECK_THROW(s.send(sig::arg("n", "text"), asio::detached), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send(sig::arg("m", 1), asio::use_future), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send(sig::arg("n", 1), sig::arg("n", 2),
                           [&](std::exception_ptr, std::size_t) { completed = true; }),
                    sig::kwarg_error);
  ctx.run();
  BOOST_TEST(calls == 0);
  BOOST_TEST(!completed);
  ctx.restart();
  s.send(sig::arg("n", 1), [&](std::exception_ptr, std::size_t) { completed = true; });
  ctx.run();
  BOOST_TEST(calls == 1);
  BOOST_TEST(completed);
}

BOOST_AUTO_TEST_CASE(callback_future_and_detached_tokens) {
  asio::io_context ctx;
  sig::signal s(ctx);
  int calls = 0;
  std::optional<sig::connection> made;
  s.connect([&] { ++calls; },
            [&](std::exception_ptr e, sig::connection c) {
              BOOST_TEST(!e);
              made = c;
            });
  std::future<std::size_t> first = s.send(asio::use_future);
  s.send(asio::detached);
  bool disconnected = false;
  ctx.run();
  ctx.restart();
  BOOST_TEST_REQUIRE(made.has_value());
  s.disconnect(*made, [&](std::exception_ptr e) { disconnected = !e; });
  std::future<std::size_t> second = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(first.get() == 1u);
  BOOST_TEST(second.get() == 0u);
  BOOST_TEST(disconnected);
  BOOST_TEST(calls == 2);
}

// Awaiting the next emission.

CO_TEST_CASE(next_completes_with_the_event_of_the_next_send) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  std::optional<sig::event> got;
  asio::co_spawn(
      ex, [&]() -> asio::awaitable<void> { got = co_await s.next(); }, asio::detached);
  co_await test::settle();
  BOOST_TEST(!got.has_value());
  auto n = co_await s.send(sig::arg("n", 3));
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(n == 0u);
  BOOST_TEST(got->get<int>("n") == 3);
  BOOST_TEST((got->source() == s));
}

CO_TEST_CASE(next_matches_like_a_connection) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  int x = 0;
  std::optional<sig::event> by_key;
  std::optional<sig::event> by_sender;
  asio::co_spawn(
      ex, [&]() -> asio::awaitable<void> { by_key = co_await s.next(sig::key("a")); },
      asio::detached);
  asio::co_spawn(
      ex,
      [&]() -> asio::awaitable<void> {
        by_sender = co_await s.next(sig::sender(&x), asio::deferred);
      },
      asio::detached);
  co_await test::settle();
  co_await s.send();
  co_await s.send(sig::key("b"));
  co_await test::settle();
  BOOST_TEST(!by_key.has_value());
  BOOST_TEST(!by_sender.has_value());
  co_await s.send(sig::keys("b", "a"));
  co_await s.send(sig::sender(&x), sig::key("c"));
  BOOST_TEST(co_await test::until([&] { return by_key && by_sender; }));
  BOOST_TEST(by_key->keys().contains("a"));
  BOOST_TEST(by_sender->keys().contains("c"));
}

CO_TEST_CASE(many_waits_resume_on_one_send) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  int resumed = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          co_await s.next();
          ++resumed;
        },
        asio::detached);
  }
  co_await test::settle();
  co_await s.send();
  BOOST_TEST(co_await test::until([&] { return resumed == 3; }));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(resumed == 3);
}

CO_TEST_CASE(next_waits_for_a_send_that_starts_after_it) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex, sig::arg("n", 0));
  std::optional<int> got;
  s.send(sig::arg("n", 1), asio::detached);
  s.next([&](boost::system::error_code, sig::event ev) { got = ev.get<int>("n"); });
  s.send(sig::arg("n", 2), asio::detached);
  BOOST_TEST(co_await test::until([&] { return got.has_value(); }));
  BOOST_TEST(*got == 2);
}

CO_TEST_CASE(next_with_a_timeout_leaves_nothing_behind) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  asio::steady_timer timer(ex, std::chrono::milliseconds(1));
  auto result = co_await (s.next(sig::key("k")) || timer.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  // The withdrawn wait is not completed by a later send, and the test's
  // io_context runs out of work: nothing is left pending. A wait started
  // afterwards is completed by that send.
  std::optional<boost::system::error_code> later;
  s.next(sig::key("k"), [&](boost::system::error_code ec, sig::event) { later = ec; });
  co_await test::settle();
  co_await s.send(sig::key("k"));
  BOOST_TEST(co_await test::until([&] { return later.has_value(); }));
  BOOST_TEST(!*later);
}

CO_TEST_CASE(a_cancelled_wait_completes_with_operation_aborted) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  asio::cancellation_signal cancel;
  std::optional<boost::system::error_code> result;
  s.next(
      asio::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec, sig::event ev) {
        result = ec;
        BOOST_TEST(!ev);
      }));
  co_await test::settle();
  cancel.emit(asio::cancellation_type::terminal);
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST((*result == asio::error::operation_aborted));
  co_await s.send();
  co_await test::settle();
}

CO_TEST_CASE(dropping_the_last_handle_aborts_the_waits) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<boost::system::error_code> result;
  std::optional<sig::event> kept;
  {
    sig::signal s(ex);
    co_await s.connect([&](const sig::event& ev) { kept = ev; });
    co_await s.send();
    s.next([&](boost::system::error_code ec, sig::event) { result = ec; });
    co_await test::settle();
    BOOST_TEST(!result.has_value());
  }
  // An event refers to the signal's state, but is not a handle.
  BOOST_TEST(kept.has_value());
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST((*result == asio::error::operation_aborted));
}

CO_TEST_CASE(a_handle_made_from_an_event_counts) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<sig::signal> again;
  std::optional<boost::system::error_code> result;
  {
    sig::signal s(ex);
    co_await s.connect([&](const sig::event& ev) { again.emplace(ev.source()); });
    co_await s.send();
    co_await test::settle();
    s.next([&](boost::system::error_code ec, sig::event) { result = ec; });
  }
  co_await test::settle();
  BOOST_TEST(!result.has_value());
  co_await again->send();
  BOOST_TEST(co_await test::until([&] { return result.has_value(); }));
  BOOST_TEST(!*result);
}

// Sending and waiting for every callback.

CO_TEST_CASE(send_and_wait_completes_after_every_callback) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  auto strand = asio::make_strand(ex);
  bool coroutine_done = false;
  bool bound_done = false;
  auto first = co_await s.connect([] {});
  auto second = co_await s.connect([&]() -> asio::awaitable<void> {
    co_await yield();
    co_await yield();
    coroutine_done = true;
  });
  auto third = co_await s.connect(asio::bind_executor(strand, [&] { bound_done = true; }));
  s.next([](boost::system::error_code, sig::event) {});
  co_await test::settle();
  std::vector<sig::outcome> outcomes = co_await s.send_and_wait();
  BOOST_TEST(coroutine_done);
  BOOST_TEST(bound_done);
  BOOST_TEST_REQUIRE(outcomes.size() == 3u);
  BOOST_TEST((outcomes[0].receiver == first && outcomes[1].receiver == second &&
              outcomes[2].receiver == third));
  BOOST_TEST((!outcomes[0].error && !outcomes[1].error && !outcomes[2].error));
}

CO_TEST_CASE(send_and_wait_reports_exceptions_instead_of_the_handler) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int handled = 0;
  s.set_error_handler([&](std::exception_ptr, const sig::event&) { ++handled; });
  co_await s.connect([] { throw std::runtime_error("plain"); });
  co_await s.connect([](const sig::event& ev) -> asio::awaitable<void> {
    co_await yield();
    if (ev.get<int>("n") > 0) throw std::runtime_error("coroutine");
  });
  auto outcomes = co_await s.send_and_wait(sig::arg("n", 1), asio::deferred);
  BOOST_TEST_REQUIRE(outcomes.size() == 2u);
  BOOST_TEST(message_of(outcomes[0].error) == "plain");
  BOOST_TEST(message_of(outcomes[1].error) == "coroutine");
  co_await test::settle();
  BOOST_TEST(handled == 0);
  auto none = co_await s.send_and_wait(sig::key("nobody"));
  BOOST_TEST(none.size() == 2u);
  BOOST_TEST(!none[1].error);
  co_await test::settle();
  BOOST_TEST(handled == 0);
  // A plain send reports the same exceptions to the handler.
  co_await s.send(sig::arg("n", 1));
  BOOST_TEST(co_await test::until([&] { return handled == 2; }));
}

CO_TEST_CASE(cancelling_send_and_wait_leaves_the_callbacks_running) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  sig::signal s(ex);
  std::vector<std::string> handled;
  s.set_error_handler(
      [&](std::exception_ptr e, const sig::event&) { handled.push_back(message_of(e)); });
  bool finished = false;
  co_await s.connect([&]() -> asio::awaitable<void> {
    asio::steady_timer later(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    co_await later.async_wait(asio::use_awaitable);
    finished = true;
    throw std::runtime_error("late");
  });
  asio::steady_timer timeout(ex, std::chrono::milliseconds(1));
  auto result = co_await (s.send_and_wait() || timeout.async_wait(asio::use_awaitable));
  BOOST_TEST(result.index() == 1u);
  BOOST_TEST(!finished);
  BOOST_TEST(co_await test::until([&] { return finished && !handled.empty(); }, 100000));
  BOOST_TEST((handled == std::vector<std::string>{"late"}));
}

CO_TEST_CASE(send_and_wait_checks_kwargs_like_send) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("n", 0));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  BOOST_CHECK_THROW(co_await s.send_and_wait(sig::arg("n", "x")), sig::kwarg_error);
  BOOST_CHECK_THROW(s.send_and_wait(sig::arg("m", 1), asio::detached), sig::kwarg_error);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto outcomes = co_await s.send_and_wait(sig::arg("n", 1));
  BOOST_TEST(outcomes.size() == 1u);
  BOOST_TEST(calls == 1);
}

// Introspection.

CO_TEST_CASE(counts_receivers) {
  sig::signal s(co_await asio::this_coro::executor);
  BOOST_TEST(s.receivers() == 0u);
  auto a = co_await s.connect([] {});
  co_await s.connect(record_f, sig::key("k"));
  co_await s.connect(record_f, sig::key("j"));
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
  co_await s.connect(record_f, sig::key("k"), sig::sender(&x));
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
  auto c = co_await s.connect(record_f, sig::keys("a", "b"), sig::sender(&x));
  co_await s.connect(record_f);
  sig::filter_set f = co_await s.filters(c);
  BOOST_TEST(f.unfiltered);
  BOOST_TEST(f.keys.size() == 2u);
  BOOST_TEST((f.senders.size() == 1u && f.senders[0] == sig::sender(&x)));
  co_await s.disconnect(c);
  f = co_await s.filters(c, asio::deferred);
  BOOST_TEST(!f.unfiltered);
  BOOST_TEST(f.keys.empty());
}

// Notifications.

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
  co_await s.connect(record_f, sig::keys("a", "b"));
  co_await s.disconnect(record_f, sig::key("a"));
  co_await s.disconnect(record_f);
  auto c = co_await s.connect([] {}, sig::key("c"));
  c.disconnect();
  co_await s.connect([] {}, sig::key("d"), sig::once());
  co_await s.send(sig::key("d"));
  auto w = std::make_shared<widget>();
  co_await s.connect(&widget::on_event, w, sig::key("e"));
  w.reset();
  co_await s.send(sig::key("e"));
  BOOST_TEST(co_await test::until([&] { return heard.size() == 5; }));
  BOOST_TEST(
      (heard == std::vector<std::string>{"a left", "b ended", "c ended", "d ended", "e ended"}));
}

BOOST_AUTO_TEST_SUITE_END()
