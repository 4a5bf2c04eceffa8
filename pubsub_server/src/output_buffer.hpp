//
// output_buffer.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_OUTPUT_BUFFER_HPP
#define PUBSUB_OUTPUT_BUFFER_HPP

#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pubsub {

namespace asio = boost::asio;

/// The bytes a client is still to receive, written with one gathered write.
/**
 * Small pieces are copied into one contiguous block, so a burst of small
 * messages goes out as a single buffer; pieces longer than @ref copy_limit
 * that are shared with other clients (an encoded message) are referenced, so
 * a big message is never copied once per subscriber.
 */
class output_buffer {
 public:
  /// Shared pieces up to this size are copied rather than referenced.
  static constexpr std::size_t copy_limit = 1024;

  /// Appends a copy of @c bytes.
  void append(std::string_view bytes) {
    copied_.append(bytes);
    size_ += bytes.size();
  }

  /// Appends @c bytes, which @c owner keeps alive: copied if small, else referenced.
  void append(std::string_view bytes, const std::shared_ptr<const void>& owner) {
    if (bytes.size() <= copy_limit) return append(bytes);
    shared_.push_back({copied_.size(), bytes, owner});
    size_ += bytes.size();
  }

  /// The number of bytes held.
  std::size_t size() const noexcept { return size_; }

  /// Whether no byte is held.
  bool empty() const noexcept { return size_ == 0; }

  /// Sets @c out to the buffers that hold the bytes, in order.
  void gather(std::vector<asio::const_buffer>& out) const;

  /// Drops every byte, keeping the memory for the next ones unless it is large.
  void clear() noexcept;

 private:
  struct shared_piece {
    std::size_t copied_before;  // the size of copied_ when the piece came
    std::string_view bytes;
    std::shared_ptr<const void> owner;
  };

  std::string copied_;
  std::vector<shared_piece> shared_;
  std::size_t size_ = 0;
};

}  // namespace pubsub

#endif  // PUBSUB_OUTPUT_BUFFER_HPP
