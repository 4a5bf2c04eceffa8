//
// impl/signal.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_IMPL_SIGNAL_HPP
#define ASIO_SIGNALS_IMPL_SIGNAL_HPP

#include <asio_signals/detail/callback.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/detail/signal_op.hpp>
#include <asio_signals/detail/signal_state.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace asio_signals {
namespace detail {

inline const std::shared_ptr<const kwargs>& signal_state::defaults_of(const signal& s) noexcept {
  return s.state_->defaults_;
}

template <class T>
struct is_smart_pointer : std::false_type {};

template <class T>
struct is_smart_pointer<std::shared_ptr<T>> : std::true_type {};

template <class T>
struct is_smart_pointer<std::weak_ptr<T>> : std::true_type {};

// The object a member is connected to, as a raw pointer (null if absent or
// expired), from a T*, a T&, a shared_ptr<T> or a weak_ptr<T>.
template <class Object>
auto object_pointer(Object&& object) noexcept {
  using type = std::remove_cvref_t<Object>;
  if constexpr (is_smart_pointer<type>::value) {
    if constexpr (requires { object.lock(); })
      return object.lock().get();
    else
      return object.get();
  } else if constexpr (std::is_pointer_v<type>) {
    return object;
  } else {
    static_assert(std::is_lvalue_reference_v<Object>,
                  "asio_signals: connect a member function with a pointer, an lvalue reference, "
                  "a shared_ptr or a weak_ptr to its object, not a temporary");
    return std::addressof(object);
  }
}

template <class Object>
using object_type_t = std::remove_pointer_t<decltype(object_pointer(std::declval<Object>()))>;

template <class T>
struct is_executor_binder : std::false_type {};

template <class T, class Executor>
struct is_executor_binder<asio::executor_binder<T, Executor>> : std::true_type {};

template <class Fn>
struct member_class;

template <class F, class C>
struct member_class<F C::*> {
  using type = C;
};

// Whether `Object` can stand for the object of the member `Fn`: a T*, an
// lvalue T&, a shared_ptr<T> or a weak_ptr<T> of the member's class or of a
// class derived from it.
template <class Fn, class Object>
constexpr bool is_member_object_v = [] {
  using type = std::remove_cvref_t<Object>;
  if constexpr (std::is_pointer_v<type>) {
    using target = std::remove_cv_t<std::remove_pointer_t<type>>;
    return std::is_convertible_v<target*, typename member_class<Fn>::type*>;
  } else if constexpr (is_smart_pointer<type>::value) {
    using target = std::remove_cv_t<typename type::element_type>;
    return std::is_convertible_v<target*, typename member_class<Fn>::type*>;
  } else {
    return std::is_lvalue_reference_v<Object> &&
           std::is_convertible_v<std::remove_cv_t<type>*, typename member_class<Fn>::type*>;
  }
}();

// The same, or such a pointer wrapped by asio::bind_executor (a reference
// would be wrapped as a copy of the object).
template <class Fn, class Object>
constexpr bool is_bindable_member_object_v = [] {
  using type = std::remove_cvref_t<Object>;
  if constexpr (is_executor_binder<type>::value) {
    using inner = typename type::target_type;
    return (std::is_pointer_v<inner> || is_smart_pointer<inner>::value) &&
           is_member_object_v<Fn, inner>;
  } else {
    return is_member_object_v<Fn, Object>;
  }
}();

inline void set_extras(slot& s, std::optional<callable_id> id,
                       std::optional<asio::any_io_executor> executor) {
  if (!id && !executor) return;
  s.extra = std::make_unique<slot::extras>();
  s.extra->id = id;
  s.extra->executor = std::move(executor);
  if (s.extra->executor) s.set_bound();
}

template <class F>
std::shared_ptr<slot> make_callable_slot(F&& f, const asio::any_io_executor& signal_executor) {
  using function = std::decay_t<F>;
  if (is_empty_callable<function>(f)) throw_empty_callback();
  std::optional<callable_id> id;
  if constexpr (std::is_pointer_v<function>) id = make_callable_id(function(f), nullptr);
  std::optional<asio::any_io_executor> executor;
  if constexpr (has_own_executor_v<function>) {
    asio::any_io_executor bound = asio::get_associated_executor(f);
    if (bound != signal_executor) executor = std::move(bound);
  }
  auto s = make_slot(function_target<function>(std::forward<F>(f)));
  set_extras(*s, id, std::move(executor));
  return s;
}

template <class Fn, class Object>
std::shared_ptr<slot> make_member_slot(Fn fn, Object&& object,
                                       std::optional<asio::any_io_executor> executor) {
  using type = object_type_t<Object>;
  if (fn == nullptr) throw_empty_callback();
  type* target = object_pointer(object);
  if (target == nullptr) throw_null_object();
  std::shared_ptr<slot> s;
  if constexpr (is_smart_pointer<std::remove_cvref_t<Object>>::value)
    s = make_slot(weak_member_target<Fn, type>(fn, std::weak_ptr<type>(object)));
  else
    s = make_slot(member_target<Fn, type>(fn, target));
  set_extras(*s, make_callable_id(fn, target), std::move(executor));
  return s;
}

}  // namespace detail

