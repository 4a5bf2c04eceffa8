//
// nats/history.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SRC_NATS_HISTORY_HPP
#define ASIO_SIGNALS_SRC_NATS_HISTORY_HPP

#include <asio_signals/router.hpp>

#include <asio_signals/detail/history_log.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio_signals::detail {

// A router's retained history in JetStream: one stream per retained topic,
// capturing the subjects the link publishes the topic's events on, and the
// durable subscribers' acknowledged places in a key-value bucket. Every
// blocking cnats call runs on `blocking`; the subscribers' places are
// touched only there, one call at a time.
class nats_history final : public history_backend,
                           public std::enable_shared_from_this<nats_history> {
 public:
  // A JetStream request waits for its reply at most `wait`; `report` is
  // called on `ex` for a kept message that cannot be decoded.
  nats_history(asio::any_io_executor ex, asio::thread_pool::executor_type blocking,
               natsConnection* conn, std::string prefix, int replicas,
               std::chrono::milliseconds wait,
               std::function<void(std::string, std::exception_ptr)> report);
  ~nats_history() override;

  // Every operation from now on fails with not_connected_error, without
  // a cnats call: the link stopped.
  void close();

  void retain(history_request r, history_done<> done) override;
  void pull(history_request r, history_done<std::vector<retained_event>> done) override;
  void subscribe(std::string name, history_request r, history_done<> done) override;
  void pull(std::string name, std::size_t batch, bool wait, std::function<bool()> wanted,
            history_done<std::vector<retained_event>> done) override;
  void ack(std::string name, std::vector<retained_event> batch, history_done<> done) override;
  void unsubscribe(std::string name, history_done<bool> done) override;

  // The name of the stream of a topic, and the subject it captures.
  std::string stream_name(const topic& t) const;
  std::string stream_subject(const topic& t) const;

 private:
  struct destroy_subscription {
    void operator()(natsSubscription* sub) const noexcept { natsSubscription_Destroy(sub); }
  };

  // Where a durable subscriber is in one topic's stream, and the consumer
  // that reads it on from `next`, kept between pulls.
  struct cursor {
    cursor(topic t, std::uint64_t place) : t(std::move(t)), delivered(place), acked(place) {}

    topic t;
    std::uint64_t delivered;
    std::uint64_t acked;
    std::unique_ptr<natsSubscription, destroy_subscription> reader;
    std::uint64_t next = 0;
    // The events after `next - 1` the consumer said it has.
    std::uint64_t pending = 0;
    std::chrono::steady_clock::time_point used;
  };

  // Where a fetch starts: after a sequence number, or at a time.
  struct start {
    std::uint64_t after = 0;
    std::optional<history_clock::time_point> time;
  };

  // Runs `f` on the blocking thread, then `done` with its result or what it
  // threw on the router's executor.
  template <class F, class... T>
  void run(history_done<T...> done, F f);

  // Blocking: the calls below run on the blocking thread only.
  // The events of a topic's stream from `from` on, at most `batch`.
  std::vector<retained_event> fetch(const topic& t, start from, std::size_t batch);
  // A consumer of a topic's stream from `from` on; throws router_error for
  // a topic that is not retained.
  natsSubscription* open(const topic& t, start from);
  // The events the consumer has for its next fetch.
  std::uint64_t pending_of(const topic& t, natsSubscription* sub);
  // Reads `n` events, no more than the consumer has; `last` is the stream
  // sequence number of the last message read, `left` what the consumer has
  // after it. A message that cannot be decoded is reported and skipped.
  std::vector<retained_event> read(const topic& t, natsSubscription* sub, std::size_t n,
                                   std::uint64_t& last, std::uint64_t& left);
  // The next events of a cursor, from its kept consumer.
  std::vector<retained_event> read_on(cursor& c, std::size_t batch);
  // Throws router_error unless the topic has a stream.
  void check_retained(const topic& t);
  // The bucket of the durable subscribers' places, made if absent.
  kvStore* bucket();
  // The JetStream context, made at the first use.
  jsCtx* js();
  // Saves `acked`, the places of the subscriber's `cursors`; with `wait`,
  // returns once JetStream has stored them.
  void save(const std::string& name, const std::vector<cursor>& cursors,
            const std::vector<std::uint64_t>& acked, bool wait);
  // The next events of a durable subscriber, moving it past them.
  std::vector<retained_event> take(const std::string& name, std::size_t batch);
  // Moves a durable subscriber back before events a pull took and its caller
  // did not get.
  void give_back(const std::string& name, const std::vector<retained_event>& events);

  asio::any_io_executor executor_;
  asio::thread_pool::executor_type blocking_;
  std::string prefix_;
  int replicas_;
  std::chrono::milliseconds wait_;
  natsConnection* conn_;
  // Set on the router's executor, read there only.
  bool closed_ = false;
  std::function<void(std::string, std::exception_ptr)> report_;
  jsCtx* js_ = nullptr;
  kvStore* kv_ = nullptr;
  std::map<std::string, std::vector<cursor>> subscribers_;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_NATS_HISTORY_HPP
