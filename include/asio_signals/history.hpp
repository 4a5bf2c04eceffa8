//
// history.hpp
// ~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_HISTORY_HPP
#define ASIO_SIGNALS_HISTORY_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/kwargs.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asio_signals {

namespace detail {
struct history_request;
}  // namespace detail

/// What a router retains: a channel, from every sender that declares it, or
/// one event of one sender.
/**
 * @code
 * sig::topic("#changed")      // the channel, whoever triggers it
 * sig::topic("temp", "cold")  // the event "cold" of the sender "temp"
 * @endcode
 * The names are checked by the router operation that takes the topic.
 */
class topic {
 public:
  /// A channel: @c name starts with @c '#'.
  explicit topic(std::string_view channel) : event_(channel) {}

  /// One event of one sender.
  topic(std::string_view sender, std::string_view event) : sender_(sender), event_(event) {}

  /// The sender's name; empty for a channel.
  const std::string& sender() const noexcept { return sender_; }

  /// The event's name.
  const std::string& event() const noexcept { return event_; }

 private:
  std::string sender_;
  std::string event_;
};

/// One trigger of a retained topic, as a pull returns it.
struct retained_event {
  /// The name of the sender that triggered it.
  std::string sender;

  /// The event's name.
  std::string event;

  /// The data it was triggered with.
  kwargs data;

  /// Its number in its topic: 1 for the first trigger, one more for each
  /// next, never reused, even once the event is no longer kept.
  std::uint64_t sequence = 0;

  /// When it was triggered, by the router's clock; never earlier than the
  /// topic's previous event.
  std::chrono::system_clock::time_point time;
};

/// A bound of a retained topic, the result of max_events(), max_age() and
/// max_bytes().
class retention_bound {
 private:
  friend struct detail::history_request;
  friend retention_bound max_events(std::size_t n) noexcept;
  friend retention_bound max_age(std::chrono::system_clock::duration age) noexcept;
  friend retention_bound max_bytes(std::size_t n) noexcept;

  std::optional<std::size_t> events_;
  std::optional<std::chrono::system_clock::duration> age_;
  std::optional<std::size_t> bytes_;
};

/// A retain option: keep at most the @c n newest events.
inline retention_bound max_events(std::size_t n) noexcept {
  retention_bound b;
  b.events_ = n;
  return b;
}

/// A retain option: keep the events of the last @c age only.
inline retention_bound max_age(std::chrono::system_clock::duration age) noexcept {
  retention_bound b;
  b.age_ = age;
  return b;
}

/// A retain option: keep the newest events that fit in @c n bytes.
/**
 * In memory, an event's size is the length of its sender's, its event's and
 * its kwargs' names, plus the length of each @c std::string value and 16
 * bytes for any other value. The newest event is kept whatever its size.
 */
inline retention_bound max_bytes(std::size_t n) noexcept {
  retention_bound b;
  b.bytes_ = n;
  return b;
}

/// Where a pull starts, the result of since().
class pull_start {
 private:
  friend struct detail::history_request;
  friend pull_start since(std::chrono::system_clock::time_point time) noexcept;

  std::chrono::system_clock::time_point time_;
};

/// A pull or subscribe option: the events triggered at @c time or later.
inline pull_start since(std::chrono::system_clock::time_point time) noexcept {
  pull_start s;
  s.time_ = time;
  return s;
}

/// The most events one pull returns, the result of max_batch().
class batch_size {
 private:
  friend struct detail::history_request;
  friend batch_size max_batch(std::size_t n) noexcept;

  std::size_t n_ = 0;
};

/// A pull option: return at most @c n events (256 without it).
inline batch_size max_batch(std::size_t n) noexcept {
  batch_size b;
  b.n_ = n;
  return b;
}

/// The type of wait_for_events().
class pull_wait {
 private:
  friend pull_wait wait_for_events() noexcept;
  pull_wait() = default;
};

/// A pull option of a durable subscriber: when nothing is new, wait for the
/// next event of its topics instead of returning none.
inline pull_wait wait_for_events() noexcept {
  return pull_wait();
}

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_HISTORY_HPP
