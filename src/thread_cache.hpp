//
// thread_cache.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
#define ASIO_SIGNALS_SRC_THREAD_CACHE_HPP

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace asio_signals::detail {

// The items a thread let go of, kept for it to reuse: the memory of tasks,
// the options of sends. Up to N are kept on each shelf (512: the sends of 16
// pipelining clients' batches of 32, started in one turn of a server before
// any completes), so that a burst of sends reuses the memory of the last. A
// shelf's room is allocated when it keeps its first item, so a thread that
// keeps none costs nothing. Every item on a shelf serves any take from it:
// items that differ (blocks of each size) go on shelves of their own. An
// Item owns what it holds.
template <class Item, std::size_t Shelves = 1, std::size_t N = 512>
class thread_cache {
 public:
  thread_cache() = default;
  thread_cache(const thread_cache&) = delete;
  thread_cache& operator=(const thread_cache&) = delete;

  ~thread_cache() { closed_ = true; }

  // The calling thread's cache, or null once it was destroyed: what a static
  // destructor releases after that goes back to the heap.
  static thread_cache* local() noexcept { return closed_ ? nullptr : &local_; }

  // Takes out the item `shelf` kept last, or an empty one.
  Item take(std::size_t shelf = 0) noexcept {
    shelf_items& s = shelves_[shelf];
    if (s.size == 0) return Item();
    return std::move(s.items[--s.size]);
  }

  // Keeps `item` on `shelf`, leaving it empty; when the shelf is full, in
  // place of a kept one, each slot in turn. Without room for its items (out
  // of memory), the shelf keeps nothing and `item` stays as it was.
  void keep(Item& item, std::size_t shelf = 0) noexcept {
    shelf_items& s = shelves_[shelf];
    if (!s.items) {
      s.items.reset(new (std::nothrow) Item[N]);
      if (!s.items) return;
    }
    if (s.size != N) {
      s.items[s.size++] = std::move(item);
      return;
    }
    s.items[s.next] = std::move(item);
    s.next = (s.next + 1) % N;
  }

 private:
  // Kept items are items[0, size).
  struct shelf_items {
    std::unique_ptr<Item[]> items;
    std::size_t size = 0;
    std::size_t next = 0;
  };

  static thread_local bool closed_;
  static thread_local thread_cache local_;

  shelf_items shelves_[Shelves];
};

template <class Item, std::size_t Shelves, std::size_t N>
thread_local bool thread_cache<Item, Shelves, N>::closed_ = false;

template <class Item, std::size_t Shelves, std::size_t N>
thread_local thread_cache<Item, Shelves, N> thread_cache<Item, Shelves, N>::local_;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
