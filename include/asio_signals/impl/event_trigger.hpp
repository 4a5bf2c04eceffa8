//
// impl/event_trigger.hpp
// ~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_IMPL_EVENT_TRIGGER_HPP
#define ASIO_SIGNALS_IMPL_EVENT_TRIGGER_HPP

#include <asio_signals/detail/router_op.hpp>
#include <asio_signals/detail/router_state.hpp>

#include <exception>
#include <memory>
#include <utility>

namespace asio_signals {

namespace detail {

// What an event_trigger's trigger carries besides its event, when it
// carries anything: its data, or the error found in them at the call.
struct bound_trigger_data {
  kwargs data;
  std::exception_ptr early;
};

// A trigger through an event_trigger. Its data are on the heap, and only
// when there are some: a trigger without them moves a shared_ptr and a null
// pointer on its way to the router's executor.
struct bound_trigger_request {
  bound_trigger_request() = default;

  bound_trigger_request(const bound_trigger_request& other) : event(other.event) {
    if (other.extra) extra = std::make_unique<bound_trigger_data>(*other.extra);
  }

  bound_trigger_request(bound_trigger_request&&) noexcept = default;
  bound_trigger_request& operator=(const bound_trigger_request&) = delete;

  std::shared_ptr<router_state::bound_event> event;
  std::unique_ptr<bound_trigger_data> extra;

  std::exception_ptr error() const noexcept { return extra ? extra->early : nullptr; }
};

}  // namespace detail

template <class... Args>
auto event_trigger::trigger(Args&&... args) {
  kwargs data;
  return detail::with_data(
      std::exception_ptr(), data,
      [&](auto&& token, std::exception_ptr& error) {
        detail::bound_trigger_request request;
        request.event = event_;
        if (error || !data.empty()) {
          request.extra = std::make_unique<detail::bound_trigger_data>();
          request.extra->data = std::move(data);
          request.extra->early = std::move(error);
        }
        return detail::async_signal_op<void(std::exception_ptr)>(
            state_, std::forward<decltype(token)>(token), std::move(request),
            [](detail::router_state& s, detail::bound_trigger_request& r) {
              if (!r.extra) return s.trigger(*r.event, nullptr);
              // Released here when no listener hears them, not with the
              // operation, after its completion.
              kwargs data = std::move(r.extra->data);
              s.trigger(*r.event, &data);
            });
      },
      std::forward<Args>(args)...);
}

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_IMPL_EVENT_TRIGGER_HPP
