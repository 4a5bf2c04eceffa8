//
// signal_state.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/coroutine_launch.hpp>
#include <asio_signals/detail/event_state.hpp>
#include <asio_signals/detail/subscription_slot.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/associated_executor.hpp>

#include <algorithm>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/system/system_error.hpp>

namespace asio_signals::detail {
namespace {}  // namespace

// A pending next(): a slot that a matching send completes once.
class signal_state::waiter final : public slot, public pending_wait {
 public:
  waiter(wait_handler handler, const asio::any_io_executor& fallback)
      : slot(slot::wait, false), pending_wait(std::move(handler), fallback) {}

  std::shared_ptr<void> lock() const noexcept override { return {}; }
};

// A send_and_wait: collects the outcome of every callback the send
// scheduled, on the signal's executor, and completes once all are in.
class signal_state::gathering {
 public:
  gathering(std::shared_ptr<signal_state> state, outcomes_handler handler)
      : state_(std::move(state)), completion_(std::move(handler), state_->executor_) {}

  void on_cancel(const asio::any_io_executor& ex, std::function<void()> withdraw) {
    completion_.on_cancel(ex, std::move(withdraw));
  }

  // Before the callbacks run: one outcome each, in connection order.
  void expect(connection c) { outcomes_.push_back({std::move(c), nullptr}); }
  void set_event(event ev) { event_ = std::move(ev); }

  // After the send scheduled its callbacks.
  void start() {
    started_ = true;
    if (pending() == 0) finish();
  }

  // A callback ended. Once the wait is over, exceptions go to the handler.
  void record(std::size_t index, std::exception_ptr e, const asio::any_io_executor& ex) {
    if (done_) {
      if (e) state_->report(e, event_, ex);
      return;
    }
    outcomes_[index].error = e;
    ++recorded_;
    if (started_ && pending() == 0) finish();
  }

  // The request was invalid: nothing was scheduled.
  void fail(std::exception_ptr e) {
    done_ = true;
    completion_.complete(state_->executor_, e, std::vector<outcome>());
  }

  void cancel() {
    if (done_) return;
    fail(std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted)));
  }

 private:
  std::size_t pending() const noexcept { return outcomes_.size() - recorded_; }

  void finish() {
    done_ = true;
    completion_.complete(state_->executor_, std::exception_ptr(), std::move(outcomes_));
  }

  std::shared_ptr<signal_state> state_;
  completion<void(std::exception_ptr, std::vector<outcome>)> completion_;
  std::vector<outcome> outcomes_;
  event event_;
  std::size_t recorded_ = 0;
  bool started_ = false;
  bool done_ = false;
};

