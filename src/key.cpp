//
// key.cpp
// ~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/key.hpp>

#include <boost/core/demangle.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asio_signals {
namespace {

std::size_t hash_string(std::string_view s) noexcept {
  return std::hash<std::string_view>()(s);
}

}  // namespace

key::key(const char* s) {
  if (s == nullptr) throw std::invalid_argument("asio_signals::key: null const char*");
  value_ = std::string(s);
  hash_ = hash_string(s);
}

key::key(std::string_view s) : value_(std::string(s)), hash_(hash_string(s)) {}

key::key(std::string s) : value_(std::move(s)), hash_(hash_string(std::get<std::string>(value_))) {}

key::key(detail::integer_key value) noexcept
    : value_(value),
      hash_(detail::combine_hash(value.negative ? 1 : 0, std::hash<std::uint64_t>()(value.bits))) {}

std::string key::to_string() const {
  struct visitor {
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const detail::integer_key& i) const {
      return i.negative ? std::to_string(static_cast<std::int64_t>(i.bits))
                        : std::to_string(i.bits);
    }
    // Each name is built by appending to one string: g++ 12 warns
    // (-Wrestrict, a false positive) on the inlined insert that
    // `"<" + std::string` makes.
    std::string operator()(const detail::typed_key& t) const {
      std::string name = boost::core::demangle(t.type->name());
      name += '(';
      name += std::to_string(t.bits);
      name += ')';
      return name;
    }
    std::string operator()(const detail::user_key& u) const {
      std::string name = "<";
      name += boost::core::demangle(u.value->type().name());
      name += '>';
      return name;
    }
  };
  return std::visit(visitor(), value_);
}

}  // namespace asio_signals
