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

// Counts what the signals and routers of one io_context posted to it that
// changes their state (their operations, and the changes made from any
// thread: a disconnect, an unblock, a wait, a withdrawal) and has not run
// yet. An operation awaited on a thread of that io_context runs at once,
// inside the co_await, only when the count is zero: so it never overtakes
// what was started before it, and operations run in the order they were
// started, as when every one is posted.
class posted_ops {
 public:
  void posted() noexcept { count_.fetch_add(1, std::memory_order_relaxed); }
  void ran() noexcept { count_.fetch_sub(1, std::memory_order_relaxed); }
  bool none() const noexcept { return count_.load(std::memory_order_relaxed) == 0; }

 private:
  std::atomic<std::size_t> count_{0};
};

// The count of the io_context `ex` belongs to; null for another executor
// (a strand, a thread pool), on which nothing runs at once.
ASIO_SIGNALS_DECL posted_ops* posted_ops_of(const asio::any_io_executor& ex);

// Posts `f` to `ex`, counted in `ops` (when not null) until it runs.
template <class F>
void post_counted(posted_ops* ops, const asio::any_io_executor& ex, F&& f) {
  if (!ops) {
    asio::post(ex, std::forward<F>(f));
    return;
  }
  ops->posted();
  try {
    asio::post(ex, [ops, f = std::forward<F>(f)]() mutable {
      ops->ran();
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
