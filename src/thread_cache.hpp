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
// the options of sends. Up to N are kept (512: the sends of 16 pipelining
// clients' batches of 32, started in one turn of a server before any
// completes), so that a burst of sends reuses the memory of the last. The
// room for them is allocated when the first is kept, so a thread that keeps
// none costs nothing. Every kept item serves any take: items that differ
// (blocks of each size) have a cache each, told apart by Tag. An Item owns
// what it holds.
template <class Item, class Tag = void, std::size_t N = 512>
class thread_cache {
 public:
  thread_cache() = default;
  thread_cache(const thread_cache&) = delete;
  thread_cache& operator=(const thread_cache&) = delete;

  ~thread_cache() { closed_ = true; }

  // The calling thread's cache, or null once it was destroyed: what a static
  // destructor releases after that goes back to the heap.
  static thread_cache* local() noexcept { return closed_ ? nullptr : &local_; }

  // Takes out the item kept last, or an empty one.
  Item take() noexcept {
    if (size_ == 0) return Item();
    return std::move(items_[--size_]);
  }

  // Keeps `item`, leaving it empty; when full, in place of a kept one, each
  // slot in turn. Without room for its items (out of memory), the cache
  // keeps nothing and `item` stays as it was.
  void keep(Item& item) noexcept {
    if (!items_) {
      items_.reset(new (std::nothrow) Item[N]);
      if (!items_) return;
    }
    if (size_ != N) {
      items_[size_++] = std::move(item);
      return;
    }
    items_[next_] = std::move(item);
    next_ = (next_ + 1) % N;
  }

 private:
  static thread_local bool closed_;
  static thread_local thread_cache local_;

  // Kept items are items_[0, size_).
  std::unique_ptr<Item[]> items_;
  std::size_t size_ = 0;
  std::size_t next_ = 0;
};

template <class Item, class Tag, std::size_t N>
thread_local bool thread_cache<Item, Tag, N>::closed_ = false;

template <class Item, class Tag, std::size_t N>
thread_local thread_cache<Item, Tag, N> thread_cache<Item, Tag, N>::local_;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
