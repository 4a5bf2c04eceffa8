//
// glob.hpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_GLOB_HPP
#define PUBSUB_GLOB_HPP

#include <string_view>

namespace pubsub {

/// Whether @c text matches the glob @c pattern, exactly as Redis's PSUBSCRIBE does.
/**
 * Redis's @c stringmatchlen, case-sensitive: @c * matches any run of bytes,
 * @c ? any one byte, @c [...] one byte of a set (with @c a-z ranges, reversed
 * ranges allowed, and @c ^ negating the set), and @c \\ escapes the next
 * byte. Its quirks are kept, since Redis is the reference: an unterminated
 * @c [ set ends with the pattern, bytes compare as signed @c char in ranges,
 * and a pattern that nests more than 1000 @c * recursions matches nothing.
 * Patterns and texts are binary: they may hold any byte, NUL included.
 */
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

}  // namespace pubsub

#endif  // PUBSUB_GLOB_HPP
