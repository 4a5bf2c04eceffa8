//
// session.hpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_SESSION_HPP
#define PUBSUB_SESSION_HPP

#include "broker.hpp"
#include "commands.hpp"
#include "output_buffer.hpp"
#include "resp.hpp"
#include "subscription_list.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pubsub {

/// One client connection: reads its requests, runs them, writes its replies and messages.
/**
 * Requests are read with large reads and run in order, pipelined ones
 * included. A PUBLISH does not wait for its send: the session goes on with
 * the next request, and the replies of its sends are queued in order as they
 * complete; any other request first waits for them, so replies keep the order
 * of the requests.
 *
 * Output (replies, and messages queued by the subscriptions' callbacks) goes
 * to an @ref output_buffer and out with one flush per executor turn at most:
 * the first byte queued schedules a flush in the broker's @ref flush_queue,
 * which flushes every client together once the sends already queued (and,
 * for a turn or two, those started meanwhile) have queued their messages;
 * what comes while a write is in flight waits for the flush its completion
 * schedules, so that it too goes out with the rest of its turn rather than
 * in the middle of it. A flush writes while the socket takes more. Unsent
 * bytes are bounded by the server's output buffer limit: a client that does
 * not read its messages is disconnected, and never slows the others.
 *
 * The session is the sender of its PUBLISH sends. Its subscriptions'
 * callbacks hold a plain pointer to it: it disconnects them all (at once, see
 * asio_signals' connection::disconnect) when it closes, before it can go.
 */
class session : public std::enable_shared_from_this<session> {
 public:
  /// A session for the client on @c socket, which it puts in non-blocking mode.
  session(asio::ip::tcp::socket socket, std::shared_ptr<broker> b);

  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Closes the session.
  ~session();

  /// Starts reading requests.
  void start();

  /// Closes the connection at once, dropping the output not yet sent.
  void close() noexcept;

 private:
  friend class flush_queue;

  asio::awaitable<void> serve(std::shared_ptr<session> self);
  asio::awaitable<void> run_requests();
  asio::awaitable<void> run(command c, std::span<const std::string_view> args);
  asio::awaitable<void> settle_publishes();

  bool subscribed() const noexcept { return !channels_.empty() || !patterns_.empty(); }
  std::size_t subscriptions() const noexcept { return channels_.size() + patterns_.size(); }

  // The commands.
  void publish(std::string_view channel, std::string_view payload);
  void on_published(std::uint64_t id, std::exception_ptr e, std::size_t receivers);
  asio::awaitable<void> subscribe(std::span<const std::string_view> channels);
  asio::awaitable<void> psubscribe(std::span<const std::string_view> patterns);
  void unsubscribe(std::span<const std::string_view> channels);
  void punsubscribe(std::span<const std::string_view> patterns);
  void ping(std::span<const std::string_view> args);
  void drop_subscriptions() noexcept;
  void reply_subscription(std::string_view kind, std::optional<std::string_view> name);

  // The messages the subscriptions' callbacks queue.
  void on_message(const message& m);
  void on_pattern_message(const std::shared_ptr<const std::string>& head, const message& m);

  // Output.
  void reply_error(std::string_view message);
  void queued();
  void schedule_flush();
  void flush();
  void start_write();
  void write_more();
  void on_written(boost::system::error_code ec);
  void close_after_reply();
  void drop(std::string_view why);

  asio::ip::tcp::socket socket_;
  std::shared_ptr<broker> broker_;
  request_parser parser_;
  subscription_list channels_;
  subscription_list patterns_;

  // The replies of the PUBLISH sends not all complete yet, in request order;
  // `pending_reply` marks one whose send has not completed.
  static constexpr std::size_t pending_reply = static_cast<std::size_t>(-1);
  std::deque<std::size_t> publish_replies_;
  std::uint64_t first_publish_id_ = 0;
  asio::steady_timer publishes_settled_;

  output_buffer queued_;
  output_buffer writing_;
  std::vector<asio::const_buffer> gathered_;
  // The first of gathered_ not all written, and the bytes of writing_ written.
  std::size_t unwritten_ = 0;
  std::size_t written_ = 0;
  bool flush_scheduled_ = false;
  bool write_in_flight_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace pubsub

#endif  // PUBSUB_SESSION_HPP
