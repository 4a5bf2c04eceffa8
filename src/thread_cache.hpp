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

// The calling thread's instance of `Cache`, one per thread, made when the
// thread first uses it and destroyed with the thread's other thread-local
// objects (never, when a static destructor of the main thread is the first
// to use it, after those ran); `Cache` derives from it.
template <class Cache>
class thread_local_cache {
 public:
  thread_local_cache(const thread_local_cache&) = delete;
  thread_local_cache& operator=(const thread_local_cache&) = delete;

  // The calling thread's cache, or null once it was destroyed: what is
  // released after that goes back to the heap.
  static Cache* local() noexcept { return closed_ ? nullptr : &local_; }

 protected:
  thread_local_cache() = default;

  // Called first by the cache's destructor: what its items' destructors
  // release no longer comes back to it.
  static void close() noexcept { closed_ = true; }

 private:
  static thread_local bool closed_;
  static thread_local Cache local_;
};

template <class Cache>
thread_local bool thread_local_cache<Cache>::closed_ = false;

template <class Cache>
thread_local Cache thread_local_cache<Cache>::local_;

// The items a thread let go of, kept for it to reuse: the options of sends
// and of triggers. Up to N are kept on each shelf (512: the sends of 16
// pipelining clients' batches of 32, started in one turn of a server before
// any completes), so that a burst of sends reuses the memory of the last. A
// shelf's room is allocated when it keeps its first item, so a thread that
// keeps none costs nothing. Every item on a shelf serves any take from it:
// items that differ go on shelves of their own. An Item owns what it holds.
template <class Item, std::size_t Shelves = 1, std::size_t N = 512>
class thread_cache : public thread_local_cache<thread_cache<Item, Shelves, N>> {
 public:
  ~thread_cache() { this->close(); }

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

  shelf_items shelves_[Shelves];
};

// The blocks of memory a thread freed, kept for it to reuse: the memory of
// tasks and of kwargs' values. Up to N on each shelf, as thread_cache keeps
// items, each shelf a list threaded through its blocks themselves, so that
// keeping and taking one allocates nothing and moves no owner. Every block
// on a shelf serves any take from it: blocks of each size go on shelves of
// their own. Each pool `Memory` has a cache of its own.
template <class Memory, std::size_t Shelves = 1, std::size_t N = 512>
class block_cache : public thread_local_cache<block_cache<Memory, Shelves, N>> {
 public:
  ~block_cache() {
    this->close();
    for (shelf_blocks& s : shelves_)
      while (s.top) ::operator delete(std::exchange(s.top, s.top->next));
  }

  // Takes out the block `shelf` kept last, or null.
  void* take(std::size_t shelf = 0) noexcept {
    shelf_blocks& s = shelves_[shelf];
    kept_block* b = s.top;
    if (b) {
      s.top = b->next;
      --s.size;
    }
    return b;
  }

  // Keeps the block `p` on `shelf`, or frees it when the shelf is full.
  void keep(void* p, std::size_t shelf = 0) noexcept {
    shelf_blocks& s = shelves_[shelf];
    if (s.size == N) {
      ::operator delete(p);
      return;
    }
    s.top = ::new (p) kept_block{s.top};
    ++s.size;
  }

 private:
  struct kept_block {
    kept_block* next;
  };

  struct shelf_blocks {
    kept_block* top = nullptr;
    std::size_t size = 0;
  };

  shelf_blocks shelves_[Shelves];
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
