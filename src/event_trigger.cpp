//
// event_trigger.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/event_trigger.hpp>

#include <utility>

namespace asio_signals {

event_trigger::event_trigger(const router& r, std::string sender, std::string event)
    : state_(detail::router_access::state(r)) {
  detail::check_name(sender, "sender");
  detail::check_name(event, "event");
  event_ = std::make_shared<detail::router_state::bound_event>(std::move(sender), std::move(event));
}

event_trigger::executor_type event_trigger::get_executor() const noexcept {
  return state_->executor();
}

const std::string& event_trigger::sender_name() const noexcept {
  return event_->sender;
}

const std::string& event_trigger::event_name() const noexcept {
  return event_->event;
}

}  // namespace asio_signals
