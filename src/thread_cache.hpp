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
// the options of sends. Up to N are kept, as many as a server's turn sends at
// once (the pipelined commands of every client it read from), so that a burst
// of sends reuses the memory of the last: a thread that sends and runs the
// executor keeps no more than the most it had out at once, and one that only
// runs it, up to N of what other threads sent. The room for them is allocated
// when the first is kept, so a thread that keeps none costs nothing. An Item
// owns what it holds.
template <class Item, std::size_t N = 512>
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
  // starts at the top, where keep() puts items until the cache is full, and
  // looks at most `searched` deep: a thread mostly takes what it kept last.
  template <class Fits>
  Item take(Fits fits) noexcept {
    const std::size_t last = size_ > searched ? size_ - searched : 0;
    for (std::size_t i = size_; i-- > last;) {
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
  // size) give way in time. Without room for its items (out of memory), the
  // cache keeps nothing and `item` stays as it was.
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
  static constexpr std::size_t searched = 16;

  static thread_local bool closed_;
  static thread_local thread_cache local_;

  // Kept items are items_[0, size_).
  std::unique_ptr<Item[]> items_;
  std::size_t size_ = 0;
  std::size_t next_ = 0;
};

template <class Item, std::size_t N>
thread_local bool thread_cache<Item, N>::closed_ = false;

template <class Item, std::size_t N>
thread_local thread_cache<Item, N> thread_cache<Item, N>::local_;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_THREAD_CACHE_HPP
