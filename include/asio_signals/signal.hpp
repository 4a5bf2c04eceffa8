//
// signal.hpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SIGNAL_HPP
#define ASIO_SIGNALS_SIGNAL_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/await_exception_ptr_fix.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/options.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/outcome.hpp>
#include <asio_signals/sender.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/system/error_code.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

/// Asynchronous, coroutine-based signals on Boost.Asio: the @ref signal, the
/// @ref router of named senders and events, and, in <asio_signals/nats.hpp>,
/// the @ref nats_link between routers of other processes.
namespace asio_signals {

namespace detail {
struct disconnect_request;
class router_state;
}  // namespace detail

/// A signal bound to an executor, whose callbacks are scheduled as tasks.
/**
 * A signal holds connections of callbacks, each optionally filtered by
 * senders and keys, and the default values of its keyword arguments. A send
 * schedules every matching callback as a task on the callback's executor and
 * completes with the number scheduled, without waiting for them.
 *
 * @c signal is a cheap handle: copies share one signal, compared with @c ==.
 * Its state lives while any handle, event or scheduled callback refers to it.
 *
 * Options come first, in any order, and the completion token last, defaulting
 * to @c asio::use_awaitable:
 * @code
 * namespace sig = asio_signals;
 * sig::signal message(ex, sig::arg("message", std::string()));
 * co_await message.connect(&person::on_message, &mike, sig::sender(&ashley), sig::keys("books"));
 * co_await message.send(sig::keys("books"), sig::arg("message", "a new book"));
 * message.send(sig::sender(&mike), asio::detached);
 * @endcode
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe. The signal's state is touched only on its
 * executor; every operation may be started from any thread and hops there. On
 * a multi-threaded @c io_context, give the signal a strand.
 */
class ASIO_SIGNALS_DECL signal {
 public:
  /// The type of the executor the signal is bound to.
  using executor_type = asio::any_io_executor;

  /// A signal on @c ex whose kwargs are declared by @c defaults.
  /**
   * @param ex The executor the signal's state lives on and its callbacks run
   * on, unless a callback is bound to its own.
   *
   * @param defaults Any number of arg() results and @ref kwargs objects:
   * every kwarg a send may give, with its default value and so its type.
   *
   * @throws kwarg_error if a kwarg is declared twice.
   */
  template <class... Args>
  requires(detail::is_kwarg_option_v<std::remove_cvref_t<Args>>&&...) explicit signal(
      executor_type ex, Args&&... defaults)
      : signal(make_state(std::move(ex), detail::make_defaults(std::forward<Args>(defaults)...))) {}

  /// A signal on the executor of @c context; see the executor overload.
  template <class ExecutionContext, class... Args>
  requires(std::is_convertible_v<ExecutionContext&, asio::execution_context&> &&
           (detail::is_kwarg_option_v<std::remove_cvref_t<Args>> &&
            ...)) explicit signal(ExecutionContext& context, Args&&... defaults)
      : signal(executor_type(context.get_executor()), std::forward<Args>(defaults)...) {}

  /// Another handle to the same signal.
  signal(const signal& other) noexcept;

  /// Takes over the handle; @c other is left empty, usable only to assign to.
  signal(signal&& other) noexcept;

  /// Makes this a handle to the signal of @c other.
  signal& operator=(const signal& other) noexcept;

  /// Takes over the handle of @c other.
  signal& operator=(signal&& other) noexcept;

  /// Drops the handle. When the last handle users hold goes, pending waits
  /// end; the state lives on while events or scheduled callbacks refer to it.
  ~signal();

  /// The executor the signal is bound to.
  executor_type get_executor() const noexcept;

  /// Connects a callback.
  /**
   * @param callback A function, static member function, lambda or function
   * object that takes @c const @c event& or nothing and returns @c void, or
   * returns @c asio::awaitable<void> to run as a coroutine. It runs on its
   * associated executor: the signal's, unless bound with
   * @c asio::bind_executor.
   *
   * @param args Options, then an optional completion token. @c sender(x),
   * @c senders(...), @c key(k) and @c keys(...) filter the connection: it then
   * runs only for sends that name one of its senders or keys. Without them
   * it runs for every send. @c not_from(s) makes it skip every send that
   * names the sender @c s ("everyone but me"). @c max_calls(n) and @c once()
   * end it after @c n calls.
   *
   * Connecting a function pointer that is already connected merges the new
   * filters into its connection and returns that one; lambdas and other
   * function objects make a new connection each time.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, connection) @endcode
   * The exception is a @c std::invalid_argument for an empty callback. Eager
   * tokens (callbacks, @c detached, @c use_future) throw it from this call
   * instead; lazy ones (@c use_awaitable, @c deferred) report it when awaited.
   *
   * @par Per-Operation Cancellation
   * None: the operation completes as soon as it reaches the signal's executor.
   *
   * @par Thread Safety
   * May be called from any thread.
   */
  template <class Callback, class... Args>
  requires(!std::is_member_function_pointer_v<std::decay_t<Callback>>) auto connect(
      Callback&& callback, Args&&... args);

