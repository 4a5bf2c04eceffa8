//
// history.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/router.hpp>

#include <asio_signals/detail/history_log.hpp>
#include <asio_signals/detail/router_state.hpp>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

namespace asio_signals {
namespace detail {

namespace {

// What an event holds in memory, as max_bytes counts it.
std::size_t size_of(const std::string& sender, const std::string& event, const kwargs& data) {
  std::size_t n = sender.size() + event.size();
  for (const auto& [name, v] : data) {
    n += name.size();
    if (const std::string* s = v.get_if<std::string>())
      n += s->size();
    else
      n += 16;
  }
  return n;
}

}  // namespace

std::exception_ptr link_stopped_error() {
  return std::make_exception_ptr(not_connected_error("asio_signals: the NATS link was stopped"));
}

std::exception_ptr history_error(const history_request& r, std::string_view operation,
                                 std::optional<std::string_view> subscriber) {
  try {
    std::string op(operation);
    if (subscriber) check_name(*subscriber, "subscriber");
    if (operation == "subscribe" && r.topics.empty())
      throw router_error("asio_signals: subscribe " + quoted(*subscriber) +
                         " names no topic: give it at least one");
    for (const topic& t : r.topics) {
      if (!t.sender().empty()) check_name(t.sender(), "sender");
      check_name(t.event(), "event");
      if (t.sender().empty() && !is_channel(t.event()))
        throw router_error("asio_signals: " + describe(t) +
                           " is not a channel (its name does not start with '#'): name its "
                           "sender, topic(sender, event)");
      if (!t.sender().empty() && is_channel(t.event()))
        throw router_error("asio_signals: channel " + quoted(t.event()) +
                           " is retained from every sender that declares it: name it alone, "
                           "topic(" +
                           quoted(t.event()) + ")");
    }
    if (operation == "retain" && !r.max_events && !r.max_age && !r.max_bytes)
      throw router_error("asio_signals: retain of " + describe(r.topics.front()) +
                         " without a bound: give max_events, max_age or max_bytes");
    auto zero = [&](const char* bound) {
      throw router_error("asio_signals: " + op + " with " + bound +
                         " keeps nothing: a bound must be above zero");
    };
    if (r.max_events && *r.max_events == 0) zero("max_events(0)");
    if (r.max_age && r.max_age->count() <= 0) zero("a max_age of zero or less");
    if (r.max_bytes && *r.max_bytes == 0) zero("max_bytes(0)");
    if (r.batch && *r.batch == 0)
      throw router_error("asio_signals: " + op +
                         " with max_batch(0) returns nothing: a batch must be above zero");
    if (r.since && *r.since > history_clock::now())
      throw router_error("asio_signals: " + op +
                         " since a time in the future: nothing was triggered then yet");
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

void topic_log::set_bounds(const history_request& r) {
  max_events_ = r.max_events;
  max_age_ = r.max_age;
  max_bytes_ = r.max_bytes;
  trim();
}

void topic_log::append(const std::string& sender, const std::string& event, const kwargs& data,
                       history_clock::time_point now) {
  last_time_ = std::max(last_time_, now);
  retained_event& e = events_.emplace_back();
  e.sender = sender;
  e.event = event;
  e.data = data;
  e.sequence = next_sequence_++;
  e.time = last_time_;
  sizes_.push_back(size_of(sender, event, data));
  bytes_ += sizes_.back();
  trim();
  expire(now);
}

void topic_log::pop() {
  events_.pop_front();
  bytes_ -= sizes_.front();
  sizes_.pop_front();
}

void topic_log::trim() {
  while (max_events_ && events_.size() > *max_events_) pop();
  while (max_bytes_ && bytes_ > *max_bytes_ && events_.size() > 1) pop();
}

void topic_log::expire(history_clock::time_point now) {
  if (!max_age_) return;
  while (!events_.empty() && events_.front().time < now - *max_age_) pop();
}

std::uint64_t topic_log::sequence_at(history_clock::time_point time) const {
  auto it = std::lower_bound(
      events_.begin(), events_.end(), time,
      [](const retained_event& e, history_clock::time_point t) { return e.time < t; });
  return first_sequence() + static_cast<std::uint64_t>(it - events_.begin());
}

topic_log& router_state::retained_log(const topic& t) {
  auto it = logs_.find(topic_key(t.sender(), t.event()));
  if (it == logs_.end())
    throw router_error("asio_signals: " + describe(t) + " is not retained: retain it first");
  return it->second;
}

void router_state::retain_here(const history_request& r) {
  const topic& t = r.topics.front();
  if (!t.sender().empty()) {
    auto s = senders_.find(t.sender());
    if (s != senders_.end() && s->second.connected && !s->second.declared.contains(t.event()))
      throw router_error("asio_signals: sender " + quoted(t.sender()) + " does not declare event " +
                         quoted(t.event()));
  }
  auto [it, made] = logs_.try_emplace(topic_key(t.sender(), t.event()));
  topic_log& log = it->second;
  log.set_bounds(r);
  log.expire(history_clock::now());
  if (!made) return;
  // Once per topic: the senders that declare it keep it from now on.
  for (auto& [name, s] : senders_) {
    if (!t.sender().empty() && name != t.sender()) continue;
    if (auto e = s.declared.find(t.event()); e != s.declared.end()) e->second.log = &log;
  }
}

std::vector<retained_event> router_state::merge(std::vector<history_cursor>& cursors,
                                                std::size_t batch, history_clock::time_point now) {
  for (history_cursor& c : cursors) {
    c.log->expire(now);
    // What was no longer kept when it was asked for is skipped.
    c.delivered = std::max(c.delivered, c.log->first_sequence() - 1);
  }
  std::vector<retained_event> out;
  while (out.size() < batch) {
    history_cursor* oldest = nullptr;
    for (history_cursor& c : cursors) {
      if (c.delivered + 1 >= c.log->next_sequence()) continue;
      if (oldest == nullptr ||
          c.log->at(c.delivered + 1).time < oldest->log->at(oldest->delivered + 1).time)
        oldest = &c;
    }
    if (oldest == nullptr) break;
    out.push_back(oldest->log->at(++oldest->delivered));
  }
  return out;
}

std::vector<retained_event> router_state::pull_here(const history_request& r) {
  std::vector<history_cursor> cursors;
  history_clock::time_point now = history_clock::now();
  for (const topic& t : r.topics) {
    topic_log& log = retained_log(t);
    if (std::any_of(cursors.begin(), cursors.end(),
                    [&](const history_cursor& c) { return c.log == &log; }))
      continue;
    log.expire(now);
    std::uint64_t start = r.since ? log.sequence_at(*r.since) : log.first_sequence();
    cursors.push_back(history_cursor{&log, start - 1, start - 1});
  }
  return merge(cursors, r.batch.value_or(default_batch), now);
}

void router_state::subscribe_here(const std::string& name, const history_request& r) {
  std::vector<history_cursor>* old = nullptr;
  if (auto it = subscribers_.find(name); it != subscribers_.end()) old = &it->second;
  std::vector<history_cursor> cursors;
  history_clock::time_point now = history_clock::now();
  for (const topic& t : r.topics) {
    topic_log& log = retained_log(t);
    auto same = [&](const history_cursor& c) { return c.log == &log; };
    if (std::any_of(cursors.begin(), cursors.end(), same)) continue;
    if (old != nullptr) {
      if (auto c = std::find_if(old->begin(), old->end(), same); c != old->end()) {
        // Resumed: what was returned and not acknowledged comes again.
        cursors.push_back(history_cursor{&log, c->acked, c->acked});
        continue;
      }
    }
    log.expire(now);
    std::uint64_t start = r.since ? log.sequence_at(*r.since) : log.first_sequence();
    cursors.push_back(history_cursor{&log, start - 1, start - 1});
  }
  std::vector<history_cursor>& now_cursors =
      subscribers_.insert_or_assign(name, std::move(cursors)).first->second;
  // Its waiting pulls wait for its new topics, and get what they already
  // have to give.
  std::vector<std::shared_ptr<pending_pull>> waiting = waiting_pulls_;
  for (const std::shared_ptr<pending_pull>& p : waiting) {
    if (p->name != name || p->cancelled) continue;
    unwatch(*p);
    watch(*p, now_cursors);
    std::vector<retained_event> events = merge(now_cursors, p->batch, now);
    if (!events.empty()) finish_pull(p, nullptr, std::move(events));
  }
}

namespace {

// Runs `f` and completes `done` with its result, or what it threw.
template <class F, class... T>
void complete_with(history_done<T...>& done, F f) {
  std::exception_ptr error;
  if constexpr (sizeof...(T) == 0) {
    try {
      f();
    } catch (...) {
      error = std::current_exception();
    }
    done(error);
  } else {
    std::tuple<T...> result;
    try {
      std::get<0>(result) = f();
    } catch (...) {
      error = std::current_exception();
    }
    std::apply([&](T&... v) { done(error, std::move(v)...); }, result);
  }
}

}  // namespace

void router_state::retain(history_request r, history_done<> done) {
  if (backend_) return backend_->retain(std::move(r), std::move(done));
  complete_with(done, [&] { retain_here(r); });
}

void router_state::pull(history_request r, history_done<std::vector<retained_event>> done) {
  if (backend_) return backend_->pull(std::move(r), std::move(done));
  complete_with(done, [&] { return pull_here(r); });
}

void router_state::subscribe(std::string name, history_request r, history_done<> done) {
  if (backend_) return backend_->subscribe(std::move(name), std::move(r), std::move(done));
  complete_with(done, [&] { subscribe_here(name, r); });
}

void router_state::ack(std::string name, std::vector<retained_event> batch, history_done<> done) {
  if (backend_) return backend_->ack(std::move(name), std::move(batch), std::move(done));
  complete_with(done, [&] { ack_here(name, batch); });
}

void router_state::unsubscribe(std::string name, history_done<bool> done) {
  if (backend_) return backend_->unsubscribe(std::move(name), std::move(done));
  complete_with(done, [&] { return unsubscribe_here(name); });
}

void router_state::start_pull(const std::shared_ptr<pending_pull>& p) {
  if (p->finished) return;
  if (backend_) {
    backend_->pull(
        p->name, p->batch, p->wait, [p] { return !p->finished && !p->cancelled; },
        [self = shared_from_this(), p](std::exception_ptr e, std::vector<retained_event> events) {
          self->finish_pull(p, std::move(e), std::move(events));
        });
    return;
  }
  if (p->cancelled) return withdraw_pull(p);
  auto it = subscribers_.find(p->name);
  if (it == subscribers_.end()) {
    finish_pull(p,
                std::make_exception_ptr(router_error("asio_signals: there is no subscriber " +
                                                     quoted(p->name) + ": subscribe it first")),
                {});
    return;
  }
  std::vector<retained_event> events = merge(it->second, p->batch, history_clock::now());
  if (!events.empty() || !p->wait) {
    finish_pull(p, nullptr, std::move(events));
    return;
  }
  watch(*p, it->second);
  waiting_pulls_.push_back(p);
}

void router_state::withdraw_pull(const std::shared_ptr<pending_pull>& p) {
  finish_pull(
      p, std::make_exception_ptr(boost::system::system_error(asio::error::operation_aborted)), {});
}

void router_state::finish_pull(const std::shared_ptr<pending_pull>& p, std::exception_ptr error,
                               std::vector<retained_event> events) {
  if (p->finished) return;
  p->finished = true;
  unwatch(*p);
  std::erase(waiting_pulls_, p);
  p->done.complete(executor_, std::move(error), std::move(events));
}

void router_state::watch(pending_pull& p, std::vector<history_cursor>& cursors) {
  for (history_cursor& c : cursors) {
    ++c.log->waiting;
    p.watched.push_back(c.log);
  }
}

void router_state::unwatch(pending_pull& p) {
  for (topic_log* log : p.watched) --log->waiting;
  p.watched.clear();
}

void router_state::wake(const topic_log& log) {
  history_clock::time_point now = history_clock::now();
  // A copy: finishing a pull removes it from the waiting ones.
  std::vector<std::shared_ptr<pending_pull>> waiting = waiting_pulls_;
  for (const std::shared_ptr<pending_pull>& p : waiting) {
    if (p->cancelled || std::find(p->watched.begin(), p->watched.end(), &log) == p->watched.end())
      continue;
    std::vector<retained_event> events = merge(subscribers_.find(p->name)->second, p->batch, now);
    if (!events.empty()) finish_pull(p, nullptr, std::move(events));
  }
}

void router_state::ack_here(const std::string& name, const std::vector<retained_event>& batch) {
  auto it = subscribers_.find(name);
  if (it == subscribers_.end())
    throw router_error("asio_signals: there is no subscriber " + quoted(name) +
                       ": subscribe it first");
  std::vector<std::pair<history_cursor*, std::uint64_t>> acks;
  for (const retained_event& e : batch) {
    topic t = topic_of(e);
    auto log = logs_.find(topic_key(t.sender(), t.event()));
    auto c = std::find_if(it->second.begin(), it->second.end(), [&](const history_cursor& c) {
      return log != logs_.end() && c.log == &log->second;
    });
    if (c == it->second.end())
      throw router_error("asio_signals: subscriber " + quoted(name) + " does not pull " +
                         describe(t));
    if (e.sequence > c->delivered)
      throw router_error("asio_signals: subscriber " + quoted(name) + " has not pulled event #" +
                         std::to_string(e.sequence) + " of " + describe(t));
    acks.emplace_back(&*c, e.sequence);
  }
  // All or nothing: the batch was checked whole first.
  for (auto [c, seq] : acks) {
    c->acked = std::max(c->acked, seq);
  }
}

void router_state::set_history_backend(std::shared_ptr<history_backend> backend) {
  backend_ = std::move(backend);
  ++history_moves_;
  std::vector<std::shared_ptr<pending_pull>> waiting = std::exchange(waiting_pulls_, {});
  for (const std::shared_ptr<pending_pull>& p : waiting)
    finish_pull(p,
                std::make_exception_ptr(router_error(
                    "asio_signals: the router was linked to NATS while a pull of subscriber " +
                    quoted(p->name) + " waited: its history is in JetStream now")),
                {});
}

bool router_state::unsubscribe_here(const std::string& name) {
  auto it = subscribers_.find(name);
  if (it == subscribers_.end()) return false;
  std::vector<std::shared_ptr<pending_pull>> waiting = waiting_pulls_;
  for (const std::shared_ptr<pending_pull>& p : waiting)
    if (p->name == name)
      finish_pull(p,
                  std::make_exception_ptr(router_error("asio_signals: subscriber " + quoted(name) +
                                                       " was unsubscribed while a pull waited")),
                  {});
  subscribers_.erase(it);
  return true;
}

}  // namespace detail
}  // namespace asio_signals
