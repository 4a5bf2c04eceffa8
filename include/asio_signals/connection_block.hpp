//
// connection_block.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_CONNECTION_BLOCK_HPP
#define ASIO_SIGNALS_CONNECTION_BLOCK_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/config.hpp>

#include <memory>

namespace asio_signals {

/// Blocks one connection while it lives (Boost.Signals2's shared_connection_block).
/**
 * Sends skip a blocked connection: they do not schedule or count it, though
 * it stays connected. The block takes effect at once, for every send that
 * starts after the constructor returns. The release goes through the
 * signal's executor, so sends that started while the block was held, even
 * detached ones still queued, skip the connection too. Blocks nest.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Unsafe.
 */
class ASIO_SIGNALS_DECL connection_block {
 public:
  /// Blocks @c c; a connection that has ended is left alone.
  explicit connection_block(const connection& c) noexcept;

  connection_block(const connection_block&) = delete;
  connection_block& operator=(const connection_block&) = delete;
  /// Takes over what @c other held; @c other holds nothing.
  connection_block(connection_block&& other) noexcept;
  /// Releases what this held, then takes over what @c other held.
  connection_block& operator=(connection_block&& other) noexcept;

  /// Releases the block.
  ~connection_block();

  /// Releases the block now; does nothing if it was released already.
  void unblock() noexcept;

  /// Whether this object still holds its block.
  bool blocking() const noexcept { return !slot_.expired(); }

 private:
  std::weak_ptr<detail::signal_state> state_;
  std::weak_ptr<detail::slot> slot_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_CONNECTION_BLOCK_HPP
