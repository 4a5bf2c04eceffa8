//
// alloc_failure.cpp
// ~~~~~~~~~~~~~~~~~
//
// Allocation failure injected into connect, disconnect and send: for every n,
// the n-th allocation of the operation throws std::bad_alloc, and afterwards
// the signal must be consistent: every connection it had still intact (each
// called exactly once by a probe send naming it), the operation either done
// entirely or not at all, no callback called twice, a counted connection never
// called more often than its count. Runs until an operation completes without
// reaching its n-th allocation. It also counts the allocations of sends that
// should need none.
//
// This executable replaces the global operator new (failing_new.cpp), so it
// is a program of its own.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#define BOOST_TEST_MODULE asio_signals_alloc_failure
#include <asio_signals/router.hpp>
#include <asio_signals/signal.hpp>
#include <asio_signals/subscription.hpp>

#include "failing_new.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

using test::allocations;
using test::arm;
using test::disarm;

// The allocations of 10 calls of `f`, each followed by running `ctx` until
// it has nothing left to do.
template <class F>
std::size_t allocations_of_ten(asio::io_context& ctx, F f) {
  std::size_t before = allocations();
  for (int i = 0; i < 10; ++i) {
    f();
    ctx.restart();
    ctx.run();
  }
  return allocations() - before;
}

int sender_a;
int sender_b;

// The callbacks count their calls; none of them allocates.
std::array<int, 8> calls;

void on_keyed(const sig::event&) {
  ++calls[1];
}
void on_added(const sig::event&) {
  ++calls[7];
}

struct member_target {
  void on_event(const sig::event&) { ++calls[4]; }
};

// A signal with one connection of every kind, and what each should do.
struct fixture {
  static constexpr int counted_limit = 2;

  asio::io_context ctx;
  asio::strand<asio::io_context::executor_type> other = asio::make_strand(ctx);
  sig::signal s{ctx, sig::arg("n", 0)};
  std::shared_ptr<member_target> object = std::make_shared<member_target>();
  std::vector<sig::connection> connections;
  int counted_total = 0;
  int reported = 0;  // exceptions that reached the error handler or left run()

  fixture() {
    calls.fill(0);
    s.set_error_handler([this](std::exception_ptr e, const sig::event&) {
      try {
        std::rethrow_exception(e);
      } catch (const std::bad_alloc&) {
        ++reported;
      }
    });
    connect([](const sig::event&) { ++calls[0]; });
    connect(&on_keyed, sig::keys("a", "b"));
    connect(asio::bind_executor(other, [](const sig::event&) { ++calls[2]; }), sig::key(1));
    connect(
        [](const sig::event&) -> asio::awaitable<void> {
          ++calls[3];
          co_return;
        },
        sig::key("b"), sig::sender(&sender_b));
    connect(&member_target::on_event, object, sig::sender(&sender_a));
    connect([](const sig::event&) { ++calls[5]; }, sig::key("c"), sig::max_calls(counted_limit));
    drain();
  }

  template <class... Args>
  void connect(Args&&... args) {
    s.connect(std::forward<Args>(args)..., [this](std::exception_ptr e, sig::connection c) {
      BOOST_TEST_REQUIRE(!e);
      connections.push_back(c);
    });
  }

  // Runs the handlers until none is left, counting the bad_alloc exceptions
  // that leave run().
  void drain() {
    for (;;) {
      try {
        ctx.restart();
        ctx.run();
        return;
      } catch (const std::bad_alloc&) {
        ++reported;
      }
    }
  }

  // Runs the handlers that are ready, the same way.
  void poll() {
    for (;;) {
      try {
        ctx.restart();
        ctx.poll();
        return;
      } catch (const std::bad_alloc&) {
        ++reported;
      }
    }
  }

  // A send naming every connection once.
  std::size_t probe() {
    std::optional<std::size_t> count;
    s.send(sig::keys("a", "b", "c", 1), sig::senders(&sender_a, &sender_b),
           [&](std::exception_ptr e, std::size_t n) {
             BOOST_TEST(!e);
             count = n;
           });
    drain();
    BOOST_TEST_REQUIRE(count.has_value());
    return *count;
  }

