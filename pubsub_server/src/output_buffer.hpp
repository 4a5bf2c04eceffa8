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
#include <string_view>
#include <utility>
#include <vector>

namespace pubsub {

namespace asio = boost::asio;

/// The bytes a client is still to receive, written with one gathered write.
/**
 * Bytes are copied into blocks of @ref block_size, which the thread keeps
 * for the next output once written, so a burst of messages goes out as a
 * few large buffers and its memory serves the next burst. Pieces longer than
 * @ref copy_limit that are shared with other clients (an encoded message)
 * are referenced, so a big message is never copied once per subscriber.
 */
class output_buffer {
 public:
  /// The size of the blocks that the copied bytes fill.
  static constexpr std::size_t block_size = 16 * 1024;

  /// Shared pieces up to this size are copied rather than referenced.
  static constexpr std::size_t copy_limit = 4 * 1024;

  output_buffer() = default;

  /// Takes the bytes of @c other, which is left empty.
  output_buffer(output_buffer&& other) noexcept
      : blocks_(std::exchange(other.blocks_, {})),
        copied_(std::exchange(other.copied_, 0)),
        shared_(std::exchange(other.shared_, {})),
        size_(std::exchange(other.size_, 0)) {}

  /// Drops the bytes held and takes those of @c other, which is left empty.
  output_buffer& operator=(output_buffer&& other) noexcept {
    if (this != &other) {
      clear();
      blocks_ = std::exchange(other.blocks_, {});
      copied_ = std::exchange(other.copied_, 0);
      shared_ = std::exchange(other.shared_, {});
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  ~output_buffer() { clear(); }

  /// Appends a copy of @c bytes; if that throws, the buffer is unchanged.
  void append(std::string_view bytes);

  /// Appends @c bytes, which @c owner keeps alive: copied if small, else referenced.
  void append(std::string_view bytes, const std::shared_ptr<const void>& owner) {
    if (bytes.size() <= copy_limit) return append(bytes);
    shared_.push_back({copied_, bytes, owner});
    size_ += bytes.size();
  }

  /// The number of bytes held.
  std::size_t size() const noexcept { return size_; }

  /// Whether no byte is held.
  bool empty() const noexcept { return size_ == 0; }

  /// Sets @c out to the buffers that hold the bytes, in order.
  void gather(std::vector<asio::const_buffer>& out) const;

  /// Drops every byte; the thread keeps the blocks for other buffers, up to
  /// a bound.
  void clear() noexcept;

 private:
  struct block {
    std::unique_ptr<char[]> data;
    std::size_t used = 0;
  };

  struct shared_piece {
    std::size_t copied_before;  // the bytes copied when the piece came
    std::string_view bytes;
    std::shared_ptr<const void> owner;
  };

  std::vector<block> blocks_;
  std::size_t copied_ = 0;
  std::vector<shared_piece> shared_;
  std::size_t size_ = 0;
};

}  // namespace pubsub

#endif  // PUBSUB_OUTPUT_BUFFER_HPP
