//
// detail/event_state.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_EVENT_STATE_HPP
#define ASIO_SIGNALS_DETAIL_EVENT_STATE_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/detail/requests.hpp>
#include <asio_signals/key.hpp>
#include <asio_signals/kwargs.hpp>
#include <asio_signals/sender.hpp>
#include <asio_signals/signal.hpp>

#include <utility>

namespace asio_signals::detail {

// The state of one send, shared by its callbacks: events see it as const. A
// signal refills the state of its previous send once no event but its own
// refers to it any more (see signal_state::make_event and release_event).
struct event_state {
  explicit event_state(signal src) : source(std::move(src)) {}

  // Takes what the send named, or nothing, and gives the send's options the
  // memory of the previous send's; the kwargs are `defaults` unless the send
  // overrides some.
  void assign(send_options* named, const kwargs& defaults) {
    if (named) {
      senders.swap(named->senders);
      keys.swap(named->keys);
    } else {
      senders.clear();
      keys.clear();
    }
    // The previous send's values are gone, but those the signal keeps (see
    // signal_state::release_event), and their names stay, so that a send
    // giving the same names (the router's) gives only the values.
    if (named && named->resolved) {
      std::swap(own_args, named->args);
      // What the options hold now is no send's kwargs.
      named->resolved = false;
      args = &own_args;
    } else {
      args = &defaults;
    }
  }

  // A handle that does not own the signal's state; `owner` does, once events
  // refer to this state after its send.
  signal source;
  std::shared_ptr<signal_state> owner;
  sender_set senders;
  key_set keys;
  kwargs own_args;
  const kwargs* args = nullptr;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_EVENT_STATE_HPP
