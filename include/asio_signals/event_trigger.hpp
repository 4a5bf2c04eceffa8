//
// event_trigger.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_EVENT_TRIGGER_HPP
#define ASIO_SIGNALS_EVENT_TRIGGER_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/router.hpp>

#include <memory>
#include <string>

namespace asio_signals {

/// One event of one sender of a router, named once and triggered many times.
/**
 * A trigger through it is @ref router::trigger of its two names, without
 * their lookup: the router finds the event at the first trigger and again
 * only after a sender was added or removed. pysig keeps a @c Sender object
 * for its triggers; this is that object bound to one of the sender's events.
 *
 * @code
 * sig::event_trigger cold(r, "temp", "cold");
 * co_await cold.trigger(sig::arg("celsius", -3.5));
 * @endcode
 *
 * The sender need not be connected when the object is made, nor stay
 * connected: each trigger fails as router::trigger would, with
 * @ref not_connected_error while the sender is not connected.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe, from any thread, as for the router.
 */
class ASIO_SIGNALS_DECL event_trigger {
 public:
  /// The router's executor type.
  using executor_type = router::executor_type;

  /// Names the event @c event of the sender @c sender of @c r.
  /**
   * @throws router_error for an empty name, or a name that is only @c "#".
   */
  event_trigger(const router& r, std::string sender, std::string event);

  /// The router's executor.
  executor_type get_executor() const noexcept;

  /// The sender's name.
  const std::string& sender_name() const noexcept;

  /// The event's name.
  const std::string& event_name() const noexcept;

  /// Triggers the event, as router::trigger does.
  /**
   * @param args @c arg(name, value) and @c kwargs objects: the data; then an
   * optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exceptions of router::trigger, for the same causes.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class... Args>
  auto trigger(Args&&... args);

 private:
  std::shared_ptr<detail::router_state> state_;
  std::shared_ptr<detail::router_state::bound_event> event_;
};

}  // namespace asio_signals

#include <asio_signals/impl/event_trigger.hpp>

#endif  // ASIO_SIGNALS_EVENT_TRIGGER_HPP
