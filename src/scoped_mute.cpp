//
// scoped_mute.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/scoped_mute.hpp>

#include <asio_signals/detail/signal_state.hpp>

#include <utility>

namespace asio_signals {

scoped_mute::scoped_mute(const signal& s) noexcept : state_(s.state_) {
  state_->mute();
}

scoped_mute& scoped_mute::operator=(scoped_mute&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

scoped_mute::~scoped_mute() {
  release();
}

void scoped_mute::release() noexcept {
  if (auto state = std::exchange(state_, nullptr)) state->unmute();
}

}  // namespace asio_signals
