//
// connection_block.cpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection_block.hpp>

#include <asio_signals/detail/signal_state.hpp>

#include <utility>

namespace asio_signals {

connection_block::connection_block(const connection& c) noexcept
    : state_(c.state_), slot_(c.slot_) {
  if (auto s = slot_.lock())
    s->block();
  else
    slot_.reset();
}

connection_block::connection_block(connection_block&& other) noexcept
    : state_(std::move(other.state_)), slot_(std::move(other.slot_)) {}

connection_block& connection_block::operator=(connection_block&& other) noexcept {
  if (this != &other) {
    unblock();
    state_ = std::move(other.state_);
    slot_ = std::move(other.slot_);
  }
  return *this;
}

connection_block::~connection_block() {
  unblock();
}

void connection_block::unblock() noexcept {
  auto s = std::exchange(slot_, {}).lock();
  if (!s) return;
  if (auto state = state_.lock()) {
    try {
      // Through the executor: sends queued while blocked still skip it.
      detail::post_counted(state->posted(), state->executor(), [s] { s->unblock(); });
      return;
    } catch (...) {
    }
  }
  s->unblock();
}

}  // namespace asio_signals
