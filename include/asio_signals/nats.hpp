//
// nats.hpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_NATS_HPP
#define ASIO_SIGNALS_NATS_HPP

#include <asio_signals/kwargs.hpp>
#include <asio_signals/router.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <any>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

namespace asio_signals {

namespace detail {
class nats_link_state;
}  // namespace detail

/// Thrown for a failure of the NATS connection: a server that cannot be
/// reached, a publish the client refused, a link that is not started.
class nats_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The error of a remote request whose handler threw in its own process; the
/// message is the handler's exception's @c what().
class remote_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// How a @ref nats_link connects and behaves.
/**
 * @code
 * sig::nats_options options;
 * options.servers = {url};
 * options.prefix = "demo";
 * @endcode
 */
struct nats_options {
  /// The servers, as @c nats://host:port URLs: one server, or a cluster's
  /// list (the client picks one and fails over to the others).
  std::vector<std::string> servers;

  /// Whether the client picks the first server at random (true) or tries
  /// them in the order given.
  bool randomize_servers = true;

  /// The first tokens of every subject the link uses: links share senders
  /// only with links of the same prefix. Dot-separated tokens without
  /// wildcards or whitespace.
  std::string prefix = "asio_signals";

  /// How often the link announces its senders to the others.
  std::chrono::milliseconds heartbeat_interval{1000};

  /// How long after its last announcement the senders of a silent link are
  /// removed (a process that died or lost its connection).
  std::chrono::milliseconds presence_expiry{3000};

  /// How long a remote request, or a request to JetStream for the history,
  /// waits for its reply at most.
  std::chrono::milliseconds request_timeout{10000};

  /// The wait between two attempts to reconnect to a server.
  std::chrono::milliseconds reconnect_wait{250};

  /// The attempts to reconnect after a server went away; then the connection
  /// is closed. Negative: forever.
  int max_reconnect = 40;

  /// The bytes (subjects and payloads) of the events a link holds, at most,
  /// for senders it has not heard announced yet: a sender's events can come
  /// before its announcement, or after its owner's silence expired it. Each
  /// waits for it at most presence_expiry and a heartbeat_interval; then,
  /// when newer ones need its room, or when the link stops, it is dropped,
  /// counted in nats_link::dropped_messages() and reported.
  std::size_t held_event_bytes = 8 * 1024 * 1024;

  /// The bytes (subjects, replies and payloads) of the messages received
  /// and not yet taken by the router's executor that the link keeps, at
  /// most: when the executor falls behind, each message beyond them is
  /// dropped, counted in nats_link::dropped_messages() and reported. cnats's
  /// queue of each subscription, before the link's, holds at most as many
  /// bytes of payloads (and at most @c INT_MAX), and a message per 64 of
  /// them (at least 65,536).
  std::size_t pending_bytes = 64 * 1024 * 1024;

  /// The bytes buffered while reconnecting; a publish beyond them fails and
  /// is counted in nats_link::failed_publishes().
  int reconnect_buffer_bytes = 8 * 1024 * 1024;

  /// How long a write to the server waits for room in the socket, at most.
  /// cnats writes out its full output buffer on the thread that publishes,
  /// the router's executor, and only a server that stops reading makes that
  /// write wait. Past the deadline the connection counts as lost and the
  /// client reconnects: a publish whose own write timed out fails, is counted
  /// in nats_link::failed_publishes() and reported; what cnats's flusher
  /// thread was writing is lost with the connection, which is reported. A
  /// publish can also wait behind cnats's lock for the flusher's write or
  /// for one attempt to reconnect (up to 2 s). Zero: no bound, the executor
  /// waits as long as the server. That is the main connection, of events and
  /// presence; the connection of requests and replies never waits to write,
  /// and pings the server every @c write_deadline instead: three unanswered,
  /// it counts as lost and reconnects (with zero, cnats's pings, every two
  /// minutes).
  std::chrono::milliseconds write_deadline{2000};

  /// Whether the router's retained history is kept in JetStream, on the
  /// NATS servers (started with @c -js), rather than in this process's
  /// memory: see docs/history.md.
  bool jetstream_history = false;

  /// The replicas of each JetStream stream the history makes: 1, or up to
  /// the number of servers of a cluster.
  int history_replicas = 1;

  /// Called on the router's executor for each error that no operation
  /// completes with: a message that cannot be decoded, a publish that failed,
  /// a lost connection. The subject is the one concerned, or empty.
  std::function<void(const std::string& subject, std::exception_ptr error)> on_error;

  /// Encodes kwargs and responses of type @c T with @c boost::json::value_from.
  /**
   * Strings, integers, floating point, @c bool, @c std::nullptr_t,
   * @c boost::json::value and <tt>std::vector<std::string></tt> need no
   * declaration.
   */
  template <class T>
  nats_options& json_type() {
    json_encoders.push_back(json_encoder{
        std::type_index(typeid(T)),
        [](const kwargs::value& v) { return boost::json::value_from(*v.get_if<T>()); },
        [](const std::any& a) { return boost::json::value_from(*std::any_cast<T>(&a)); }});
    return *this;
  }

