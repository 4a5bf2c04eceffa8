//
// detail/subscription_slot.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_SUBSCRIPTION_SLOT_HPP
#define ASIO_SIGNALS_DETAIL_SUBSCRIPTION_SLOT_HPP

#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/detail/send_gate.hpp>
#include <asio_signals/detail/slot.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/subscription.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <utility>

namespace asio_signals::detail {

// The buffer of a subscription, connected to its signal like a callback.
// Everything but dropped_ is touched on the signal's executor only.
class ASIO_SIGNALS_DECL subscription_slot final : public slot {
 public:
  subscription_slot(asio::any_io_executor ex, std::size_t capacity, overflow policy);

  std::shared_ptr<void> lock() const noexcept override { return {}; }

  const asio::any_io_executor& executor() const noexcept { return executor_; }
  std::size_t capacity() const noexcept { return capacity_; }
  overflow policy() const noexcept { return policy_; }
  std::size_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

  // Queues the event of a send; an event held back holds the gate of the
  // send's request, made on first use.
  void push(const event& ev, send_request& request);

  // Takes out the oldest event for `r`, or makes it wait for one.
  void receive(const std::shared_ptr<pending_wait>& r);

  // Withdraws a pending receive.
  void withdraw(const std::shared_ptr<pending_wait>& r);

  // No event will come: pending receives end once the buffer is empty.
  void close();

  // The subscription is gone: drops everything, releasing held sends.
  void discard();

  // Its removal will never run: drops everything, held sends and pending
  // receives included, without completing them.
  void abandon() noexcept;

 private:
  // Moves held events into the buffer while it has room.
  void refill();

  const asio::any_io_executor executor_;
  const std::size_t capacity_;
  const overflow policy_;
  std::deque<event> buffer_;
  std::deque<std::pair<event, std::shared_ptr<send_gate>>> held_;
  std::deque<std::shared_ptr<pending_wait>> receivers_;
  std::atomic<std::size_t> dropped_{0};
  bool closed_ = false;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_SUBSCRIPTION_SLOT_HPP
