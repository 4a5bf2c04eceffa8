//
// signal_bench.cpp
// ~~~~~~~~~~~~~~~~
//
// What a send costs, against the floors (one asio::post per callback, one
// co_spawn per coroutine, a direct std::function call) and a peer (Boost.
// Signals2's synchronous emit), all in one binary so every ratio comes from
// one run. Each benchmark reports ns per callback ("per_callback"); see
// docs/performance.md and scripts/bench.sh.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/signals2.hpp>

#include <malloc.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

// Counts the heap bytes the program asks for, and what malloc gives.
namespace {
std::atomic<std::size_t> requested_bytes{0};
std::atomic<std::size_t> usable_bytes{0};
}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  requested_bytes.fetch_add(n, std::memory_order_relaxed);
  usable_bytes.fetch_add(malloc_usable_size(p), std::memory_order_relaxed);
  return p;
}

void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

// What every callback does: count, so the work cannot be optimised away.
std::size_t counter = 0;

// An io_context that never runs out of work, so poll() never stops it.
struct context {
  asio::io_context ctx;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(ctx);
};

void per_callback(benchmark::State& state, std::int64_t callbacks) {
  state.SetItemsProcessed(state.iterations() * callbacks);
  state.counters["per_callback"] =
      benchmark::Counter(static_cast<double>(state.iterations() * callbacks),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Floors.

void floor_function_call(benchmark::State& state) {
  std::vector<std::function<void()>> callbacks(static_cast<std::size_t>(state.range(0)),
                                               [] { ++counter; });
  for (auto _ : state)
    for (auto& f : callbacks) f();
  benchmark::DoNotOptimize(counter);
  per_callback(state, state.range(0));
}

void floor_post(benchmark::State& state) {
  context c;
  asio::io_context& ctx = c.ctx;
  for (auto _ : state) {
    for (std::int64_t i = 0; i < state.range(0); ++i) asio::post(ctx, [] { ++counter; });
    ctx.poll();
  }
  per_callback(state, state.range(0));
}

void floor_co_spawn(benchmark::State& state) {
  context c;
  asio::io_context& ctx = c.ctx;
  for (auto _ : state) {
    for (std::int64_t i = 0; i < state.range(0); ++i)
      asio::co_spawn(
          ctx,
          []() -> asio::awaitable<void> {
            ++counter;
            co_return;
          },
          asio::detached);
    ctx.poll();
  }
  per_callback(state, state.range(0));
}

// The peer.

void signals2_emit(benchmark::State& state) {
  boost::signals2::signal<void()> s;
  for (std::int64_t i = 0; i < state.range(0); ++i) s.connect([] { ++counter; });
  for (auto _ : state) s();
  per_callback(state, state.range(0));
}

// asio_signals.

void send_detached(benchmark::State& state) {
  context c;
  asio::io_context& ctx = c.ctx;
  sig::signal s(ctx);
  for (std::int64_t i = 0; i < state.range(0); ++i) s.connect([] { ++counter; }, asio::detached);
  ctx.poll();
  for (auto _ : state) {
    s.send(asio::detached);
    ctx.poll();
  }
  per_callback(state, state.range(0));
}

void send_awaited(benchmark::State& state) {
  asio::io_context ctx;
  sig::signal s(ctx);
  for (std::int64_t i = 0; i < state.range(0); ++i) s.connect([] { ++counter; }, asio::detached);
  asio::co_spawn(
      ctx,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) co_await s.send();
      },
      asio::detached);
  ctx.run();
  per_callback(state, state.range(0));
}

void send_coroutines(benchmark::State& state) {
  context c;
  asio::io_context& ctx = c.ctx;
  sig::signal s(ctx);
  for (std::int64_t i = 0; i < state.range(0); ++i)
    s.connect(
        []() -> asio::awaitable<void> {
          ++counter;
          co_return;
        },
        asio::detached);
  ctx.poll();
  for (auto _ : state) {
    s.send(asio::detached);
    ctx.poll();
  }
  per_callback(state, state.range(0));
}

// Keyed sends: state.range(0) connections, each on its own key; every send
// names one key and reaches one callback. The signals of every size stay
// alive for the whole run, so that with --benchmark_enable_random_interleaving
// the sizes alternate over one heap.
struct keyed_signal {
  explicit keyed_signal(std::int64_t connections) : s(c.ctx) {
    for (std::int64_t i = 0; i < connections; ++i)
      s.connect([] { ++counter; }, sig::key(i), asio::detached);
    c.ctx.poll();
  }
  context c;
  sig::signal s;
};

keyed_signal& keyed(std::int64_t connections) {
  static keyed_signal small(10), medium(1000), large(100000);
  return connections == 10 ? small : connections == 1000 ? medium : large;
}

void send_keyed(benchmark::State& state) {
  keyed_signal& k = keyed(state.range(0));
  std::int64_t i = 0;
  for (auto _ : state) {
    k.s.send(sig::key(i++ % 10), asio::detached);
    k.c.ctx.poll();
  }
  per_callback(state, 1);
}

