//
// signal_state.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/detail/event_state.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace asio_signals::detail {
namespace {

asio::awaitable<void> run_coroutine(std::shared_ptr<slot> s, std::shared_ptr<void> object,
                                    event ev) {
  if (s->runnable()) co_await static_cast<coroutine_slot&>(*s).start(ev, object.get());
}

}  // namespace

void throw_empty_callback() {
  throw std::invalid_argument(
      "asio_signals: the callback is empty (a null pointer or an empty function)");
}

void throw_null_object() {
  throw std::invalid_argument("asio_signals: the member's object is null or has expired");
}

signal_state::signal_state(asio::any_io_executor ex, kwargs defaults)
    : executor_(std::move(ex)), defaults_(std::move(defaults)) {}

signal_state::~signal_state() = default;

void signal_state::add_handle() noexcept {
  handles_.fetch_add(1, std::memory_order_relaxed);
}

void signal_state::release_handle() noexcept {
  handles_.fetch_sub(1, std::memory_order_acq_rel);
}

void signal_state::set_error_handler(error_handler handler) {
  auto shared = handler ? std::make_shared<const error_handler>(std::move(handler)) : nullptr;
  std::lock_guard lock(error_mutex_);
  error_handler_ = std::move(shared);
}

void signal_state::resolve(send_request& r) const {
  r.args = merge_kwargs(defaults_, r.overrides);
  r.overrides.clear();
}

connection signal_state::make_connection(const slot& s) {
  return connection(weak_from_this(), s.self);
}

connection signal_state::connect(connect_request& r) {
  std::shared_ptr<slot> target = std::move(r.target);
  if (target->more && target->more->id) {
    if (slot* existing = index_.find(*target->more->id)) {
      if (existing->connected()) {
        index_.subscribe(*existing, r.senders, r.keys);
        return make_connection(*existing);
      }
      index_.remove(*existing);
    }
  }
  index_.insert(target);
  index_.subscribe(*target, r.senders, r.keys);
  return make_connection(*target);
}

void signal_state::disconnect(disconnect_request& r) {
  std::shared_ptr<slot> held;
  slot* target = nullptr;
  if (r.id) {
    target = index_.find(*r.id);
  } else if (r.target.state_.lock().get() == this) {
    held = r.target.slot_.lock();
    if (held && held->self) target = held.get();
  }
  if (target == nullptr) return;
  if (r.has_filters() && !index_.unsubscribe(*target, r.senders, r.keys)) return;
  target->cancel();
  index_.remove(*target);
}

void signal_state::remove(const std::shared_ptr<slot>& s) {
  if (s->self) index_.remove(*s);
}

event signal_state::make_event(send_request& r) {
  return event(std::make_shared<const event_state>(
      signal(shared_from_this(), signal::uncounted_t()), r, defaults_));
}

std::size_t signal_state::send(send_request& r) {
  matched_.clear();
  scheduled_.clear();
  pruned_.clear();
  index_.collect(r.senders, r.keys, matched_);
  for (slot* s : matched_) {
    std::shared_ptr<void> object;
    if (s->is_weak()) object = s->lock();
    // A connection disconnected from another thread, whose removal is still
    // on its way, or a weak member whose object expired.
    if (!s->connected() || (s->is_weak() && !object)) {
      pruned_.push_back(s);
      continue;
    }
    scheduled_.push_back({s, std::move(object)});
  }
  for (slot* s : pruned_) index_.remove(*s);
  if (scheduled_.empty()) return 0;
  const event ev = make_event(r);
  for (const scheduled& s : scheduled_) run(s, ev);
  std::size_t count = scheduled_.size();
  scheduled_.clear();
  return count;
}

void signal_state::run(const scheduled& s, const event& ev) {
  slot& target = *s.target;
  if (target.callback_kind() == slot::coroutine) {
    start_coroutine(target, s.object, ev);
  } else if (target.more && target.more->executor) {
    asio::any_io_executor ex = *target.more->executor;
    asio::post(ex, [self = shared_from_this(), target = target.self, object = s.object, ev, ex] {
      self->call(*target, object.get(), ev, ex);
    });
  } else {
    call(target, s.object.get(), ev, executor_);
  }
}

void signal_state::call(slot& s, void* object, const event& ev, const asio::any_io_executor& ex) {
  if (!s.runnable()) return;
  try {
    static_cast<plain_slot&>(s).call(ev, object);
  } catch (...) {
    report(std::current_exception(), ev, ex);
  }
}

void signal_state::start_coroutine(slot& s, std::shared_ptr<void> object, const event& ev) {
  asio::any_io_executor ex = s.more && s.more->executor ? *s.more->executor : executor_;
  asio::co_spawn(ex, run_coroutine(s.self, std::move(object), ev),
                 [self = shared_from_this(), ev, ex](std::exception_ptr e) {
                   if (e) self->report(e, ev, ex);
                 });
}

void signal_state::report(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex) {
  std::shared_ptr<const error_handler> handler;
  {
    std::lock_guard lock(error_mutex_);
    handler = error_handler_;
  }
  if (handler) {
    try {
      (*handler)(e, ev);
      return;
    } catch (...) {
      e = std::current_exception();
    }
  }
  asio::post(ex, [e] { std::rethrow_exception(e); });
}

}  // namespace asio_signals::detail
