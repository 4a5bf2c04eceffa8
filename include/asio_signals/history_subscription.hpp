//
// history_subscription.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_HISTORY_SUBSCRIPTION_HPP
#define ASIO_SIGNALS_HISTORY_SUBSCRIPTION_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/history.hpp>
#include <asio_signals/router.hpp>
#include <asio_signals/subscription.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace asio_signals {

namespace detail {
class history_pump;
}  // namespace detail

/// Receives the events of a durable subscriber one by one, as a stream.
/**
 * A history subscription pulls the next events of a durable subscriber of a
 * router (see router::subscribe) in batches, ahead of the consumer, into the
 * bounded buffer of a @ref subscription with @c overflow::wait: it pulls the
 * next batch only once the buffer has room for it, so the consumer sets the
 * pace, nothing is dropped, and at most twice the capacity (one event for a
 * capacity of 0) is pulled and not yet received. When nothing is new it
 * waits for the next event of the subscriber's topics.
 *
 * @code
 * co_await r.subscribe("S1", sig::topic("#A"));
 * sig::history_subscription events(r, "S1", 64);
 * for (;;) {
 *   sig::retained_event ev = co_await events.receive();
 *   handle(ev);
 *   co_await r.ack("S1", ev);
 * }
 * @endcode
 *
 * Receiving an event does not acknowledge it: what is pulled ahead and not
 * acknowledged comes again when the subscriber resumes, at least once. A
 * subscriber is read by one history subscription, or by pulls, at a time:
 * each pull takes what the previous one left.
 *
 * The stream ends when a pull fails — the subscriber unknown or
 * unsubscribed (@ref router_error), the router's NATS link stopped
 * (@ref not_connected_error), the router linked to NATS after the first pull
 * (@ref router_error): the events already pulled can still be received,
 * then every receive completes with that pull's exception. Destroying the history subscription
 * stops its pulls and completes pending receives with @c operation_aborted.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe for @ref receive.
 */
class ASIO_SIGNALS_DECL history_subscription {
 public:
  /// The type of the executor the buffer lives on: the router's.
  using executor_type = asio::any_io_executor;

  /// Starts pulling the events of the durable subscriber @c subscriber.
  /**
   * @param r The router.
   * @param subscriber The durable subscriber's name. Whether it exists is
   * checked by the first pull: when it does not, every receive fails.
   * @param capacity The most events the buffer holds, and so the size of a
   * batch; 0 pulls one event at a time and hands it only to a receive.
   */
  history_subscription(router r, std::string subscriber, std::size_t capacity);

  history_subscription(const history_subscription&) = delete;
  history_subscription& operator=(const history_subscription&) = delete;

  /// Takes over what @c other held; @c other holds nothing.
  history_subscription(history_subscription&& other) noexcept = default;

  /// Stops what this held, then takes over what @c other held.
  history_subscription& operator=(history_subscription&& other) noexcept;

  /// Stops pulling.
  ~history_subscription();

  /// The executor of the router.
  executor_type get_executor() const noexcept { return events_.get_executor(); }

  /// The capacity of the buffer.
  std::size_t capacity() const noexcept { return events_.capacity(); }

  /// Receives the oldest event pulled and not yet received, waiting for one
  /// if there is none.
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, retained_event) @endcode
   * The exception is that of the pull that ended the stream (see the class
   * description), or a @c boost::system::system_error with
   * @c asio::error::operation_aborted when cancelled or when the history
   * subscription is destroyed.
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
    return asio::async_compose<Token, void(std::exception_ptr, retained_event)>(
        receive_op<decltype(events_.receive(asio::deferred))>{events_.receive(asio::deferred),
                                                              pump_},
        token, events_.get_executor());
  }

 private:
  // Receives one event of the buffer and unwraps it. The buffer's receive
  // is made at the call, so that it holds what it needs to start later.
  template <class Receive>
  struct receive_op {
    Receive receive;
    std::shared_ptr<detail::history_pump> pump;

    template <class Self>
    void operator()(Self& self) {
      self.reset_cancellation_state(asio::enable_total_cancellation());
      std::move(receive)(std::move(self));
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, event ev) {
      if (!ec) {
        self.complete(nullptr, unwrap(ev));
        return;
      }
      std::exception_ptr failure = ended_by(*pump);
      if (!failure) failure = std::make_exception_ptr(boost::system::system_error(ec));
      self.complete(std::move(failure), retained_event());
    }
  };

  // The retained event a buffered event carries.
  static retained_event unwrap(const event& ev);

  // The exception of the pull that ended the stream, if one did.
  static std::exception_ptr ended_by(const detail::history_pump& pump);

  void stop() noexcept;

  std::shared_ptr<detail::history_pump> pump_;
  subscription events_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_HISTORY_SUBSCRIPTION_HPP
