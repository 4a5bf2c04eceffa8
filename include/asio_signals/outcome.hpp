//
// outcome.hpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_OUTCOME_HPP
#define ASIO_SIGNALS_OUTCOME_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/config.hpp>

#include <exception>

namespace asio_signals {

/// How one callback of a signal::send_and_wait ended.
struct outcome {
  /// The callback's connection.
  connection receiver;

  /// What the callback threw, or null if it returned (or was disconnected
  /// before it could run).
  std::exception_ptr error;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_OUTCOME_HPP
