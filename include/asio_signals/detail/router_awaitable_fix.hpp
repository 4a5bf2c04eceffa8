//
// detail/router_awaitable_fix.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_ROUTER_AWAITABLE_FIX_HPP
#define ASIO_SIGNALS_DETAIL_ROUTER_AWAITABLE_FIX_HPP

#include <asio_signals/detail/awaitable_fix.hpp>
#include <asio_signals/detail/config.hpp>

#include <boost/asio/awaitable.hpp>

#include <any>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// The router's completion values that awaitable_fix.hpp does not cover, with
// the same fixed handler: Boost 1.81 cannot co_await an operation whose
// signature is void(std::exception_ptr, T) (chriskohlhoff/asio#1190).
#if BOOST_VERSION < 108200

namespace asio_signals::detail {

template <class T>
concept router_completion_value =
    std::is_same_v<T, std::any> || std::is_same_v<T, std::vector<std::string>>;

}  // namespace asio_signals::detail

namespace boost::asio::detail {

template <class T, class Executor>
requires asio_signals::detail::router_completion_value<T>
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

#endif  // ASIO_SIGNALS_DETAIL_ROUTER_AWAITABLE_FIX_HPP