// Runs a plain callback, unless it was disconnected meanwhile; returns what it threw.
inline std::exception_ptr run_plain(slot& s, void* object, const event& ev) noexcept {
  if (!s.runnable()) return nullptr;
  try {
    static_cast<plain_slot&>(s).call(ev, object);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

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
  if (handles_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (waits_.load(std::memory_order_acquire) == 0) return;
  try {
    asio::post(executor_, [self = shared_from_this()] { self->abort_waits(); });
  } catch (...) {
    // Without memory to post, the waits end with the signal's state.
  }
}

void signal_state::set_error_handler(error_handler handler) {
  auto shared = handler ? std::make_shared<const error_handler>(std::move(handler)) : nullptr;
  std::lock_guard lock(error_mutex_);
  error_handler_ = std::move(shared);
}

void signal_state::mute() noexcept {
  muted_.fetch_add(1, std::memory_order_acq_rel);
}

void signal_state::unmute() noexcept {
  try {
    asio::post(executor_, [self = shared_from_this()] {
      self->muted_.fetch_sub(1, std::memory_order_acq_rel);
    });
  } catch (...) {
    muted_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

signal signal_state::receiver_connected() {
  std::lock_guard lock(notifier_mutex_);
  if (!connected_) {
    connected_ = std::make_unique<signal>(executor_, arg("connection", connection()));
    notify_connected_.store(true, std::memory_order_release);
  }
  return *connected_;
}

signal signal_state::receiver_disconnected() {
  std::lock_guard lock(notifier_mutex_);
  if (!disconnected_) {
    disconnected_ =
        std::make_unique<signal>(executor_, arg("connection", connection()), arg("ended", false));
    notify_disconnected_.store(true, std::memory_order_release);
  }
  return *disconnected_;
}

// A notification that fails (to allocate) does not undo what it announces:
// its exception leaves the run() of the signal's executor instead.
void signal_state::notify_connected(const slot& s, const std::vector<sender>& senders,
                                    const std::vector<key>& keys) {
  if (!notify_connected_.load(std::memory_order_acquire)) return;
  try {
    connected_->send(asio_signals::senders(senders), asio_signals::keys(keys),
                     arg("connection", make_connection(s)), asio::detached);
  } catch (...) {
    asio::post(executor_, [e = std::current_exception()] { std::rethrow_exception(e); });
  }
}

void signal_state::notify_disconnected(const std::shared_ptr<slot>& s,
                                       const std::vector<sender>& senders,
                                       const std::vector<key>& keys, bool ended) {
  if (!notify_disconnected_.load(std::memory_order_acquire)) return;
  try {
    disconnected_->send(asio_signals::senders(senders), asio_signals::keys(keys),
                        arg("connection", connection(weak_from_this(), s)), arg("ended", ended),
                        asio::detached);
  } catch (...) {
    asio::post(executor_, [e = std::current_exception()] { std::rethrow_exception(e); });
  }
}

void signal_state::resolve(send_request& r) const noexcept {
  try {
    merge_kwargs(r.named->args, defaults_, r.named->overrides);
    r.named->resolved = true;
    r.named->overrides.clear();
  } catch (...) {
    r.named->error = std::current_exception();
  }
}

connection signal_state::make_connection(const slot& s) {
  return connection(weak_from_this(), s.self);
}

slot* signal_state::find(const connection& c) const noexcept {
  if (c.state_.lock().get() != this) return nullptr;
  auto s = c.slot_.lock();
  // A slot in the index is owned by it, so the pointer outlives `s`.
  return s && s->self ? s.get() : nullptr;
}

void signal_state::end_connection(slot& s) {
  static const std::vector<sender> no_senders;
  static const std::vector<key> no_keys;
  // Out of the index before the notification, which may fail.
  std::shared_ptr<slot> ended = s.self;
  index_.remove(s);
  notify_disconnected(ended, ended->more ? ended->more->senders : no_senders,
                      ended->more ? ended->more->keys : no_keys, true);
}

void signal_state::end_connections(const std::vector<slot*>& slots) {
  std::exception_ptr first;
  for (slot* s : slots) {
    try {
      if (s->self) end_connection(*s);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

// Finds the connection of a comparable callable. A weak member whose object
// expired is gone even before a send prunes it: a new object at the same
// address is another callable, so the stale connection ends here.
slot* signal_state::find_live(const callable_id& id) {
  slot* s = index_.find(id);
  if (s == nullptr) return nullptr;
  if (s->connected() && !(s->is_weak() && !s->lock())) return s;
  end_connection(*s);
  return nullptr;
}

connection signal_state::connect(connect_request& r) {
  std::shared_ptr<slot> target = std::move(r.target);
  if (target->more && target->more->id) {
    if (slot* existing = find_live(*target->more->id)) {
      // Subscribes to all the new filters or, failing, to none.
      index_.subscribe(*existing, r.senders, r.keys);
      if (r.max_calls != 0) existing->limit_calls(r.max_calls);
      if (!r.not_from.empty()) existing->ignore_senders(r.not_from);
      notify_connected(*existing, r.senders, r.keys);
      return make_connection(*existing);
    }
  }
  if ((r.max_calls != 0 || !r.not_from.empty()) && !target->more)
    target->more = std::make_unique<slot::extras>();
  if (r.max_calls != 0) target->limit_calls(r.max_calls);
  if (!r.not_from.empty()) target->ignore_senders(r.not_from);
  index_.insert(target);
  try {
    index_.subscribe(*target, r.senders, r.keys);
  } catch (...) {
    index_.remove(*target);
    throw;
  }
  notify_connected(*target, r.senders, r.keys);
  return make_connection(*target);
}

void signal_state::disconnect(disconnect_request& r) {
  slot* target = r.id ? find_live(*r.id) : find(r.target);
  if (target == nullptr) return;
  if (!r.has_filters()) {
    target->cancel();
    end_connection(*target);
    return;
  }
  bool nothing_left = index_.unsubscribe(*target, r.senders, r.keys);
  std::shared_ptr<slot> changed = target->self;
  if (nothing_left) {
    target->cancel();
    index_.remove(*target);
  }
  notify_disconnected(changed, r.senders, r.keys, nothing_left);
}

void signal_state::remove(const std::shared_ptr<slot>& s) {
  if (s->self) end_connection(*s);
}

bool signal_state::has_receivers(const filter_request& r) const {
  return index_.matches_any(r.senders, r.keys);
}

filter_set signal_state::filters(const connection& c) const {
  const slot* s = find(c);
  if (s == nullptr) return {};
  if (!s->more) return {s->unfiltered, {}, {}};
  return {s->unfiltered, s->more->senders, s->more->keys};
}

void signal_state::prepare_event() {
  // The signal keeps the state of its previous send, which no event refers
  // to any more (see release_event), and fills it again: no allocation and no
  // reference counting per send.
  if (!spare_event_)
    spare_event_ = event(std::make_shared<event_state>(signal(this, signal::uncounted_t())));
}

const event& signal_state::make_event(send_request& r) {
  const_cast<event_state&>(*spare_event_.state_).assign(r.named.get(), defaults_);
  return spare_event_;
}

void signal_state::release_event() {
  if (spare_event_.state_.use_count() == 1) return;
  // The event escaped the send: its copies must keep this state alive, and
  // this state lets go of it, so neither keeps the other alive.
  const_cast<event_state&>(*spare_event_.state_).owner = shared_from_this();
  spare_event_ = event();
}

// Selects a slot a send matches that select_all's inline path does not take:
// skips it while blocked or when the send is from a sender it ignores,
// prunes it once gone, otherwise schedules it.
void signal_state::select_other(slot& s, const send_options* named,
                                const std::shared_ptr<gathering>& g, std::size_t& callbacks) {
  switch (s.ready()) {
    case slot::readiness::blocked:
      return;
    case slot::readiness::gone:
      // Disconnected from another thread, its removal still on its way.
      pruned_.push_back(&s);
      return;
    case slot::readiness::ready:
      break;
  }
  if (named && s.ignores_any(named->senders)) return;
  std::uint32_t kept = 0;
  if (s.is_weak()) {
    // The object stays alive until the callback has run.
    std::shared_ptr<void> object = s.lock();
    if (!object) {
      pruned_.push_back(&s);
      return;
    }
    kept_.push_back(std::move(object));
    kept = static_cast<std::uint32_t>(kept_.size());
  }
  if (s.is_callback() && g) g->expect(make_connection(s));
  bool counted = s.counted();
  scheduled_.push_back({&s, kept, true, counted});
  counted_ += counted;
  callbacks += s.is_callback();
}

// Selects the slots a send matches, in connection order. A plain callback on
// the signal's executor, the common case, runs inline, in the send's task.
void signal_state::select_all(const send_options* named, const std::shared_ptr<gathering>& g,
                              std::size_t& callbacks) {
  const bool gathering = g != nullptr;
  auto select_slot = [&](slot& s) {
    if (!gathering && s.ready_inline()) {
      bool counted = s.counted();
      scheduled_.push_back({&s, 0, false, counted});
      counted_ += counted;
      ++callbacks;
    } else {
      select_other(s, named, g, callbacks);
    }
  };
  if (lists_.size() == 1) {
    // One list is already in connection order, each slot in it once.
    lists_.front()->for_each(select_slot);
  } else if (lists_.size() > 1) {
    matched_.clear();
    for (const slot_list* list : lists_)
      list->for_each([this](slot& s) { matched_.push_back(&s); });
    std::sort(matched_.begin(), matched_.end(),
              [](const slot* a, const slot* b) { return a->seq < b->seq; });
    matched_.erase(std::unique(matched_.begin(), matched_.end()), matched_.end());
    for (slot* s : matched_) select_slot(*s);
  }
  if (counted_ != 0) exhausted_.reserve(counted_);
}

void signal_state::commit_selection() {
  if (counted_ != 0) {
    for (const scheduled& entry : scheduled_) {
      if (entry.counted && --entry.target->more->calls_left == 0)
        exhausted_.push_back(entry.target);
    }
  }
  if (!pruned_.empty()) end_connections(pruned_);
}

void signal_state::run_other(const scheduled& entry, const event& ev, send_request& r,
                             const std::shared_ptr<gathering>& g, std::size_t index) {
  slot& target = *entry.target;
  switch (target.callback_kind()) {
    case slot::plain:
    case slot::coroutine:
      run(target, entry.kept != 0 ? kept_[entry.kept - 1] : nullptr, ev, g, index);
      break;
    case slot::wait:
      end_wait(static_cast<waiter&>(target), {}, ev);
      break;
    case slot::queue:
      static_cast<subscription_slot&>(target).push(ev, r);
      break;
  }
}

std::size_t signal_state::deliver(send_request& r, const std::shared_ptr<gathering>& g) {
  if (muted_.load(std::memory_order_acquire) > 0) return 0;
  lists_.clear();
  scheduled_.clear();
  pruned_.clear();
  exhausted_.clear();
  counted_ = 0;
  if (r.named)
    index_.matching_lists(r.named->senders, r.named->keys, lists_);
  else
    index_.matching_unfiltered(lists_);
  if (lists_.empty()) return 0;
  // First select, then run: what a send schedules is decided before any of
  // its callbacks runs. Until the selection is committed, a failure changes
  // nothing.
  std::size_t callbacks = 0;
  try {
    prepare_event();
    select_all(r.named.get(), g, callbacks);
  } catch (...) {
    kept_.clear();
    throw;
  }
  try {
    commit_selection();
    if (!scheduled_.empty()) run_scheduled(make_event(r), r, g);
  } catch (...) {
    finish_send();
    throw;
  }
  finish_send();
  return callbacks;
}

// Runs what a send scheduled, in order. A callback that cannot be started
// (its task or coroutine frame fails to allocate) fails alone, as a callback
// that throws does.
void signal_state::run_scheduled(const event& ev, send_request& r,
                                 const std::shared_ptr<gathering>& g) {
  if (g) g->set_event(ev);
  std::size_t index = 0;
  std::exception_ptr failed;
  for (const scheduled& entry : scheduled_) {
    if (!entry.other) {
      if (entry.target->runnable()) {
        try {
          static_cast<plain_slot&>(*entry.target).call(ev, nullptr);
        } catch (...) {
          settle_or_keep(std::current_exception(), ev, nullptr, 0, failed);
        }
      }
      continue;
    }
    bool callback = entry.target->is_callback();
    try {
      run_other(entry, ev, r, g, index);
    } catch (...) {
      // A wait or a subscription that failed: the send fails, after the rest.
      if (!callback && !failed) failed = std::current_exception();
      if (callback) settle_or_keep(std::current_exception(), ev, g, index, failed);
    }
    index += callback;
  }
  if (failed) std::rethrow_exception(failed);
}

// Settles a callback's exception; if that fails too (reporting it allocates),
// keeps the failure for the end of the send, so the other callbacks still run.
void signal_state::settle_or_keep(std::exception_ptr e, const event& ev,
                                  const std::shared_ptr<gathering>& g, std::size_t index,
                                  std::exception_ptr& failed) noexcept {
  try {
    settle(std::move(e), ev, executor_, g, index);
  } catch (...) {
    if (!failed) failed = std::current_exception();
  }
}

void signal_state::finish_send() {
  if (spare_event_) release_event();
  kept_.clear();
  // A counted connection ends once its last call is scheduled.
  if (!exhausted_.empty()) end_connections(exhausted_);
}

void signal_state::start_wait(filter_request r, wait_handler handler) {
  auto w = std::make_shared<waiter>(std::move(handler), executor_);
  w->on_cancel(executor_, [state = weak_from_this(), target = std::weak_ptr<waiter>(w)] {
    auto self = state.lock();
    auto w = target.lock();
    if (self && w && self->waiters_.contains(w.get()))
      self->end_wait(*w, asio::error::operation_aborted, event());
  });
  waits_.fetch_add(1, std::memory_order_acq_rel);
  asio::post(executor_,
             [self = shared_from_this(), w, r = std::move(r)] { self->add_waiter(w, r); });
}

void signal_state::add_waiter(const std::shared_ptr<waiter>& w, const filter_request& r) {
  if (handles_.load(std::memory_order_acquire) == 0) {
    waits_.fetch_sub(1, std::memory_order_acq_rel);
    w->complete(executor_, asio::error::operation_aborted, event());
    return;
  }
  try {
    index_.insert(w);
    index_.subscribe(*w, r.senders, r.keys);
    waiters_.insert(w.get());
  } catch (...) {
    // The wait cannot start (an allocation failed): it ends at once.
    if (w->self) index_.remove(*w);
    waits_.fetch_sub(1, std::memory_order_acq_rel);
    w->complete(executor_, asio::error::no_memory, event());
  }
}

void signal_state::end_wait(waiter& w, boost::system::error_code ec, event ev) {
  waiters_.erase(&w);
  waits_.fetch_sub(1, std::memory_order_acq_rel);
  // Out of the index first: completing may fail to allocate.
  std::shared_ptr<slot> ended = w.self;
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
  waits_.fetch_add(1, std::memory_order_acq_rel);
  asio::post(executor_, [self = shared_from_this(), s = std::move(s), r = std::move(r)] {
    if (self->handles_.load(std::memory_order_acquire) == 0) s->close();
    try {
      self->index_.insert(s);
      self->index_.subscribe(*s, r.senders, r.keys);
      self->subscriptions_.insert(s.get());
    } catch (...) {
      // Not subscribed (an allocation failed): no event will come, and the
      // exception leaves run().
      if (s->self) self->index_.remove(*s);
      self->waits_.fetch_sub(1, std::memory_order_acq_rel);
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
  asio::post(executor_, subscription_removal(shared_from_this(), std::move(s)));
}

void signal_state::end_subscription(subscription_slot& s) {
  if (subscriptions_.erase(&s) != 0) waits_.fetch_sub(1, std::memory_order_acq_rel);
  if (s.self) index_.remove(s);
}

void signal_state::run(slot& target, std::shared_ptr<void> object, const event& ev,
                       const std::shared_ptr<gathering>& g, std::size_t index) {
  if (target.callback_kind() == slot::coroutine) {
    start_coroutine(target, std::move(object), ev, g, index);
  } else if (target.bound()) {
    asio::any_io_executor ex = *target.more->executor;
    asio::post(ex, [self = shared_from_this(), target = target.self, object = std::move(object), ev,
                    ex, g, index] {
      std::exception_ptr e = run_plain(*target, object.get(), ev);
      if (g)
        asio::post(self->executor_,
                   [self, e, ev, ex, g, index] { self->settle(e, ev, ex, g, index); });
      else
        self->settle(e, ev, ex, g, index);
    });
  } else {
    settle(run_plain(target, object.get(), ev), ev, executor_, g, index);
  }
}

void signal_state::start_coroutine(slot& s, std::shared_ptr<void> object, const event& ev,
                                   const std::shared_ptr<gathering>& g, std::size_t index) {
  if (!s.bound()) {
    launch(run_coroutine(s.self, std::move(object), ev, g, index), executor_);
    return;
  }
  asio::any_io_executor ex = *s.more->executor;
  asio::post(ex, [target = s.self, object = std::move(object), ev, g, index, ex] {
    launch(run_coroutine(target, object, ev, g, index), ex);
  });
}

coroutine_entry signal_state::run_coroutine(std::shared_ptr<slot> s, std::shared_ptr<void> object,
                                            event ev, std::shared_ptr<gathering> g,
                                            std::size_t index) {
  std::exception_ptr e;
  if (s->runnable()) {
    try {
      co_await static_cast<coroutine_slot&>(*s).start(ev, object.get());
    } catch (...) {
      e = std::current_exception();
    }
  }
  // The event keeps the signal's state alive.
  ev.source().state_->coroutine_done(e, ev, *s, g, index);
}

void signal_state::coroutine_done(std::exception_ptr e, const event& ev, const slot& s,
                                  const std::shared_ptr<gathering>& g, std::size_t index) {
  const asio::any_io_executor& ex = s.bound() ? *s.more->executor : executor_;
  if (g && s.bound())
    asio::post(executor_, [self = shared_from_this(), e, ev, ex, g, index] {
      self->settle(e, ev, ex, g, index);
    });
  else
    settle(e, ev, ex, g, index);
}

void signal_state::settle(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex,
                          const std::shared_ptr<gathering>& g, std::size_t index) {
  if (g)
    g->record(index, e, ex);
  else if (e)
    report(e, ev, ex);
}

void signal_state::send_and_wait(send_request r, outcomes_handler handler) {
  auto g = std::make_shared<gathering>(shared_from_this(), std::move(handler));
  if (std::exception_ptr error = r.error()) {
    g->fail(std::move(error));
    return;
  }
  g->on_cancel(executor_, [target = std::weak_ptr<gathering>(g)] {
    if (auto g = target.lock()) g->cancel();
  });
  asio::post(executor_, [self = shared_from_this(), g, r = std::move(r)]() mutable {
    try {
      self->deliver(r, g);
    } catch (...) {
      g->fail(std::current_exception());
      return;
    }
    g->start();
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
