//
// detail/completion.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_COMPLETION_HPP
#define ASIO_SIGNALS_DETAIL_COMPLETION_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/event.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <functional>
#include <new>
#include <tuple>
#include <utility>

namespace asio_signals::detail {

// The type-erased handler of an operation that completes later, from src/:
// signal::next, subscription::receive, signal::send_and_wait. It keeps the
// handler's executor busy while pending.
template <class Signature>
class completion {
 public:
  using handler_type = asio::any_completion_handler<Signature>;

  completion(handler_type handler, const asio::any_io_executor& fallback)
      : work_(tracked(asio::get_associated_executor(handler, fallback))),
        handler_(std::move(handler)) {}

  // On cancellation of any type, sets `requested` if given, at once, and
  // posts `withdraw` to `ex`. Called in the initiating function, as Asio
  // requires.
  void on_cancel(const asio::any_io_executor& ex, std::function<void()> withdraw,
                 std::atomic<bool>* requested = nullptr) {
    asio::cancellation_slot slot = handler_.get_cancellation_slot();
    if (!slot.is_connected()) return;
    slot.assign([ex, withdraw = std::move(withdraw), requested](asio::cancellation_type type) {
      if (type == asio::cancellation_type::none) return;
      if (requested) requested->store(true);
      post_counted(ex, withdraw);
    });
  }

  // Completes on the handler's executor. Its type-erased form cannot be
  // posted to, so the completion is posted to `via` first, then dispatched:
  // it never runs inside the caller. Called once.
  template <class... Args>
  void complete(const asio::any_io_executor& via, Args... args) {
    post_counted(via, [work = std::move(work_), handler = std::move(handler_),
                       args = std::make_tuple(std::move(args)...)]() mutable {
      asio::dispatch(work, [handler = std::move(handler), args = std::move(args)]() mutable {
        handler.get_cancellation_slot().clear();
        std::apply([&](Args&... a) { std::move(handler)(std::move(a)...); }, args);
      });
    });
  }

 private:
  // The type-erased handler's executor is made without throwing: it is empty
  // when that failed to allocate.
  static asio::any_completion_executor tracked(const asio::any_completion_executor& ex) {
    if (!ex) throw std::bad_alloc();
    return asio::prefer(ex, asio::execution::outstanding_work.tracked);
  }

  asio::any_completion_executor work_;
  handler_type handler_;
};

// The handler of next() and subscription::receive().
using pending_wait = completion<void(boost::system::error_code, event)>;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_COMPLETION_HPP
