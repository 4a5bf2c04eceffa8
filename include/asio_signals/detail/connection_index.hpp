//
// detail/connection_index.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_CONNECTION_INDEX_HPP
#define ASIO_SIGNALS_DETAIL_CONNECTION_INDEX_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/slot.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/sender.hpp>

#include <boost/unordered/unordered_flat_map.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace asio_signals::detail {

// The slots registered under one sender, one key, or without filters, in
// connection order. A new connection is appended, O(1); an older one joining
// the list (a merged callable's new filter) is inserted in the middle, O(n).
// Removal finds the slot by binary search and leaves a hole, compacted away
// once holes outnumber the slots: O(log n) plus O(1) amortised.
class ASIO_SIGNALS_DECL slot_list {
 public:
  // Adds s in connection order; false if it is there already.
  bool insert(slot& s);

  // Removes s; false if it was not there.
  bool erase(const slot& s);

  bool empty() const noexcept { return live_ == 0; }

  std::size_t size() const noexcept { return live_; }

  template <class F>
  void for_each(F&& f) const {
    for (const entry& e : entries_)
      if (e.target != nullptr) f(*e.target);
  }

 private:
  struct entry {
    std::uint64_t seq;
    slot* target;
  };

  std::vector<entry>::iterator find(std::uint64_t seq) noexcept;

  std::vector<entry> entries_;
  std::size_t live_ = 0;
};

// Every connection of one signal, hashed by sender, by key and, for
// comparable callables, by identity. Used on the signal's executor only.
class ASIO_SIGNALS_DECL connection_index {
 public:
  connection_index() = default;
  connection_index(const connection_index&) = delete;
  connection_index& operator=(const connection_index&) = delete;

  // Ends every connection and releases the index's references to them.
  ~connection_index();

  // The connection of a comparable callable, or null.
  slot* find(const callable_id& id) const noexcept;

  // Adds a new slot with no registration yet; the index owns it from now on.
  // Leaves nothing behind if an allocation fails.
  void insert(const std::shared_ptr<slot>& s);

  // Registers s for the given senders and keys, or without filters if none
  // are given. Senders and keys it has already are ignored. All or nothing:
  // if an allocation fails, s is left as it was.
  void subscribe(slot& s, const std::vector<sender>& senders, const std::vector<key>& keys);

  // Removes the given senders and keys from s; true if s is left with no
  // sender, no key and no unfiltered registration.
  bool unsubscribe(slot& s, const std::vector<sender>& senders, const std::vector<key>& keys);

  // Removes s and ends its connection; s may be destroyed by the call.
  void remove(slot& s);

  // Appends to `out` the lists of slots a send naming `senders` and `keys`
  // matches: each in connection order, but a slot may be in several.
  void matching_lists(const sender_set& senders, const key_set& keys,
                      std::vector<const slot_list*>& out) const;

  // The same for a send that names nothing.
  void matching_unfiltered(std::vector<const slot_list*>& out) const {
    if (!unfiltered_.empty()) out.push_back(&unfiltered_);
  }

  // The number of callbacks connected (waits and subscriptions aside),
  // less weak members whose object expired before a send pruned them; read
  // from any thread.
  std::size_t callbacks() const noexcept;

  // Whether any callback is connected, live or not; read from any thread.
  bool has_callbacks() const noexcept {
    return callbacks_.load(std::memory_order_relaxed) != 0 ||
           has_weak_.load(std::memory_order_acquire);
  }

  // Whether a send naming `senders` and `keys` would match any slot.
  bool matches_any(const std::vector<sender>& senders, const std::vector<key>& keys) const;

 private:
  template <class Map, class Value>
  static bool add_to(Map& map, const Value& v, slot& s);
  template <class Map, class Value>
  static void erase_from(Map& map, const Value& v, const slot& s);

  slot_list unfiltered_;
  boost::unordered_flat_map<sender, slot_list, std::hash<sender>> by_sender_;
  boost::unordered_flat_map<key, slot_list, std::hash<key>> by_key_;
  boost::unordered_flat_map<callable_id, slot*, callable_id_hash> comparable_;
  void forget_weak(const slot& s) noexcept;

  std::uint64_t next_seq_ = 0;
  // Callbacks other than weak members.
  std::atomic<std::size_t> callbacks_{0};
  // Weak members, counted while their object lives; read from any thread.
  // has_weak_ tells, without the mutex, whether there are any.
  mutable std::mutex weak_mutex_;
  std::vector<const slot*> weak_callbacks_;
  std::atomic<bool> has_weak_{false};
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_CONNECTION_INDEX_HPP
