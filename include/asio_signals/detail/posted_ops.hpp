//
// detail/posted_ops.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_POSTED_OPS_HPP
#define ASIO_SIGNALS_DETAIL_POSTED_OPS_HPP

#include <asio_signals/detail/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <cstddef>
#include <utility>

namespace asio_signals::detail {

// Counts what the library posted to one io_context and has not run yet:
// every operation of its signals and routers, every change of state posted
// from elsewhere (a disconnect, an unblock, a wait, a withdrawal), every
// completion hop and rethrown exception, the NATS link's drains. An awaited
// router operation runs at once, inside its co_await, only when the count is
// zero, so that it never overtakes what the library queued before it.
class posted_ops {
 public:
  void posted() noexcept { count_.fetch_add(1, std::memory_order_relaxed); }
  void ran() noexcept { count_.fetch_sub(1, std::memory_order_relaxed); }
  bool none() const noexcept { return count_.load(std::memory_order_relaxed) == 0; }

 private:
  std::atomic<std::size_t> count_{0};
};

// The count of the execution context `ex` belongs to, which a strand of it
// shares; null for an empty executor. (Only a router on an io_context's own
// executor runs operations at once.)
ASIO_SIGNALS_DECL posted_ops* posted_ops_of(const asio::any_io_executor& ex);

// Marks the library's work running on this thread, for as long as it lives:
// an operation's work, or a handler the library posted. An operation awaited
// by a coroutine that such work started or resumed (a coroutine callback, a
// co_spawn from a plain callback, a request's method) is posted, never run
// inside the work, whose state is half-way through a change.
class work_scope {
 public:
  ASIO_SIGNALS_DECL work_scope() noexcept;
  ASIO_SIGNALS_DECL ~work_scope();
  work_scope(const work_scope&) = delete;
  work_scope& operator=(const work_scope&) = delete;
};

// Whether the operation about to be awaited on this thread may run at once:
// no work of the library runs on it, and fewer than a bound of operations ran
// at once in a row since the last posted one, so that a loop of awaited
// operations still lets the scheduler run timers and I/O. Counts the run.
ASIO_SIGNALS_DECL bool take_run_at_once() noexcept;

// A posted operation ran: the thread went through the scheduler.
ASIO_SIGNALS_DECL void posted_op_ran() noexcept;

// Posts `f` to `ex`, counted in `ops` (when not null) until it runs; it runs
// as the library's work.
template <class F>
void post_counted(posted_ops* ops, const asio::any_io_executor& ex, F&& f) {
  if (!ops) {
    asio::post(ex, [f = std::forward<F>(f)]() mutable {
      work_scope scope;
      f();
    });
    return;
  }
  ops->posted();
  try {
    asio::post(ex, [ops, f = std::forward<F>(f)]() mutable {
      ops->ran();
      work_scope scope;
      f();
    });
  } catch (...) {
    ops->ran();
    throw;
  }
}

// Posts `f` to `ex`, counted in the count of its io_context.
template <class F>
void post_counted(const asio::any_io_executor& ex, F&& f) {
  post_counted(posted_ops_of(ex), ex, std::forward<F>(f));
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_POSTED_OPS_HPP
