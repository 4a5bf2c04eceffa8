//
// event.hpp
// ~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_EVENT_HPP
#define ASIO_SIGNALS_EVENT_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/sender.hpp>

#include <memory>
#include <string_view>

namespace asio_signals {

class signal;

namespace detail {
struct event_state;
class signal_state;
}  // namespace detail

/// What every callback of one send receives.
/**
 * An event is a cheap handle to the immutable state of one send: the signal,
 * the senders and keys the send named (all of them, not only those that
 * matched), and the signal's default kwargs merged with the send's overrides.
 * Every callback of the send, and every copy of the handle, shares that one
 * state: @c &a.args() == &b.args(). The values the send gave are released
 * when the send ends, or, if a callback kept a copy of the event, with the
 * last copy; a router's signals keep the values of the sender's and the
 * event's names, which the router holds anyway, until a later send.
 *
 * A default-constructed event is empty; it is what a failed wait completes
 * with, and its accessors must not be called.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe.
 */
class ASIO_SIGNALS_DECL event {
 public:
  /// An empty event.
  event() noexcept = default;

  /// The signal that sent the event; compare it with @c ==.
  const signal& source() const noexcept;

  /// Every sender the send named.
  const sender_set& senders() const noexcept;

  /// Every key the send named.
  const key_set& keys() const noexcept;

  /// The signal's defaults merged with the send's overrides.
  const kwargs& args() const noexcept;

  /// The kwarg @c name; throws @ref kwarg_error like @ref kwargs::get.
  template <class T>
  const T& get(std::string_view name) const {
    return args().get<T>(name);
  }

  /// Whether the event came from a send (is not empty).
  explicit operator bool() const noexcept { return state_ != nullptr; }

 private:
  friend class detail::signal_state;

  explicit event(std::shared_ptr<const detail::event_state> state) noexcept
      : state_(std::move(state)) {}

  std::shared_ptr<const detail::event_state> state_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_EVENT_HPP
