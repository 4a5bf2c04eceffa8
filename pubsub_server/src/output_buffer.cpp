//
// output_buffer.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "output_buffer.hpp"

namespace pubsub {
namespace {

// A block that grew past this during a burst is given back once written.
constexpr std::size_t kept_capacity = 256 * 1024;

}  // namespace

void output_buffer::gather(std::vector<asio::const_buffer>& out) const {
  out.clear();
  std::size_t copied = 0;
  for (const shared_piece& piece : shared_) {
    if (piece.copied_before > copied)
      out.emplace_back(copied_.data() + copied, piece.copied_before - copied);
    out.emplace_back(piece.bytes.data(), piece.bytes.size());
    copied = piece.copied_before;
  }
  if (copied_.size() > copied) out.emplace_back(copied_.data() + copied, copied_.size() - copied);
}

void output_buffer::clear() noexcept {
  if (copied_.capacity() > kept_capacity)
    std::string().swap(copied_);
  else
    copied_.clear();
  shared_.clear();
  size_ = 0;
}

}  // namespace pubsub
