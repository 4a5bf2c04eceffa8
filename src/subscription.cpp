//
// subscription.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/subscription.hpp>

#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/signal_state.hpp>
#include <asio_signals/detail/subscription_slot.hpp>

namespace asio_signals {

subscription::subscription(const signal& s, std::size_t capacity, overflow policy,
                           detail::filter_request filters)
    : state_(s.state_),
      slot_(std::make_shared<detail::subscription_slot>(s.get_executor(), capacity, policy)) {
  s.state_->add_subscription(slot_, std::move(filters));
}

subscription& subscription::operator=(subscription&& other) noexcept {
  if (this != &other) {
    unsubscribe();
    state_ = std::move(other.state_);
    slot_ = std::move(other.slot_);
  }
  return *this;
}

subscription::~subscription() {
  unsubscribe();
}

void subscription::unsubscribe() noexcept {
  auto slot = std::exchange(slot_, nullptr);
  if (!slot) return;
  try {
    if (auto state = state_.lock())
      state->remove_subscription(slot);
    else
      detail::post_counted(slot->executor(), [slot] { slot->discard(); });
  } catch (...) {
    // Without memory to post, pending receives end with the buffer.
  }
}

subscription::executor_type subscription::get_executor() const noexcept {
  return slot_->executor();
}

std::size_t subscription::capacity() const noexcept {
  return slot_->capacity();
}

overflow subscription::policy() const noexcept {
  return slot_->policy();
}

std::size_t subscription::dropped() const noexcept {
  return slot_->dropped();
}

void subscription::start_receive(const std::shared_ptr<detail::subscription_slot>& slot,
                                 detail::pending_wait::handler_type handler) {
  auto r = std::make_shared<detail::pending_wait>(std::move(handler), slot->executor());
  r->on_cancel(slot->executor(), [slot = std::weak_ptr(slot), target = std::weak_ptr(r)] {
    auto s = slot.lock();
    auto r = target.lock();
    if (s && r) s->withdraw(r);
  });
  detail::post_counted(slot->executor(), [slot, r] { slot->receive(r); });
}

}  // namespace asio_signals
