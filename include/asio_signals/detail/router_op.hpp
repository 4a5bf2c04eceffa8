//
// detail/router_op.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_ROUTER_OP_HPP
#define ASIO_SIGNALS_DETAIL_ROUTER_OP_HPP

#include <asio_signals/detail/completion.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/history_log.hpp>
#include <asio_signals/detail/options.hpp>
#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/router_state.hpp>
#include <asio_signals/detail/signal_op.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/router.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace asio_signals::detail {

// The request of a router operation: its work, which holds the operation's
// arguments, and an error found in them at the call.
template <class Work>
struct router_request {
  Work work;
  std::exception_ptr early;

  std::exception_ptr error() const noexcept { return early; }
};

// Starts an operation of the router `state`: `work(state)` runs on the
// router's executor and its result completes the token, as for a signal's
// operation (async_signal_op). An error found at the call (`early`) is
// thrown from it for eager tokens and completes the operation for lazy ones.
template <class Signature, class Token, class Work>
auto async_router_op(const std::shared_ptr<router_state>& state, Token&& token,
                     std::exception_ptr early, Work work) {
  return async_signal_op<Signature>(
      state, std::forward<Token>(token), router_request<Work>{std::move(work), std::move(early)},
      [](router_state& s, router_request<Work>& r) { return r.work(s); });
}

template <class Signature>
struct history_signature;

template <class... T>
struct history_signature<void(std::exception_ptr, T...)> {
  using done = history_done<T...>;

  // The function that completes `c`.
  static done complete(std::shared_ptr<router_state> state,
                       std::shared_ptr<completion<void(std::exception_ptr, T...)>> c) {
    return [state = std::move(state), c = std::move(c)](std::exception_ptr e, T... v) {
      c->complete(state->executor(), std::move(e), std::move(v)...);
    };
  }

  static void fail(const done& d, std::exception_ptr e) { d(std::move(e), T()...); }
};

// Starts a history operation of the router `state`: `work(state, done)` runs
// on the router's executor and completes the token through `done`, at once
// or later (a history kept by a backend). An error found at the call
// (`early`) is thrown from it for eager tokens and completes the operation
// for lazy ones.
template <class Signature, class Token, class Work>
auto async_history_op(const std::shared_ptr<router_state>& state, Token&& token,
                      std::exception_ptr early, Work work) {
  if constexpr (eager_token_v<Token, Signature>)
    if (early) std::rethrow_exception(early);
  return asio::async_initiate<Token, Signature>(
      [](auto&& handler, std::shared_ptr<router_state> state, std::exception_ptr early, Work work) {
        const asio::any_io_executor& ex = state->executor();
        auto c = std::make_shared<completion<Signature>>(
            typename completion<Signature>::handler_type(std::move(handler)), ex);
        auto done = history_signature<Signature>::complete(state, c);
        if (early) {
          post_counted(state->posted(), ex, [done = std::move(done), early] {
            history_signature<Signature>::fail(done, early);
          });
          return;
        }
        post_counted(state->posted(), ex,
                     [state, done = std::move(done), work = std::move(work)]() mutable {
                       work(*state, std::move(done));
                     });
      },
      token, state, std::move(early), std::move(work));
}

// What a trigger names, copied once at the call: the sender's and the
// event's names and the data. Kept by the thread that lets go of them for
// its next trigger, as a send's options are (make_send_options), so that the
// names reuse memory and the operation moves one pointer on its way to the
// router's executor.
struct ASIO_SIGNALS_DECL trigger_options {
  // The sender's name, then the event's, in `capacity` bytes.
  std::unique_ptr<char[]> names;
  std::size_t capacity = 0;
  std::size_t sender_size = 0;
  std::size_t event_size = 0;
  kwargs data;

  std::string_view sender() const noexcept { return std::string_view(names.get(), sender_size); }
  std::string_view event() const noexcept {
    return std::string_view(names.get() + sender_size, event_size);
  }
};

// The options of a new trigger of `event` from `sender`, without data.
ASIO_SIGNALS_DECL trigger_options* make_trigger_options(std::string_view sender,
                                                        std::string_view event);

// Gives a trigger's options back for make_trigger_options.
struct ASIO_SIGNALS_DECL trigger_options_deleter {
  void operator()(trigger_options* p) const noexcept;
};

// A trigger: its options, or the error found in its arguments at the call.
// Copyable, as a deferred operation's arguments must be.
struct trigger_request {
  trigger_request() = default;

  trigger_request(const trigger_request& other) : early(other.early) {
    if (other.options) {
      options.reset(make_trigger_options(other.options->sender(), other.options->event()));
      options->data = other.options->data;
    }
  }

  trigger_request(trigger_request&&) noexcept = default;
  trigger_request& operator=(const trigger_request&) = delete;

  std::unique_ptr<trigger_options, trigger_options_deleter> options;
  std::exception_ptr early;

  std::exception_ptr error() const noexcept { return early; }
};

