//
// instructions.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Runs one operation in a loop, for counting its instructions with
// scripts/instructions.sh: a figure the noise of a shared machine does not
// move, where bench/signal_bench.cpp measures time.
//
//   asio_signals_instructions MODE LISTENERS ITERATIONS
//
// MODE `post` posts LISTENERS handlers (the floor), `send` is a detached
// signal::send to LISTENERS callbacks, `trigger` a detached router::trigger
// of an event with LISTENERS listeners, `bound` the same trigger through an
// event_trigger; `by_name` and `by_handle` are sends whose callbacks read the
// second of two kwargs, with event::get and through a kwarg_handle;
// `publish` sends name a sender, one of LISTENERS keys and a kwarg, each to
// the one callback of its key, which reads the kwarg (a PUBLISH). Each
// operation is run to completion with poll() before the next, as in
// signal_bench.cpp.

#include <asio_signals/event_trigger.hpp>
#include <asio_signals/router.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

long counter = 0;

// Each loop is a function of its own, kept out of main, so that what the
// compiler inlines into one does not depend on the others.

[[gnu::noinline]] void post_loop(asio::io_context& ctx, long listeners, long iterations) {
  for (long i = 0; i < iterations; ++i) {
    for (long j = 0; j < listeners; ++j) asio::post(ctx, [] { ++counter; });
    ctx.poll();
  }
}

[[gnu::noinline]] void send_loop(asio::io_context& ctx, long listeners, long iterations) {
  sig::signal s(ctx);
  for (long i = 0; i < listeners; ++i) s.connect([] { ++counter; }, asio::detached);
  ctx.poll();
  for (long i = 0; i < iterations; ++i) {
    s.send(asio::detached);
    ctx.poll();
  }
}

// A router whose sender "s" declares "e", which `listeners` listen to.
sig::router listened_router(asio::io_context& ctx, long listeners) {
  sig::router r(ctx);
  r.add_sender("s", sig::events("e"), asio::detached);
  for (long i = 0; i < listeners; ++i) r.add_listener([] { ++counter; }, "s", "e", asio::detached);
  ctx.poll();
  return r;
}

[[gnu::noinline]] void trigger_loop(asio::io_context& ctx, long listeners, long iterations) {
  sig::router r = listened_router(ctx, listeners);
  for (long i = 0; i < iterations; ++i) {
    r.trigger("s", "e", asio::detached);
    ctx.poll();
  }
}

[[gnu::noinline]] void bound_loop(asio::io_context& ctx, long listeners, long iterations) {
  sig::event_trigger e(listened_router(ctx, listeners), "s", "e");
  for (long i = 0; i < iterations; ++i) {
    e.trigger(asio::detached);
    ctx.poll();
  }
}

}  // namespace

// The loops of sends whose callbacks read a kwarg, by name and through a
// kwarg_handle: in instructions_kwargs.cpp, a translation unit of their own,
// so that what GCC inlines into the loops above does not depend on them.
void by_name_loop(asio::io_context& ctx, long listeners, long iterations, long& counter);
void by_handle_loop(asio::io_context& ctx, long listeners, long iterations, long& counter);
void publish_loop(asio::io_context& ctx, long listeners, long iterations, long& counter);

int main(int argc, char** argv) {
  const std::string_view mode = argc == 4 ? argv[1] : "";
  if (mode != "post" && mode != "send" && mode != "trigger" && mode != "bound" &&
      mode != "by_name" && mode != "by_handle" && mode != "publish") {
    std::cerr << "usage: asio_signals_instructions "
                 "post|send|trigger|bound|by_name|by_handle|publish LISTENERS ITERATIONS\n";
    return 2;
  }
  const long listeners = std::atol(argv[2]);
  const long iterations = std::atol(argv[3]);
  asio::io_context ctx;
  auto work = asio::make_work_guard(ctx);
  if (mode == "post")
    post_loop(ctx, listeners, iterations);
  else if (mode == "send")
    send_loop(ctx, listeners, iterations);
  else if (mode == "trigger")
    trigger_loop(ctx, listeners, iterations);
  else if (mode == "bound")
    bound_loop(ctx, listeners, iterations);
  else if (mode == "by_name")
    by_name_loop(ctx, listeners, iterations, counter);
  else if (mode == "by_handle")
    by_handle_loop(ctx, listeners, iterations, counter);
  else
    publish_loop(ctx, listeners, iterations, counter);
  // The callbacks ran: a loop that delivered nothing would count nothing.
  const long expected = mode == "publish" ? iterations : listeners * iterations;
  if (counter != expected) {
    std::cerr << "asio_signals_instructions: " << counter << " calls, expected " << expected
              << "\n";
    return 1;
  }
}