  // Every connection of the fixture still there and called exactly once by
  // a probe; the counted one never beyond its count.
  void check_intact() {
    counted_total += calls[5];
    bool counted_left = connections[5].connected();
    calls.fill(0);
    std::size_t n = probe();
    for (int i = 0; i < 5; ++i) BOOST_TEST(calls[std::size_t(i)] == 1, "callback " << i);
    BOOST_TEST(calls[5] == (counted_left ? 1 : 0));
    counted_total += calls[5];
    BOOST_TEST(n == std::size_t(5 + calls[5] + calls[7]));
    // However many sends failed, the counted connection ends at its count.
    for (int i = 0; i < counted_limit; ++i) {
      calls[5] = 0;
      probe();
      counted_total += calls[5];
    }
    BOOST_TEST(counted_total <= counted_limit);
    BOOST_TEST(!connections[5].connected());
  }
};

// Runs `op` on a new fixture with the n-th allocation failing, for n = 0, 1,
// ... until op completes without reaching it; `check` judges each outcome.
template <class Op, class Check>
void for_each_failure(Op op, Check check) {
  int failures = 0;
  for (long n = 0;; ++n) {
    fixture f;
    arm(n);
    std::exception_ptr thrown;
    try {
      op(f);
    } catch (const std::bad_alloc&) {
      thrown = std::current_exception();
    }
    f.drain();
    bool failed = disarm();
    f.drain();
    BOOST_TEST_CONTEXT("allocation " << n << (failed ? " failed" : " not reached")) {
      check(f, failed);
      f.check_intact();
    }
    if (!failed) break;
    ++failures;
  }
  BOOST_TEST(failures > 0);
  BOOST_TEST_MESSAGE("allocation failures injected: " << failures);
}

}  // namespace

BOOST_AUTO_TEST_CASE(connect_is_all_or_nothing) {
  for_each_failure(
      [](fixture& f) {
        f.s.connect(&on_added, sig::keys("a", "c", 1), sig::senders(&sender_a, &sender_b),
                    [&](std::exception_ptr, sig::connection c) { f.connections.push_back(c); });
      },
      [](fixture& f, bool failed) {
        // Connected to all of its filters, or not at all.
        bool added = f.s.receivers() == 7;
        BOOST_TEST((added || f.s.receivers() == 6));
        if (!failed) BOOST_TEST(added);
        for (auto options : {0, 1, 2, 3, 4}) {
          calls[7] = 0;
          std::optional<std::size_t> n;
          auto done = [&](std::exception_ptr, std::size_t c) { n = c; };
          switch (options) {
            case 0:
              f.s.send(sig::key("a"), done);
              break;
            case 1:
              f.s.send(sig::key("c"), done);
              break;
            case 2:
              f.s.send(sig::key(1), done);
              break;
            case 3:
              f.s.send(sig::sender(&sender_a), done);
              break;
            default:
              f.s.send(sig::sender(&sender_b), done);
              break;
          }
          f.drain();
          BOOST_TEST(calls[7] == (added ? 1 : 0), "filter " << options);
        }
        calls.fill(0);
      });
}

BOOST_AUTO_TEST_CASE(a_merging_connect_keeps_the_old_filters) {
  for_each_failure(
      [](fixture& f) {
        f.s.connect(&on_keyed, sig::keys("c", 1, 2), [](std::exception_ptr, sig::connection) {});
      },
      [](fixture& f, bool failed) {
        BOOST_TEST(f.s.receivers() == 6u);
        calls[1] = 0;
        f.s.send(sig::key(2), [](std::exception_ptr, std::size_t) {});
        f.drain();
        // All the new keys, or none.
        bool merged = calls[1] == 1;
        if (!failed) BOOST_TEST(merged);
        calls[1] = 0;
        f.s.send(sig::key("c"), [](std::exception_ptr, std::size_t) {});
        f.drain();
        BOOST_TEST(calls[1] == (merged ? 1 : 0));
        calls.fill(0);
      });
}

