//
// signal_state.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// The signal's state itself: its handles, kwargs, mutes and error handler.
// The operations live in files named after them: connect.cpp, send.cpp,
// waits.cpp, notifications.cpp.

#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/signal.hpp>

#include <stdexcept>

namespace asio_signals::detail {

void throw_empty_callback() {
  throw std::invalid_argument(
      "asio_signals: the callback is empty (a null pointer or an empty function)");
}

void throw_null_object() {
  throw std::invalid_argument("asio_signals: the member's object is null or has expired");
}

signal_state::signal_state(asio::any_io_executor ex, kwargs defaults)
    : executor_(std::move(ex)),
      posted_(posted_ops_of(executor_)),
      defaults_(std::make_shared<const kwargs>(std::move(defaults))) {}

signal_state::~signal_state() = default;

void signal_state::add_handle() noexcept {
  handles_.fetch_add(1, std::memory_order_relaxed);
}

void signal_state::release_handle() noexcept {
  if (handles_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (waits_and_subscriptions_.load(std::memory_order_acquire) == 0) return;
  try {
    post_counted(posted_, executor_, [self = shared_from_this()] { self->abort_waits(); });
  } catch (...) {
    // Without memory to post, the waits end with the signal's state.
  }
}

void signal_state::set_error_handler(error_handler handler) {
  auto shared = handler ? std::make_shared<const error_handler>(std::move(handler)) : nullptr;
  std::lock_guard lock(error_mutex_);
  error_handler_ = std::move(shared);
}

void signal_state::mute() noexcept {
  muted_.fetch_add(1, std::memory_order_acq_rel);
}

void signal_state::unmute() noexcept {
  try {
    post_counted(posted_, executor_, [self = shared_from_this()] {
      self->muted_.fetch_sub(1, std::memory_order_acq_rel);
    });
  } catch (...) {
    muted_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void signal_state::resolve(send_request& r) const noexcept {
  try {
    merge_kwargs(r.named->args, *defaults_, r.named->overrides);
    r.named->resolved = true;
    r.named->overrides.clear();
  } catch (...) {
    r.named->error = std::current_exception();
  }
}

void signal_state::report(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex) {
  std::shared_ptr<const error_handler> handler;
  {
    std::lock_guard lock(error_mutex_);
    handler = error_handler_;
  }
  if (handler) {
    try {
      (*handler)(e, ev);
      return;
    } catch (...) {
      e = std::current_exception();
    }
  }
  post_counted(ex, [e] { std::rethrow_exception(e); });
}

}  // namespace asio_signals::detail
