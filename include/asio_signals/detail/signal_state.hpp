//
// detail/signal_state.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_SIGNAL_STATE_HPP
#define ASIO_SIGNALS_DETAIL_SIGNAL_STATE_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/connection_index.hpp>
#include <asio_signals/detail/coroutine_launch.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/detail/slot.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/outcome.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace asio_signals {
class signal;
}  // namespace asio_signals

namespace asio_signals::detail {

class subscription_slot;
struct event_state;

// The state every handle, event and scheduled callback of one signal shares.
// The connection index and the scratch buffers are touched only on the
// signal's executor; the rest is safe from any thread.
class ASIO_SIGNALS_DECL signal_state : public std::enable_shared_from_this<signal_state> {
 public:
  using error_handler = std::function<void(std::exception_ptr, const event&)>;
  using wait_handler = pending_wait::handler_type;
  using outcomes_handler =
      asio::any_completion_handler<void(std::exception_ptr, std::vector<outcome>)>;

  signal_state(asio::any_io_executor ex, kwargs defaults);
  signal_state(const signal_state&) = delete;
  signal_state& operator=(const signal_state&) = delete;
  ~signal_state();

  const asio::any_io_executor& executor() const noexcept { return executor_; }
  // The count of its executor's io_context, or null (posted_ops.hpp).
  posted_ops* posted() const noexcept { return posted_; }

  // The kwargs `s` declares, with their default values; immutable. Defined
  // in impl/signal.hpp, where signal is complete.
  static inline const std::shared_ptr<const kwargs>& defaults_of(const signal& s) noexcept;

  // Counts the handles users hold (see signal).
  void add_handle() noexcept;
  void release_handle() noexcept;

  void set_error_handler(error_handler handler);

  // Mutes are counted at once and released through the executor; any thread.
  void mute() noexcept;
  void unmute() noexcept;

  // The number of connections; any thread.
  std::size_t receivers() const noexcept { return index_.callbacks(); }
  // Whether a send could reach a callback, weak members expired or not.
  bool has_callbacks() const noexcept { return index_.has_callbacks(); }

  // The notification signals, made on first use; any thread.
  signal receiver_connected();
  signal receiver_disconnected();

  // Merges the send's kwargs overrides into the defaults; a failure
  // (kwarg_error) is kept in the request, to be reported as the send's.
  void resolve(send_request& r) const noexcept;

  // The operations, run on the signal's executor.
  connection connect(connect_request& r);
  void disconnect(disconnect_request& r);
  std::size_t send(send_request& r) { return deliver(r, nullptr); }

  // Makes a send that ends leave the values of its first `n` kwargs in
  // place, not only their names, on the executor: a next send giving the
  // same values then need not change their reference counts. For values
  // their giver keeps anyway (the router's names), which then live until a
  // later send of the signal gives kwargs of its own.
  void keep_values(std::size_t n) noexcept { kept_values_ = n; }

  // Starts a send_and_wait; any thread.
  void send_and_wait(send_request r, outcomes_handler handler);
  void remove(const std::shared_ptr<slot>& s);
  bool has_receivers(const filter_request& r) const;
  filter_set filters(const connection& c) const;

  // Starts a next(); any thread. The wait joins the index on the executor.
  void start_wait(filter_request r, wait_handler handler);

  // Subscriptions join and leave the index on the executor; any thread.
  void add_subscription(std::shared_ptr<subscription_slot> s, filter_request r);
  void remove_subscription(std::shared_ptr<subscription_slot> s);
  // On the executor: takes a subscription out of the signal.
  void end_subscription(subscription_slot& s);

  // Sends a callback's exception to the error handler or, without one,
  // rethrows it out of the run() of `ex`, the executor the callback ran on.
  void report(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex);

 private:
  class waiter;
  class outcome_collector;

  connection make_connection(const slot& s);
  slot* find(const connection& c) const noexcept;
  slot* find_live(const callable_id& id);
  void end_connection(slot& s);
  void notify_connected(const slot& s, const std::vector<sender>& senders,
                        const std::vector<key>& keys);
  void notify_disconnected(const std::shared_ptr<slot>& s, const std::vector<sender>& senders,
                           const std::vector<key>& keys, bool ended);
  void add_waiter(const std::shared_ptr<waiter>& w, const filter_request& r);
  void complete_wait(slot& s, const event& ev);
  void end_wait(waiter& w, boost::system::error_code ec, event ev);
  void abort_waits();
  void prepare_event();
  const event& make_event(send_request& r);
  void release_event();
  // Schedules the callbacks of a send; `g`, if any, collects their outcomes.
  std::size_t deliver(send_request& r, const std::shared_ptr<outcome_collector>& g);
  // A slot a send schedules. `object_index` is 1 + the index in
  // locked_objects_ of a weak member's object, or 0 when it has none;
  // `handed_off` is set unless the slot is a plain call run inline, in the
  // send's task (see slot::ready_inline), and then run_handed_off runs it;
  // `counted` for a counted connection.
  struct scheduled {
    slot* target;
    std::uint32_t object_index;
    bool handed_off = false;
    bool counted = false;
  };

