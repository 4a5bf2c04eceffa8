//
// kwarg_handle.hpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_KWARG_HANDLE_HPP
#define ASIO_SIGNALS_KWARG_HANDLE_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/event.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/signal.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace asio_signals {

/// One kwarg of one signal, found once, for reading it from the signal's
/// events without looking its name up.
/**
 * A signal's events hold its declared kwargs in the order it declares them,
 * each with the declared type: a kwarg_handle finds its kwarg's position and
 * checks its type when it is made, typically where the callback that reads
 * it is connected; each read is then an index into the event's kwargs.
 *
 * @code
 * sig::signal message(ex, sig::arg("from", std::string()), sig::arg("text", std::string()));
 * sig::kwarg_handle<std::string> text(message, "text");
 * auto print = [text](const sig::event& ev) { std::cout << text.get(ev) << "\n"; };
 * co_await message.connect(std::move(print));
 * @endcode
 *
 * An event of another signal is read by name, as @ref event::get would.
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Safe for reading.
 */
template <class T>
class kwarg_handle {
  static_assert(std::is_same_v<T, detail::stored_value_t<T>>,
                "asio_signals: a kwarg_handle reads the type a kwarg is stored as: not const, "
                "not a reference, and std::string for string-like kwargs");

 public:
  /// The kwarg @c name that @c s declares.
  /**
   * @throws kwarg_error if @c s declares no kwarg @c name, or declares it
   * with another type than @c T (a string-like kwarg is a @c std::string).
   */
  // index_ is found from `name` before name_ takes it: members are
  // initialised in the order declared.
  kwarg_handle(const signal& s, std::string name)
      : defaults_(detail::signal_state::defaults_of(s)),
        index_(detail::kwargs_access::position(*defaults_, name)),
        name_(std::move(name)) {
    if (index_ == defaults_->size()) detail::throw_missing_kwarg(name_, typeid(T));
    const kwargs::value& v = defaults_->begin()[index_].second;
    if (v.type() != typeid(T)) detail::throw_kwarg_type(name_, typeid(T), v.type());
  }

  /// The kwarg's name.
  const std::string& name() const noexcept { return name_; }

  /// The kwarg's value in @c ev, an event that is not empty.
  /**
   * @throws kwarg_error for an event of another signal that has no kwarg
   * of the name and type, as @ref event::get does.
   */
  const T& get(const event& ev) const {
    const kwargs& args = ev.args();
    if (detail::signal_state::defaults_of(ev.source()) == defaults_)
      return detail::kwargs_access::value_at<T>(args, index_);
    return args.get<T>(name_);
  }

 private:
  // The signal's declared kwargs, whose layout every event of the signal
  // shares; kept so that no other signal's can take their address.
  std::shared_ptr<const kwargs> defaults_;
  std::size_t index_;
  std::string name_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_KWARG_HANDLE_HPP
