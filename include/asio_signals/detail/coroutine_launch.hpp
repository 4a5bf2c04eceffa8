//
// detail/coroutine_launch.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_COROUTINE_LAUNCH_HPP
#define ASIO_SIGNALS_DETAIL_COROUTINE_LAUNCH_HPP

#include <asio_signals/detail/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

// Starting a coroutine callback. co_spawn does more than a callback needs: it
// takes two work guards, dispatches to start, posts once done and dispatches
// its completion, about 430 ns in all on the reference machine. A callback is
// started inside a send's task, on its executor, and reports its own
// exceptions, so on Boost 1.81 it is launched as an awaitable thread of
// Asio's, directly; every other version falls back to co_spawn, and so does
// a build with ASIO_SIGNALS_USE_CO_SPAWN defined (the CMake option of that
// name), which the tests use to keep the fallback tested. The only other use
// of Asio's internals in asio_signals is detail/await_exception_ptr_fix.hpp's
// specialisation of awaitable_async_op_handler.
#if BOOST_VERSION / 100 == 1081 && !defined(ASIO_SIGNALS_USE_CO_SPAWN)
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_state.hpp>
#define ASIO_SIGNALS_LAUNCH_AWAITABLE_THREAD 1
#else
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#endif

namespace asio_signals::detail {

#if defined(ASIO_SIGNALS_LAUNCH_AWAITABLE_THREAD)

// The bottom frame of a launched coroutine. It must not let an exception out.
using coroutine_entry = asio::awaitable<asio::detail::awaitable_thread_entry_point>;

// Runs `entry` on the current thread, which runs `ex`, until it first suspends.
inline void launch(coroutine_entry entry, const asio::any_io_executor& ex) {
  asio::detail::awaitable_thread<asio::any_io_executor>(
      std::move(entry), ex, asio::cancellation_slot(), asio::cancellation_state())
      .launch();
}

#else

using coroutine_entry = asio::awaitable<void>;

inline void launch(coroutine_entry entry, const asio::any_io_executor& ex) {
  asio::co_spawn(ex, std::move(entry), asio::detached);
}

#endif

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_COROUTINE_LAUNCH_HPP
