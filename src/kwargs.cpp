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

void merge_kwargs(kwargs& into, const kwargs& defaults, const std::vector<kwarg>& overrides) {
  into.entries_ = defaults.entries_;
  for (auto given = overrides.begin(); given != overrides.end(); ++given) {
    const kwarg& a = *given;
    auto it = std::find_if(into.entries_.begin(), into.entries_.end(),
                           [&](const kwargs::entry& e) { return e.first == a.name(); });
    if (it == into.entries_.end())
      throw kwarg_error("asio_signals: the signal declares no kwarg " + quoted(a.name()) +
                        " (the send gave " + type_name(a.value().type()) + ")");
    if (it->second.type() != a.value().type())
      throw kwarg_error("asio_signals: kwarg " + quoted(a.name()) + " is declared as " +
                        type_name(it->second.type()) + " but the send gave " +
                        type_name(a.value().type()));
    // A send overrides a few kwargs at most: no allocation to find a repeat.
    if (std::any_of(overrides.begin(), given, [&](const kwarg& b) { return b.name() == a.name(); }))
      throw kwarg_error("asio_signals: kwarg " + quoted(a.name()) + " is given twice in one send");
    it->second = a.value();
  }
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
