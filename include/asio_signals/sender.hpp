//
// sender.hpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SENDER_HPP
#define ASIO_SIGNALS_SENDER_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/ordered_set.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <ranges>
#include <type_traits>
#include <utility>
#include <vector>

namespace asio_signals {

/// The identity of an object that sends.
/**
 * A sender is the address of an object, compared like Python's @c id(): two
 * distinct objects are different senders even when they compare equal, and
 * for a polymorphic type the address is that of the most-derived object, so a
 * @c Base* and a @c Derived* to one object are one sender. A sender never owns
 * or dereferences the object.
 *
 * @par Example
 * @code
 * co_await sig.send(sig::sender(this), sig::arg("message", "hello"));
 * @endcode
 */
class sender {
 public:
  /// The sender identified by the object @c object points to.
  template <class T>
  requires(std::is_object_v<T> || std::is_void_v<T>) sender(T* object)
  noexcept : address_(most_derived(object)) {}

  /// The sender identified by the object @c object owns (not the pointer itself).
  template <class T>
  sender(const std::shared_ptr<T>& object) noexcept : sender(object.get()) {}

  /// The anonymous sender, the null address.
  sender(std::nullptr_t) noexcept {}

  /// The address that identifies the sender.
  const void* address() const noexcept { return address_; }

  /// Whether both name the same address.
  friend bool operator==(const sender&, const sender&) noexcept = default;

 private:
  template <class T>
  static const void* most_derived(T* object) noexcept {
    if constexpr (std::is_polymorphic_v<T>)
      return const_cast<const void*>(dynamic_cast<const volatile void*>(object));
    else
      return const_cast<const void*>(static_cast<const volatile void*>(object));
  }

  const void* address_ = nullptr;
};

/// Several senders, the result of senders().
class sender_list {
 public:
  /// No senders.
  sender_list() = default;

  /// The given senders.
  explicit sender_list(std::vector<sender> senders) noexcept : senders_(std::move(senders)) {}

  /// The senders, in the order named.
  const std::vector<sender>& items() const& noexcept { return senders_; }

  /// The senders, moved out.
  std::vector<sender>&& items() && noexcept { return std::move(senders_); }

 private:
  std::vector<sender> senders_;
};

/// The senders named by one send, in the order named, each once.
/**
 * What @ref event::senders returns: @c size(), @c empty(), @c contains(s)
 * (hashed once the set is large) and iteration in the order the send named
 * them.
 */
using sender_set = detail::ordered_set<sender>;

/// A sender whose sends a connection ignores, the result of not_from().
class sender_exclusion {
 public:
  /// The sender ignored.
  const sender& excluded() const noexcept { return sender_; }

 private:
  friend sender_exclusion not_from(sender s) noexcept;

  explicit sender_exclusion(sender s) noexcept : sender_(s) {}

  sender sender_;
};

/// A connect option: the connection does not run for sends from @c s.
/**
 * A send that names @c s among its senders skips the connection, whatever
 * else it matches: "everyone but me", for a chat room or a lobby where each
 * member both sends and listens.
 *
 * @par Example
 * @code
 * co_await room.connect(&session::deliver, weak_from_this(), sig::key(name), sig::not_from(this));
 * co_await room.send(sig::sender(this), sig::key(name), sig::arg("text", line));  // not to this
 * @endcode
 */
inline sender_exclusion not_from(sender s) noexcept {
  return sender_exclusion(s);
}

/// Names several senders, like asyncio_dispatch's @c senders=.
/**
 * With one argument that is (or converts to) a @ref sender, names that one;
 * with one range argument (@c std::vector<Foo*>, @c std::span<const sender>
 * ...), names its elements; otherwise names each argument. @c senders() with
 * no argument names none.
 */
template <class... Args>
requires(std::is_convertible_v<Args, sender>&&...) sender_list senders(Args&&... args) {
  return sender_list(std::vector<sender>{sender(std::forward<Args>(args))...});
}

/// Names the elements of @c range as senders.
template <std::ranges::input_range Range>
requires(!std::is_convertible_v<Range, sender> &&
         std::is_convertible_v<std::ranges::range_reference_t<Range>, sender>) sender_list
    senders(Range&& range) {
  std::vector<sender> out;
  if constexpr (std::ranges::sized_range<Range>) out.reserve(std::ranges::size(range));
  for (auto&& element : range) out.emplace_back(element);
  return sender_list(std::move(out));
}

}  // namespace asio_signals

template <>
struct std::hash<asio_signals::sender> {
  std::size_t operator()(const asio_signals::sender& s) const noexcept {
    return std::hash<const void*>()(s.address());
  }
};

#endif  // ASIO_SIGNALS_SENDER_HPP