  /// Connects a member function of an object.
  /**
   * @param fn A member function, const or not, taking @c const @c event& or
   * nothing and returning @c void or @c asio::awaitable<void>.
   *
   * @param object A @c T*, a @c T&, a @c std::shared_ptr<T> or a
   * @c std::weak_ptr<T>. A shared or weak object is held weakly: once it
   * expires the connection is dropped and never called; while a callback is
   * scheduled the object is kept alive until it has run. With a pointer or a
   * reference the caller keeps the object alive until it disconnects. Wrap
   * a pointer, a @c shared_ptr or a @c weak_ptr with @c asio::bind_executor
   * to run the member on that executor (a strand of the object's, say):
   * @code
   * co_await sig.connect(&session::on_message, asio::bind_executor(strand, weak_from_this()));
   * @endcode
   *
   * @param args Options and an optional completion token, as for the other
   * overload, plus @c not_from(s): the connection ignores sends from @c s.
   * A member's identity is (@c fn, object address): connecting it
   * again merges into its connection, whose ownership (weak or raw) stays.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, connection) @endcode
   * The exception is a @c std::invalid_argument for a null member pointer, a
   * null object or an expired @c weak_ptr; eager tokens throw it from the call.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class Fn, class Object, class... Args>
  requires std::is_member_function_pointer_v<Fn>
  auto connect(Fn fn, Object&& object, Args&&... args);

  /// Disconnects a connection, or removes some of its senders and keys.
  /**
   * Without options the connection ends. With @c senders(...) or @c keys(...)
   * only those are removed from its filters, and it ends once it has no
   * sender, no key and no unfiltered registration left. A connection of
   * another signal, or one that has ended, is left alone.
   *
   * Effect: no send that starts after the operation completes runs the
   * callback.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class... Args>
  auto disconnect(connection c, Args&&... args);

  /// Disconnects a function pointer, entirely or for some senders and keys.
  /**
   * Only function pointers (free and static member functions) are comparable;
   * disconnect lambdas and function objects through their @ref connection.
   * A function that is not connected is left alone.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Callback, class... Args>
  requires(!std::is_member_function_pointer_v<std::decay_t<Callback>> &&
           !std::is_same_v<std::decay_t<Callback>, connection>) auto disconnect(Callback&& callback,
                                                                                Args&&... args);

  /// Disconnects a member function of an object, entirely or in part.
  /**
   * @c object is the same pointer, reference, @c shared_ptr or @c weak_ptr
   * form as in connect; any form of one object names the same connection.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Fn, class Object, class... Args>
  requires std::is_member_function_pointer_v<Fn>
  auto disconnect(Fn fn, Object&& object, Args&&... args);

  /// Schedules every matching callback.
  /**
   * A callback matches if it has no filters, or if the send names one of its
   * senders or keys; it runs at most once per send. Every callback receives
   * one shared @ref event. The callbacks of a send start in connection order,
   * and those of successive sends in the order of the sends, on any FIFO
   * executor. The send never runs a callback itself and never waits for one.
   *
   * @param args Options, then an optional completion token: @c sender(x),
   * @c senders(...), @c key(k), @c keys(...) name the send's senders and keys;
   * @c arg(name, value) and @c kwargs objects override declared kwargs for
   * this send only.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::size_t) @endcode
   * The count is the number of distinct callbacks scheduled: 0 for a send
   * while the signal is muted (see @ref scoped_mute), which schedules
   * nothing. The exception is
   * a @ref kwarg_error for a kwarg the constructor did not declare, a value of
   * another type than its default's, or a kwarg given twice; then nothing is
   * scheduled. Eager tokens throw it from this call.
   *
   * @par Per-Operation Cancellation
   * None: cancelling the wait would not unschedule callbacks.
   */
  template <class... Args>
  auto send(Args&&... args);

  /// Sends, then waits for every callback scheduled to finish.
  /**
   * Schedules like @ref send, with the same options, and completes once
   * every callback it scheduled has finished — coroutines included — with
   * one @ref outcome per callback, in connection order: its connection, and
   * what it threw (PyDispatcher's responses, Django's @c send_robust). Those
   * exceptions are reported here, not to the error handler. Waits and
   * subscriptions the send reaches have no outcome.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::vector<outcome>) @endcode
   * The exception is a @ref kwarg_error, as for @ref send (eager tokens throw
   * it from the call), or a @c boost::system::system_error with
   * @c asio::error::operation_aborted when the wait is cancelled.
   *
   * @par Per-Operation Cancellation
   * Terminal, partial and total: the wait completes at once with
   * @c operation_aborted. The callbacks are not cancelled: they run to their
   * end, and what they throw goes to the error handler.
   */
  template <class... Args>
  auto send_and_wait(Args&&... args);

