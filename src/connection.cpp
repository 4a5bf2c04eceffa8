//
// connection.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection.hpp>

#include <asio_signals/connection_block.hpp>

#include <asio_signals/detail/signal_state.hpp>

#include <boost/asio/post.hpp>

#include <limits>
#include <stdexcept>
#include <utility>

namespace asio_signals {

bool connection::connected() const noexcept {
  auto s = slot_.lock();
  return s && s->connected();
}

void connection::disconnect() const noexcept {
  auto s = slot_.lock();
  if (!s || !s->cancel()) return;
  auto state = state_.lock();
  if (!state) return;
  try {
    asio::post(state->executor(), [state, s] { state->remove(s); });
  } catch (...) {
    // The slot is cancelled and never runs again; the next send that meets
    // it removes it from the index.
  }
}

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
      asio::post(state->executor(), [s] { s->unblock(); });
      return;
    } catch (...) {
    }
  }
  s->unblock();
}

call_limit max_calls(std::size_t n) {
  if (n == 0 || n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("asio_signals::max_calls: the count must be between 1 and 2^32-1");
  return call_limit(static_cast<std::uint32_t>(n));
}

}  // namespace asio_signals
