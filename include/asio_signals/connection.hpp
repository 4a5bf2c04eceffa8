//
// connection.hpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_CONNECTION_HPP
#define ASIO_SIGNALS_CONNECTION_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/sender.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace asio_signals {

class connection_block;

namespace detail {
class signal_state;
class slot;
}  // namespace detail

/// A handle to one connection of a callback to a signal.
/**
 * Handles are cheap to copy and never keep the callback or the signal alive.
 * A default-constructed connection is not connected.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe.
 */
class ASIO_SIGNALS_DECL connection {
 public:
  /// A connection to nothing.
  connection() noexcept = default;

  /// Whether the callback is still connected.
  /**
   * False once the connection was disconnected in any way, once its last
   * sender and key were removed, or once the object of a weak member expired
   * and a send noticed it.
   */
  bool connected() const noexcept;

  /// Disconnects the callback, without waiting for it.
  /**
   * Effect: @c connected() is false at once, and no send that starts after
   * this call returns runs the callback, nor does any send still to run it.
   * The removal from the signal completes on the signal's executor. Calling it
   * again, or on a connection that has ended, does nothing.
   */
  void disconnect() const noexcept;

  /// Whether both handles refer to the same connection.
  friend bool operator==(const connection& a, const connection& b) noexcept {
    return !a.slot_.owner_before(b.slot_) && !b.slot_.owner_before(a.slot_);
  }

 private:
  friend class detail::signal_state;
  friend class connection_block;

  connection(std::weak_ptr<detail::signal_state> state, std::weak_ptr<detail::slot> slot) noexcept
      : state_(std::move(state)), slot_(std::move(slot)) {}

  std::weak_ptr<detail::signal_state> state_;
  std::weak_ptr<detail::slot> slot_;
};

/// What a connection responds to, the result of signal::filters.
struct filter_set {
  /// Whether it runs for every send.
  bool unfiltered = false;

  /// The senders it is filtered on.
  std::vector<sender> senders;

  /// The keys it is filtered on.
  std::vector<key> keys;
};

/// How many times a connection may run, the result of max_calls() and once().
class call_limit {
 public:
  /// The number of calls.
  std::uint32_t count() const noexcept { return count_; }

 private:
  friend ASIO_SIGNALS_DECL call_limit max_calls(std::size_t n);

  explicit call_limit(std::uint32_t n) noexcept : count_(n) {}

  std::uint32_t count_;
};

/// A connect option: the connection runs at most @c n times, then ends.
/**
 * A callback never runs more often than @c n, even when sends race from
 * several threads; its connection ends (@c connected() turns false) once its
 * last call is scheduled. Connecting a comparable callable again with a limit
 * replaces the limit of its connection.
 *
 * @throws std::invalid_argument if @c n is zero or does not fit 32 bits.
 */
ASIO_SIGNALS_DECL call_limit max_calls(std::size_t n);

/// A connect option: the connection runs once, then ends (smokesignal's @c once).
inline call_limit once() {
  return max_calls(1);
}

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_CONNECTION_HPP
