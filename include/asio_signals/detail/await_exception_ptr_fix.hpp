//
// detail/await_exception_ptr_fix.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_AWAIT_EXCEPTION_PTR_FIX_HPP
#define ASIO_SIGNALS_DETAIL_AWAIT_EXCEPTION_PTR_FIX_HPP

#include <asio_signals/detail/config.hpp>

#include <boost/asio/awaitable.hpp>

#include <any>
#include <cstddef>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// Boost 1.81 cannot co_await an asynchronous operation (such as one made with
// asio::deferred) whose completion signature is void(std::exception_ptr, T):
// awaitable_async_op_handler<R(std::exception_ptr, T)>::resume dereferences
// its result struct instead of the exception (chriskohlhoff/asio#1190, fixed
// in Boost 1.82). This header, the one workaround of a Boost 1.81 bug in
// asio_signals, adds a specialisation that is the fixed handler for the
// values the library's operations complete with. Those include std::size_t,
// bool and std::any, so it also fixes, in a program that includes it, any
// other operation that completes with an exception_ptr and one of them.
#if BOOST_VERSION < 108200

namespace asio_signals {
class connection;
struct filter_set;
struct outcome;
struct retained_event;
}  // namespace asio_signals

namespace asio_signals::detail {

// The values the operations of signal and router complete with after an
// exception_ptr.
template <class T>
concept fixed_completion_value =
    std::is_same_v<T, std::size_t> || std::is_same_v<T, bool> || std::is_same_v<T, connection> ||
    std::is_same_v<T, filter_set> || std::is_same_v<T, std::vector<outcome>> ||
    std::is_same_v<T, std::any> || std::is_same_v<T, std::vector<std::string>> ||
    std::is_same_v<T, std::vector<retained_event>> || std::is_same_v<T, retained_event>;

}  // namespace asio_signals::detail

namespace boost::asio::detail {

template <class T, class Executor>
requires asio_signals::detail::fixed_completion_value<T>
class awaitable_async_op_handler<void(std::exception_ptr, T), Executor>
    : public awaitable_thread<Executor> {
 public:
  struct result_type {
    std::exception_ptr* ex_;
    T* value_;
  };

  awaitable_async_op_handler(awaitable_thread<Executor>* h, result_type& result)
      : awaitable_thread<Executor>(std::move(*h)), result_(result) {}

  void operator()(std::exception_ptr ex, T value) {
    result_.ex_ = &ex;
    result_.value_ = &value;
    this->entry_point()->top_of_stack_->attach_thread(this);
    this->entry_point()->top_of_stack_->clear_cancellation_slot();
    this->pump();
  }

  static T resume(result_type& result) {
    if (*result.ex_) std::rethrow_exception(std::exchange(*result.ex_, nullptr));
    return std::move(*result.value_);
  }

 private:
  result_type& result_;
};

}  // namespace boost::asio::detail

#endif  // BOOST_VERSION < 108200

#endif  // ASIO_SIGNALS_DETAIL_AWAIT_EXCEPTION_PTR_FIX_HPP
