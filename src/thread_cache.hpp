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
#include <utility>

namespace asio_signals::detail {

// The items a thread let go of, kept for it to reuse: the memory of tasks,
// the options of sends. As many as a server's turn sends at once (a
// pipelining client's batch of commands) are kept, so that a burst of sends
// reuses the memory of the last. An Item owns what it holds.
template <class Item, std::size_t N = 64>
class thread_cache {
 public:
  thread_cache() = default;
  thread_cache(const thread_cache&) = delete;
  thread_cache& operator=(const thread_cache&) = delete;

  ~thread_cache() { closed_ = true; }

  // The calling thread's cache, or null once it was destroyed: what a static
  // destructor releases after that goes back to the heap.
  static thread_cache* local() noexcept { return closed_ ? nullptr : &local_; }

  // Takes out a kept item that `fits` accepts, or an empty one. The search
  // starts at the top, where keep() puts items until the cache is full.
  template <class Fits>
  Item take(Fits fits) noexcept {
    for (std::size_t i = size_; i-- > 0;) {
      if (fits(items_[i])) {
        Item item = std::move(items_[i]);
        if (i != size_ - 1) items_[i] = std::move(items_[size_ - 1]);
        --size_;
        return item;
      }
    }
    return Item();
  }

  // Keeps `item`, leaving it empty; when full, in place of a kept one, each
  // slot in turn, so that items a thread no longer uses (blocks of another
  // size) give way in time.
  void keep(Item& item) noexcept {
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
  Item items_[N];
  std::size_t size_ = 0;
  std::size_t next_ = 0;
};

template <class Item, std::size_t N>
thread_local bool thread_cache<Item, N>::closed_ = false;

template <class Item, std::size_t N>
thread_local thread_cache<Item, N> thread_cache<Item, N>::local_;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
