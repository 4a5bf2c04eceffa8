//
// router.hpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_ROUTER_HPP
#define ASIO_SIGNALS_ROUTER_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/await_exception_ptr_fix.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/history.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution_context.hpp>

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace asio_signals {

namespace detail {
class router_state;
struct router_access;
struct sender_request;
}  // namespace detail

/// Thrown for a name the router cannot accept.
/**
 * An empty sender, event or method name; listening to an event that a
 * connected sender did not declare, or to a non-channel event of no sender;
 * triggering an event the sender did not declare; adding a sender that is
 * already connected, or declaring an event twice. The message names the
 * sender and the event.
 */
class ASIO_SIGNALS_DECL router_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Thrown for a trigger or a request to a sender that is not connected.
/**
 * Also the error of a request still in flight when its sender is removed.
 */
class ASIO_SIGNALS_DECL not_connected_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown for a request of a method its sender has no handler for (pysig's
/// @c LookupError); the message names the method and the sender.
class ASIO_SIGNALS_DECL lookup_error : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

/// The type of @ref any.
struct any_t {
  explicit constexpr any_t() = default;
};

/// Any sender, or any event: pysig's @c None in @c addListener, PyDispatcher's
/// @c Any.
inline constexpr any_t any{};

/// The channel event every sender triggers when it is added (pysig's
/// @c EVENT_CONNECT); its data is the kwarg @c "events", the declared events.
inline constexpr std::string_view connect_event = "#connect";

/// The channel event every sender triggers when it is removed (pysig's
/// @c EVENT_DISCONNECT), with the same data as @ref connect_event.
inline constexpr std::string_view disconnect_event = "#disconnect";

/// The events a sender declares, the result of events().
class event_list {
 public:
  /// The names, in the order given.
  const std::vector<std::string>& names() const noexcept { return names_; }

 private:
  friend struct detail::sender_request;
  template <class... Names>
  friend event_list events(Names&&... names);

  std::vector<std::string> names_;
};

/// An add_sender option: the events the sender declares; a name starting
/// with @c '#' is a channel, shared by every sender that declares it.
template <class... Names>
event_list events(Names&&... names) {
  static_assert((std::is_convertible_v<Names, std::string_view> && ...),
                "asio_signals: events(...) takes event names");
  event_list list;
  list.names_.reserve(sizeof...(Names));
  (list.names_.emplace_back(std::string_view(names)), ...);
  return list;
}

/// A request handler, the result of method() and default_method().
class request_method {
 public:
  /// Runs one request: a coroutine that completes with the response.
  using function_type =
      std::function<asio::awaitable<std::any>(const std::string& method, kwargs params)>;

  /// The method's name; empty for the default handler.
  const std::string& name() const noexcept { return name_; }

 private:
  friend struct detail::sender_request;
  template <class F>
  friend request_method method(std::string name, F f);
  template <class F>
  friend request_method default_method(F f);

  request_method(std::string name, function_type f, std::optional<asio::any_io_executor> ex)
      : name_(std::move(name)), function_(std::move(f)), executor_(std::move(ex)) {}

  std::string name_;
  function_type function_;
  std::optional<asio::any_io_executor> executor_;
};

/// An add_sender option: the handler of the requests of @c name.
/**
 * @c f takes the request's params (<tt>const kwargs&</tt>) or nothing, and
 * returns the response: any copyable value, @c void, or an
 * @c asio::awaitable of one. It runs as a task on the router's executor, or
 * on its own when bound with @c asio::bind_executor.
 */
template <class F>
request_method method(std::string name, F f);

/// An add_sender option: the handler of every method that has none of its
/// own; @c f takes the method's name (<tt>const std::string&</tt>) and the
/// params (<tt>const kwargs&</tt>).
template <class F>
request_method default_method(F f);

/// The name of the sender of a router event (pysig's @c info["sender"]);
/// empty for an anonymous emit.
ASIO_SIGNALS_DECL const std::string& sender_name(const event& ev);

/// The name of the event of a router event (pysig's @c info["event"]).
ASIO_SIGNALS_DECL const std::string& event_name(const event& ev);

/// The data a router event was triggered with (pysig's @c data).
ASIO_SIGNALS_DECL const kwargs& event_data(const event& ev);

/// Named senders, their events, channels and requests (pysig's @c Router),
/// and named signals (smokesignal, PyDispatcher).
/**
 * A sender is added under a name with the events it declares and its
 * request handlers. A listener is a callback registered for one event of one
 * sender, every event of one sender (sender broadcast), every event of every
 * sender (router broadcast), or a channel — an event whose name starts with
 * @c '#', shared by every sender that declares it. Listeners may be
 * registered before their sender is added; they survive its removal.
 *
 * A trigger delivers to the router-broadcast listeners, then the sender's
 * broadcast listeners, then the channel's, then the event's, each group in
 * registration order. Every listener is a connection of a @ref signal inside
 * the router: it is scheduled exactly as a signal schedules its callbacks,
 * and receives an @ref event whose sender_name(), event_name() and
 * event_data() say what was triggered.
 *
 * @code
 * namespace sig = asio_signals;
 * sig::router r(ex);
 * co_await r.add_listener(on_changed, sig::any, "#changed");
 * co_await r.add_sender("temp", sig::events("#changed", "cold", "hot"));
 * co_await r.trigger("temp", "#changed", sig::arg("celsius", 21.5));
 * @endcode
 *
 * @c router is a cheap handle: copies share one router, compared with @c ==.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe. The router's state is touched only on its
 * executor; every operation may be started from any thread. On a
 * multi-threaded @c io_context, give the router a strand.
 */
class ASIO_SIGNALS_DECL router {
 public:
  /// The type of the executor the router is bound to.
  using executor_type = asio::any_io_executor;

  /// A router on @c ex, where its state lives and its listeners run unless
  /// bound to their own executor.
  explicit router(executor_type ex);

  /// A router on the executor of @c context.
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, asio::execution_context&>
  explicit router(ExecutionContext& context) : router(executor_type(context.get_executor())) {}

  /// The executor the router is bound to.
  executor_type get_executor() const noexcept;

  /// Adds a sender (pysig's @c addSender).
  /**
   * @param name The sender's name, not empty.
   *
   * @param args Options, then an optional completion token: @c events(...)
   * declares its events, @c method(name, f) and @c default_method(f) its
   * request handlers.
   *
   * Effect: listeners registered for @c name start receiving, and
   * @ref connect_event is triggered from the sender, with the kwarg
   * @c "events" (a <tt>std::vector<std::string></tt>) as data.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exception is a @ref router_error for an empty name, an empty or
   * built-in event name, an event declared twice, two handlers of one method,
   * or a sender already connected; then nothing changes. Errors found in the
   * arguments are thrown from the call for eager tokens.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class... Args>
  auto add_sender(std::string name, Args&&... args);

  /// Removes a sender (pysig's @c removeSender).
  /**
   * Triggers @ref disconnect_event from the sender, then drops its events
   * and request handlers; requests still in flight fail with
   * @ref not_connected_error. Its listeners stay, for when it comes back.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, bool) @endcode
   * Whether the sender was connected.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto remove_sender(std::string name, Token&& token = {});

  /// Whether a sender is connected (pysig's @c getSender(name).isConnected()).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, bool) @endcode
   */
  template <class Token = asio::use_awaitable_t<>>
  auto is_connected(std::string name, Token&& token = {});

  /// The events a connected sender declares, in the order declared; empty
  /// for a sender that is not connected.
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, std::vector<std::string>) @endcode
   */
  template <class Token = asio::use_awaitable_t<>>
  auto declared_events(std::string name, Token&& token = {});

  /// Registers a listener (pysig's @c addListener).
  /**
   * @code
   * co_await r.add_listener(cb);                       // router broadcast
   * co_await r.add_listener(cb, "temp");               // sender broadcast
   * co_await r.add_listener(cb, "temp", "cold");       // one event of one sender
   * co_await r.add_listener(cb, sig::any, "#changed"); // a channel
   * @endcode
   *
   * @param args The callback — any callback @ref signal::connect takes, or a
   * member function and its object — then the sender's name or @ref any,
   * the event's name or @ref any, then @c once() or @c max_calls(n), then an
   * optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, connection) @endcode
   * The connection ends the listener with @c disconnect(). The exception is a
   * @ref router_error for an empty name, an event that the connected sender
   * did not declare, or a non-channel event without a sender.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class... Args>
  auto add_listener(Args&&... args);

  /// Triggers an event of a sender (pysig's @c Sender.trigger).
  /**
   * Schedules the router-broadcast listeners, the sender's broadcast
   * listeners, the channel's (for a channel event) and the event's, in that
   * order. Costs O(listeners reached + 1), whatever else the router holds.
   *
   * @param sender The sender's name; copied at the call, so that a
   * temporary may be passed to a lazy token's operation.
   *
   * @param event The event's name, copied as the sender's.
   *
   * @param args @c arg(name, value) and @c kwargs objects: the data, any
   * kwargs at all; then an optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exception is a @ref not_connected_error for a sender that is not
   * connected; a @ref router_error for an event it did not declare, for
   * @ref connect_event or @ref disconnect_event, for an empty name or @c "#";
   * a @ref kwarg_error for a kwarg given twice; then nothing is scheduled.
   * Errors found in the arguments are thrown from the call for eager tokens.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class... Args>
  auto trigger(std::string_view sender, std::string_view event, Args&&... args);

  /// Sends a request to a sender and completes with its response.
  /**
   * @param sender The sender's name.
   *
   * @param method The method's name.
   *
   * @param args @c arg(name, value) and @c kwargs objects: the params; then
   * an optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::any) @endcode
   * The response, empty for a handler returning @c void. The exception is
   * what the handler threw, a @ref lookup_error for a method without a
   * handler, a @ref not_connected_error for a sender that is not connected or
   * is removed before the handler completes, or a
   * @c boost::system::system_error with @c asio::error::operation_aborted
   * when cancelled.
   *
   * @par Per-Operation Cancellation
   * Terminal, partial and total: the request completes at once with
   * @c operation_aborted, so that a timeout is
   * @code co_await (r.request("weather", "temperature") || timer.async_wait(asio::use_awaitable));
   * @endcode The handler is not interrupted; its response is dropped.
   *
   * @par Thread Safety
   * May be called from any thread. While pending, the request counts as
   * outstanding work on the executor it completes on.
   */
  template <class... Args>
  auto request(std::string sender, std::string method, Args&&... args);

  /// Registers a callback for a named signal (smokesignal's @c on,
  /// PyDispatcher's @c connect).
  /**
   * Named signals are apart from senders: they need no declaration, and
   * neither broadcasts nor channels reach them.
   *
   * @param name The signal's name, not empty.
   * @param args The callback, as for @ref add_listener, then options —
   * @c once(), @c max_calls(n), and @c sender(x) / @c senders(...) to hear
   * only emits from those objects (PyDispatcher's @c sender=) — then an
   * optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, connection) @endcode
   */
  template <class... Args>
  auto on(std::string name, Args&&... args);

  /// Emits a named signal (smokesignal's @c emit, PyDispatcher's @c send).
  /**
   * @param name The signal's name, not empty.
   *
   * @param args @c arg(name, value) and @c kwargs objects, the data;
   * @c sender(x) or @c senders(...) to emit from objects (without one, the
   * emit is anonymous), @c key(k) or @c keys(...) to reach only callbacks of
   * those keys; then an optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::size_t) @endcode
   * The number of callbacks scheduled: 0 for a name nobody registered a
   * callback for. The exception is a @ref router_error for an empty name,
   * a @ref kwarg_error for a kwarg given twice, thrown from the call for
   * eager tokens.
   */
  template <class... Args>
  auto emit(std::string name, Args&&... args);

  /// Disconnects a callback from a named signal (smokesignal's
  /// @c disconnect_from); @c callback is a function pointer or a connection.
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Callback, class Token = asio::use_awaitable_t<>>
  auto disconnect_from(Callback callback, std::string name, Token&& token = {});

  /// Disconnects a callback from every named signal (smokesignal's
  /// @c disconnect).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Callback, class Token = asio::use_awaitable_t<>>
  auto disconnect(Callback callback, Token&& token = {});

  /// Disconnects every callback of one named signal (smokesignal's
  /// @c clear(name)).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Token = asio::use_awaitable_t<>>
  auto clear(std::string name, Token&& token = {});

  /// Disconnects every callback of every named signal (smokesignal's
  /// @c clear_all).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   */
  template <class Token = asio::use_awaitable_t<>>
  auto clear_all(Token&& token = {});

  /// Whether a callback (a function pointer or a connection) responds to a
  /// named signal (smokesignal's @c responds_to).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, bool) @endcode
   */
  template <class Callback, class Token = asio::use_awaitable_t<>>
  auto responds_to(Callback callback, std::string name, Token&& token = {});

  /// The names of the named signals a callback responds to, sorted
  /// (smokesignal's @c signals).
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, std::vector<std::string>) @endcode
   */
  template <class Callback, class Token = asio::use_awaitable_t<>>
  auto signals(Callback callback, Token&& token = {});

  /// Keeps the triggers of a topic, for pull() (retained history).
  /**
   * @code
   * co_await r.retain(sig::topic("#A"), sig::max_events(10'000), sig::max_age(24h));
   * @endcode
   *
   * From then on every trigger of the topic is also kept, with its time and
   * a sequence number, until the bounds drop it, oldest first. Retaining a
   * topic again replaces its bounds and applies them at once; what is kept
   * stays.
   *
   * @param t The topic: a channel, or one event of one sender, which need
   * not be connected yet.
   *
   * @param args Bounds, at least one — @c max_events(n), @c max_age(d),
   * @c max_bytes(n) — then an optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exception is a @ref router_error for a bad name, a non-channel event
   * without its sender (or a channel with one), an event that its connected
   * sender does not declare, no bound, or a bound of zero, thrown from the
   * call for eager tokens.
   */
  template <class... Args>
  auto retain(topic t, Args&&... args);

  /// Pulls the kept events of retained topics, oldest first.
  /**
   * @code
   * auto batch = co_await r.pull(sig::topic("#A"), sig::since(start), sig::max_batch(100));
   * @endcode
   *
   * @param t, args Topics, each retained, then options — @c since(time)
   * for the events triggered at that time or later (without it, every
   * event kept), @c max_batch(n) (256 without it) — then an optional
   * completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::vector<retained_event>) @endcode
   * The events of all the topics, ordered by time (an earlier topic first
   * for equal times), at most the batch. The exception is a
   * @ref router_error for a topic that is not retained, a time in the
   * future or a batch of zero.
   */
  template <class... Args>
  auto pull(topic t, Args&&... args);

  /// Makes a durable subscriber of topics, or resumes one.
  /**
   * A durable subscriber has a name and remembers, per topic, the last
   * event it acknowledged with ack(); pull(name) returns what came after.
   * Subscribing a name again resumes it: its topics become those given, a
   * topic it had keeps its place — what was pulled and not acknowledged is
   * pulled again — and a new one starts as for a new subscriber.
   *
   * @param subscriber The subscriber's name, not empty.
   *
   * @param args Topics, each retained, at least one; then @c since(time) to
   * start a new topic at that time (without it, at its oldest kept event);
   * then an optional completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exception is a @ref router_error for no topic, a topic that is not
   * retained, or a time in the future.
   */
  template <class... Args>
  auto subscribe(std::string subscriber, Args&&... args);

  /// Pulls the next events of a durable subscriber, oldest first.
  /**
   * Returns the events of its topics after those the previous pulls
   * returned; an event no longer kept by then is skipped.
   *
   * @param subscriber The subscriber's name.
   * @param args @c max_batch(n) (256 without it), @c wait_for_events() to
   * wait for the next event when nothing is new, then an optional
   * completion token.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr, std::vector<retained_event>) @endcode
   * Empty when there is nothing new, without @c wait_for_events(). The
   * exception is a @ref router_error for an unknown subscriber, a batch of
   * zero, or a subscriber unsubscribed while the pull waits; a
   * @c boost::system::system_error with @c asio::error::operation_aborted
   * when cancelled.
   *
   * @par Per-Operation Cancellation
   * Terminal, partial and total: the pull completes at once with
   * @c operation_aborted and returns nothing, so that a pull with a timeout
   * is <tt>pull(name, wait_for_events()) || timer.async_wait()</tt>.
   */
  template <class... Args>
  auto pull(std::string subscriber, Args&&... args);

  /// Acknowledges pulled events: a resumed subscriber starts after them.
  /**
   * Acknowledging an event acknowledges every earlier event of its topic.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * The exception is a @ref router_error for an unknown subscriber or an
   * event of a topic it does not pull; then nothing is acknowledged.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto ack(std::string subscriber, std::vector<retained_event> batch, Token&& token = {});

  /// Acknowledges one pulled event and every earlier one of its topic.
  template <class Token = asio::use_awaitable_t<>>
  auto ack(std::string subscriber, const retained_event& last, Token&& token = {});

  /// Forgets a durable subscriber.
  /**
   * @par Completion Signature
   * @code void(std::exception_ptr, bool) @endcode
   * Whether there was one of that name.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto unsubscribe(std::string subscriber, Token&& token = {});

  /// Whether both handles refer to the same router.
  friend bool operator==(const router& a, const router& b) noexcept { return a.state_ == b.state_; }

 private:
  friend struct detail::router_access;

  std::shared_ptr<detail::router_state> state_;
};

/// Emits a named signal on scope entry and exit (smokesignal's @c emitting).
/**
 * @code
 * {
 *   sig::emitting scope(r, "started", "finished");  // emits "started"
 *   ...
 * }  // emits "finished"
 * @endcode
 * The emits are detached, without data; an empty name emits nothing.
 */
class ASIO_SIGNALS_DECL emitting {
 public:
  /// Emits @c exit when the scope ends.
  emitting(router r, std::string exit);

  /// Emits @c enter now and @c exit when the scope ends.
  emitting(router r, std::string enter, std::string exit);

  emitting(const emitting&) = delete;
  emitting& operator=(const emitting&) = delete;

  /// Emits the exit signal.
  ~emitting();

 private:
  router router_;
  std::string exit_;
};

}  // namespace asio_signals

#include <asio_signals/impl/router.hpp>

#endif  // ASIO_SIGNALS_ROUTER_HPP