BOOST_AUTO_TEST_CASE(a_partial_disconnect_is_all_or_nothing) {
  for_each_failure(
      [](fixture& f) {
        f.s.connect(&on_added, sig::keys("x", "y"), [](std::exception_ptr, sig::connection) {});
        f.drain();
        f.s.disconnect(&on_added, sig::key("x"), [](std::exception_ptr) {});
      },
      [](fixture& f, bool failed) {
        calls[7] = 0;
        f.s.send(sig::key("x"), [](std::exception_ptr, std::size_t) {});
        f.drain();
        int by_x = calls[7];
        if (!failed) BOOST_TEST(by_x == 0);
        // The key the disconnect did not name still reaches the callback.
        calls[7] = 0;
        f.s.send(sig::key("y"), [](std::exception_ptr, std::size_t) {});
        f.drain();
        int by_y = calls[7];
        if (!failed) BOOST_TEST(by_y == 1);
        f.s.disconnect(&on_added, [](std::exception_ptr) {});
        f.drain();
        calls.fill(0);
      });
}

BOOST_AUTO_TEST_CASE(a_failed_send_calls_nothing_twice) {
  for_each_failure(
      [](fixture& f) {
        f.s.send(sig::keys("a", "b", "c", 1), sig::senders(&sender_a, &sender_b), sig::arg("n", 1),
                 [](std::exception_ptr, std::size_t) {});
      },
      [](fixture&, bool failed) {
        for (int i = 0; i < 6; ++i) BOOST_TEST(calls[std::size_t(i)] <= 1, "callback " << i);
        if (!failed)
          for (int i = 0; i < 6; ++i) BOOST_TEST(calls[std::size_t(i)] == 1, "callback " << i);
      });
}

BOOST_AUTO_TEST_CASE(a_failed_send_and_wait_completes) {
  for_each_failure(
      [](fixture& f) {
        f.s.send_and_wait(sig::keys("a", "b", "c", 1), sig::senders(&sender_a, &sender_b),
                          [&](std::exception_ptr e, std::vector<sig::outcome> outcomes) {
                            ++calls[6];
                            if (!e) BOOST_TEST(outcomes.size() == 6u);
                          });
      },
      [](fixture&, bool) {
        // Its handler ran, or the exception left the call or run(): never a
        // wait that hangs.
        BOOST_TEST(calls[6] <= 1);
        for (int i = 0; i < 6; ++i) BOOST_TEST(calls[std::size_t(i)] <= 1, "callback " << i);
      });
}

BOOST_AUTO_TEST_CASE(a_send_to_waits_and_subscriptions_that_succeeds_reached_them) {
  for_each_failure(
      [](fixture& f) {
        sig::subscription sub(f.s, 4, sig::overflow::drop_oldest, sig::key("a"));
        asio::cancellation_signal stop_wait;
        asio::cancellation_signal stop_receive;
        bool completed = false;
        bool threw = false;
        std::exception_ptr sent;
        // A wait or a receive ends with the event, or with operation_aborted
        // when withdrawn below; any other error reports a failure.
        bool failed_visibly = false;
        auto take = [&failed_visibly](boost::system::error_code ec, sig::event) {
          if (!ec)
            ++calls[6];
          else if (ec != asio::error::operation_aborted)
            failed_visibly = true;
        };
        try {
          f.s.next(sig::key("a"), asio::bind_cancellation_slot(stop_wait.slot(), take));
          f.s.send(sig::key("a"), [&](std::exception_ptr e, std::size_t) {
            completed = true;
            sent = e;
          });
          f.poll();
          sub.receive(asio::bind_cancellation_slot(stop_receive.slot(), take));
          f.poll();
        } catch (const std::bad_alloc&) {
          threw = true;
        }
        // What did not complete is withdrawn, so that run() returns.
        stop_wait.emit(asio::cancellation_type::terminal);
        stop_receive.emit(asio::cancellation_type::terminal);
        f.poll();
        // Unless a failure was reported (by the send, a call, a handler or
        // out of run()), both got the event.
        if (completed && !sent && !threw && !failed_visibly && f.reported == 0)
          BOOST_TEST(calls[6] == 2);
      },
      [](fixture&, bool failed) {
        if (!failed) BOOST_TEST(calls[6] == 2);
      });
}

