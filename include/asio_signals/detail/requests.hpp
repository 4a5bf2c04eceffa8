//
// detail/requests.hpp
// ~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_REQUESTS_HPP
#define ASIO_SIGNALS_DETAIL_REQUESTS_HPP

#include <asio_signals/connection.hpp>
#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/send_gate.hpp>
#include <asio_signals/detail/slot.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/sender.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace asio_signals::detail {

// The senders and keys that options of connect or disconnect name.
struct filter_request {
  static constexpr bool accepts_kwargs = false;

  void add(const sender& s) { senders.push_back(s); }
  void add(sender_list list) { append(senders, std::move(list).items()); }
  void add(const key& k) { keys.push_back(k); }
  void add(key_list list) { append(keys, std::move(list).items()); }

  bool has_filters() const noexcept { return !senders.empty() || !keys.empty(); }

  // An error found when the request was made, reported when it is started.
  std::exception_ptr error() const noexcept { return error_; }
  void fail(std::exception_ptr e) noexcept { error_ = std::move(e); }

  std::vector<sender> senders;
  std::vector<key> keys;

 private:
  template <class T>
  static void append(std::vector<T>& to, std::vector<T>&& from) {
    if (to.empty())
      to = std::move(from);
    else
      to.insert(to.end(), std::make_move_iterator(from.begin()),
                std::make_move_iterator(from.end()));
  }

  std::exception_ptr error_;
};

struct connect_request : filter_request {
  using filter_request::add;
  void add(call_limit limit) noexcept { max_calls = limit.count(); }
  void add(const sender_exclusion& e) { not_from.push_back(e.excluded()); }

  std::shared_ptr<slot> target;
  // The senders whose sends the connection ignores.
  std::vector<sender> not_from;
  // The call_limit given, or zero for an unlimited connection.
  std::uint32_t max_calls = 0;
};

// An operation on one connection: filters() reads it.
struct connection_request : filter_request {
  asio_signals::connection target;
};

// A disconnect names either a connection or a comparable callable, with
// optional filters.
struct disconnect_request : connection_request {
  std::optional<callable_id> id;
};

// What one send names, its senders, keys and kwargs overrides, and what
// it made on the way: an error, or the gate of a held send.
struct ASIO_SIGNALS_DECL send_options {
  sender_set senders;
  key_set keys;
  std::vector<kwarg> overrides;

  // The signal's defaults merged with the overrides, once checked: then
  // `resolved` is set. Until then it may keep the names of an earlier send
  // without their values (kwargs_access::empty_values), for their memory,
  // but the values a signal keeps (signal_state::keep_values).
  kwargs args;
  bool resolved = false;

  std::exception_ptr error;

  // Made by the send when a full subscription holds its event back.
  std::shared_ptr<send_gate> gate;

  // Empties the options, keeping their memory for another send, and the
  // values of the first `kept_values` kwargs (signal_state::keep_values).
  void clear(std::size_t kept_values = 0) noexcept;
};

// The options of a new send: those of an earlier send on this thread, emptied,
// while there are some, so that the sets and kwargs a send names reuse memory.
ASIO_SIGNALS_DECL send_options* make_send_options();

// Gives a send's options back for make_send_options. Out of line, so that
// moving and destroying a send that names nothing stays a pointer test.
struct ASIO_SIGNALS_DECL send_options_deleter {
  void operator()(send_options* p) const noexcept;
};

// A send. It is one pointer to make, move and destroy: what its options name
// is allocated only when it names something.
struct send_request {
  static constexpr bool accepts_kwargs = true;

  void add(const sender& s) { options().senders.insert(s); }
  void add(const sender_list& list) {
    for (const sender& s : list.items()) options().senders.insert(s);
  }
  void add(const key& k) { options().keys.insert(k); }
  void add(key&& k) { options().keys.insert(std::move(k)); }
  void add(const key_list& list) {
    for (const key& k : list.items()) options().keys.insert(k);
  }
  void add(kwarg a) { options().overrides.push_back(std::move(a)); }
  void add(const kwargs& many) {
    for (const auto& [name, v] : many) options().overrides.emplace_back(name, v);
  }

  send_options& options() {
    if (!named) named.reset(make_send_options());
    return *named;
  }

  bool overrides_kwargs() const noexcept { return named && !named->overrides.empty(); }

  std::exception_ptr error() const noexcept { return named ? named->error : nullptr; }

  // The gate of a send held back, or null.
  std::shared_ptr<send_gate> take_gate() noexcept {
    return named ? std::move(named->gate) : nullptr;
  }

  // Null when the send names nothing.
  std::unique_ptr<send_options, send_options_deleter> named;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_REQUESTS_HPP
