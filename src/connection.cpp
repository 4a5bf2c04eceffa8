//
// connection.cpp
// ~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/connection.hpp>

#include <asio_signals/detail/signal_state.hpp>

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
    detail::post_counted(state->posted(), state->executor(), [state, s] { state->remove(s); });
  } catch (...) {
    // The slot is cancelled and never runs again; the next send that meets
    // it removes it from the index.
  }
}

call_limit max_calls(std::size_t n) {
  if (n == 0 || n > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("asio_signals::max_calls: the count must be between 1 and 2^32-1");
  return call_limit(static_cast<std::uint32_t>(n));
}

}  // namespace asio_signals
