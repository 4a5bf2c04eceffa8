//
// send.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// The path of one send, in call order:
//
//  1. signal::send (impl/signal.hpp) adds the options to a send_request and,
//     when the send overrides kwargs, signal_state::resolve (signal_state.cpp)
//     checks and merges them.
//  2. async_signal_op (detail/signal_op.hpp) posts one signal_op to the
//     signal's executor; there it calls signal_state::send, that is deliver.
//  3. deliver, below: the index's lists that the send matches, then
//     select_all / select_checked choose the slots, commit_selection counts
//     counted connections and ends pruned ones, make_event fills the event,
//     run_scheduled calls plain callbacks inline and hands the rest to
//     run_handed_off: run (a bound plain callback), start_coroutine, a wait
//     (waits.cpp) or a subscription's queue. settle sends what a callback
//     threw to the error handler; finish_send releases the event.
//  4. signal_op completes the handler with the count, unless a full
//     subscription holds the send back (send_gate): then once it has room.
//
// send_and_wait takes the same path with a outcome_collector that collects every
// callback's outcome.

#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/coroutine_launch.hpp>
#include <asio_signals/detail/event_state.hpp>
#include <asio_signals/detail/subscription_slot.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <atomic>

namespace asio_signals::detail {

// A send_and_wait: collects the outcome of every callback the send
// scheduled, on the signal's executor, and completes once all are in.
class signal_state::outcome_collector {
 public:
  outcome_collector(std::shared_ptr<signal_state> state, outcomes_handler handler)
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

std::size_t signal_state::deliver(send_request& r, const std::shared_ptr<outcome_collector>& g) {
  if (muted_.load(std::memory_order_acquire) > 0) return 0;
  lists_.clear();
  scheduled_.clear();
  pruned_.clear();
  exhausted_.clear();
  counted_selected_ = 0;
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
    locked_objects_.clear();
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

void signal_state::prepare_event() {
  // The signal keeps the state of its previous send, which no event refers
  // to any more (see release_event), and fills it again: no allocation and no
  // reference counting per send.
  if (!spare_event_) {
    spare_state_ = std::make_shared<event_state>(signal(this, signal::uncounted_t()));
    spare_event_ = event(spare_state_);
  }
}

// Selects the slots a send matches, in connection order. A plain callback on
// the signal's executor, the common case, runs inline, in the send's task.
void signal_state::select_all(const send_options* named,
                              const std::shared_ptr<outcome_collector>& g, std::size_t& callbacks) {
  const bool outcome_collector = g != nullptr;
  auto select_slot = [&](slot& s) {
    if (!outcome_collector && s.ready_inline()) {
      bool counted = s.counted();
      scheduled_.push_back({&s, 0, false, counted});
      counted_selected_ += counted;
      ++callbacks;
    } else {
      select_checked(s, named, g, callbacks);
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
  if (counted_selected_ != 0) exhausted_.reserve(counted_selected_);
}

// Selects a slot a send matches that select_all's inline path does not take:
// skips it while blocked or when the send is from a sender it ignores,
// prunes it once gone, otherwise schedules it.
void signal_state::select_checked(slot& s, const send_options* named,
                                  const std::shared_ptr<outcome_collector>& g,
                                  std::size_t& callbacks) {
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
  std::uint32_t object_index = 0;
  if (s.is_weak()) {
    // The object stays alive until the callback has run.
    std::shared_ptr<void> object = s.lock();
    if (!object) {
      pruned_.push_back(&s);
      return;
    }
    locked_objects_.push_back(std::move(object));
    object_index = static_cast<std::uint32_t>(locked_objects_.size());
  }
  if (s.is_callback() && g) g->expect(make_connection(s));
  bool counted = s.counted();
  scheduled_.push_back({&s, object_index, true, counted});
  counted_selected_ += counted;
  callbacks += s.is_callback();
}

void signal_state::commit_selection() {
  if (counted_selected_ != 0) {
    for (const scheduled& entry : scheduled_) {
      if (entry.counted && --entry.target->extra->calls_left == 0)
        exhausted_.push_back(entry.target);
    }
  }
  if (!pruned_.empty()) end_connections(pruned_);
}

const event& signal_state::make_event(send_request& r) {
  spare_state_->assign(r.named.get(), *defaults_);
  return spare_event_;
}

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

// Runs what a send scheduled, in order. A callback that cannot be started
// (its task or coroutine frame fails to allocate) fails alone, as a callback
// that throws does.
void signal_state::run_scheduled(const event& ev, send_request& r,
                                 const std::shared_ptr<outcome_collector>& g) {
  if (g) g->set_event(ev);
  std::size_t index = 0;
  std::exception_ptr failed;
  for (const scheduled& entry : scheduled_) {
    if (!entry.handed_off) {
      if (std::exception_ptr e = run_plain(*entry.target, nullptr, ev))
        settle_or_keep(std::move(e), ev, nullptr, 0, failed);
      continue;
    }
    bool callback = entry.target->is_callback();
    try {
      run_handed_off(entry, ev, r, g, index);
    } catch (...) {
      // A wait or a subscription that failed: the send fails, after the rest.
      if (!callback && !failed) failed = std::current_exception();
      if (callback) settle_or_keep(std::current_exception(), ev, g, index, failed);
    }
    index += callback;
  }
  if (failed) std::rethrow_exception(failed);
}

void signal_state::run_handed_off(const scheduled& entry, const event& ev, send_request& r,
                                  const std::shared_ptr<outcome_collector>& g, std::size_t index) {
  slot& target = *entry.target;
  switch (target.callback_kind()) {
    case slot::plain:
    case slot::coroutine:
      run(target, entry.object_index != 0 ? locked_objects_[entry.object_index - 1] : nullptr, ev,
          g, index);
      break;
    case slot::wait:
      complete_wait(target, ev);
      break;
    case slot::queue:
      static_cast<subscription_slot&>(target).push(ev, r);
      break;
  }
}

void signal_state::run(slot& target, std::shared_ptr<void> object, const event& ev,
                       const std::shared_ptr<outcome_collector>& g, std::size_t index) {
  if (target.callback_kind() == slot::coroutine) {
    start_coroutine(target, std::move(object), ev, g, index);
  } else if (target.bound()) {
    asio::any_io_executor ex = *target.extra->executor;
    post_counted(ex, [self = shared_from_this(), target = target.index_ref,
                      object = std::move(object), ev, ex, g, index] {
      std::exception_ptr e = run_plain(*target, object.get(), ev);
      if (g)
        post_counted(self->posted_, self->executor_,
                     [self, e, ev, ex, g, index] { self->settle(e, ev, ex, g, index); });
      else
        self->settle(e, ev, ex, g, index);
    });
  } else {
    settle(run_plain(target, object.get(), ev), ev, executor_, g, index);
  }
}

void signal_state::start_coroutine(slot& s, std::shared_ptr<void> object, const event& ev,
                                   const std::shared_ptr<outcome_collector>& g, std::size_t index) {
  if (!s.bound()) {
    launch(run_coroutine(s.index_ref, std::move(object), ev, g, index), executor_);
    return;
  }
  asio::any_io_executor ex = *s.extra->executor;
  post_counted(ex, [target = s.index_ref, object = std::move(object), ev, g, index, ex] {
    launch(run_coroutine(target, object, ev, g, index), ex);
  });
}

coroutine_entry signal_state::run_coroutine(std::shared_ptr<slot> s, std::shared_ptr<void> object,
                                            event ev, std::shared_ptr<outcome_collector> g,
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
                                  const std::shared_ptr<outcome_collector>& g, std::size_t index) {
  const asio::any_io_executor& ex = s.bound() ? *s.extra->executor : executor_;
  if (g && s.bound())
    post_counted(posted_, executor_, [self = shared_from_this(), e, ev, ex, g, index] {
      self->settle(e, ev, ex, g, index);
    });
  else
    settle(e, ev, ex, g, index);
}

// Settles a callback's exception; if that fails too (reporting it allocates),
// keeps the failure for the end of the send, so the other callbacks still run.
void signal_state::settle_or_keep(std::exception_ptr e, const event& ev,
                                  const std::shared_ptr<outcome_collector>& g, std::size_t index,
                                  std::exception_ptr& failed) noexcept {
  try {
    settle(std::move(e), ev, executor_, g, index);
  } catch (...) {
    if (!failed) failed = std::current_exception();
  }
}

void signal_state::settle(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex,
                          const std::shared_ptr<outcome_collector>& g, std::size_t index) {
  if (g)
    g->record(index, e, ex);
  else if (e)
    report(e, ev, ex);
}

void signal_state::finish_send() {
  if (spare_event_) release_event();
  locked_objects_.clear();
  // A counted connection ends once its last call is scheduled.
  if (!exhausted_.empty()) end_connections(exhausted_);
}

void signal_state::release_event() {
  // spare_state_ and spare_event_ hold two references. Then no event refers
  // to the send's kwargs any more: their values go now (but those kept, see
  // keep_values), their names stay for the next send's. The fence orders
  // what another thread read of them, through a copy of the event it has let
  // go of, before they are destroyed.
  if (spare_state_.use_count() == 2) {
    std::atomic_thread_fence(std::memory_order_acquire);
    kwargs_access::empty_values(spare_state_->own_args, kept_values_);
    return;
  }
  // The event escaped the send: its copies must keep this state alive, and
  // this state lets go of it, so neither keeps the other alive.
  spare_state_->owner = shared_from_this();
  spare_state_.reset();
  spare_event_ = event();
}

void signal_state::send_and_wait(send_request r, outcomes_handler handler) {
  auto g = std::make_shared<outcome_collector>(shared_from_this(), std::move(handler));
  if (std::exception_ptr error = r.error()) {
    g->fail(std::move(error));
    return;
  }
  g->on_cancel(executor_, [target = std::weak_ptr<outcome_collector>(g)] {
    if (auto g = target.lock()) g->cancel();
  });
  post_counted(posted_, executor_, [self = shared_from_this(), g, r = std::move(r)]() mutable {
    try {
      self->deliver(r, g);
    } catch (...) {
      g->fail(std::current_exception());
      return;
    }
    g->start();
  });
}

}  // namespace asio_signals::detail
