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

#include <boost/asio/detached.hpp>

#include <exception>
#include <memory>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// The signal handle itself: its constructor, and what a dropped signal or a
// destroyed io_context leaves behind.
BOOST_AUTO_TEST_SUITE(signal_test)

BOOST_AUTO_TEST_CASE(constructor_rejects_a_kwarg_declared_twice) {
  asio::io_context ctx;
  BOOST_CHECK_THROW(sig::signal(ctx, sig::arg("a", 1), sig::arg("a", 2)), sig::kwarg_error);
}

BOOST_AUTO_TEST_CASE(an_io_context_destroyed_with_everything_pending_releases_it_all) {
  // Under LeakSanitizer, a cycle between the signal's state and anything
  // pending (operations, waits, coroutine callbacks, sends held by a full
  // subscription, events) would be a leak at exit.
  auto object = std::make_shared<test::widget>();
  std::weak_ptr<test::widget> watch = object;
  auto wait_state = std::make_shared<int>(0);
  std::weak_ptr<int> wait_watch = wait_state;
  {
    asio::io_context ctx;
    sig::signal s(ctx, sig::arg("n", 0));
    s.connect(&test::widget::on_event, object, asio::detached);
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

BOOST_AUTO_TEST_SUITE_END()
