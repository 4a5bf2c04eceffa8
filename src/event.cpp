//
// event.cpp
// ~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/event.hpp>

#include <asio_signals/detail/event_state.hpp>

namespace asio_signals {

const signal& event::source() const noexcept {
  return state_->source;
}

const sender_set& event::senders() const noexcept {
  return state_->senders;
}

const key_set& event::keys() const noexcept {
  return state_->keys;
}

const kwargs& event::args() const noexcept {
  return *state_->args;
}

}  // namespace asio_signals
