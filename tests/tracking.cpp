//
// tracking.cpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <new>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

struct listener {
  explicit listener(asio::io_context& home) : home(home) {}

  void on_event() {
    ++calls;
    on_home = home.get_executor().running_in_this_thread();
  }

  asio::awaitable<void> on_event_later() {
    on_event();
    co_return;
  }

  asio::io_context& home;
  int calls = 0;
  bool on_home = false;
};

// Builds widgets in one buffer, apart from their control blocks: each new one
// has the address of the one before while weak references to that one remain,
// as with shared_ptr<T>(new T) and an allocator that reuses memory.
class widget_place {
 public:
  std::shared_ptr<test::widget> make() {
    return std::shared_ptr<test::widget>(new (bytes_) test::widget,
                                         [](test::widget* w) { w->~widget(); });
  }

 private:
  alignas(test::widget) unsigned char bytes_[sizeof(test::widget)];
};

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

}  // namespace

BOOST_AUTO_TEST_SUITE(tracking_test)

BOOST_AUTO_TEST_CASE(a_weak_member_bound_to_an_executor_runs_there) {
  asio::io_context ctx;
  asio::io_context home;
  sig::signal s(ctx);
  auto object = std::make_shared<listener>(home);
  std::size_t scheduled = 0;
  s.connect(&listener::on_event, asio::bind_executor(home, std::weak_ptr<listener>(object)),
            [](std::exception_ptr, sig::connection) {});
  s.send([&](std::exception_ptr, std::size_t n) { scheduled = n; });
  ctx.run();
  BOOST_TEST(scheduled == 1u);
  BOOST_TEST(object->calls == 0);  // not on the signal's executor
  home.run();
  BOOST_TEST(object->calls == 1);
  BOOST_TEST(object->on_home);

  // Still tracked: once the object is gone the member is never called.
  object.reset();
  ctx.restart();
  s.send([&](std::exception_ptr, std::size_t n) { scheduled = n; });
  ctx.run();
  BOOST_TEST(scheduled == 0u);
}

BOOST_AUTO_TEST_CASE(a_member_coroutine_bound_by_shared_ptr_runs_on_its_strand) {
  asio::io_context ctx;
  asio::io_context home;
  sig::signal s(ctx);
  auto object = std::make_shared<listener>(home);
  s.connect(&listener::on_event_later, asio::bind_executor(asio::make_strand(home), object),
            [](std::exception_ptr, sig::connection) {});
  s.send(asio::detached);
  ctx.run();
  home.run();
  BOOST_TEST(object->calls == 1);
  BOOST_TEST(object->on_home);
}

CO_TEST_CASE(receivers_does_not_count_a_weak_member_whose_object_died) {
  auto ex = co_await asio::this_coro::executor;
  asio::io_context unused;
  sig::signal s(ex);
  auto object = std::make_shared<listener>(unused);
  listener kept(unused);
  co_await s.connect(&listener::on_event, object);
  co_await s.connect(&listener::on_event, &kept);
  BOOST_TEST(s.receivers() == 2u);
  object.reset();
  // Before any send has met the expired member.
  BOOST_TEST(s.receivers() == 1u);
  std::size_t scheduled = co_await s.send();
  BOOST_TEST(scheduled == 1u);
  BOOST_TEST(s.receivers() == 1u);
}

CO_TEST_CASE(a_new_object_at_an_expired_ones_address_is_another_callable) {
  sig::signal s(co_await asio::this_coro::executor);
  widget_place place;
  std::shared_ptr<test::widget> first = place.make();
  auto stale = co_await s.connect(&test::widget::on_event, first, sig::keys("old", "both"));
  first.reset();
  // Before any send prunes the stale connection, a new object takes its place.
  std::shared_ptr<test::widget> second = place.make();
  auto fresh = co_await s.connect(&test::widget::on_event, second, sig::key("new"));
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
  std::shared_ptr<test::widget> first = place.make();
  auto stale = co_await s.connect(&test::widget::on_event, first, sig::keys("a", "b"));
  first.reset();
  std::shared_ptr<test::widget> second = place.make();
  // A partial disconnect naming the new object does not trim the stale
  // connection into something a later send would not prune.
  co_await s.disconnect(&test::widget::on_event, second, sig::key("a"));
  BOOST_TEST(!stale.connected());
  BOOST_TEST(s.receivers() == 0u);
  auto n = co_await s.send(sig::key("b"));
  BOOST_TEST(n == 0u);
  BOOST_TEST(second->calls == 0);
  // The new object, connected for itself, is reached by that send.
  auto fresh = co_await s.connect(&test::widget::on_event, second, sig::key("b"));
  n = co_await s.send(sig::key("b"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(second->calls == 1);
  BOOST_TEST(!(fresh == stale));
}

CO_TEST_CASE(expired_weak_members_are_pruned_and_not_counted) {
  sig::signal s(co_await asio::this_coro::executor);
  auto w = std::make_shared<test::widget>();
  auto c = co_await s.connect(&test::widget::on_event, std::weak_ptr<test::widget>(w));
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

BOOST_AUTO_TEST_SUITE_END()