template <class Callback, class... Args>
requires(!std::is_member_function_pointer_v<std::decay_t<Callback>>) auto signal::connect(
    Callback&& callback, Args&&... args) {
  if constexpr (!detail::callback_of<std::decay_t<Callback>&>) {
    // One message for the mistake; the placeholder keeps the rest quiet.
    static_assert(detail::always_false_v<Callback>,
                  "asio_signals: a callback takes const event& or nothing and returns void or "
                  "asio::awaitable<void>");
    return connect([] {}, std::forward<Args>(args)...);
  } else {
    return start_connect(
        [&] {
          return detail::make_callable_slot(std::forward<Callback>(callback), state_->executor());
        },
        std::forward<Args>(args)...);
  }
}

template <class Fn, class Object, class... Args>
requires std::is_member_function_pointer_v<Fn>
auto signal::connect(Fn fn, Object&& object, Args&&... args) {
  // A mistake stops at one static_assert naming it: the placeholder connect
  // after it keeps the compiler from saying more.
  if constexpr (!detail::is_bindable_member_object_v<Fn, Object&&>) {
    static_assert(detail::always_false_v<Object>,
                  "asio_signals: a member's object is given as a T*, an lvalue T&, a "
                  "std::shared_ptr<T> or a std::weak_ptr<T> of the member's class, optionally "
                  "wrapped by asio::bind_executor; a std::unique_ptr owns its object alone: pass "
                  ".get() and keep it alive, or hold the object in a std::shared_ptr");
    return connect([] {}, std::forward<Args>(args)...);
  } else if constexpr (detail::is_executor_binder<std::remove_cvref_t<Object>>::value) {
    return connect_member(fn, object.get(), asio::any_io_executor(object.get_executor()),
                          std::forward<Args>(args)...);
  } else {
    return connect_member(fn, std::forward<Object>(object), std::nullopt,
                          std::forward<Args>(args)...);
  }
}

template <class Fn, class Object, class... Args>
auto signal::connect_member(Fn fn, Object&& object, std::optional<asio::any_io_executor> executor,
                            Args&&... args) {
  if constexpr (!detail::callback_of<Fn, detail::object_type_t<Object>*>) {
    static_assert(detail::always_false_v<Fn>,
                  "asio_signals: a member callback takes const event& or nothing and returns void "
                  "or asio::awaitable<void>");
    return connect([] {}, std::forward<Args>(args)...);
  } else {
    if (executor && *executor == state_->executor()) executor.reset();
    return start_connect(
        [&] {
          return detail::make_member_slot(fn, std::forward<Object>(object), std::move(executor));
        },
        std::forward<Args>(args)...);
  }
}

