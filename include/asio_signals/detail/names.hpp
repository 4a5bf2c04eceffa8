//
// detail/names.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_NAMES_HPP
#define ASIO_SIGNALS_DETAIL_NAMES_HPP

#include <cstring>
#include <string>
#include <string_view>

namespace asio_signals::detail {

// Whether an event's name is a channel's: '#' and at least one more byte.
inline bool is_channel(std::string_view event) noexcept {
  return event.size() > 1 && event.front() == '#';
}

// Whether two names are the same, spelled out: GCC called
// std::string_view's compare out of line for `a == b`.
inline bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

// A name in single quotes, as error messages show names.
inline std::string quoted(std::string_view name) {
  std::string s;
  s.reserve(name.size() + 2);
  s += '\'';
  s += name;
  s += '\'';
  return s;
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_NAMES_HPP
