//
// message.hpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_MESSAGE_HPP
#define PUBSUB_MESSAGE_HPP

#include <cstddef>
#include <memory>
#include <string_view>

namespace pubsub {

/// A published message, encoded once for all its subscribers.
/**
 * A cheap handle: copies share one immutable block holding the push a
 * channel subscriber receives, @c ["message", channel, payload], whose end
 * (the channel and payload bulk strings) also ends the push of a pattern
 * subscriber, @c ["pmessage", pattern, channel, payload].
 */
class message {
 public:
  /// No message; what the signal declares as its default.
  message() = default;

  /// Encodes the message @c payload on @c channel.
  message(std::string_view channel, std::string_view payload);

  /// The push a channel subscriber receives.
  std::string_view push() const noexcept { return {bytes_.get(), size_}; }

  /// The channel and the payload, as RESP bulk strings.
  std::string_view tail() const noexcept { return push().substr(header_size); }

  /// What keeps the bytes alive.
  const std::shared_ptr<const char[]>& owner() const noexcept { return bytes_; }

 private:
  // The size of "*3\r\n$7\r\nmessage\r\n".
  static constexpr std::size_t header_size = 17;

  std::shared_ptr<const char[]> bytes_;
  std::size_t size_ = 0;
};

}  // namespace pubsub

#endif  // PUBSUB_MESSAGE_HPP
