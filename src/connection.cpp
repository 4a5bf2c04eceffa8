//
// connection.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection.hpp>

#include <asio_signals/detail/signal_state.hpp>

#include <boost/asio/post.hpp>

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

}  // namespace asio_signals