  /// One user type's encoding, added by json_type().
  struct json_encoder {
    /// The type encoded.
    std::type_index type;
    /// Encodes a kwarg's value of that type.
    std::function<boost::json::value(const kwargs::value&)> from_kwarg;
    /// Encodes a response of that type, which a request handler returned.
    std::function<boost::json::value(const std::any&)> from_any;
  };

  /// The user types' encodings.
  std::vector<json_encoder> json_encoders;
};

/// Shares a @ref router's senders, events, listeners and requests with every
/// router linked to the same NATS system, in any process.
/**
 * Once started, each sender added to the router is announced to the other
 * links, whose routers get a proxy sender of that name with the same events:
 * its events, triggered here, are triggered there, and requests to the proxy
 * are forwarded here. Every kind of listener of the other routers, channels
 * and listeners registered before the sender exists, work unchanged.
 *
 * While the link is started, a trigger of a shared sender whose kwargs have no
 * JSON encoding fails with a @ref nats_error, before reaching any listener.
 *
 * @code
 * sig::router r(ctx);
 * sig::nats_link link(r, options);
 * co_await link.start();
 * co_await r.add_sender("temp", sig::events("#changed"));
 * co_await r.trigger("temp", "#changed", sig::arg("celsius", 21.5));
 * co_await link.stop();
 * @endcode
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Unsafe. The link's state lives on the router's
 * executor; cnats's threads only post to it.
 */
class nats_link {
 public:
  /// The type of the executor the link runs on: its router's.
  using executor_type = router::executor_type;

  /// A link of @c r, not yet started.
  /**
   * @throws std::invalid_argument for an empty server list, an invalid
   * prefix, or an expiry not longer than the heartbeat interval.
   */
  nats_link(router r, nats_options options);

  /// Stops the link without waiting for its server: prefer stop().
  /**
   * The stop runs on the link's executor, after the destructor returns. On
   * an @c io_context that no longer runs (stopped, or about to be
   * destroyed) it never does, and the connections stay open, their threads
   * posting to the context: await stop() before the context stops.
   */
  ~nats_link();

  nats_link(const nats_link&) = delete;
  nats_link& operator=(const nats_link&) = delete;

  /// The router's executor.
  executor_type get_executor() const noexcept;

  /// Connects to NATS and starts sharing the router's senders.
  /**
   * The router's senders, and those added from now on, are announced; the
   * senders of the other links are asked for and added as proxies as their
   * answers arrive.
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * A @ref nats_error when no server can be reached, when the link is started
   * or still stopping, or when stop() was called before the start completed:
   * the link is then stopped. While started, the link counts as outstanding
   * work on its executor.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto start(Token&& token = {}) {
    return asio::async_initiate<Token, void(std::exception_ptr)>(
        [this](auto handler) { start_impl(std::move(handler)); }, token);
  }

  /// Answers the requests being served, tells the other links that this
  /// one's senders are gone, removes the proxies it added (each announces
  /// @ref disconnect_event), and closes the connection.
  /**
   * The requests being served are answered before the senders are announced
   * gone, waiting for them up to nats_options::request_timeout; new requests
   * meanwhile fail at their requester with NATS's "no responders".
   *
   * @par Completion Signature
   * @code void(std::exception_ptr) @endcode
   * Once no cnats thread will touch the link again. Stopping a link that is
   * not started does nothing. A stop called while the link starts waits for
   * the start, which fails, and stops what it set up; one called while the
   * link stops completes with that stop.
   *
   * @par Per-Operation Cancellation
   * None.
   */
  template <class Token = asio::use_awaitable_t<>>
  auto stop(Token&& token = {}) {
    return asio::async_initiate<Token, void(std::exception_ptr)>(
        [this](auto handler) { stop_impl(std::move(handler)); }, token);
  }

  /// The messages received on the link's subjects that were dropped: those
  /// that could not be decoded, the events held for senders not announced in
  /// time (nats_options::held_event_bytes), those of senders that are this
  /// process's own, and those that did not fit within
  /// nats_options::pending_bytes (or in memory), in the link's mailbox or in
  /// cnats's queues (a slow consumer).
  std::uint64_t dropped_messages() const noexcept;

  /// The events, announcements and replies that could not be sent: a full
  /// reconnect buffer, a closed connection.
  std::uint64_t failed_publishes() const noexcept;

 private:
  void start_impl(asio::any_completion_handler<void(std::exception_ptr)> handler);
  void stop_impl(asio::any_completion_handler<void(std::exception_ptr)> handler);

  std::shared_ptr<detail::nats_link_state> state_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_NATS_HPP
