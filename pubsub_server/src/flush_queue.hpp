//
// flush_queue.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_FLUSH_QUEUE_HPP
#define PUBSUB_FLUSH_QUEUE_HPP

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace pubsub {

namespace asio = boost::asio;

class session;

/// The clients' output, written together, as redis-server writes it before
/// its event loop sleeps.
/**
 * A client with output to write is added, and one handler, posted when the
 * first is, writes the output of every client added until it runs. While
 * sends of PUBLISH commands are still to complete, it first waits for up to
 * @ref max_waits more turns of the executor, in which those sends, and the
 * sends of the requests read meanwhile, queue their messages: they go out in
 * the same writes. Without sends pending, output goes out in the turn after
 * it was queued.
 *
 * The clients without subscriptions are written between the two halves of
 * the subscribers. A publisher waiting for its replies then sends its next
 * requests while the second half's output is written, and the next turn
 * reads every publisher's together, as redis-server's next loop reads every
 * client that became ready while it wrote. Written after every subscriber,
 * the replies came too late for that; written before every subscriber, they
 * had each subscriber wait for them too, for about a sixth more p99 delivery
 * latency (docs/performance.md).
 *
 * The queue holds the sessions it is to flush, and they hold the broker,
 * which holds the queue: when the server stops, clear() drops them. A posted
 * handler holds the queue only.
 *
 * @par Thread Safety
 * On the executor only.
 */
class flush_queue : public std::enable_shared_from_this<flush_queue> {
 public:
  /// The type of the executor the flushes run on.
  using executor_type = asio::any_io_executor;

  /// The most turns a flush waits for sends still to complete.
  static constexpr int max_waits = 2;

  /// A queue whose flushes run on @c ex.
  explicit flush_queue(executor_type ex) : executor_(std::move(ex)) {}

  flush_queue(const flush_queue&) = delete;
  flush_queue& operator=(const flush_queue&) = delete;

  /// Flushes @c s's output with the other clients' (session::flush()).
  void add(std::shared_ptr<session> s);

  /// Counts a PUBLISH whose sends started: their callbacks may queue output.
  void publish_started() noexcept { ++publishes_pending_; }

  /// Counts a PUBLISH whose sends completed.
  void publish_completed() noexcept { --publishes_pending_; }

  /// Drops the flushes not yet run; not from a flush.
  void clear() noexcept;

 private:
  using session_list = std::vector<std::shared_ptr<session>>;

  void post();
  void run();
  void flush(session_list& list, std::size_t count);

  executor_type executor_;
  session_list unsubscribed_;
  session_list subscribed_;
  std::size_t publishes_pending_ = 0;
  int waits_ = 0;
  bool posted_ = false;
};

}  // namespace pubsub

#endif  // PUBSUB_FLUSH_QUEUE_HPP
