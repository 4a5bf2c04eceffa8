//
// broker.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "broker.hpp"

#include "glob.hpp"

#include <exception>
#include <string>
#include <utility>

namespace pubsub {
namespace {

void log_callback_error(const broker& b, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    b.log(std::string("a subscription callback failed: ") + x.what());
  } catch (...) {
    b.log("a subscription callback failed");
  }
}

}  // namespace

broker::broker(executor_type ex, server_options options)
    : options_(std::move(options)),
      messages_(ex, sig::arg("message", message())),
      message_kwarg_(messages_, "message"),
      flushes_(std::make_shared<flush_queue>(std::move(ex))) {
  // A callback only queues bytes; should one ever throw (out of memory), log
  // it rather than let the exception leave run().
  messages_.set_error_handler(
      [this](std::exception_ptr e, const sig::event&) { log_callback_error(*this, e); });
}

sig::key broker::add_pattern(std::string_view pattern) {
  auto it = patterns_.find(pattern);
  if (it == patterns_.end())
    it = patterns_.emplace(pattern, pattern_entry{next_pattern_id_++, 0}).first;
  ++it->second.subscribers;
  return sig::key(it->second.id);
}

void broker::remove_pattern(std::string_view pattern) {
  auto it = patterns_.find(pattern);
  if (it != patterns_.end() && --it->second.subscribers == 0) patterns_.erase(it);
}

void broker::match_patterns(std::string_view channel) {
  matched_.clear();
  for (const auto& [pattern, entry] : patterns_)
    if (glob_match(pattern, channel)) matched_.emplace_back(entry.id);
}

void broker::log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

server_stats broker::stats() const noexcept {
  server_stats s;
  s.connections_accepted = accepted_.load(std::memory_order_relaxed);
  s.connections_open = open_.load(std::memory_order_relaxed);
  s.output_buffer_disconnects = output_overflows_.load(std::memory_order_relaxed);
  s.protocol_errors = protocol_errors_.load(std::memory_order_relaxed);
  s.messages_published = published_.load(std::memory_order_relaxed);
  s.messages_delivered = delivered_.load(std::memory_order_relaxed);
  return s;
}

void broker::count_connected() noexcept {
  accepted_.fetch_add(1, std::memory_order_relaxed);
  open_.fetch_add(1, std::memory_order_relaxed);
}

void broker::count_disconnected() noexcept {
  open_.fetch_sub(1, std::memory_order_relaxed);
}

void broker::count_output_overflow() noexcept {
  output_overflows_.fetch_add(1, std::memory_order_relaxed);
}

void broker::count_protocol_error() noexcept {
  protocol_errors_.fetch_add(1, std::memory_order_relaxed);
}

void broker::count_published(std::size_t receivers) noexcept {
  flushes_->publish_completed();
  // Written only on the executor, so a load and a store do: no locked
  // read-modify-write per PUBLISH. stats() may read them from any thread.
  published_.store(published_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  delivered_.store(delivered_.load(std::memory_order_relaxed) + receivers,
                   std::memory_order_relaxed);
}

}  // namespace pubsub
