//
// connect.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Connecting and disconnecting, and what reads the connection index:
// has_receivers and filters. On the signal's executor.

#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/signal.hpp>

#include <vector>

namespace asio_signals::detail {

connection signal_state::make_connection(const slot& s) {
  return connection(weak_from_this(), s.index_ref);
}

slot* signal_state::find(const connection& c) const noexcept {
  if (c.state_.lock().get() != this) return nullptr;
  auto s = c.slot_.lock();
  // A slot in the index is owned by it, so the pointer outlives `s`.
  return s && s->index_ref ? s.get() : nullptr;
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
  if (target->extra && target->extra->id) {
    if (slot* existing = find_live(*target->extra->id)) {
      // Room for the senders it is to ignore first: after subscribing, to
      // all the new filters or, failing, to none, nothing may fail.
      existing->extra->not_from.reserve(existing->extra->not_from.size() + r.not_from.size());
      index_.subscribe(*existing, r.senders, r.keys);
      if (r.max_calls != 0) existing->limit_calls(r.max_calls);
      if (!r.not_from.empty()) existing->ignore_senders(r.not_from);
      notify_connected(*existing, r.senders, r.keys);
      return make_connection(*existing);
    }
  }
  if ((r.max_calls != 0 || !r.not_from.empty()) && !target->extra)
    target->extra = std::make_unique<slot::extras>();
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
  std::shared_ptr<slot> changed = target->index_ref;
  if (nothing_left) {
    target->cancel();
    index_.remove(*target);
  }
  notify_disconnected(changed, r.senders, r.keys, nothing_left);
}

void signal_state::remove(const std::shared_ptr<slot>& s) {
  if (s->index_ref) end_connection(*s);
}

void signal_state::end_connection(slot& s) {
  static const std::vector<sender> no_senders;
  static const std::vector<key> no_keys;
  // Out of the index before the notification, which may fail.
  std::shared_ptr<slot> ended = s.index_ref;
  index_.remove(s);
  notify_disconnected(ended, ended->extra ? ended->extra->senders : no_senders,
                      ended->extra ? ended->extra->keys : no_keys, true);
}

void signal_state::end_connections(const std::vector<slot*>& slots) {
  std::exception_ptr first;
  for (slot* s : slots) {
    try {
      if (s->index_ref) end_connection(*s);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  if (first) std::rethrow_exception(first);
}

bool signal_state::has_receivers(const filter_request& r) const {
  return index_.matches_any(r.senders, r.keys);
}

filter_set signal_state::filters(const connection& c) const {
  const slot* s = find(c);
  if (s == nullptr) return {};
  if (!s->extra) return {s->unfiltered, {}, {}};
  return {s->unfiltered, s->extra->senders, s->extra->keys};
}

}  // namespace asio_signals::detail
