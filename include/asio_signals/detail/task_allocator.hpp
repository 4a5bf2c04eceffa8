//
// detail/task_allocator.hpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_TASK_ALLOCATOR_HPP
#define ASIO_SIGNALS_DETAIL_TASK_ALLOCATOR_HPP

#include <asio_signals/detail/config.hpp>

#include <cstddef>
#include <memory>
#include <new>

namespace asio_signals::detail {

// Memory for the tasks a signal posts. Each thread keeps the last few blocks
// it freed and hands them out again. Asio recycles an operation's memory only
// for a thread inside run(); this also serves a thread that sends from
// outside run() and then runs the task itself. A block freed on another
// thread goes to that thread's cache.
ASIO_SIGNALS_DECL void* task_allocate(std::size_t size);
ASIO_SIGNALS_DECL void task_deallocate(void* p, std::size_t size) noexcept;

// The allocator of the tasks a signal posts for handlers that have none of
// their own (see signal_op).
template <class T>
class task_allocator {
  // Task blocks have the alignment of operator new; a task that needs more
  // gets its memory from std::allocator.
  static constexpr bool over_aligned = alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__;

 public:
  using value_type = T;

  task_allocator() noexcept = default;

  template <class U>
  task_allocator(const task_allocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if constexpr (over_aligned) {
      return std::allocator<T>().allocate(n);
    } else {
      if (n > max_size()) throw std::bad_array_new_length();
      return static_cast<T*>(task_allocate(n * sizeof(T)));
    }
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if constexpr (over_aligned)
      std::allocator<T>().deallocate(p, n);
    else
      task_deallocate(p, n * sizeof(T));
  }

  static constexpr std::size_t max_size() noexcept { return std::size_t(-1) / sizeof(T); }

  template <class U>
  friend bool operator==(const task_allocator&, const task_allocator<U>&) noexcept {
    return true;
  }
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_TASK_ALLOCATOR_HPP
