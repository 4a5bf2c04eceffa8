//
// pubsub_server.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_PUBSUB_SERVER_HPP
#define PUBSUB_PUBSUB_SERVER_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace pubsub {

namespace asio = boost::asio;

/// Where a server listens and the limits it enforces; the defaults are Redis's.
struct server_options {
  /// The address to listen on.
  asio::ip::address bind_address = asio::ip::address_v4::loopback();

  /// The port to listen on; 0 lets the system pick one (see server::local_endpoint).
  std::uint16_t port = 6379;

  /// The longest bulk string a request may hold (Redis's @c proto-max-bulk-len).
  std::size_t max_bulk_len = std::size_t{512} * 1024 * 1024;

  /// The most bytes a client may have waiting to be sent before it is
  /// disconnected (Redis's hard @c client-output-buffer-limit for pubsub).
  std::size_t output_buffer_limit = std::size_t{32} * 1024 * 1024;

  /// The most bytes of an unfinished request a client may have sent before it
  /// is disconnected (Redis's @c client-query-buffer-limit).
  std::size_t query_buffer_limit = std::size_t{1024} * 1024 * 1024;

  /// Receives a line for each client dropped on a limit or an error; none if empty.
  std::function<void(std::string_view)> log;
};

/// A snapshot of a server's counters.
struct server_stats {
  /// Connections accepted since the server started.
  std::uint64_t connections_accepted = 0;

  /// Connections open now.
  std::uint64_t connections_open = 0;

  /// Clients disconnected because their output buffer went over the limit.
  std::uint64_t output_buffer_disconnects = 0;

  /// Clients disconnected for a protocol error or an oversized request.
  std::uint64_t protocol_errors = 0;

  /// PUBLISH commands run.
  std::uint64_t messages_published = 0;

  /// Messages those commands delivered: the sum of their replies.
  std::uint64_t messages_delivered = 0;
};

/// A TCP server speaking the publish/subscribe subset of Redis's protocol (RESP2).
/**
 * It runs SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PING,
 * QUIT and RESET, and answers every other request with the error Redis would
 * give, byte for byte. Routing is one asio_signals signal: each channel is a
 * key, each subscription a connection, and a PUBLISH a send whose count is the
 * reply.
 *
 * @code
 * asio::io_context ctx;
 * pubsub::server_options options;
 * options.port = 0;
 * pubsub::server server(ctx, options);
 * server.start();
 * std::cout << "listening on " << server.local_endpoint() << std::endl;
 * ctx.run();
 * @endcode
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Unsafe. The server, its clients and its signal all
 * live on its executor, which must run handlers one at a time: a
 * single-threaded @c io_context or a strand. Call @ref start and @ref stop on
 * it; @ref stats may be called from any thread.
 */
class server {
 public:
  /// The type of the executor everything runs on.
  using executor_type = asio::any_io_executor;

  /// A server on @c ex, bound and listening, not yet accepting.
  /**
   * @throws boost::system::system_error if it cannot listen on
   * @c options.bind_address and @c options.port.
   */
  server(executor_type ex, server_options options);

  /// A server on the executor of @c context; see the executor overload.
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, asio::execution_context&> server(
      ExecutionContext& context, server_options options)
      : server(executor_type(context.get_executor()), std::move(options)) {}

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Stops the server (see @ref stop).
  ~server();

  /// The executor the server runs on.
  executor_type get_executor() const noexcept;

  /// The address and port the server listens on.
  asio::ip::tcp::endpoint local_endpoint() const;

  /// Starts accepting clients.
  void start();

  /// Stops accepting and closes every client; the executor's context then runs out of work.
  /**
   * Replies already queued are dropped: this is a shutdown, not a drain.
   * Calling it again does nothing.
   */
  void stop();

  /// The counters, now.
  server_stats stats() const noexcept;

 private:
  class state;

  std::shared_ptr<state> state_;
};

}  // namespace pubsub

#endif  // PUBSUB_PUBSUB_SERVER_HPP