  /// Waits for the next matching send.
  /**
   * Completes with the @ref event of the first send, started after this call,
   * that the options match: any send without options, otherwise a send that
   * names one of the given senders or keys. Many waits may be pending at
   * once; one send completes all those it matches. A wait is not a callback:
   * a send does not count it.
   *
   * @param args @c sender(x), @c senders(...), @c key(k), @c keys(...), then
   * an optional completion token.
   *
   * @par Completion Signature
   * @code void(boost::system::error_code, event) @endcode
   * With @c asio::error::operation_aborted, and an empty event, when the wait
   * is cancelled or when the last @c signal handle users hold is destroyed: a
   * wait never keeps its signal alive.
   *
   * @par Per-Operation Cancellation
   * Terminal, partial and total: the wait is withdrawn and completes with
   * @c operation_aborted, so that
   * @code co_await (sig.next(sig::key("k")) || timer.async_wait(asio::use_awaitable)); @endcode
   * leaves nothing behind.
   *
   * @par Thread Safety
   * May be called from any thread. While pending, the wait counts as
   * outstanding work on the executor it completes on.
   */
  template <class... Args>
  auto next(Args&&... args);

  /// The number of callbacks a send would find connected, now.
  /**
   * Counts the connections that have not ended, less weak members whose
   * object has expired: those are never called again, even though their
   * connection ends only when a send meets them. Waits and subscriptions are
   * not counted, and blocks and mutes are not taken into account. The value
   * is read without synchronising with operations still on their way.
   */
  std::size_t receivers() const noexcept;

  /// Whether a send naming the options would reach anything.
  /**
   * True if a send with the given senders and keys would match a connection,
   * a wait or a subscription (blinker's @c has_receivers_for), blocks and
   * mutes aside.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, bool) @endcode
   */
  template <class... Args>
  auto has_receivers(Args&&... args);

  /// What a connection responds to (smokesignal's @c responds_to).
  /**
   * Completes with the connection's filter_set: whether it runs for
   * every send, and its senders and keys. A connection that has ended, or
   * belongs to another signal, gives an empty set.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, filter_set) @endcode
   */
  template <class... Args>
  auto filters(connection c, Args&&... token);

  /// The signal that announces new connections and registrations.
  /**
   * After a connect completes, this signal is sent with the senders and keys
   * the connect named and the kwarg @c "connection" (a @ref connection), so a
   * listener may filter on them: @c receiver_connected().connect(cb,
   * sig::key("news")) hears of everything that connects to the key "news".
   * It is made on first use, on the same executor.
   */
  signal receiver_connected() const;

  /// The signal that announces disconnections.
  /**
   * Sent when a connection loses senders or keys (named by the send) or ends
   * (naming all it had), whatever the cause: a disconnect, an expired weak
   * member, a counted connection's last call. Kwargs: @c "connection" and
   * @c "ended" (bool).
   */
  signal receiver_disconnected() const;

  /// Sets the function that receives exceptions thrown by callbacks.
  /**
   * @c handler(std::exception_ptr, const event&) runs on the executor the
   * callback ran on. Without a handler, a callback's exception is rethrown out
   * of that executor's @c run(), as Asio does for any handler that throws; so
   * is an exception thrown by the handler itself. Either way the other
   * callbacks of the send still run.
   *
   * @par Thread Safety
   * May be called from any thread.
   */
  void set_error_handler(std::function<void(std::exception_ptr, const event&)> handler);

  /// Whether both handles refer to the same signal.
  friend bool operator==(const signal& a, const signal& b) noexcept { return a.state_ == b.state_; }

 private:
  friend class detail::router_state;
  friend class detail::signal_state;
  friend class scoped_mute;
  friend class subscription;

  struct uncounted_t {};

  static std::shared_ptr<detail::signal_state> make_state(executor_type ex, kwargs defaults);

  // Starts a connect of the slot `make_slot()` returns, with the options and
  // token in `args`; what make_slot throws is the connect's error.
  template <class MakeSlot, class... Args>
  auto start_connect(MakeSlot make_slot, Args&&... args);

  // Starts the disconnect `request` names, with the options and token in `args`.
  template <class... Args>
  auto start_disconnect(detail::disconnect_request request, Args&&... args);

  // Connects a member whose object is checked, run on `executor` if given.
  template <class Fn, class Object, class... Args>
  auto connect_member(Fn fn, Object&& object, std::optional<asio::any_io_executor> executor,
                      Args&&... args);

  explicit signal(std::shared_ptr<detail::signal_state> state) noexcept;

  // A handle that neither counts as a user's nor owns the state: the source
  // of an event, whose state the event keeps alive. Copies of it own.
  signal(detail::signal_state* state, uncounted_t) noexcept;

  std::shared_ptr<detail::signal_state> state_;
  // Whether the handle is a user's, counted by the state (see add_handle).
  bool user_handle_ = true;
};

}  // namespace asio_signals

#include <asio_signals/impl/signal.hpp>

#endif  // ASIO_SIGNALS_SIGNAL_HPP
