//
// message.cpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "message.hpp"

#include "resp.hpp"

#include <cstring>
#include <utility>

namespace pubsub {
namespace {

// Writes into a block sized beforehand.
class block_writer {
 public:
  explicit block_writer(char* out) noexcept : out_(out) {}

  void append(std::string_view s) noexcept {
    std::memcpy(out_, s.data(), s.size());
    out_ += s.size();
  }

 private:
  char* out_;
};

std::size_t digits(std::size_t n) noexcept {
  std::size_t count = 1;
  for (; n >= 10; n /= 10) ++count;
  return count;
}

// The size of a RESP bulk string holding `n` bytes.
std::size_t bulk_size(std::size_t n) noexcept {
  return 1 + digits(n) + 2 + n + 2;
}

}  // namespace

message::message(std::string_view channel, std::string_view payload)
    : size_(header_size + bulk_size(channel.size()) + bulk_size(payload.size())) {
  auto bytes = std::make_shared_for_overwrite<char[]>(size_);
  block_writer out(bytes.get());
  out.append("*3\r\n$7\r\nmessage\r\n");
  append_bulk(out, channel);
  append_bulk(out, payload);
  bytes_ = std::move(bytes);
}

}  // namespace pubsub
