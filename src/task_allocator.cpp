//
// task_allocator.cpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/task_allocator.hpp>

#include "thread_cache.hpp"

#include <utility>

namespace asio_signals::detail {
namespace {

// A block of task memory, with the size it was asked for rounded up: it
// serves any request of that rounded size. Larger blocks are not kept.
class block {
 public:
  static constexpr std::size_t granularity = 64;
  static constexpr std::size_t largest_kept = 1024;

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

  static std::size_t rounded(std::size_t size) noexcept {
    if (size > std::size_t(-1) - granularity) return size;
    return (size + granularity - 1) / granularity * granularity;
  }

  explicit operator bool() const noexcept { return memory_ != nullptr; }
  std::size_t size() const noexcept { return size_; }
  void* release() noexcept { return std::exchange(memory_, nullptr); }

 private:
  void* memory_ = nullptr;
  std::size_t size_ = 0;
};

using block_cache = thread_cache<block>;

}  // namespace

void* task_allocate(std::size_t size) {
  size = block::rounded(size);
  if (block_cache* cache = block_cache::local()) {
    block b = cache->take([size](const block& b) { return b.size() == size; });
    if (b) return b.release();
  }
  return ::operator new(size);
}

void task_deallocate(void* p, std::size_t size) noexcept {
  block b(p, block::rounded(size));
  if (b.size() > block::largest_kept) return;
  if (block_cache* cache = block_cache::local()) cache->keep(b);
}

}  // namespace asio_signals::detail
