//
// detail/callback.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_CALLBACK_HPP
#define ASIO_SIGNALS_DETAIL_CALLBACK_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/slot.hpp>
#include <asio_signals/event.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace asio_signals::detail {

// The result of calling F as a callback: with the event if it accepts one,
// otherwise with nothing.
template <class F, class... Object>
struct callback_result {
  static constexpr bool with_event = std::is_invocable_v<F, Object..., const event&>;
  static constexpr bool without_event = std::is_invocable_v<F, Object...>;
  using type = typename std::conditional_t<
      with_event, std::invoke_result<F, Object..., const event&>,
      std::conditional_t<without_event, std::invoke_result<F, Object...>,
                         std::type_identity<int>>>::type;
};

template <class F, class... Object>
using callback_result_t = typename callback_result<F, Object...>::type;

// Whether F, called with the objects Object... first, is a callback: taking
// `const event&` or nothing, and returning void or asio::awaitable<void>.
template <class F, class... Object>
concept callback_of = (callback_result<F, Object...>::with_event ||
                       callback_result<F, Object...>::without_event) &&
                      (std::is_void_v<callback_result_t<F, Object...>> ||
                       std::is_same_v<callback_result_t<F, Object...>, asio::awaitable<void>>);

template <class F, class... Object>
constexpr slot::kind callback_kind_v =
    std::is_void_v<callback_result_t<F, Object...>> ? slot::plain : slot::coroutine;

template <class F, class... Object>
decltype(auto) invoke_callback(F&& f, const event& ev, Object... object) {
  if constexpr (callback_result<F, Object...>::with_event)
    return std::invoke(std::forward<F>(f), object..., ev);
  else
    return std::invoke(std::forward<F>(f), object...);
}

// A probe for whether a callable or a completion handler carries an executor
// of its own (asio::bind_executor, a coroutine's handler), rather than
// running on the signal's.
struct no_executor {};

template <class F>
constexpr bool has_own_executor_v =
    !std::is_same_v<typename asio::associated_executor<F, no_executor>::type, no_executor>;

// How a slot calls its callback. A target is called with the event and the
// locked object of a weak member (null for other targets).
template <class F>
class function_target {
 public:
  static constexpr bool is_weak = false;
  static constexpr slot::kind kind = callback_kind_v<F&>;

  explicit function_target(F f) : f_(std::move(f)) {}

  decltype(auto) operator()(const event& ev, void*) { return invoke_callback(f_, ev); }

  std::shared_ptr<void> lock() const noexcept { return {}; }
  bool expired() const noexcept { return false; }

 private:
  F f_;
};

template <class Fn, class T>
class member_target {
 public:
  static constexpr bool is_weak = false;
  static constexpr slot::kind kind = callback_kind_v<Fn, T*>;

  member_target(Fn fn, T* object) noexcept : fn_(fn), object_(object) {}

  decltype(auto) operator()(const event& ev, void*) { return invoke_callback(fn_, ev, object_); }

  std::shared_ptr<void> lock() const noexcept { return {}; }
  bool expired() const noexcept { return false; }

 private:
  Fn fn_;
  T* object_;
};

template <class Fn, class T>
class weak_member_target {
 public:
  static constexpr bool is_weak = true;
  static constexpr slot::kind kind = callback_kind_v<Fn, T*>;

  weak_member_target(Fn fn, std::weak_ptr<T> object) noexcept
      : fn_(fn), object_(std::move(object)) {}

  decltype(auto) operator()(const event& ev, void* locked) {
    return invoke_callback(fn_, ev, static_cast<T*>(locked));
  }

  std::shared_ptr<void> lock() const noexcept {
    return std::const_pointer_cast<std::remove_const_t<T>>(object_.lock());
  }

  bool expired() const noexcept { return object_.expired(); }

 private:
  Fn fn_;
  std::weak_ptr<T> object_;
};

template <class Target>
class plain_target_slot final : public plain_slot {
 public:
  explicit plain_target_slot(Target t) : plain_slot(Target::is_weak), target_(std::move(t)) {}

  void call(const event& ev, void* object) override { target_(ev, object); }

  std::shared_ptr<void> lock() const noexcept override { return target_.lock(); }

  bool expired() const noexcept override { return target_.expired(); }

 private:
  Target target_;
};

template <class Target>
class coroutine_target_slot final : public coroutine_slot {
 public:
  explicit coroutine_target_slot(Target t)
      : coroutine_slot(Target::is_weak), target_(std::move(t)) {}

  asio::awaitable<void> start(const event& ev, void* object) override {
    return target_(ev, object);
  }

  std::shared_ptr<void> lock() const noexcept override { return target_.lock(); }

  bool expired() const noexcept override { return target_.expired(); }

 private:
  Target target_;
};

template <class Target>
std::shared_ptr<slot> make_slot(Target target) {
  if constexpr (Target::kind == slot::plain)
    return std::make_shared<plain_target_slot<Target>>(std::move(target));
  else
    return std::make_shared<coroutine_target_slot<Target>>(std::move(target));
}

[[noreturn]] ASIO_SIGNALS_DECL void throw_empty_callback();
[[noreturn]] ASIO_SIGNALS_DECL void throw_null_object();

// Whether `f` is empty, for callables that can be: function pointers,
// std::function and the like.
template <class F>
bool is_empty_callable(const F& f) noexcept {
  if constexpr (requires { f == nullptr; })
    return f == nullptr;
  else
    return false;
}

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_CALLBACK_HPP
