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

// The last few items a thread let go of, kept for it to reuse: the memory of
// tasks, the options of sends. An Item owns what it holds and tests false
// when empty.
template <class Item, std::size_t N = 4>
class thread_cache {
 public:
  thread_cache() = default;
  thread_cache(const thread_cache&) = delete;
  thread_cache& operator=(const thread_cache&) = delete;

  ~thread_cache() { closed_ = true; }

  // The calling thread's cache, or null once it was destroyed: what a static
  // destructor releases after that goes back to the heap.
  static thread_cache* local() noexcept { return closed_ ? nullptr : &local_; }

  // Takes out the first kept item that `fits` accepts, or an empty one.
  template <class Fits>
  Item take(Fits fits) noexcept {
    for (Item& item : items_)
      if (item && fits(item)) return std::exchange(item, Item());
    return Item();
  }

  // Keeps `item`, leaving it empty; when full, in place of one kept earlier,
  // each in turn, so that what a thread uses now replaces what it used before.
  void keep(Item& item) noexcept {
    for (Item& kept : items_) {
      if (!kept) {
        kept = std::move(item);
        return;
      }
    }
    items_[next_] = std::move(item);
    next_ = (next_ + 1) % N;
  }

 private:
  static thread_local bool closed_;
  static thread_local thread_cache local_;

  Item items_[N];
  std::size_t next_ = 0;
};

template <class Item, std::size_t N>
thread_local bool thread_cache<Item, N>::closed_ = false;

template <class Item, std::size_t N>
thread_local thread_cache<Item, N> thread_cache<Item, N>::local_;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
