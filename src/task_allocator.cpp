//
// task_allocator.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/task_allocator.hpp>

#include "thread_cache.hpp"

#include <array>
#include <utility>

namespace asio_signals::detail {
namespace {

// A block of memory a thread keeps for reuse, with the size it serves. Each
// pool `Memory` has caches of its own.
template <class Memory>
class block {
 public:
  block() = default;
  block(void* memory, std::size_t size) noexcept : memory_(memory), size_(size) {}
  block(block&& other) noexcept
      : memory_(std::exchange(other.memory_, nullptr)), size_(other.size_) {}
  block& operator=(block&& other) noexcept {
    if (this != &other) {
      if (memory_ != nullptr) ::operator delete(memory_);
      memory_ = std::exchange(other.memory_, nullptr);
      size_ = other.size_;
    }
    return *this;
  }
  ~block() {
    if (memory_ != nullptr) ::operator delete(memory_);
  }

  explicit operator bool() const noexcept { return memory_ != nullptr; }
  std::size_t size() const noexcept { return size_; }
  void* release() noexcept { return std::exchange(memory_, nullptr); }

 private:
  void* memory_ = nullptr;
  std::size_t size_ = 0;
};

// Task blocks come in sizes of multiples of 64 bytes, up to 1 KiB, and each
// size has a cache of its own: a take finds a block of its size at the top.
constexpr std::size_t task_granularity = 64;
constexpr std::size_t task_sizes = 16;
constexpr std::size_t largest_task_kept = task_granularity * task_sizes;

std::size_t task_size(std::size_t size) noexcept {
  if (size > std::size_t(-1) - task_granularity) return size;
  return (size + task_granularity - 1) / task_granularity * task_granularity;
}

// Value blocks are all of one size.
constexpr std::size_t value_block_size = 64;

template <std::size_t Index>
struct task_size_tag {};

// The cache of blocks of (Index + 1) * task_granularity bytes.
template <std::size_t Index>
using task_cache = thread_cache<block<task_memory>, task_size_tag<Index>>;

using value_cache = thread_cache<block<value_memory>>;

template <std::size_t Index>
block<task_memory> take_task() noexcept {
  task_cache<Index>* cache = task_cache<Index>::local();
  return cache ? cache->take() : block<task_memory>();
}

template <std::size_t Index>
void keep_task(block<task_memory>& b) noexcept {
  if (task_cache<Index>* cache = task_cache<Index>::local()) cache->keep(b);
}

template <std::size_t... Index>
constexpr auto task_takers(std::index_sequence<Index...>) {
  return std::array{&take_task<Index>...};
}

template <std::size_t... Index>
constexpr auto task_keepers(std::index_sequence<Index...>) {
  return std::array{&keep_task<Index>...};
}

// By size: the take and keep of blocks of (index + 1) * task_granularity bytes.
constexpr auto take_task_of = task_takers(std::make_index_sequence<task_sizes>());
constexpr auto keep_task_of = task_keepers(std::make_index_sequence<task_sizes>());

}  // namespace

void* task_memory::allocate(std::size_t size) {
  size = task_size(size);
  if (size != 0 && size <= largest_task_kept) {
    if (block<task_memory> b = take_task_of[size / task_granularity - 1]()) return b.release();
  }
  return ::operator new(size);
}

void task_memory::deallocate(void* p, std::size_t size) noexcept {
  block<task_memory> b(p, task_size(size));
  if (b.size() == 0 || b.size() > largest_task_kept) return;
  keep_task_of[b.size() / task_granularity - 1](b);
}

void* value_memory::allocate(std::size_t size) {
  if (size > value_block_size) return ::operator new(size);
  if (value_cache* cache = value_cache::local()) {
    block<value_memory> b = cache->take();
    if (b) return b.release();
  }
  return ::operator new(value_block_size);
}

void value_memory::deallocate(void* p, std::size_t size) noexcept {
  block<value_memory> b(p, size);
  if (size > value_block_size) return;
  if (value_cache* cache = value_cache::local()) cache->keep(b);
}

}  // namespace asio_signals::detail