template <class MakeSlot, class... Args>
auto signal::start_connect(MakeSlot make_slot, Args&&... args) {
  return detail::with_options(
      detail::connect_request(),
      [&](auto&& token, detail::connect_request request) {
        try {
          request.target = make_slot();
        } catch (...) {
          // Reported as the connect's error, before anything is scheduled.
          request.fail(std::current_exception());
        }
        return detail::async_signal_op<void(std::exception_ptr, connection)>(
            state_, std::forward<decltype(token)>(token), std::move(request),
            [](detail::signal_state& s, detail::connect_request& r) { return s.connect(r); });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto signal::start_disconnect(detail::disconnect_request request, Args&&... args) {
  return detail::with_options(
      std::move(request),
      [&](auto&& token, detail::disconnect_request r) {
        return detail::async_signal_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), std::move(r),
            [](detail::signal_state& s, detail::disconnect_request& r) { s.disconnect(r); });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto signal::disconnect(connection c, Args&&... args) {
  detail::disconnect_request request;
  request.target = std::move(c);
  return start_disconnect(std::move(request), std::forward<Args>(args)...);
}

template <class Callback, class... Args>
requires(!std::is_member_function_pointer_v<std::decay_t<Callback>> &&
         !std::is_same_v<std::decay_t<Callback>,
                         connection>) auto signal::disconnect(Callback&& callback, Args&&... args) {
  using function = std::decay_t<Callback>;
  static_assert(std::is_pointer_v<function> && std::is_function_v<std::remove_pointer_t<function>>,
                "asio_signals: only functions are comparable; disconnect a lambda or a function "
                "object through its connection");
  detail::disconnect_request request;
  request.id = detail::make_callable_id(function(callback), nullptr);
  return start_disconnect(std::move(request), std::forward<Args>(args)...);
}

template <class Fn, class Object, class... Args>
requires std::is_member_function_pointer_v<Fn>
auto signal::disconnect(Fn fn, Object&& object, Args&&... args) {
  detail::disconnect_request request;
  if (auto* target = detail::object_pointer(object))
    request.id = detail::make_callable_id(fn, target);
  return start_disconnect(std::move(request), std::forward<Args>(args)...);
}

template <class... Args>
auto signal::send_and_wait(Args&&... args) {
  using signature = void(std::exception_ptr, std::vector<outcome>);
  return detail::with_options(
      detail::send_request(),
      [&](auto&& token, detail::send_request request) {
        if (request.overrides_kwargs()) state_->resolve(request);
        if constexpr (detail::eager_token_v<decltype(token), signature>)
          if (std::exception_ptr error = request.error()) std::rethrow_exception(error);
        return asio::async_initiate<decltype(token), signature>(
            [](auto&& handler, std::shared_ptr<detail::signal_state> state,
               detail::send_request request) {
              state->send_and_wait(std::move(request),
                                   detail::signal_state::outcomes_handler(std::move(handler)));
            },
            token, state_, std::move(request));
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto signal::next(Args&&... args) {
  return detail::with_options(
      detail::filter_request(),
      [&](auto&& token, detail::filter_request request) {
        return asio::async_initiate<decltype(token), void(boost::system::error_code, event)>(
            [](auto&& handler, std::shared_ptr<detail::signal_state> state,
               detail::filter_request request) {
              state->start_wait(std::move(request),
                                detail::signal_state::wait_handler(std::move(handler)));
            },
            token, state_, std::move(request));
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto signal::has_receivers(Args&&... args) {
  return detail::with_options(
      detail::filter_request(),
      [&](auto&& token, detail::filter_request request) {
        return detail::async_signal_op<void(std::exception_ptr, bool)>(
            state_, std::forward<decltype(token)>(token), std::move(request),
            [](detail::signal_state& s, detail::filter_request& r) { return s.has_receivers(r); });
      },
      std::forward<Args>(args)...);
}

template <class... Args>
auto signal::filters(connection c, Args&&... token) {
  static_assert(sizeof...(Args) <= 1 && (!detail::is_option_v<std::remove_cvref_t<Args>> && ...),
                "asio_signals: filters(connection) takes only a completion token");
  detail::connection_request request;
  request.target = std::move(c);
  return detail::with_options(
      std::move(request),
      [&](auto&& t, detail::connection_request r) {
        return detail::async_signal_op<void(std::exception_ptr, filter_set)>(
            state_, std::forward<decltype(t)>(t), std::move(r),
            [](detail::signal_state& s, detail::connection_request& r) {
              return s.filters(r.target);
            });
      },
      std::forward<Args>(token)...);
}

template <class... Args>
auto signal::send(Args&&... args) {
  return detail::with_options(
      detail::send_request(),
      [&](auto&& token, detail::send_request request) {
        if (request.overrides_kwargs()) state_->resolve(request);
        return detail::async_signal_op<void(std::exception_ptr, std::size_t)>(
            state_, std::forward<decltype(token)>(token), std::move(request),
            [](detail::signal_state& s, detail::send_request& r) { return s.send(r); });
      },
      std::forward<Args>(args)...);
}

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_IMPL_SIGNAL_HPP