// Connects the callback and options that add_listener or on() held to
// `target`, a signal of the router, at once, in the router's task; returns
// the connection or throws what the connect failed with.
template <class Callback, class Options>
connection connect_now(signal& target, Callback& callback, Options& options) {
  connection made;
  std::exception_ptr error;
  std::apply(
      [&](auto&... c) {
        std::apply(
            [&](auto&... o) {
              target.connect(std::move(c)..., o...,
                             run_now([&](std::exception_ptr e, connection result) {
                               error = std::move(e);
                               made = std::move(result);
                             }));
            },
            options);
      },
      callback);
  if (error) std::rethrow_exception(error);
  return made;
}

// Whether T is an option of add_sender: events(...), method(...) or
// default_method(...).
template <class T>
constexpr bool is_sender_option_v =
    std::is_same_v<T, event_list> || std::is_same_v<T, request_method>;

template <class Option>
void add_sender_option(sender_request& request, Option&& option) {
  static_assert(is_sender_option_v<std::remove_cvref_t<Option>>,
                "asio_signals: the options of add_sender are events(...), method(...) and "
                "default_method(...), followed by an optional completion token");
  request.add(std::forward<Option>(option));
}

// Adds the options among `args` to `request` and returns `f(token, request)`,
// with the trailing completion token, or asio::use_awaitable.
template <class F, class... Args>
decltype(auto) with_sender_options(sender_request request, F&& f, Args&&... args) {
  constexpr std::size_t n = sizeof...(Args);
  if constexpr (n == 0) {
    return f(asio::use_awaitable, std::move(request));
  } else {
    using last = std::remove_cvref_t<std::tuple_element_t<n - 1, std::tuple<Args...>>>;
    if constexpr (is_sender_option_v<last>) {
      (add_sender_option(request, std::forward<Args>(args)), ...);
      return f(asio::use_awaitable, std::move(request));
    } else {
      auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (add_sender_option(request, std::get<I>(std::move(refs))), ...);
      }
      (std::make_index_sequence<n - 1>());
      return f(std::get<n - 1>(std::move(refs)), std::move(request));
    }
  }
}

// Whether T names a sender or an event in add_listener: a string or any.
template <class T>
constexpr bool is_router_name_v =
    std::is_convertible_v<T, std::string_view> || std::is_same_v<std::remove_cvref_t<T>, any_t>;

template <class T>
std::optional<std::string> router_name(const T& name) {
  if constexpr (std::is_same_v<T, any_t>)
    return std::nullopt;
  else
    return std::string(std::string_view(name));
}

// How the router keeps a member's object until it connects it: pointers and
// smart pointers as they are, a reference as a pointer.
template <class Object>
auto hold_object(Object&& object) {
  using type = std::remove_cvref_t<Object>;
  if constexpr (std::is_pointer_v<type> || requires { typename type::element_type; })
    return type(object);
  else
    return std::addressof(object);
}

// How a callback argument list splits: the callback (one argument, or a
// member function and its object), up to `max_names` sender and event names,
// options, and an optional completion token.
template <std::size_t MaxNames, class... Args>
struct listener_args {
  using tuple = std::tuple<Args...>;
  static constexpr std::size_t size = sizeof...(Args);
  static_assert(size >= 1, "asio_signals: add_listener and on take a callback first");
  static constexpr std::size_t callback_size =
      std::is_member_function_pointer_v<std::remove_cvref_t<std::tuple_element_t<0, tuple>>> ? 2
                                                                                             : 1;

  template <std::size_t I>
  static constexpr bool is_name() {
    if constexpr (I >= size)
      return false;
    else
      return is_router_name_v<std::tuple_element_t<I, tuple>>;
  }

  static constexpr std::size_t names = [] {
    std::size_t n = 0;
    if constexpr (MaxNames >= 1 && is_name<callback_size>()) {
      n = 1;
      if constexpr (MaxNames >= 2 && is_name<callback_size + 1>()) n = 2;
    }
    return n;
  }();

  static constexpr std::size_t options_begin = callback_size + names;

  static constexpr bool has_token = [] {
    if constexpr (size <= options_begin)
      return false;
    else
      return !is_option_v<std::remove_cvref_t<std::tuple_element_t<size - 1, tuple>>>;
  }();

  static constexpr std::size_t options_end = has_token ? size - 1 : size;
};

// The callback arguments of `refs`, held until the router connects them.
template <class Split, class Refs>
auto hold_callback(Refs& refs) {
  if constexpr (Split::callback_size == 2)
    return std::make_tuple(std::get<0>(refs), hold_object(std::get<1>(refs)));
  else
    return std::make_tuple(std::decay_t<std::tuple_element_t<0, Refs>>(std::get<0>(refs)));
}

// The options of `refs`, decayed.
template <class Split, class Refs, std::size_t... I>
auto hold_options(Refs& refs, std::index_sequence<I...>) {
  return std::make_tuple(std::decay_t<std::tuple_element_t<Split::options_begin + I, Refs>>(
      std::get<Split::options_begin + I>(refs))...);
}

