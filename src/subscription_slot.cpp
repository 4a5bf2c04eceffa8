//
// subscription_slot.cpp
// ~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/subscription_slot.hpp>

#include <asio_signals/detail/send_gate.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <utility>

namespace asio_signals::detail {

subscription_slot::subscription_slot(asio::any_io_executor ex, std::size_t capacity,
                                     overflow policy)
    : slot(slot::queue, false), executor_(std::move(ex)), capacity_(capacity), policy_(policy) {}

void subscription_slot::push(const event& ev, send_request& request) {
  if (closed_) return;
  if (buffer_.empty() && held_.empty() && !receivers_.empty()) {
    auto r = std::move(receivers_.front());
    receivers_.pop_front();
    r->complete(executor_, boost::system::error_code(), ev);
    return;
  }
  if (buffer_.size() < capacity_ && held_.empty()) {
    buffer_.push_back(ev);
    return;
  }
  switch (policy_) {
    case overflow::drop_oldest:
      if (!buffer_.empty()) {
        buffer_.pop_front();
        buffer_.push_back(ev);
      }
      dropped_.fetch_add(1, std::memory_order_relaxed);
      break;
    case overflow::drop_newest:
      dropped_.fetch_add(1, std::memory_order_relaxed);
      break;
    case overflow::wait: {
      std::shared_ptr<send_gate>& gate = request.options().gate;
      if (!gate) gate = std::make_shared<send_gate>();
      // Held only once stored: a failed store holds nothing.
      held_.emplace_back(ev, gate);
      gate->hold();
      break;
    }
  }
}

void subscription_slot::refill() {
  while (!held_.empty() && buffer_.size() < capacity_) {
    auto [ev, gate] = std::move(held_.front());
    held_.pop_front();
    buffer_.push_back(std::move(ev));
    gate->release();
  }
}

void subscription_slot::receive(const std::shared_ptr<pending_wait>& r) {
  if (!buffer_.empty()) {
    event ev = std::move(buffer_.front());
    buffer_.pop_front();
    r->complete(executor_, boost::system::error_code(), std::move(ev));
    refill();
  } else if (!held_.empty()) {
    // A buffer of capacity 0 hands a held event straight to the receiver.
    auto [ev, gate] = std::move(held_.front());
    held_.pop_front();
    r->complete(executor_, boost::system::error_code(), std::move(ev));
    gate->release();
  } else if (closed_) {
    r->complete(executor_, asio::error::operation_aborted, event());
  } else {
    receivers_.push_back(r);
  }
}

void subscription_slot::withdraw(const std::shared_ptr<pending_wait>& r) {
  auto it = std::find(receivers_.begin(), receivers_.end(), r);
  if (it == receivers_.end()) return;
  receivers_.erase(it);
  r->complete(executor_, asio::error::operation_aborted, event());
}

void subscription_slot::close() {
  closed_ = true;
  if (!buffer_.empty() || !held_.empty()) return;
  auto waiting = std::exchange(receivers_, {});
  for (auto& r : waiting) r->complete(executor_, asio::error::operation_aborted, event());
}

void subscription_slot::abandon() noexcept {
  buffer_.clear();
  held_.clear();
  receivers_.clear();
}

void subscription_slot::discard() {
  buffer_.clear();
  auto held = std::exchange(held_, {});
  for (auto& [ev, gate] : held) gate->release();
  close();
}

}  // namespace asio_signals::detail
