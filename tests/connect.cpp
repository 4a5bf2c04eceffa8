//
// connect.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// A free coroutine function.
asio::awaitable<void> record_coroutine(const sig::event&) {
  test::journal.push_back("coroutine");
  co_return;
}

struct counter {
  int* calls;
  void operator()(const sig::event&) const { ++*calls; }
};

}  // namespace

// Connecting: every kind of callable, coroutine callbacks, the callables that
// merge (functions, members) and those that do not (lambdas), options that
// accumulate, and callables that are rejected.
BOOST_AUTO_TEST_SUITE(connect_test)

CO_TEST_CASE(every_kind_of_callable_runs) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  test::widget::static_calls = 0;
  test::widget by_pointer;
  test::widget by_reference;
  const test::widget constant;
  auto shared = std::make_shared<test::widget>();
  auto weak_owner = std::make_shared<test::widget>();
  std::weak_ptr<test::widget> weak = weak_owner;
  int lambdas = 0;
  int objects = 0;
  int coroutine_lambdas = 0;
  counter object{&objects};

  co_await s.connect(test::record_f);
  co_await s.connect(test::record_g);
  co_await s.connect(record_coroutine);
  co_await s.connect(&test::widget::on_static);
  co_await s.connect(&test::widget::on_static_coroutine);
  co_await s.connect([&](const sig::event&) { ++lambdas; });
  co_await s.connect([&] { ++lambdas; });
  co_await s.connect(object);
  co_await s.connect([&]() -> asio::awaitable<void> {
    co_await test::yield();
    ++coroutine_lambdas;
  });
  co_await s.connect(&test::widget::on_event, &by_pointer);
  co_await s.connect(&test::widget::on_nothing, by_reference);
  co_await s.connect(&test::widget::on_event, shared);
  co_await s.connect(&test::widget::on_event, weak);
  co_await s.connect(&test::widget::on_const, &constant);
  co_await s.connect(&test::widget::on_coroutine, &by_pointer);

  auto n = co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 15u);
  BOOST_TEST((test::journal == std::vector<std::string>{"f", "g", "coroutine"}));
  BOOST_TEST(test::widget::static_calls == 2);
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
    co_await test::yield();
    steps.push_back(2);
    co_await test::yield();
    steps.push_back(3);
  });
  co_await s.send();
  BOOST_TEST(co_await test::until([&] { return steps.size() == 3; }));
  BOOST_TEST((steps == std::vector<int>{1, 2, 3}));
}

CO_TEST_CASE(reconnecting_a_function_merges_its_filters) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  auto first = co_await s.connect(test::record_f, sig::key("a"));
  auto second = co_await s.connect(test::record_f, sig::key("b"));
  BOOST_TEST((first == second));
  co_await s.send(sig::key("a"));
  co_await s.send(sig::key("b"));
  auto n = co_await s.send(sig::keys("a", "b"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(test::journal.size() == 3u);
}

CO_TEST_CASE(unfiltered_and_filtered_registrations_coexist) {
  sig::signal s(co_await asio::this_coro::executor);
  test::journal.clear();
  co_await s.connect(test::record_f);
  co_await s.connect(test::record_f, sig::key("a"));
  auto n = co_await s.send(sig::key("a"));
  co_await s.disconnect(test::record_f, sig::key("a"));
  co_await s.send();
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(test::journal.size() == 2u);
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
  auto w = std::make_shared<test::widget>();
  test::widget other;
  auto weak = co_await s.connect(&test::widget::on_event, w, sig::key("a"));
  auto raw = co_await s.connect(&test::widget::on_event, w.get(), sig::key("b"));
  auto by_reference = co_await s.connect(&test::widget::on_event, *w);
  auto another = co_await s.connect(&test::widget::on_event, &other);
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

BOOST_AUTO_TEST_CASE(empty_callbacks_and_null_objects_are_rejected) {
  asio::io_context ctx;
  sig::signal s(ctx);
  void (*null_function)(const sig::event&) = nullptr;
  std::function<void()> empty;
  test::widget* null_widget = nullptr;
  std::shared_ptr<test::widget> null_shared;
  std::weak_ptr<test::widget> expired = std::make_shared<test::widget>();
  void (test::widget::*null_member)(const sig::event&) = nullptr;
  test::widget w;
  BOOST_CHECK_THROW(s.connect(null_function, asio::detached), std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(empty, asio::detached), std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&test::widget::on_event, null_widget, asio::detached),
                    std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&test::widget::on_event, null_shared, asio::detached),
                    std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(&test::widget::on_event, expired, asio::detached),
                    std::invalid_argument);
  BOOST_CHECK_THROW(s.connect(null_member, &w, asio::detached), std::invalid_argument);
  auto count = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(count.get() == 0u);
  ctx.restart();
  s.connect(&test::widget::on_event, &w, asio::detached);
  auto valid = s.send(asio::use_future);
  ctx.run();
  BOOST_TEST(valid.get() == 1u);
  BOOST_TEST(w.calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()
