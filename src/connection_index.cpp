//
// connection_index.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/connection_index.hpp>

#include <algorithm>
#include <cstring>

namespace asio_signals::detail {

std::size_t callable_id_hash::operator()(const callable_id& id) const noexcept {
  std::uint64_t words[2];
  std::memcpy(words, id.bits.data(), sizeof(words));
  std::size_t h = id.type->hash_code();
  h = combine_hash(h, std::hash<const void*>()(id.object));
  h = combine_hash(h, std::hash<std::uint64_t>()(words[0]));
  return combine_hash(h, std::hash<std::uint64_t>()(words[1]));
}

std::vector<slot_list::entry>::iterator slot_list::find(std::uint64_t seq) noexcept {
  return std::lower_bound(entries_.begin(), entries_.end(), seq,
                          [](const entry& e, std::uint64_t s) { return e.seq < s; });
}

bool slot_list::insert(slot& s) {
  if (entries_.empty() || entries_.back().seq < s.seq) {
    entries_.push_back({s.seq, &s});
  } else {
    auto it = find(s.seq);
    if (it != entries_.end() && it->seq == s.seq) {
      if (it->target != nullptr) return false;
      it->target = &s;
    } else {
      entries_.insert(it, {s.seq, &s});
    }
  }
  ++live_;
  return true;
}

bool slot_list::erase(const slot& s) {
  auto it = find(s.seq);
  if (it == entries_.end() || it->seq != s.seq || it->target == nullptr) return false;
  it->target = nullptr;
  --live_;
  // Compact once holes outnumber slots, so a send never walks more holes than
  // slots and each erase costs O(1) amortised beyond its search.
  if (entries_.size() - live_ > live_)
    std::erase_if(entries_, [](const entry& e) { return e.target == nullptr; });
  return true;
}

connection_index::~connection_index() {
  {
    // The slots end below without remove(): none is counted any more.
    std::lock_guard lock(weak_mutex_);
    weak_callbacks_.clear();
    has_weak_.store(false, std::memory_order_release);
  }
  std::vector<slot*> all;
  auto add = [&all](const slot_list& list) {
    list.for_each([&all](slot& s) { all.push_back(&s); });
  };
  add(unfiltered_);
  for (const auto& [x, list] : by_sender_) add(list);
  for (const auto& [k, list] : by_key_) add(list);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  for (slot* s : all) {
    s->end();
    std::shared_ptr<slot> owner = std::move(s->index_ref);
  }
}

slot* connection_index::find(const callable_id& id) const noexcept {
  auto it = comparable_.find(id);
  return it == comparable_.end() ? nullptr : it->second;
}

void connection_index::insert(const std::shared_ptr<slot>& s) {
  const bool weak = s->is_weak() && s->is_callback();
  if (weak) {
    std::lock_guard lock(weak_mutex_);
    weak_callbacks_.push_back(s.get());
    has_weak_.store(true, std::memory_order_release);
  }
  try {
    if (s->extra && s->extra->id) comparable_.insert_or_assign(*s->extra->id, s.get());
  } catch (...) {
    if (weak) forget_weak(*s);
    throw;
  }
  s->seq = next_seq_++;
  s->index_ref = s;
  if (!weak && s->is_callback()) callbacks_.fetch_add(1, std::memory_order_relaxed);
}

void connection_index::forget_weak(const slot& s) noexcept {
  std::lock_guard lock(weak_mutex_);
  auto it = std::find(weak_callbacks_.begin(), weak_callbacks_.end(), &s);
  if (it != weak_callbacks_.end()) {
    *it = weak_callbacks_.back();
    weak_callbacks_.pop_back();
  }
  has_weak_.store(!weak_callbacks_.empty(), std::memory_order_release);
}

std::size_t connection_index::callbacks() const noexcept {
  std::size_t live = callbacks_.load(std::memory_order_relaxed);
  if (!has_weak_.load(std::memory_order_acquire)) return live;
  std::lock_guard lock(weak_mutex_);
  for (const slot* s : weak_callbacks_)
    if (!s->expired()) ++live;
  return live;
}

namespace {

// Room for `more` elements, growing geometrically as push_back would.
template <class T>
void make_room(std::vector<T>& v, std::size_t more) {
  if (v.capacity() - v.size() < more) v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

}  // namespace

template <class Map, class Value>
bool connection_index::add_to(Map& map, const Value& v, slot& s) {
  auto [it, made] = map.try_emplace(v);
  try {
    return it->second.insert(s);
  } catch (...) {
    if (made) map.erase(it);
    throw;
  }
}

void connection_index::subscribe(slot& s, const std::vector<sender>& senders,
                                 const std::vector<key>& keys) {
  if (senders.empty() && keys.empty()) {
    if (!s.unfiltered) {
      unfiltered_.insert(s);
      s.unfiltered = true;
    }
    return;
  }
  if (!s.extra) s.extra = std::make_unique<slot::extras>();
  std::vector<sender>& own_senders = s.extra->senders;
  std::vector<key>& own_keys = s.extra->keys;
  // Room first, so that recording what was added cannot fail.
  make_room(own_senders, senders.size());
  make_room(own_keys, keys.size());
  std::size_t old_senders = own_senders.size();
  std::size_t old_keys = own_keys.size();
  try {
    for (const sender& x : senders)
      if (add_to(by_sender_, x, s)) own_senders.push_back(x);
    for (const key& k : keys)
      if (add_to(by_key_, k, s)) own_keys.push_back(k);
  } catch (...) {
    for (std::size_t i = old_senders; i < own_senders.size(); ++i)
      erase_from(by_sender_, own_senders[i], s);
    for (std::size_t i = old_keys; i < own_keys.size(); ++i) erase_from(by_key_, own_keys[i], s);
    own_senders.erase(own_senders.begin() + std::ptrdiff_t(old_senders), own_senders.end());
    own_keys.erase(own_keys.begin() + std::ptrdiff_t(old_keys), own_keys.end());
    throw;
  }
}

template <class Map, class Value>
void connection_index::erase_from(Map& map, const Value& v, const slot& s) {
  auto it = map.find(v);
  if (it == map.end()) return;
  it->second.erase(s);
  if (it->second.empty()) map.erase(it);
}

bool connection_index::unsubscribe(slot& s, const std::vector<sender>& senders,
                                   const std::vector<key>& keys) {
  if (s.extra) {
    for (const sender& x : senders) {
      if (std::erase(s.extra->senders, x) != 0) erase_from(by_sender_, x, s);
    }
    for (const key& k : keys) {
      if (std::erase(s.extra->keys, k) != 0) erase_from(by_key_, k, s);
    }
  }
  bool filtered = s.extra && (!s.extra->senders.empty() || !s.extra->keys.empty());
  return !filtered && !s.unfiltered;
}

void connection_index::remove(slot& s) {
  if (s.unfiltered) unfiltered_.erase(s);
  if (s.extra) {
    for (const sender& x : s.extra->senders) erase_from(by_sender_, x, s);
    for (const key& k : s.extra->keys) erase_from(by_key_, k, s);
    if (s.extra->id) {
      auto it = comparable_.find(*s.extra->id);
      if (it != comparable_.end() && it->second == &s) comparable_.erase(it);
    }
  }
  s.end();
  if (s.is_weak() && s.is_callback())
    forget_weak(s);
  else if (s.is_callback())
    callbacks_.fetch_sub(1, std::memory_order_relaxed);
  // The index's reference goes last: dropping it may destroy s.
  std::shared_ptr<slot> owner = std::move(s.index_ref);
}

void connection_index::matching_lists(const sender_set& senders, const key_set& keys,
                                      std::vector<const slot_list*>& out) const {
  if (!unfiltered_.empty()) out.push_back(&unfiltered_);
  // A send names senders that no connection filters on, or keys, often:
  // their lookups are skipped, not made in an empty table.
  if (!by_sender_.empty()) {
    for (const sender& x : senders) {
      auto it = by_sender_.find(x);
      if (it != by_sender_.end()) out.push_back(&it->second);
    }
  }
  if (!by_key_.empty()) {
    for (const key& k : keys) {
      auto it = by_key_.find(k);
      if (it != by_key_.end()) out.push_back(&it->second);
    }
  }
}

bool connection_index::matches_any(const std::vector<sender>& senders,
                                   const std::vector<key>& keys) const {
  return !unfiltered_.empty() || std::any_of(senders.begin(), senders.end(), [&](const sender& x) {
    return by_sender_.contains(x);
  }) || std::any_of(keys.begin(), keys.end(), [&](const key& k) { return by_key_.contains(k); });
}

}  // namespace asio_signals::detail
