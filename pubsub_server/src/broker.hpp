//
// broker.hpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_BROKER_HPP
#define PUBSUB_BROKER_HPP

#include "flush_queue.hpp"
#include "message.hpp"
#include "pubsub_server.hpp"
#include "string_hash.hpp"

#include <asio_signals.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pubsub {

namespace sig = asio_signals;

/// What every client of a server shares: the routing, the limits, the flush queue and the counters.
/**
 * Routing is one asio_signals signal, whose kwarg @c "message" is the
 * @ref message. A channel is the string key of its name; a client's
 * subscription to it is a connection filtered on that key, whose callback
 * queues the message for the client; a PUBLISH is a send naming the key, so
 * the send's count — the callbacks it scheduled — is the number of clients
 * that received it, which is what Redis replies.
 *
 * Patterns cannot be hashed keys: whether a pattern takes a message depends
 * on the channel. Each distinct pattern gets an integer key of its own (an
 * integer never equals a string key); a PUBLISH first matches the channel
 * against every distinct pattern, as Redis does, then sends to the keys of
 * those that match. A pattern subscription is a connection filtered on its
 * pattern's key, so the send counts it exactly when Redis would: once per
 * matching subscription, even for a client that is also subscribed to the
 * channel or to another matching pattern. The other design, one unfiltered
 * connection per pattern subscriber filtering by glob in its callback, would
 * make every send schedule (and count) every pattern subscriber, matching or
 * not, and match a pattern once per subscriber rather than once.
 *
 * Each client is the sender of its PUBLISH sends: the events name who
 * published, though no connection filters on it (Redis has no such filter).
 *
 * @par Thread Safety
 * The signal and the patterns on the executor only; the counters from any thread.
 */
class broker {
 public:
  /// The type of the executor the signal is bound to.
  using executor_type = asio::any_io_executor;

  /// A broker whose signal is bound to @c ex, enforcing @c options.
  broker(executor_type ex, server_options options);

  /// The limits.
  const server_options& options() const noexcept { return options_; }

  /// The signal messages are sent on.
  sig::signal& messages() noexcept { return messages_; }

  /// The clients' flushes, run together once per turn.
  flush_queue& flushes() noexcept { return *flushes_; }

  /// The message an event of messages() carries, found by position.
  const message& message_of(const sig::event& ev) const { return message_kwarg_.get(ev); }

  /// Counts one more subscriber of @c pattern; returns the key its connection filters on.
  sig::key add_pattern(std::string_view pattern);

  /// Counts one subscriber of @c pattern less.
  void remove_pattern(std::string_view pattern);

  /// Sends @c payload on @c channel, naming @c publisher as the sender.
  /**
   * @c handler(std::exception_ptr, std::size_t) receives the number of
   * subscriptions that took the message, on the executor.
   *
   * When patterns match, the channel's subscribers and the patterns'
   * subscribers get two sends, in that order: a client subscribed to both
   * receives the @c message push before the @c pmessage pushes, as in Redis,
   * whatever the order it subscribed in (one send would run its callbacks in
   * connection order).
   */
  template <class Handler>
  void publish(const void* publisher, std::string_view channel, std::string_view payload,
               Handler&& handler) {
    message m(channel, payload);
    match_patterns(channel);
    if (matched_.empty()) {
      messages_.send(sig::sender(publisher), sig::key(channel), sig::arg("message", std::move(m)),
                     std::forward<Handler>(handler));
      return;
    }
    auto both =
        std::make_shared<joined_sends<std::decay_t<Handler>>>(std::forward<Handler>(handler));
    auto part = [both](std::exception_ptr e, std::size_t receivers) {
      both->complete(e, receivers);
    };
    messages_.send(sig::sender(publisher), sig::key(channel), sig::arg("message", m), part);
    messages_.send(sig::sender(publisher), sig::keys(matched_), sig::arg("message", std::move(m)),
                   std::move(part));
  }

  /// Writes a line to the log, if there is one.
  void log(std::string_view line) const;

  /// The counters, now.
  server_stats stats() const noexcept;

  /// Counts a client connected.
  void count_connected() noexcept;

  /// Counts a client disconnected.
  void count_disconnected() noexcept;

  /// Counts a client dropped because its output buffer went over the limit.
  void count_output_overflow() noexcept;

  /// Counts a client dropped for a protocol error or an oversized request.
  void count_protocol_error() noexcept;

  /// Counts a PUBLISH whose sends started; on the executor.
  void count_publishing() noexcept { flushes_->publish_started(); }

  /// Counts a PUBLISH that reached @c receivers subscriptions, its sends
  /// complete; on the executor.
  void count_published(std::size_t receivers) noexcept;

 private:
  // Completes a handler once both sends of a PUBLISH have, with their total.
  template <class Handler>
  class joined_sends {
   public:
    explicit joined_sends(Handler handler) : handler_(std::move(handler)) {}

    void complete(std::exception_ptr e, std::size_t receivers) {
      receivers_ += receivers;
      if (e) error_ = e;
      if (++completed_ == 2) std::move(handler_)(error_, receivers_);
    }

   private:
    Handler handler_;
    std::exception_ptr error_;
    std::size_t receivers_ = 0;
    int completed_ = 0;
  };

  struct pattern_entry {
    std::uint64_t id;
    std::size_t subscribers;
  };

  // Sets matched_ to the keys of the patterns that match `channel`.
  void match_patterns(std::string_view channel);

  const server_options options_;
  sig::signal messages_;
  sig::kwarg_handle<message> message_kwarg_;
  boost::unordered_flat_map<std::string, pattern_entry, string_hash, std::equal_to<>> patterns_;
  std::uint64_t next_pattern_id_ = 0;
  std::vector<sig::key> matched_;
  std::shared_ptr<flush_queue> flushes_;

  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> open_{0};
  std::atomic<std::uint64_t> output_overflows_{0};
  std::atomic<std::uint64_t> protocol_errors_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace pubsub

#endif  // PUBSUB_BROKER_HPP