// Once warm, a send allocates nothing: not its task, which the sending
// thread recycles even outside run(), nor the sets of senders and keys it
// names, which reuse the memory of an earlier send's, nor the merged kwargs,
// nor the value of a kwarg it gives, whose memory the thread recycles too.
BOOST_AUTO_TEST_CASE(a_warm_send_allocates_nothing) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  int sum = 0;
  s.connect([&sum](const sig::event& ev) { sum += ev.get<int>("n"); }, asio::detached);
  s.connect([&sum](const sig::event&) { sum += 100; }, sig::key(7), sig::sender(&sender_a),
            asio::detached);
  ctx.run();
  // Sends from outside run(), then from a handler inside it.
  auto send = [&](auto&&... options) {
    s.send(options..., asio::detached);
    ctx.restart();
    ctx.run();
  };
  auto send_inside = [&](auto&&... options) {
    asio::post(ctx, [&] { s.send(options..., asio::detached); });
    ctx.restart();
    ctx.run();
  };
  auto allocations_of = [](auto&& f) {
    std::size_t before = allocations();
    for (int i = 0; i < 10; ++i) f();
    return allocations() - before;
  };
  const sig::key k(7);
  const sig::sender from(&sender_a);
  auto plain = [&] { send(); };
  auto named = [&] { send(from, k); };
  auto with_kwarg = [&] { send(from, k, sig::arg("n", 1)); };
  auto plain_inside = [&] { send_inside(); };
  auto named_inside = [&] { send_inside(from, k); };
  // Warming up.
  allocations_of(plain);
  allocations_of(named);
  allocations_of(with_kwarg);
  allocations_of(plain_inside);
  allocations_of(named_inside);
  sum = 0;
  BOOST_TEST(allocations_of(plain) == 0u);
  BOOST_TEST(allocations_of(named) == 0u);
  BOOST_TEST(allocations_of(plain_inside) == 0u);
  BOOST_TEST(allocations_of(named_inside) == 0u);
  BOOST_TEST(allocations_of(with_kwarg) == 0u);
  // 20 plain sends, 20 named and 10 with the kwarg: the sends all arrived.
  BOOST_TEST(sum == 20 * 0 + 20 * 100 + 10 * (1 + 100));
}

// A server's turn starts the sends of every pipelined command it read before
// any of them runs: 8 clients' batches of 32 are 256 sends at once. Once a
// burst like that is warm, the next allocates nothing either, though its
// operations come in two sizes, each run after all of the other.
BOOST_AUTO_TEST_CASE(a_warm_burst_of_sends_allocates_nothing) {
  asio::io_context ctx;
  sig::signal s(ctx, sig::arg("n", 0));
  int sum = 0;
  s.connect([&sum](const sig::event& ev) { sum += ev.get<int>("n"); }, sig::key(7), asio::detached);
  ctx.run();
  const sig::key k(7);
  const sig::sender from(&sender_a);
  constexpr int half = 128;
  // A handler that makes its operation some 300 bytes larger.
  std::size_t completed = 0;
  std::array<char, 300> bulk{};
  bulk[0] = 1;
  auto large_handler = [&completed, bulk](std::exception_ptr, std::size_t) {
    completed += static_cast<std::size_t>(bulk[0]);
  };
  // The allocations of one burst, sent from a handler and run to the end.
  auto burst_allocations = [&] {
    const std::size_t before = allocations();
    asio::post(ctx, [&] {
      for (int i = 0; i < half; ++i) s.send(from, k, sig::arg("n", 1), asio::detached);
      for (int i = 0; i < half; ++i) s.send(from, k, sig::arg("n", 1), large_handler);
    });
    ctx.restart();
    ctx.run();
    return allocations() - before;
  };
  // Warming up: two bursts. A send swaps its sets and kwargs with those of
  // the signal's event state, which were empty at the first send: the
  // options that got them allocate theirs in the second burst.
  burst_allocations();
  burst_allocations();
  sum = 0;
  completed = 0;
  BOOST_TEST(burst_allocations() == 0u);
  BOOST_TEST(burst_allocations() == 0u);
  BOOST_TEST(sum == 4 * half);
  BOOST_TEST(completed == 2u * half);
}

