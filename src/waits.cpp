//
// waits.cpp
// ~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// What waits for sends: next() and subscriptions, and how the last handle of
// a signal ends them.

#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/subscription_slot.hpp>

#include <boost/asio/error.hpp>

#include <utility>
#include <vector>

namespace asio_signals::detail {

// A pending next(): a slot that a matching send completes once.
class signal_state::waiter final : public slot, public pending_wait {
 public:
  waiter(wait_handler handler, const asio::any_io_executor& fallback)
      : slot(slot::wait, false), pending_wait(std::move(handler), fallback) {}

  std::shared_ptr<void> lock() const noexcept override { return {}; }
};

void signal_state::start_wait(filter_request r, wait_handler handler) {
  auto w = std::make_shared<waiter>(std::move(handler), executor_);
  w->on_cancel(executor_, [state = weak_from_this(), target = std::weak_ptr<waiter>(w)] {
    auto self = state.lock();
    auto w = target.lock();
    if (self && w && self->waiters_.contains(w.get()))
      self->end_wait(*w, asio::error::operation_aborted, event());
  });
  waits_and_subscriptions_.fetch_add(1, std::memory_order_acq_rel);
  post_counted(posted_, executor_,
               [self = shared_from_this(), w, r = std::move(r)] { self->add_waiter(w, r); });
}

void signal_state::add_waiter(const std::shared_ptr<waiter>& w, const filter_request& r) {
  if (handles_.load(std::memory_order_acquire) == 0) {
    waits_and_subscriptions_.fetch_sub(1, std::memory_order_acq_rel);
    w->complete(executor_, asio::error::operation_aborted, event());
    return;
  }
  try {
    index_.insert(w);
    index_.subscribe(*w, r.senders, r.keys);
    waiters_.insert(w.get());
  } catch (...) {
    // The wait cannot start (an allocation failed): it ends at once.
    if (w->index_ref) index_.remove(*w);
    waits_and_subscriptions_.fetch_sub(1, std::memory_order_acq_rel);
    w->complete(executor_, asio::error::no_memory, event());
  }
}

// A send that matches a wait completes it with its event.
void signal_state::complete_wait(slot& s, const event& ev) {
  end_wait(static_cast<waiter&>(s), {}, ev);
}

void signal_state::end_wait(waiter& w, boost::system::error_code ec, event ev) {
  waiters_.erase(&w);
  waits_and_subscriptions_.fetch_sub(1, std::memory_order_acq_rel);
  // Out of the index first: completing may fail to allocate.
  std::shared_ptr<slot> ended = w.index_ref;
  index_.remove(w);
  static_cast<waiter&>(*ended).complete(executor_, ec, std::move(ev));
}

void signal_state::abort_waits() {
  // A user may have made a handle again, from an event's source, meanwhile.
  if (handles_.load(std::memory_order_acquire) != 0) return;
  std::vector<waiter*> all(waiters_.begin(), waiters_.end());
  for (waiter* w : all) end_wait(*w, asio::error::operation_aborted, event());
  for (subscription_slot* s : subscriptions_) s->close();
}

void signal_state::add_subscription(std::shared_ptr<subscription_slot> s, filter_request r) {
  waits_and_subscriptions_.fetch_add(1, std::memory_order_acq_rel);
  post_counted(posted_, executor_, [self = shared_from_this(), s = std::move(s), r = std::move(r)] {
    if (self->handles_.load(std::memory_order_acquire) == 0) s->close();
    try {
      self->index_.insert(s);
      self->index_.subscribe(*s, r.senders, r.keys);
      self->subscriptions_.insert(s.get());
    } catch (...) {
      // Not subscribed (an allocation failed): no event will come, and the
      // exception leaves run().
      if (s->index_ref) self->index_.remove(*s);
      self->waits_and_subscriptions_.fetch_sub(1, std::memory_order_acq_rel);
      s->close();
      throw;
    }
  });
}

namespace {

// Removes a subscription on the signal's executor. Its buffered events keep
// the signal's state alive, which owns the subscription: if the executor
// never runs the removal (its context is destroyed first), destroying it
// drops them, so the two are not left keeping each other alive.
struct subscription_removal {
  std::shared_ptr<signal_state> state;
  std::shared_ptr<subscription_slot> target;

  subscription_removal(std::shared_ptr<signal_state> state,
                       std::shared_ptr<subscription_slot> target) noexcept
      : state(std::move(state)), target(std::move(target)) {}
  subscription_removal(subscription_removal&&) noexcept = default;
  subscription_removal& operator=(subscription_removal&&) = delete;

  ~subscription_removal() {
    if (target) target->abandon();
  }

  void operator()() {
    state->end_subscription(*target);
    std::exchange(target, nullptr)->discard();
  }
};

}  // namespace

void signal_state::remove_subscription(std::shared_ptr<subscription_slot> s) {
  post_counted(posted_, executor_, subscription_removal(shared_from_this(), std::move(s)));
}

void signal_state::end_subscription(subscription_slot& s) {
  if (subscriptions_.erase(&s) != 0)
    waits_and_subscriptions_.fetch_sub(1, std::memory_order_acq_rel);
  if (s.index_ref) index_.remove(s);
}

}  // namespace asio_signals::detail
