//
// task_allocator.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/task_allocator.hpp>

#include "thread_cache.hpp"

#include <cstddef>
#include <new>

namespace asio_signals::detail {
namespace {

// Task blocks come in sizes of multiples of 64 bytes, up to 1 KiB, and each
// size has a shelf of its own: a take finds a block of its size at the top.
constexpr std::size_t task_granularity = 64;
constexpr std::size_t task_sizes = 16;
constexpr std::size_t largest_task_kept = task_granularity * task_sizes;

std::size_t task_size(std::size_t size) noexcept {
  if (size > std::size_t(-1) - task_granularity) return size;
  return (size + task_granularity - 1) / task_granularity * task_granularity;
}

// The shelf of blocks of `size`, a task_size of 1 to largest_task_kept bytes.
std::size_t task_shelf(std::size_t size) noexcept {
  return size / task_granularity - 1;
}

// Value blocks are all of one size.
constexpr std::size_t value_block_size = 64;

using task_cache = block_cache<task_memory, task_sizes>;
using value_cache = block_cache<value_memory>;

}  // namespace

void* task_memory::allocate(std::size_t size) {
  size = task_size(size);
  if (size != 0 && size <= largest_task_kept) {
    if (task_cache* cache = task_cache::local()) {
      if (void* p = cache->take(task_shelf(size))) return p;
    }
  }
  return ::operator new(size);
}

void task_memory::deallocate(void* p, std::size_t size) noexcept {
  size = task_size(size);
  task_cache* cache = size != 0 && size <= largest_task_kept ? task_cache::local() : nullptr;
  if (cache)
    cache->keep(p, task_shelf(size));
  else
    ::operator delete(p);
}

void* value_memory::allocate(std::size_t size) {
  if (size > value_block_size) return ::operator new(size);
  if (value_cache* cache = value_cache::local()) {
    if (void* p = cache->take()) return p;
  }
  return ::operator new(value_block_size);
}

void value_memory::deallocate(void* p, std::size_t size) noexcept {
  value_cache* cache = size <= value_block_size ? value_cache::local() : nullptr;
  if (cache)
    cache->keep(p);
  else
    ::operator delete(p);
}

}  // namespace asio_signals::detail
