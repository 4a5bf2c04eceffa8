//
// detail/send_gate.hpp
// ~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_SEND_GATE_HPP
#define ASIO_SIGNALS_DETAIL_SEND_GATE_HPP

#include <asio_signals/detail/config.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <cstddef>
#include <optional>
#include <utility>

namespace asio_signals::detail {

// Holds back the completion of a send while events it left waiting in full
// subscriptions (overflow::wait) have not found room. Used on the signal's
// executor only.
class send_gate {
 public:
  void hold() noexcept { ++held_; }

  void release() {
    if (--held_ != 0 || !completion_) return;
    auto completion = std::move(*completion_);
    completion_.reset();
    std::move(completion)();
  }

  bool open() const noexcept { return held_ == 0; }

  // Runs `completion` once the gate opens. Precondition: !open().
  void on_open(asio::any_completion_handler<void()> completion) {
    completion_.emplace(std::move(completion));
  }

 private:
  std::size_t held_ = 0;
  // Only ever move-constructed: Boost 1.81's move assignment of
  // any_completion_handler wraps the handler in itself, endlessly.
  std::optional<asio::any_completion_handler<void()>> completion_;
};

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_DETAIL_SEND_GATE_HPP
