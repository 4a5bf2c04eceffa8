//
// kwargs.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/kwargs.hpp>

#include <boost/core/demangle.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <typeinfo>

namespace asio_signals {
namespace detail {
namespace {

std::string type_name(const std::type_info& type) {
  if (type == typeid(std::string)) return "std::string";
  return boost::core::demangle(type.name());
}

std::string quoted(std::string_view name) {
  return "'" + std::string(name) + "'";
}

}  // namespace

void throw_null_string_kwarg() {
  throw kwarg_error("asio_signals: a null const char* cannot be a kwarg value");
}

void throw_missing_kwarg(std::string_view name, const std::type_info& asked) {
  throw kwarg_error("asio_signals: no kwarg " + quoted(name) + " (asked for " + type_name(asked) +
                    ", none held)");
}

void throw_kwarg_type(std::string_view name, const std::type_info& asked,
                      const std::type_info& held) {
  throw kwarg_error("asio_signals: kwarg " + quoted(name) + " asked for as " + type_name(asked) +
                    " but holds " + type_name(held));
}

void throw_kwarg_declared_twice(std::string_view name) {
  throw kwarg_error("asio_signals: kwarg " + quoted(name) + " is declared twice");
}

kwargs make_kwargs(std::vector<kwarg> all) {
  kwargs result;
  result.entries_.reserve(all.size());
  for (kwarg& a : all) kwargs_access::add(result, std::move(a));
  return result;
}

void merge_kwargs(kwargs& into, const kwargs& defaults, std::vector<kwarg>& overrides) {
  const std::vector<kwargs::entry>& declared = defaults.entries_;
  std::vector<kwargs::entry>& merged = into.entries_;
  // `into` may keep the names of an earlier send's kwargs without their
  // values (kwargs_access::empty_values): when they are the signal's, only
  // the values are given again.
  if (!std::equal(
          merged.begin(), merged.end(), declared.begin(), declared.end(),
          [](const kwargs::entry& a, const kwargs::entry& b) { return a.first == b.first; }))
    merged = declared;
  // The values given are moved in. The defaults of the first 64 kwargs are
  // copied after them, for the positions not in `given`; those of the rest
  // before them.
  for (std::size_t i = 64; i < declared.size(); ++i) merged[i].second = declared[i].second;
  std::uint64_t given = 0;
  for (auto a = overrides.begin(); a != overrides.end(); ++a) {
    const std::size_t i = kwargs_access::position(into, a->name());
    if (i == declared.size())
      throw kwarg_error("asio_signals: the signal declares no kwarg " + quoted(a->name()) +
                        " (the send gave " + type_name(a->value().type()) + ")");
    if (declared[i].second.type() != a->value().type())
      throw kwarg_error("asio_signals: kwarg " + quoted(a->name()) + " is declared as " +
                        type_name(declared[i].second.type()) + " but the send gave " +
                        type_name(a->value().type()));
    // A send overrides a few kwargs at most: no allocation to find a repeat.
    if (std::any_of(overrides.begin(), a, [&](const kwarg& b) { return b.name() == a->name(); }))
      throw kwarg_error("asio_signals: kwarg " + quoted(a->name()) + " is given twice in one send");
    merged[i].second = kwargs_access::take_value(*a);
    if (i < 64) given |= std::uint64_t(1) << i;
  }
  for (std::size_t i = 0; i < declared.size() && i < 64; ++i)
    if ((given >> i & 1) == 0) merged[i].second = declared[i].second;
}

}  // namespace detail

kwargs::kwargs(std::initializer_list<entry> init) {
  std::vector<kwarg> all;
  all.reserve(init.size());
  for (const entry& e : init) all.emplace_back(e.first, e.second);
  *this = detail::make_kwargs(std::move(all));
}

const kwargs::value* kwargs::find(std::string_view name) const noexcept {
  for (const entry& e : entries_)
    if (e.first == name) return &e.second;
  return nullptr;
}

kwargs& kwargs::set_value(std::string name, value v) {
  for (entry& e : entries_) {
    if (e.first == name) {
      e.second = std::move(v);
      return *this;
    }
  }
  entries_.emplace_back(std::move(name), std::move(v));
  return *this;
}

}  // namespace asio_signals