void connect_disconnect(benchmark::State& state) {
  context c;
  asio::io_context& ctx = c.ctx;
  sig::signal s(ctx);
  for (std::int64_t i = 0; i < state.range(0); ++i) s.connect([] { ++counter; }, asio::detached);
  ctx.poll();
  for (auto _ : state) {
    s.connect([] { ++counter; }, [&](std::exception_ptr, sig::connection c) { c.disconnect(); });
    ctx.poll();
  }
  state.SetItemsProcessed(state.iterations());
}

void heap_per_connection(benchmark::State& state) {
  constexpr int connections = 10000;
  double requested = 0;
  double usable = 0;
  for (auto _ : state) {
    context c;
    asio::io_context& ctx = c.ctx;
    sig::signal s(ctx);
    ctx.poll();
    std::size_t r0 = requested_bytes.load();
    std::size_t u0 = usable_bytes.load();
    // Each connect completes before the next, so the memory of its operation
    // is recycled for the next one: what is counted is what the connections
    // keep, with the growth of the index's vectors.
    for (int i = 0; i < connections; ++i) {
      s.connect([] { ++counter; }, asio::detached);
      ctx.poll();
    }
    requested = double(requested_bytes.load() - r0) / connections;
    usable = double(usable_bytes.load() - u0) / connections;
  }
  state.counters["requested_bytes"] = requested;
  state.counters["usable_bytes"] = usable;
}

}  // namespace

BENCHMARK(floor_function_call)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(floor_post)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(floor_co_spawn)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(signals2_emit)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(send_detached)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(send_awaited)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(send_coroutines)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(send_keyed)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(connect_disconnect)->Arg(10)->Arg(1000);
BENCHMARK(heap_per_connection)->Iterations(1);

BENCHMARK_MAIN();

// The router: a trigger against a send, in the same run.
namespace {

// A router whose sender "s" declares "e", which `listeners` listen to.
sig::router listened_router(asio::io_context& ctx, std::int64_t listeners) {
  sig::router r(ctx);
  r.add_sender("s", sig::events("e"), asio::detached);
  for (std::int64_t i = 0; i < listeners; ++i)
    r.add_listener([] { ++counter; }, "s", "e", asio::detached);
  ctx.poll();
  return r;
}

// A trigger of one event with state.range(0) listeners: compare with
// send_detached of as many callbacks.
void router_trigger(benchmark::State& state) {
  context c;
  sig::router r = listened_router(c.ctx, state.range(0));
  for (auto _ : state) {
    r.trigger("s", "e", asio::detached);
    c.ctx.poll();
  }
  per_callback(state, state.range(0));
}

// router_trigger through an event_trigger.
void router_trigger_bound(benchmark::State& state) {
  context c;
  sig::event_trigger e(listened_router(c.ctx, state.range(0)), "s", "e");
  for (auto _ : state) {
    e.trigger(asio::detached);
    c.ctx.poll();
  }
  per_callback(state, state.range(0));
}

// A router with state.range(0) senders, each declaring one event; every
// trigger reaches one listener of one sender. The routers of every size stay
// alive for the whole run, as in send_keyed.
struct crowded_router {
  explicit crowded_router(std::int64_t senders) : r(c.ctx) {
    for (std::int64_t i = 0; i < senders; ++i)
      r.add_sender("sender" + std::to_string(i), sig::events("e"), asio::detached);
    for (std::int64_t i = 0; i < 10; ++i)
      r.add_listener([] { ++counter; }, "sender" + std::to_string(i), "e", asio::detached);
    c.ctx.poll();
  }
  context c;
  sig::router r;
};

crowded_router& crowded(std::int64_t senders) {
  static crowded_router small(10), large(100000);
  return senders == 10 ? small : large;
}

void router_trigger_senders(benchmark::State& state) {
  crowded_router& k = crowded(state.range(0));
  const std::string names[] = {"sender0", "sender1", "sender2", "sender3", "sender4",
                               "sender5", "sender6", "sender7", "sender8", "sender9"};
  std::size_t i = 0;
  for (auto _ : state) {
    k.r.trigger(names[i++ % 10], "e", asio::detached);
    k.c.ctx.poll();
  }
  per_callback(state, 1);
}

}  // namespace

BENCHMARK(router_trigger)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(router_trigger_bound)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(router_trigger_senders)->Arg(10)->Arg(100000);

namespace {

// A sender added and removed a million times, without listeners: the heap
// in use afterwards, against before (malloc's count, so frees count too).
void router_sender_churn(benchmark::State& state) {
  double grown = 0;
  for (auto _ : state) {
    context c;
    sig::router r(c.ctx);
    auto cycle = [&] {
      r.add_sender("churn", sig::events("a", "#b"), asio::detached);
      r.remove_sender("churn", asio::detached);
      c.ctx.poll();
    };
    for (int i = 0; i < 1000; ++i) cycle();
    std::size_t before = mallinfo2().uordblks;
    for (int i = 0; i < 1000000; ++i) cycle();
    grown = double(mallinfo2().uordblks) - double(before);
  }
  state.counters["heap_growth_bytes"] = grown;
}

}  // namespace

BENCHMARK(router_sender_churn)->Iterations(1)->Unit(benchmark::kMillisecond);
