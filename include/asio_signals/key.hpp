//
// key.hpp
// ~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_KEY_HPP
#define ASIO_SIGNALS_KEY_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/ordered_set.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

namespace asio_signals {
namespace detail {

// Mixes a type's hash with a value's, so equal values of distinct types differ.
constexpr std::size_t combine_hash(std::size_t seed, std::size_t value) noexcept {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

// A key value of a user type, held type-erased.
class key_value {
 public:
  virtual ~key_value() = default;
  virtual const std::type_info& type() const noexcept = 0;
  // Precondition: other.type() == type().
  virtual bool equals(const key_value& other) const = 0;
};

template <class T>
class key_value_impl final : public key_value {
 public:
  explicit key_value_impl(T value) : value_(std::move(value)) {}

  const std::type_info& type() const noexcept override { return typeid(T); }

  bool equals(const key_value& other) const override {
    return value_ == static_cast<const key_value_impl&>(other).value_;
  }

 private:
  T value_;
};

// An integer key: every integral type but bool, compared by value.
struct integer_key {
  std::uint64_t bits;
  bool negative;
  friend bool operator==(const integer_key&, const integer_key&) = default;
};

// An enum or bool key: its type and its value.
struct typed_key {
  const std::type_info* type;
  std::uint64_t bits;
  friend bool operator==(const typed_key& a, const typed_key& b) noexcept {
    return a.bits == b.bits && *a.type == *b.type;
  }
};

// A key of any other hashable type.
struct user_key {
  std::shared_ptr<const key_value> value;
  friend bool operator==(const user_key& a, const user_key& b) {
    return a.value->type() == b.value->type() && a.value->equals(*b.value);
  }
};

template <class T>
concept string_like = std::is_convertible_v<const T&, std::string_view>;

// Hashability is checked first: it rules out iterators over keys, whose
// equality would otherwise consider converting them to keys.
template <class T>
concept user_key_type =
    !string_like<T> && !std::is_arithmetic_v<T> && !std::is_enum_v<T> && requires(const T& v) {
  { std::hash<T>()(v) } -> std::convertible_to<std::size_t>;
}
&&std::copy_constructible<T>&& std::equality_comparable<T>;

}  // namespace detail

/// A hashable routing value.
/**
 * Keys compare by type and value after normalisation: every string-like type
 * (@c const char*, @c std::string_view, @c std::string) makes one string key,
 * and every integral type except @c bool makes one integer key compared by
 * value, so @c key("1") and @c key(1) differ while @c key(1) and
 * @c key(std::uint8_t(1)) are equal. Enums and @c bool keep their type, and any
 * other type with @c std::hash and @c == is held type-erased. The hash is
 * computed once, when the key is made.
 *
 * @par Example
 * @code
 * co_await sig.connect(&on_book, sig::keys("books", "magazines"));
 * co_await sig.send(sig::key("books"));
 * @endcode
 */
class ASIO_SIGNALS_DECL key {
 public:
  /// A string key. Throws @c std::invalid_argument if @c s is null.
  key(const char* s);

  /// A string key.
  key(std::string_view s);

  /// A string key.
  key(std::string s);

  /// An integer key.
  template <std::integral T>
  requires(!std::is_same_v<T, bool>) key(T value)
  noexcept : key(to_integer(value)) {}

  /// A key of an enum type, or of @c bool: equal only to keys of the same type.
  template <class T>
  requires(std::is_enum_v<T> || std::is_same_v<T, bool>) key(T value)
  noexcept
      : value_(detail::typed_key{&typeid(T), to_bits(value)}),
        hash_(detail::combine_hash(typeid(T).hash_code(),
                                   std::hash<std::uint64_t>()(to_bits(value)))) {}

  /// A key of any other type with @c std::hash and @c ==.
  template <class T>
  requires(!std::is_same_v<T, key> && detail::user_key_type<T>) key(T value)
      : hash_(detail::combine_hash(typeid(T).hash_code(), std::hash<T>()(value))) {
    value_ = detail::user_key{std::make_shared<const detail::key_value_impl<T>>(std::move(value))};
  }

  /// The hash of the key.
  std::size_t hash() const noexcept { return hash_; }

  /// The string of a string key, or null for other keys.
  const std::string* string() const noexcept { return std::get_if<std::string>(&value_); }

  /// A readable form: the string itself, the integer in decimal, or the type's name.
  std::string to_string() const;

  /// Whether both keys have the same type and value, after normalisation.
  friend bool operator==(const key& a, const key& b) {
    return a.hash_ == b.hash_ && a.value_ == b.value_;
  }

 private:
  template <std::integral T>
  static detail::integer_key to_integer(T value) noexcept {
    if constexpr (std::is_signed_v<T>)
      return {static_cast<std::uint64_t>(static_cast<std::int64_t>(value)), value < 0};
    else
      return {static_cast<std::uint64_t>(value), false};
  }

  template <class T>
  static std::uint64_t to_bits(T value) noexcept {
    if constexpr (std::is_enum_v<T>)
      return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(value));
    else
      return static_cast<std::uint64_t>(value);
  }

  explicit key(detail::integer_key value) noexcept;

  std::variant<std::string, detail::integer_key, detail::typed_key, detail::user_key> value_;
  std::size_t hash_ = 0;
};

/// Several keys, the result of keys().
class key_list {
 public:
  /// No keys.
  key_list() = default;

  /// The given keys.
  explicit key_list(std::vector<key> keys) noexcept : keys_(std::move(keys)) {}

  /// The keys, in the order named.
  const std::vector<key>& items() const& noexcept { return keys_; }

  /// The keys, moved out.
  std::vector<key>&& items() && noexcept { return std::move(keys_); }

 private:
  std::vector<key> keys_;
};

/// The keys named by one send, in the order named, each once.
/**
 * What @ref event::keys returns: @c size(), @c empty(), @c contains(k)
 * (hashed once the set is large) and iteration in the order the send named
 * them.
 */
using key_set = detail::ordered_set<key>;

/// Names several keys, like asyncio_dispatch's @c keys=.
/**
 * With one argument that is (or converts to) a @ref key, such as a string,
 * names that one; with one range argument (@c std::vector<std::string>,
 * @c std::span<const key> ...), names its elements; otherwise names each
 * argument. @c keys() with no argument names none.
 */
template <class... Args>
requires(std::is_convertible_v<Args, key>&&...) key_list keys(Args&&... args) {
  std::vector<key> out;
  out.reserve(sizeof...(Args));
  (out.emplace_back(std::forward<Args>(args)), ...);
  return key_list(std::move(out));
}

/// Names the elements of @c range as keys.
template <std::ranges::input_range Range>
requires(!std::is_convertible_v<Range, key> &&
         std::is_convertible_v<std::ranges::range_reference_t<Range>, key>) key_list
    keys(Range&& range) {
  std::vector<key> out;
  if constexpr (std::ranges::sized_range<Range>) out.reserve(std::ranges::size(range));
  for (auto&& element : range) out.emplace_back(element);
  return key_list(std::move(out));
}

}  // namespace asio_signals

template <>
struct std::hash<asio_signals::key> {
  std::size_t operator()(const asio_signals::key& k) const noexcept { return k.hash(); }
};

#endif  // ASIO_SIGNALS_KEY_HPP
