//
// history_subscription.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/history_subscription.hpp>

#include <asio_signals/detail/names.hpp>
#include <asio_signals/detail/router_state.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace asio_signals {

namespace detail {

// Pulls the batches of a durable subscriber and sends their events, one by
// one, on a signal that the history subscription's buffer listens to. Each
// send completes only once the buffer has taken its event, so the next pull
// starts when the buffer has room. Everything but stopped_ and failure_ is
// touched on the router's executor only.
class history_pump : public std::enable_shared_from_this<history_pump> {
 public:
  // The kwarg that carries a retained event on the signal.
  static constexpr const char* carrier = "event";

  history_pump(router r, std::string subscriber, std::size_t batch)
      : router_(std::move(r)),
        subscriber_(std::move(subscriber)),
        batch_(batch),
        events_(std::in_place, router_.get_executor(), arg(carrier, retained_event())) {}

  const signal& events() const noexcept { return *events_; }

  void start() {
    detail::post_counted(router_.get_executor(), [self = shared_from_this()] { self->pull(); });
  }

  // May be called from any thread.
  void stop() {
    stopped_.store(true, std::memory_order_release);
    detail::post_counted(router_.get_executor(), [self = shared_from_this()] {
      self->cancel_.emit(asio::cancellation_type::terminal);
    });
  }

  std::exception_ptr failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }

 private:
  bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

  void pull() {
    if (stopped()) return finish();
    if (!moves_) moves_ = router_access::state(router_)->history_moves();
    router_.pull(
        subscriber_, max_batch(batch_), wait_for_events(),
        asio::bind_cancellation_slot(
            cancel_.slot(),
            asio::bind_executor(router_.get_executor(),
                                [self = shared_from_this()](std::exception_ptr e,
                                                            std::vector<retained_event> batch) {
                                  self->pulled(std::move(e), std::move(batch));
                                })));
  }

  void pulled(std::exception_ptr e, std::vector<retained_event> batch) {
    if (stopped()) return finish();
    // A pull goes where the router keeps its history when it starts: after
    // a move since the first pull, what it returns is of another history.
    const router_state& state = *router_access::state(router_);
    if (*moves_ != state.history_moves()) {
      if (state.history_in_memory())
        e = link_stopped_error();
      else
        e = std::make_exception_ptr(router_error(
            "asio_signals: the router was linked to NATS while subscriber " + quoted(subscriber_) +
            " was streamed: subscribe it again and make a new history_subscription"));
    }
    if (e) {
      {
        std::lock_guard lock(mutex_);
        failure_ = std::move(e);
      }
      return finish();
    }
    batch_events_ = std::move(batch);
    next_ = 0;
    send_next();
  }

  void send_next() {
    if (stopped()) return finish();
    if (next_ == batch_events_.size()) return pull();
    events_->send(arg(carrier, std::move(batch_events_[next_++])),
                  asio::bind_executor(router_.get_executor(),
                                      [self = shared_from_this()](std::exception_ptr, std::size_t) {
                                        self->send_next();
                                      }));
  }

  // Drops the signal: the buffer ends once emptied.
  void finish() {
    batch_events_.clear();
    events_.reset();
  }

  router router_;
  const std::string subscriber_;
  const std::size_t batch_;
  std::optional<signal> events_;
  std::vector<retained_event> batch_events_;
  std::size_t next_ = 0;
  std::optional<std::uint64_t> moves_;
  asio::cancellation_signal cancel_;
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  std::exception_ptr failure_;
};

}  // namespace detail

history_subscription::history_subscription(router r, std::string subscriber, std::size_t capacity)
    : pump_(std::make_shared<detail::history_pump>(std::move(r), std::move(subscriber),
                                                   std::max<std::size_t>(capacity, 1))),
      events_(pump_->events(), capacity, overflow::wait) {
  pump_->start();
}

history_subscription& history_subscription::operator=(history_subscription&& other) noexcept {
  if (this != &other) {
    stop();
    pump_ = std::move(other.pump_);
    events_ = std::move(other.events_);
  }
  return *this;
}

history_subscription::~history_subscription() {
  stop();
}

void history_subscription::stop() noexcept {
  auto pump = std::exchange(pump_, nullptr);
  if (!pump) return;
  try {
    pump->stop();
  } catch (...) {
    // Without memory to post, the pump stops when its pending pull or send
    // completes.
  }
}

retained_event history_subscription::unwrap(const event& ev) {
  return ev.get<retained_event>(detail::history_pump::carrier);
}

std::exception_ptr history_subscription::ended_by(const detail::history_pump& pump) {
  return pump.failure();
}

}  // namespace asio_signals
