//
// detail/options.hpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_OPTIONS_HPP
#define ASIO_SIGNALS_DETAIL_OPTIONS_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/sender.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace asio_signals::detail {

template <class T>
constexpr bool is_kwarg_option_v = std::is_same_v<T, kwarg> || std::is_same_v<T, kwargs>;

template <class T>
constexpr bool is_filter_option_v = std::is_same_v<T, sender> || std::is_same_v<T, sender_list> ||
                                    std::is_same_v<T, key> || std::is_same_v<T, key_list>;

// Whether T is an option: a sender or a key, the result of senders(),
// keys(), arg(), max_calls() or not_from(), or a kwargs object.
template <class T>
constexpr bool is_option_v = is_filter_option_v<T> || is_kwarg_option_v<T> ||
                             std::is_same_v<T, call_limit> || std::is_same_v<T, sender_exclusion>;

// Whether T looks like a value meant as a sender or a key rather than a
// completion token.
template <class T>
constexpr bool is_raw_value_v = std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                                std::is_convertible_v<T, std::string_view> ||
                                (std::is_pointer_v<T> &&
                                 std::is_object_v<std::remove_pointer_t<T>>);

template <class T>
constexpr bool always_false_v = false;

// Adds one option to `request`. A mistake stops at one static_assert naming
// it: nothing else is instantiated, so the compiler says nothing more.
template <class Request, class Option>
void add_option(Request& request, Option&& option) {
  using type = std::remove_cvref_t<Option>;
  if constexpr (!is_option_v<type>)
    static_assert(always_false_v<type>,
                  "asio_signals: options are sender(...), senders(...), key(...), keys(...), "
                  "arg(...), kwargs, max_calls(...), once() and not_from(...), followed by an "
                  "optional completion token; write sig::key(\"k\"), not \"k\"");
  else if constexpr (!Request::accepts_kwargs && is_kwarg_option_v<type>)
    static_assert(always_false_v<type>,
                  "asio_signals: arg(...) and kwargs are options of send and of the signal's "
                  "constructor only");
  else if constexpr (!requires { request.add(std::forward<Option>(option)); })
    static_assert(always_false_v<type>,
                  "asio_signals: max_calls(...), once() and not_from(...) are options of "
                  "connect only");
  else
    request.add(std::forward<Option>(option));
}

// Adds the options among `args` to `request` and returns `f(token, request)`,
// with the trailing completion token, or asio::use_awaitable when the last
// argument is an option.
template <class Request, class F, class... Args>
decltype(auto) with_options(Request request, F&& f, Args&&... args) {
  constexpr std::size_t n = sizeof...(Args);
  if constexpr (n == 0) {
    return f(asio::use_awaitable, std::move(request));
  } else {
    using last = std::remove_cvref_t<std::tuple_element_t<n - 1, std::tuple<Args...>>>;
    if constexpr (is_option_v<last>) {
      (add_option(request, std::forward<Args>(args)), ...);
      return f(asio::use_awaitable, std::move(request));
    } else if constexpr (is_raw_value_v<last>) {
      static_assert(always_false_v<last>,
                    "asio_signals: the last argument is taken as the completion token, but it "
                    "is a raw value; write sig::key(...) or sig::sender(...)");
      // Only the assertion above is reported: the rest compiles as if the
      // value were not there.
      return f(asio::use_awaitable, std::move(request));
    } else {
      auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (add_option(request, std::get<I>(std::move(refs))), ...);
      }
      (std::make_index_sequence<n - 1>());
      return f(std::get<n - 1>(std::move(refs)), std::move(request));
    }
  }
}

// The signal's default kwargs, from arg(...) and kwargs constructor
// arguments; throws kwarg_error if a name repeats.
template <class... Args>
kwargs make_defaults(Args&&... args) {
  std::vector<kwarg> all;
  [[maybe_unused]] auto add = [&all](auto&& a) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(a)>, kwarg>)
      all.push_back(std::forward<decltype(a)>(a));
    else
      for (const auto& [name, v] : a) all.emplace_back(name, v);
  };
  (add(std::forward<Args>(args)), ...);
  return make_kwargs(std::move(all));
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_OPTIONS_HPP
