//
// signal.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include <utility>

namespace asio_signals {

std::shared_ptr<detail::signal_state> signal::make_state(executor_type ex, kwargs defaults) {
  return std::make_shared<detail::signal_state>(std::move(ex), std::move(defaults));
}

signal::signal(std::shared_ptr<detail::signal_state> state) noexcept : state_(std::move(state)) {
  state_->add_handle();
}

signal::signal(detail::signal_state* state, uncounted_t) noexcept
    : state_(std::shared_ptr<detail::signal_state>(), state), user_handle_(false) {}

signal::signal(const signal& other) noexcept
    : state_(other.user_handle_ || !other.state_ ? other.state_
                                                 : other.state_->shared_from_this()) {
  if (state_) state_->add_handle();
}

signal::signal(signal&& other) noexcept
    : state_(std::move(other.state_)), user_handle_(std::exchange(other.user_handle_, true)) {}

signal& signal::operator=(const signal& other) noexcept {
  if (this != &other) *this = signal(other);
  return *this;
}

signal& signal::operator=(signal&& other) noexcept {
  if (this != &other) {
    if (state_ && user_handle_) state_->release_handle();
    state_ = std::move(other.state_);
    user_handle_ = std::exchange(other.user_handle_, true);
  }
  return *this;
}

signal::~signal() {
  if (state_ && user_handle_) state_->release_handle();
}

signal::executor_type signal::get_executor() const noexcept {
  return state_->executor();
}

std::size_t signal::receivers() const noexcept {
  return state_->receivers();
}

signal signal::receiver_connected() const {
  return state_->receiver_connected();
}

signal signal::receiver_disconnected() const {
  return state_->receiver_disconnected();
}

void signal::set_error_handler(std::function<void(std::exception_ptr, const event&)> handler) {
  state_->set_error_handler(std::move(handler));
}

}  // namespace asio_signals
