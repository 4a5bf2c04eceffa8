//
// kwargs.hpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_KWARGS_HPP
#define ASIO_SIGNALS_KWARGS_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/task_allocator.hpp>

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace asio_signals {

/// Thrown for every misuse of keyword arguments.
/**
 * An undeclared name, a value of another type than the declared default's, a
 * name given twice, or a @c get<T> with a missing name or the wrong type. The
 * message names the kwarg, the type asked for and the type held.
 */
class ASIO_SIGNALS_DECL kwarg_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class kwarg;
class kwargs;

namespace detail {

// A kwarg value, held type-erased and never modified while a kwargs::value
// refers to it.
class any_value {
 public:
  virtual ~any_value() = default;
  virtual const std::type_info& type() const noexcept = 0;
};

template <class T>
class value_holder final : public any_value {
 public:
  template <class U>
  explicit value_holder(U&& v) : value(std::forward<U>(v)) {}

  const std::type_info& type() const noexcept override { return typeid(T); }

  // Not const: a holder that no value but its owner's refers to any more
  // may take another value (see router_state::lend_data).
  T value;
};

// What a kwarg value of type T is stored as: every string-like value is a
// std::string, so `arg("m", "text")` declares and matches a std::string.
template <class T>
using stored_value_t = std::conditional_t<std::is_same_v<std::decay_t<T>, const char*> ||
                                              std::is_same_v<std::decay_t<T>, char*> ||
                                              std::is_same_v<std::decay_t<T>, std::string_view>,
                                          std::string, std::decay_t<T>>;

[[noreturn]] ASIO_SIGNALS_DECL void throw_null_string_kwarg();
[[noreturn]] ASIO_SIGNALS_DECL void throw_missing_kwarg(std::string_view name,
                                                        const std::type_info& asked);
[[noreturn]] ASIO_SIGNALS_DECL void throw_kwarg_type(std::string_view name,
                                                     const std::type_info& asked,
                                                     const std::type_info& held);
[[noreturn]] ASIO_SIGNALS_DECL void throw_kwarg_declared_twice(std::string_view name);

// kwargs from a list of kwarg; throws kwarg_error if a name repeats.
ASIO_SIGNALS_DECL kwargs make_kwargs(std::vector<kwarg> all);

// Makes `into` the signal's defaults merged with one send's overrides, whose
// values it takes, reusing its memory; throws kwarg_error for an undeclared
// name, a value of another type, or a name given twice.
ASIO_SIGNALS_DECL void merge_kwargs(kwargs& into, const kwargs& defaults,
                                    std::vector<kwarg>& overrides);

// What kwarg_handle reads of a kwargs whose layout it knows; defined below.
struct kwargs_access;

}  // namespace detail

/// An ordered map of keyword arguments: name to type-erased value.
/**
 * Values are immutable once stored and shared between copies of a @c kwargs,
 * so copying one never copies a value, and every callback of a send sees the
 * very same objects. String-like values (@c const char*, @c std::string_view)
 * are stored as @c std::string.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe for reading.
 */
class ASIO_SIGNALS_DECL kwargs {
 public:
  /// One type-erased, immutable kwarg value.
  class value {
   public:
    /// Stores a copy of @c v (a @c std::string for string-like values).
    template <class T>
    requires(!std::is_same_v<std::remove_cvref_t<T>, value> &&
             std::copy_constructible<detail::stored_value_t<T>>) value(T&& v)
        : holder_(make_holder(std::forward<T>(v))) {}

    /// The type of the stored value.
    const std::type_info& type() const noexcept { return holder_->type(); }

    /// The stored value if it has type @c T, else null.
    template <class T>
    const T* get_if() const noexcept {
      if (holder_->type() != typeid(T)) return nullptr;
      return &static_cast<const detail::value_holder<T>&>(*holder_).value;
    }

   private:
    friend struct detail::kwargs_access;

    struct holder_tag {};
    value(holder_tag, std::shared_ptr<const detail::any_value> holder) noexcept
        : holder_(std::move(holder)) {}

    template <class T>
    static std::shared_ptr<const detail::any_value> make_holder(T&& v) {
      using stored = detail::stored_value_t<T>;
      if constexpr (std::is_pointer_v<std::remove_cvref_t<T>>)
        if (v == nullptr) detail::throw_null_string_kwarg();
      return std::allocate_shared<const detail::value_holder<stored>>(
          detail::value_allocator<detail::value_holder<stored>>(), std::forward<T>(v));
    }

    std::shared_ptr<const detail::any_value> holder_;
  };

  /// A name and its value.
  using entry = std::pair<std::string, value>;

  /// Iterates over the entries, in order.
  using const_iterator = std::vector<entry>::const_iterator;

  /// No kwargs.
  kwargs() = default;

  /// The given kwargs, in order. Throws @ref kwarg_error if a name repeats.
  kwargs(std::initializer_list<entry> init);

  /// Sets @c name to @c v, replacing an earlier value of that name.
  template <class Value>
  kwargs& set(std::string name, Value&& v) {
    return set_value(std::move(name), value(std::forward<Value>(v)));
  }

  /// The value of @c name.
  /**
   * @throws kwarg_error if there is no kwarg @c name or it does not hold a
   * @c T; the message names the kwarg, @c T and the type held.
   */
  template <class T>
  const T& get(std::string_view name) const {
    const value* v = find(name);
    if (v == nullptr) detail::throw_missing_kwarg(name, typeid(T));
    if (const T* p = v->get_if<T>()) return *p;
    detail::throw_kwarg_type(name, typeid(T), v->type());
  }

  /// The value of @c name if there is one and it holds a @c T, else null.
  template <class T>
  const T* get_if(std::string_view name) const noexcept {
    const value* v = find(name);
    return v ? v->get_if<T>() : nullptr;
  }

  /// Whether there is a kwarg @c name.
  bool contains(std::string_view name) const noexcept { return find(name) != nullptr; }

  /// The number of kwargs.
  std::size_t size() const noexcept { return entries_.size(); }

  /// Whether there are no kwargs.
  bool empty() const noexcept { return entries_.empty(); }

  /// The first (name, value) pair, in the order they were declared.
  const_iterator begin() const noexcept { return entries_.begin(); }

  /// The end of the pairs.
  const_iterator end() const noexcept { return entries_.end(); }

 private:
  friend kwargs detail::make_kwargs(std::vector<kwarg>);
  friend void detail::merge_kwargs(kwargs&, const kwargs&, std::vector<kwarg>&);
  friend struct detail::kwargs_access;

  const value* find(std::string_view name) const noexcept;
  kwargs& set_value(std::string name, value v);

  std::vector<entry> entries_;
};

/// One keyword argument, the result of arg().
class kwarg {
 public:
  /// The kwarg @c name with the value @c v.
  kwarg(std::string name, kwargs::value v) : name_(std::move(name)), value_(std::move(v)) {}

  /// Its name.
  const std::string& name() const noexcept { return name_; }

  /// Its value.
  const kwargs::value& value() const noexcept { return value_; }

 private:
  friend struct detail::kwargs_access;

  std::string name_;
  kwargs::value value_;
};

/// One keyword argument for a send or for a signal's constructor.
/**
 * @code
 * sig::signal message(ex, sig::arg("message", std::string()));
 * co_await message.send(sig::arg("message", "hello"));
 * @endcode
 */
template <class Value>
kwarg arg(std::string name, Value&& v) {
  return kwarg(std::move(name), kwargs::value(std::forward<Value>(v)));
}

namespace detail {

struct kwargs_access {
  // The position of `name` in `k`, or k.size().
  static std::size_t position(const kwargs& k, std::string_view name) noexcept {
    std::size_t i = 0;
    while (i < k.entries_.size() && k.entries_[i].first != name) ++i;
    return i;
  }

  // The value at `index`, which holds a T.
  template <class T>
  static const T& value_at(const kwargs& k, std::size_t index) noexcept {
    return static_cast<const value_holder<T>&>(*k.entries_[index].second.holder_).value;
  }

  // Appends `k`, moved from; throws kwarg_error if `into` has a kwarg of its
  // name.
  static void add(kwargs& into, kwarg&& k) {
    if (into.contains(k.name_)) throw_kwarg_declared_twice(k.name_);
    into.entries_.emplace_back(std::move(k.name_), std::move(k.value_));
  }

  // Makes the kwarg at `index` `name` with the value `v`, unchecked: for a
  // caller that gives each kwarg of a signal once, in the order the signal
  // declares them, with its type, from index 0 on, then calls truncate. A
  // kwarg that has the name already, kept by empty_values, only takes the
  // value; otherwise it and those after it are replaced.
  static void put(kwargs& k, std::size_t index, std::string_view name, const kwargs::value& v) {
    if (index < k.entries_.size() && k.entries_[index].first == name) {
      k.entries_[index].second = v;
      return;
    }
    k.entries_.erase(k.entries_.begin() + static_cast<std::ptrdiff_t>(index), k.entries_.end());
    k.entries_.emplace_back(std::string(name), v);
  }

  // The value of `k`, which is left without one.
  static kwargs::value take_value(kwarg& k) noexcept { return std::move(k.value_); }

  // A value that refers to `holder`.
  static kwargs::value value_of(std::shared_ptr<const any_value> holder) noexcept {
    return kwargs::value(kwargs::value::holder_tag(), std::move(holder));
  }

  // Empties `k`, keeping its memory when that holds `kept` kwargs at most,
  // so that a cache of kwargs holds on to the memory of small ones only.
  static void clear(kwargs& k, std::size_t kept) noexcept {
    if (k.entries_.capacity() <= kept)
      k.entries_.clear();
    else
      std::vector<kwargs::entry>().swap(k.entries_);
  }

  // Removes the kwargs from `size` on.
  static void truncate(kwargs& k, std::size_t size) noexcept {
    if (size < k.entries_.size())
      k.entries_.erase(k.entries_.begin() + static_cast<std::ptrdiff_t>(size), k.entries_.end());
  }

  // Releases the values from `from` on and keeps the names, with their
  // memory, for put to give values again: nothing may read those kwargs
  // until then.
  static void empty_values(kwargs& k, std::size_t from = 0) noexcept {
    for (std::size_t i = from; i < k.entries_.size(); ++i) k.entries_[i].second.holder_.reset();
  }
};

}  // namespace detail

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_KWARGS_HPP
