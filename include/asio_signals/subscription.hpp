//
// subscription.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SUBSCRIPTION_HPP
#define ASIO_SIGNALS_SUBSCRIPTION_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/options.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace asio_signals {

namespace detail {
class subscription_slot;
}  // namespace detail

/// What a subscription does with an event that finds its buffer full.
enum class overflow {
  /// Drop the oldest buffered event to make room, and count it.
  drop_oldest,

  /// Drop the new event, and count it.
  drop_newest,

  /// Keep the event, and hold the completion of its send until it finds
  /// room: a producer that awaits its sends goes at the consumer's pace.
  wait
};

/// Queues every matching event of a signal for a coroutine to receive.
/**
 * A subscription is a connection whose callback appends the event to a
 * bounded buffer; @ref receive takes them out one by one, in send order. When
 * the buffer is full the overflow policy applies. Nothing is lost
 * silently: events dropped by @c drop_oldest or @c drop_newest are counted by
 * @ref dropped. With @c overflow::wait nothing is dropped, but only a
 * producer that awaits its sends is slowed; the events of detached sends wait
 * in the subscription, however many they are.
 *
 * @code
 * sig::subscription orders(market, 64, sig::overflow::wait, sig::key("orders"));
 * for (;;) {
 *   sig::event ev = co_await orders.receive();
 *   handle(ev);
 * }
 * @endcode
 *
 * A subscription receives the sends that start after its constructor
 * returns. It never keeps its signal alive: once the last handle of the
 * signal goes, the buffered events can still be received, then @ref receive
 * completes with @c asio::error::operation_aborted. Destroying the
 * subscription unsubscribes it and completes pending receives with
 * @c operation_aborted.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe for @ref receive and @ref dropped.
 */
class ASIO_SIGNALS_DECL subscription {
 public:
  /// The type of the executor the subscription's buffer lives on: the signal's.
  using executor_type = asio::any_io_executor;

  /// Subscribes to the sends of @c s that @c options match.
  /**
   * @param s The signal.
   * @param capacity The most events the buffer holds; 0 hands each event
   * only to a receive already waiting, or applies the policy.
   * @param policy What happens to an event that finds the buffer full.
   * @param options @c sender(x), @c senders(...), @c key(k), @c keys(...):
   * which sends to queue, as for a connection; none queues every send.
   */
  template <class... Options>
  requires(detail::is_filter_option_v<std::remove_cvref_t<Options>>&&...)
      subscription(const signal& s, std::size_t capacity, overflow policy, Options&&... options)
      : subscription(s, capacity, policy, make_filters(std::forward<Options>(options)...)) {}

  subscription(const subscription&) = delete;
  subscription& operator=(const subscription&) = delete;
  /// Takes over what @c other held; @c other holds nothing.
  subscription(subscription&& other) noexcept = default;
  /// Releases what this held, then takes over what @c other held.
  subscription& operator=(subscription&& other) noexcept;

  /// Unsubscribes.
  ~subscription();

  /// The executor of the signal.
  executor_type get_executor() const noexcept;

  /// The capacity of the buffer.
  std::size_t capacity() const noexcept;

  /// The overflow policy.
  overflow policy() const noexcept;

  /// The number of events dropped so far by a full buffer.
  std::size_t dropped() const noexcept;

  /// Receives the oldest queued event, waiting for one if there is none.
  /**
   * @par Completion Signature
   * @code void(boost::system::error_code, event) @endcode
   * With @c asio::error::operation_aborted when cancelled, when the
   * subscription is destroyed, or when the buffer is empty and the signal's
   * last handle is gone.
   *
   * @par Per-Operation Cancellation
   * Terminal, partial and total: the receive is withdrawn; no event is lost.
   *
   * @par Thread Safety
   * May be called from any thread; several receives may be pending, and
   * complete in the order they were started.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto receive(Token&& token = {}) {
    return asio::async_initiate<Token, void(boost::system::error_code, event)>(
        [](auto&& handler, std::shared_ptr<detail::subscription_slot> slot) {
          start_receive(slot, detail::pending_wait::handler_type(std::move(handler)));
        },
        token, slot_);
  }

 private:
  template <class... Options>
  static detail::filter_request make_filters(Options&&... options) {
    detail::filter_request filters;
    (detail::add_option(filters, std::forward<Options>(options)), ...);
    return filters;
  }

  subscription(const signal& s, std::size_t capacity, overflow policy,
               detail::filter_request filters);

  static void start_receive(const std::shared_ptr<detail::subscription_slot>& slot,
                            detail::pending_wait::handler_type handler);

  void unsubscribe() noexcept;

  std::weak_ptr<detail::signal_state> state_;
  std::shared_ptr<detail::subscription_slot> slot_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_SUBSCRIPTION_HPP
