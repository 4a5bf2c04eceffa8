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

// The memory of a signal's operations, which each thread recycles: up to 512
// of the task blocks of each size (multiples of 64 bytes up to 1 KiB) it freed.
struct task_memory {
  ASIO_SIGNALS_DECL static void* allocate(std::size_t size);
  ASIO_SIGNALS_DECL static void deallocate(void* p, std::size_t size) noexcept;
};

// The memory of kwarg values, which each thread recycles: up to 512 of the
// blocks of up to 64 bytes it freed, enough for a value of up to 32 bytes (a
// std::string) with its reference counts.
struct value_memory {
  ASIO_SIGNALS_DECL static void* allocate(std::size_t size);
  ASIO_SIGNALS_DECL static void deallocate(void* p, std::size_t size) noexcept;
};

// An allocator of the memory `Memory` recycles.
template <class T, class Memory>
class recycling_allocator {
  // Recycled blocks have the alignment of operator new; an object that needs
  // more gets its memory from std::allocator.
  static constexpr bool over_aligned = alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__;

 public:
  using value_type = T;

  recycling_allocator() noexcept = default;

  template <class U>
  recycling_allocator(const recycling_allocator<U, Memory>&) noexcept {}

  T* allocate(std::size_t n) {
    if constexpr (over_aligned) {
      return std::allocator<T>().allocate(n);
    } else {
      if (n > max_size()) throw std::bad_array_new_length();
      return static_cast<T*>(Memory::allocate(n * sizeof(T)));
    }
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if constexpr (over_aligned)
      std::allocator<T>().deallocate(p, n);
    else
      Memory::deallocate(p, n * sizeof(T));
  }

  static constexpr std::size_t max_size() noexcept { return std::size_t(-1) / sizeof(T); }

  template <class U>
  friend bool operator==(const recycling_allocator&,
                         const recycling_allocator<U, Memory>&) noexcept {
    return true;
  }
};

template <class T>
using task_allocator = recycling_allocator<T, task_memory>;

template <class T>
using value_allocator = recycling_allocator<T, value_memory>;

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_TASK_ALLOCATOR_HPP
