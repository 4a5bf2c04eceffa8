//
// string_hash.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_STRING_HASH_HPP
#define PUBSUB_STRING_HASH_HPP

#include <cstddef>
#include <functional>
#include <string_view>

namespace pubsub {

/// A transparent hash of strings: a map keyed by strings, with @c std::equal_to<>,
/// can then be searched with a @c std::string_view, without making a string.
struct string_hash {
  /// Marks the hash as transparent.
  using is_transparent = void;

  /// The hash of @c s, equal for every string type holding the same bytes.
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>()(s);
  }
};

}  // namespace pubsub

#endif  // PUBSUB_STRING_HASH_HPP