// The completion token of `refs`, or use_awaitable.
template <class Split, class Refs>
decltype(auto) token_of(Refs& refs) {
  if constexpr (Split::has_token)
    return std::get<Split::size - 1>(std::move(refs));
  else
    return asio::use_awaitable_t<>();
}

// The function a callback argument calls, to find it by, if it is a
// function pointer.
template <class Callback>
std::optional<std::uintptr_t> function_id(const Callback& c) {
  if constexpr (std::is_function_v<Callback>)
    return reinterpret_cast<std::uintptr_t>(&c);
  else if constexpr (std::is_pointer_v<Callback> &&
                     std::is_function_v<std::remove_pointer_t<Callback>>)
    return reinterpret_cast<std::uintptr_t>(c);
  else
    return std::nullopt;
}

inline named_callback make_named_callback(connection c) {
  return named_callback{std::nullopt, std::move(c)};
}

template <class F>
requires(std::is_pointer_v<F>&& std::is_function_v<std::remove_pointer_t<F>>) named_callback
    make_named_callback(F f) {
  return named_callback{reinterpret_cast<std::uintptr_t>(f), connection()};
}

// What an emit gathers from its options: its data, and the senders and keys
// its send names.
struct emit_request {
  static constexpr bool accepts_kwargs = true;

  void add(kwarg k) { data.push_back(std::move(k)); }
  void add(const kwargs& k) {
    for (const auto& [name, v] : k) data.emplace_back(name, v);
  }
  void add(sender s) { senders.push_back(s); }
  void add(sender_list l) {
    for (const sender& s : l.items()) senders.push_back(s);
  }
  void add(key k) { keys.push_back(std::move(k)); }
  void add(key_list l) {
    for (const key& k : l.items()) keys.push_back(k);
  }

  std::vector<kwarg> data;
  std::vector<sender> senders;
  std::vector<key> keys;
};

// Adds a kwarg option to the data of a trigger or a request; throws
// kwarg_error for a name given twice.
inline void add_data(kwargs& data, kwarg&& k) {
  kwargs_access::add(data, std::move(k));
}

inline void add_data(kwargs& data, const kwarg& k) {
  add_data(data, kwarg(k));
}

inline void add_data(kwargs& data, const kwargs& k) {
  for (const auto& [name, v] : k) add_data(data, kwarg(name, v));
}

template <class... Args>
void gather_data(kwargs& data, Args&&... args) {
  static_assert((is_kwarg_option_v<std::remove_cvref_t<Args>> && ...),
                "asio_signals: the data of a trigger or a request are arg(...) and kwargs, "
                "followed by an optional completion token");
  (add_data(data, std::forward<Args>(args)), ...);
}

// Gathers the data among `args` — arg(...) and kwargs — into `data`, which
// is empty, and returns `f(token, error)`, with the trailing completion token
// or asio::use_awaitable; `f` may move from `error`. `error` is `early`, an
// error the caller found first, or else what gathering the data threw. The
// caller gives `data` so that a trigger can gather straight into the memory
// of the options it keeps between triggers (make_trigger_options).
template <class F, class... Args>
decltype(auto) with_data(std::exception_ptr early, kwargs& data, F&& f, Args&&... args) {
  constexpr std::size_t n = sizeof...(Args);
  auto refs = std::forward_as_tuple(std::forward<Args>(args)...);
  using last = std::remove_cvref_t<
      std::tuple_element_t<n == 0 ? 0 : n - 1, std::tuple<Args..., asio::use_awaitable_t<>>>>;
  constexpr bool has_token = n > 0 && !is_kwarg_option_v<last>;
  constexpr std::size_t data_size = has_token ? n - 1 : n;
  if constexpr (data_size > 0) {
    if (!early) {
      try {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          gather_data(data, std::get<I>(std::move(refs))...);
        }
        (std::make_index_sequence<data_size>());
      } catch (...) {
        early = std::current_exception();
      }
    }
  }
  if constexpr (has_token)
    return f(std::get<n - 1>(std::move(refs)), early);
  else
    return f(asio::use_awaitable, early);
}

template <class T>
struct awaitable_value {
  static constexpr bool is_awaitable = false;
};

template <class T, class Executor>
struct awaitable_value<asio::awaitable<T, Executor>> {
  static constexpr bool is_awaitable = true;
  using type = T;
};

// Calls a request handler `f` with what it takes and makes its response a
// std::any; a coroutine, so that `f` is kept in its frame.
template <class F, class... Args>
asio::awaitable<std::any> call_request_handler(F f, Args... args) {
  using result = std::invoke_result_t<F&, const Args&...>;
  if constexpr (awaitable_value<result>::is_awaitable) {
    if constexpr (std::is_void_v<typename awaitable_value<result>::type>) {
      co_await std::invoke(f, args...);
      co_return std::any();
    } else {
      co_return std::any(co_await std::invoke(f, args...));
    }
  } else if constexpr (std::is_void_v<result>) {
    std::invoke(f, args...);
    co_return std::any();
  } else {
    co_return std::any(std::invoke(f, args...));
  }
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_ROUTER_OP_HPP
