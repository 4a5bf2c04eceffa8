//
// scoped_mute.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SCOPED_MUTE_HPP
#define ASIO_SIGNALS_SCOPED_MUTE_HPP

#include <asio_signals/detail/config.hpp>
#include <asio_signals/signal.hpp>

#include <memory>

namespace asio_signals {

/// Mutes a whole signal while it lives (blinker's @c muted()).
/**
 * A muted send schedules no callback, completes no wait and feeds no
 * subscription; it completes with 0. Muting takes effect at once, for every
 * send that starts after the constructor returns; the release goes through
 * the signal's executor, so sends that started while muted, even detached
 * ones still queued, stay muted. Mutes nest.
 *
 * @code
 * {
 *   sig::scoped_mute quiet(sig);
 *   sig.send(asio::detached);  // nobody hears it
 * }
 * @endcode
 *
 * @par Thread Safety
 * @e Distinct @e objects: Safe.@n
 * @e Shared @e objects: Unsafe.
 */
class ASIO_SIGNALS_DECL scoped_mute {
 public:
  /// Mutes @c s.
  explicit scoped_mute(const signal& s) noexcept;

  scoped_mute(const scoped_mute&) = delete;
  scoped_mute& operator=(const scoped_mute&) = delete;
  /// Takes over what @c other held; @c other holds nothing.
  scoped_mute(scoped_mute&& other) noexcept = default;
  /// Releases what this held, then takes over what @c other held.
  scoped_mute& operator=(scoped_mute&& other) noexcept;

  /// Unmutes, through the signal's executor.
  ~scoped_mute();

 private:
  void release() noexcept;

  std::shared_ptr<detail::signal_state> state_;
};

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_SCOPED_MUTE_HPP
