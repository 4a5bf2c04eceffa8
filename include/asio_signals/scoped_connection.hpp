//
// scoped_connection.hpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SCOPED_CONNECTION_HPP
#define ASIO_SIGNALS_SCOPED_CONNECTION_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/config.hpp>

#include <utility>

namespace asio_signals {

/// A connection that is disconnected when its owner is destroyed.
/**
 * @code
 * sig::scoped_connection c = co_await sig.connect(&view::refresh, this);
 * // ... c.disconnect() runs when c goes out of scope.
 * @endcode
 *
 * Moving transfers the connection; @ref release gives it up without
 * disconnecting.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Unsafe.
 */
class scoped_connection {
 public:
  /// Owns no connection.
  scoped_connection() noexcept = default;

  /// Owns @c c.
  scoped_connection(connection c) noexcept : connection_(std::move(c)) {}

  scoped_connection(const scoped_connection&) = delete;
  scoped_connection& operator=(const scoped_connection&) = delete;

  /// Takes over what @c other held; @c other holds nothing.
  scoped_connection(scoped_connection&& other) noexcept : connection_(other.release()) {}

  /// Releases what this held, then takes over what @c other held.
  scoped_connection& operator=(scoped_connection&& other) noexcept {
    if (this != &other) {
      connection_.disconnect();
      connection_ = other.release();
    }
    return *this;
  }

  /// Disconnects the connection it owns; see connection::disconnect().
  ~scoped_connection() { connection_.disconnect(); }

  /// The connection it owns.
  const connection& get() const noexcept { return connection_; }

  /// Gives up the connection, still connected.
  connection release() noexcept { return std::exchange(connection_, connection()); }

  /// Whether the connection it owns is connected.
  bool connected() const noexcept { return connection_.connected(); }

  /// Disconnects now.
  void disconnect() const noexcept { connection_.disconnect(); }

 private:
  connection connection_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_SCOPED_CONNECTION_HPP