  // Selecting the slots a send matches changes no slot, so a send that fails
  // to allocate while selecting leaves the signal as it was: select_all handles
  // the common case, select_checked the rest. Then commit_selection counts the
  // calls of counted connections and ends the pruned ones, run_handed_off runs
  // what is not a plain inline call, and finish_send ends the exhausted ones.
  void select_all(const send_options* named, const std::shared_ptr<outcome_collector>& g,
                  std::size_t& callbacks);
  [[gnu::noinline]] void select_checked(slot& s, const send_options* named,
                                        const std::shared_ptr<outcome_collector>& g,
                                        std::size_t& callbacks);
  void commit_selection();
  [[gnu::noinline]] void run_handed_off(const scheduled& entry, const event& ev, send_request& r,
                                        const std::shared_ptr<outcome_collector>& g,
                                        std::size_t index);
  void run_scheduled(const event& ev, send_request& r, const std::shared_ptr<outcome_collector>& g);
  void settle_or_keep(std::exception_ptr e, const event& ev,
                      const std::shared_ptr<outcome_collector>& g, std::size_t index,
                      std::exception_ptr& failed) noexcept;
  void finish_send();
  // Ends each slot; an exception from a notification leaves after all ended.
  void end_connections(const std::vector<slot*>& slots);
  void run(slot& s, std::shared_ptr<void> object, const event& ev,
           const std::shared_ptr<outcome_collector>& g, std::size_t index);
  void start_coroutine(slot& s, std::shared_ptr<void> object, const event& ev,
                       const std::shared_ptr<outcome_collector>& g, std::size_t index);
  // The bottom frame of a coroutine callback: runs it, then settles what it threw.
  static coroutine_entry run_coroutine(std::shared_ptr<slot> s, std::shared_ptr<void> object,
                                       event ev, std::shared_ptr<outcome_collector> g,
                                       std::size_t index);
  void coroutine_done(std::exception_ptr e, const event& ev, const slot& s,
                      const std::shared_ptr<outcome_collector>& g, std::size_t index);
  // Where a callback's exception goes: to `g` when the send gathers outcomes
  // (on the signal's executor), else to the error handler.
  void settle(std::exception_ptr e, const event& ev, const asio::any_io_executor& ex,
              const std::shared_ptr<outcome_collector>& g, std::size_t index);

  const asio::any_io_executor executor_;
  posted_ops* const posted_;
  // Shared with the kwarg_handles of the signal, which find a kwarg of its
  // events by its position here and keep this alive to compare with.
  const std::shared_ptr<const kwargs> defaults_;
  std::atomic<std::size_t> handles_{0};
  // Pending waits and live subscriptions: what the last handle must end.
  std::atomic<std::size_t> waits_and_subscriptions_{0};

  std::atomic<int> muted_{0};

  std::mutex error_mutex_;
  std::shared_ptr<const error_handler> error_handler_;

  // The notification signals, written once under the mutex, then read on the
  // executor once their flag is set.
  std::mutex notifier_mutex_;
  std::unique_ptr<signal> connected_;
  std::unique_ptr<signal> disconnected_;
  std::atomic<bool> notify_connected_{false};
  std::atomic<bool> notify_disconnected_{false};

  connection_index index_;
  // The state of the last send, kept for the next while no event refers to
  // it: written through spare_state_, read by callbacks through spare_event_.
  std::shared_ptr<event_state> spare_state_;
  event spare_event_;
  std::vector<const slot_list*> lists_;
  std::vector<slot*> matched_;
  std::vector<scheduled> scheduled_;
  std::vector<std::shared_ptr<void>> locked_objects_;
  std::vector<slot*> pruned_;
  std::vector<slot*> exhausted_;
  // The number of counted connections among scheduled_.
  std::size_t counted_selected_ = 0;
  // The kwargs whose values release_event leaves (keep_values).
  std::size_t kept_values_ = 0;
  boost::unordered_flat_set<waiter*> waiters_;
  boost::unordered_flat_set<subscription_slot*> subscriptions_;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_SIGNAL_STATE_HPP