// A trigger with data that no listener of its router hears, as a sender's
// whose events only a NATS link publishes: warm, it allocates nothing, from
// outside run() or from a handler inside it.
BOOST_AUTO_TEST_CASE(a_warm_trigger_no_listener_hears_allocates_nothing) {
  asio::io_context ctx;
  sig::router r(ctx.get_executor());
  r.add_sender("sensor", sig::events("#changed"), asio::detached);
  ctx.run();
  int completed = 0;
  auto trigger = [&] {
    r.trigger("sensor", "#changed", sig::arg("value", 20.5),
              [&](std::exception_ptr e) { completed += e ? 1000 : 1; });
  };
  auto outside = [&] { trigger(); };
  auto inside = [&] { asio::post(ctx, trigger); };
  // Warming up.
  allocations_of_ten(ctx, outside);
  allocations_of_ten(ctx, inside);
  completed = 0;
  BOOST_TEST(allocations_of_ten(ctx, outside) == 0u);
  BOOST_TEST(allocations_of_ten(ctx, inside) == 0u);
  BOOST_TEST(completed == 20);
}

// A trigger with data that a listener hears, as the NATS link delivers a
// remote event: warm, it allocates nothing either; the data take the place
// of the last trigger's, whose event is gone.
BOOST_AUTO_TEST_CASE(a_warm_trigger_a_listener_hears_allocates_nothing) {
  asio::io_context ctx;
  sig::router r(ctx.get_executor());
  r.add_sender("sensor", sig::events("#changed"), asio::detached);
  double sum = 0;
  r.add_listener([&](const sig::event& ev) { sum += sig::event_data(ev).get<double>("value"); },
                 sig::any, "#changed", asio::detached);
  ctx.run();
  auto trigger = [&] { r.trigger("sensor", "#changed", sig::arg("value", 0.5), asio::detached); };
  // Warming up.
  allocations_of_ten(ctx, trigger);
  sum = 0;
  BOOST_TEST(allocations_of_ten(ctx, trigger) == 0u);
  BOOST_TEST(sum == 5.0);
}

// A trigger of new names that fails at any of its allocations leaves the
// router finding each event by its own names: a trigger of an event that its
// sender did not declare still fails, and nothing reaches another sender's
// listeners.
BOOST_AUTO_TEST_CASE(a_trigger_failing_to_allocate_finds_nothing_stale) {
  const std::string long_event = "an-event-whose-name-is-long";
  int failures = 0;
  for (long n = 0;; ++n) {
    asio::io_context ctx;
    sig::router r(ctx.get_executor());
    r.add_sender("a", sig::events("e"), asio::detached);
    r.add_sender("b", sig::events(long_event), asio::detached);
    int heard = 0;
    r.add_listener([&heard](const sig::event&) { ++heard; }, "a", "e", asio::detached);
    auto run = [&] {
      ctx.restart();
      ctx.run();
    };
    run();
    r.trigger("a", "e", asio::detached);
    run();
    arm(n);
    try {
      r.trigger("b", long_event, asio::detached);
      run();
    } catch (const std::bad_alloc&) {
    }
    const bool failed = disarm();
    std::string error;
    r.trigger("b", "e", [&error](std::exception_ptr e) {
      try {
        if (e) std::rethrow_exception(e);
      } catch (const sig::router_error& x) {
        error = x.what();
      }
    });
    run();
    BOOST_TEST_CONTEXT("allocation " << n << (failed ? " failed" : " not reached")) {
      BOOST_TEST(error == "asio_signals: sender 'b' did not declare event 'e'");
      BOOST_TEST(heard == 1);
    }
    if (!failed) break;
    ++failures;
  }
  BOOST_TEST(failures > 0);
}
