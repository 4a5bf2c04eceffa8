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

#include <optional>
#include <utility>

namespace asio_signals::detail {

// The immutable state of one send, shared by its callbacks.
struct event_state {
  event_state(signal src, send_request& r, const kwargs& defaults)
      : source(std::move(src)),
        senders(std::move(r.senders)),
        keys(std::move(r.keys)),
        own_args(std::move(r.args)),
        args(own_args ? &*own_args : &defaults) {}

  const signal source;
  const sender_set senders;
  const key_set keys;
  const std::optional<kwargs> own_args;
  const kwargs* const args;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_EVENT_STATE_HPP
