//
// notifications.cpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// receiver_connected and receiver_disconnected: the signals that announce
// connections and disconnections.

#include <asio_signals/detail/posted_ops.hpp>
#include <asio_signals/detail/signal_state.hpp>

#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>

namespace asio_signals::detail {

signal signal_state::receiver_connected() {
  std::lock_guard lock(notifier_mutex_);
  if (!connected_) {
    connected_ = std::make_unique<signal>(executor_, arg("connection", connection()));
    notify_connected_.store(true, std::memory_order_release);
  }
  return *connected_;
}

signal signal_state::receiver_disconnected() {
  std::lock_guard lock(notifier_mutex_);
  if (!disconnected_) {
    disconnected_ =
        std::make_unique<signal>(executor_, arg("connection", connection()), arg("ended", false));
    notify_disconnected_.store(true, std::memory_order_release);
  }
  return *disconnected_;
}

// A notification that fails (to allocate) does not undo what it announces:
// its exception leaves the run() of the signal's executor instead.
void signal_state::notify_connected(const slot& s, const std::vector<sender>& senders,
                                    const std::vector<key>& keys) {
  if (!notify_connected_.load(std::memory_order_acquire)) return;
  try {
    connected_->send(asio_signals::senders(senders), asio_signals::keys(keys),
                     arg("connection", make_connection(s)), asio::detached);
  } catch (...) {
    post_counted(posted_, executor_, [e = std::current_exception()] { std::rethrow_exception(e); });
  }
}

void signal_state::notify_disconnected(const std::shared_ptr<slot>& s,
                                       const std::vector<sender>& senders,
                                       const std::vector<key>& keys, bool ended) {
  if (!notify_disconnected_.load(std::memory_order_acquire)) return;
  try {
    disconnected_->send(asio_signals::senders(senders), asio_signals::keys(keys),
                        arg("connection", connection(weak_from_this(), s)), arg("ended", ended),
                        asio::detached);
  } catch (...) {
    post_counted(posted_, executor_, [e = std::current_exception()] { std::rethrow_exception(e); });
  }
}

}  // namespace asio_signals::detail
