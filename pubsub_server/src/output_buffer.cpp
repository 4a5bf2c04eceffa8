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
// most 256 (4 MiB), beyond which a burst's blocks are freed once written. Its
// room is made where a block is taken, so that keeping one never allocates.
constexpr std::size_t kept_blocks = 256;

std::vector<std::unique_ptr<char[]>>& spare_blocks() noexcept {
  thread_local std::vector<std::unique_ptr<char[]>> spare;
  return spare;
}

}  // namespace

// Takes every block the bytes need before copying any: without memory for
// one, the buffer holds what it held.
void output_buffer::append(std::string_view bytes) {
  std::size_t first = blocks_.size();
  std::size_t room = 0;
  if (!blocks_.empty() && blocks_.back().used < block_size) {
    first = blocks_.size() - 1;
    room = block_size - blocks_.back().used;
  }
  if (room < bytes.size()) {
    const std::size_t more = (bytes.size() - room + block_size - 1) / block_size;
    const std::size_t held = blocks_.size();
    blocks_.reserve(held + more);
    auto& spare = spare_blocks();
    spare.reserve(kept_blocks);
    try {
      for (std::size_t i = 0; i < more; ++i) {
        if (spare.empty()) {
          blocks_.push_back({std::make_unique_for_overwrite<char[]>(block_size)});
        } else {
          blocks_.push_back({std::move(spare.back())});
          spare.pop_back();
        }
      }
    } catch (...) {
      // The blocks taken go back while the spare ones have room; the others
      // are freed.
      for (std::size_t i = held; i < blocks_.size() && spare.size() < spare.capacity(); ++i)
        spare.push_back(std::move(blocks_[i].data));
      blocks_.resize(held);
      throw;
    }
  }
  size_ += bytes.size();
  copied_ += bytes.size();
  for (std::size_t i = first; !bytes.empty(); ++i) {
    block& b = blocks_[i];
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
      if (n != 0) out.emplace_back(b.data.get() + offset, n);
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
  // Into the room the thread's spare blocks have, if any: a thread that never
  // took a block, as one whose buffers another thread filled, keeps none.
  auto& spare = spare_blocks();
  for (block& b : blocks_) {
    if (spare.size() == spare.capacity()) break;
    spare.push_back(std::move(b.data));
  }
  blocks_.clear();
  copied_ = 0;
  shared_.clear();
  size_ = 0;
}

}  // namespace pubsub
