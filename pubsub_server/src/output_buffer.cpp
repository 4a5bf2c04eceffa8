//
// output_buffer.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "output_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace pubsub {
namespace {

// The blocks written and not yet filled again, for the thread's buffers: at
// most 256 (4 MiB), beyond which a burst's blocks are freed once written.
constexpr std::size_t kept_blocks = 256;

// Made with room for all it keeps, so that keeping a block never allocates.
std::vector<std::unique_ptr<char[]>>& spare_blocks() {
  thread_local std::vector<std::unique_ptr<char[]>> spare = [] {
    std::vector<std::unique_ptr<char[]>> blocks;
    blocks.reserve(kept_blocks);
    return blocks;
  }();
  return spare;
}

}  // namespace

void output_buffer::append(std::string_view bytes) {
  size_ += bytes.size();
  copied_ += bytes.size();
  while (!bytes.empty()) {
    if (blocks_.empty() || blocks_.back().used == block_size) {
      auto& spare = spare_blocks();
      if (spare.empty()) {
        blocks_.push_back({std::make_unique_for_overwrite<char[]>(block_size)});
      } else {
        blocks_.push_back({std::move(spare.back())});
        spare.pop_back();
      }
    }
    block& b = blocks_.back();
    const std::size_t n = std::min(bytes.size(), block_size - b.used);
    std::memcpy(b.data.get() + b.used, bytes.data(), n);
    b.used += n;
    bytes.remove_prefix(n);
  }
}

void output_buffer::gather(std::vector<asio::const_buffer>& out) const {
  out.clear();
  // Where the copied bytes not yet gathered start.
  std::size_t copied = 0;
  std::size_t index = 0;
  std::size_t offset = 0;
  auto gather_copied = [&](std::size_t until) {
    while (copied < until) {
      const block& b = blocks_[index];
      const std::size_t n = std::min(b.used - offset, until - copied);
      out.emplace_back(b.data.get() + offset, n);
      copied += n;
      offset += n;
      if (offset == b.used) {
        ++index;
        offset = 0;
      }
    }
  };
  for (const shared_piece& piece : shared_) {
    gather_copied(piece.copied_before);
    out.emplace_back(piece.bytes.data(), piece.bytes.size());
  }
  gather_copied(copied_);
}

void output_buffer::clear() noexcept {
  // Blocks are made by append, which made the thread's spare blocks first.
  if (!blocks_.empty()) {
    auto& spare = spare_blocks();
    for (block& b : blocks_) {
      if (spare.size() == kept_blocks) break;
      spare.push_back(std::move(b.data));
    }
  }
  blocks_.clear();
  copied_ = 0;
  shared_.clear();
  size_ = 0;
}

}  // namespace pubsub
