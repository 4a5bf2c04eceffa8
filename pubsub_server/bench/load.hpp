//
// load.hpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_BENCH_LOAD_HPP
#define PUBSUB_BENCH_LOAD_HPP

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

namespace asio = boost::asio;

/// The shape of the load.
struct load_options {
  /// Connections that PUBLISH, pipelining.
  std::size_t publishers = 4;

  /// Connections that SUBSCRIBE; subscriber j listens on channel j mod channels.
  std::size_t subscribers = 16;

  /// Channels; publisher i publishes on channel i mod channels, or over all of them (spread).
  std::size_t channels = 1;

  /// Whether publisher i sends its n-th message to channel (i + n) mod channels,
  /// so that every publisher reaches every channel. Needs @c batch.
  bool spread = false;

  /// The size of each message's payload, at least 20 bytes (timestamp, publisher, sequence).
  std::size_t payload = 64;

  /// Messages a publisher may have sent that not all its subscribers have
  /// received yet, unless it publishes in batches.
  std::size_t window = 64;

  /// If not zero, each publisher writes this many PUBLISH commands at once
  /// and waits for all their replies before the next batch, as
  /// redis-benchmark's pipelining (-P) does, instead of keeping the window.
  std::size_t batch = 0;

  /// Load before the measurement starts, then measured load.
  std::chrono::duration<double> warmup{0.5};
  std::chrono::duration<double> duration{3.0};
};

/// What one run measured.
struct load_result {
  /// Messages received by the subscribers per second.
  double delivered_per_second = 0;

  /// PUBLISH replies received per second.
  double published_per_second = 0;

  /// Percentiles of the delay from a message's PUBLISH to its receipt.
  std::chrono::duration<double, std::micro> p50{0};
  std::chrono::duration<double, std::micro> p99{0};

  /// The server's CPU time over the measurement, in cores (1.0 = one core busy).
  double server_cores = 0;

  /// The load's own CPU time over the measurement, in cores: near 1.0, the
  /// load (one thread) rather than the server may be what limits the rate.
  double load_cores = 0;

  /// Messages received by the subscribers and PUBLISH replies received over
  /// the whole run, warm-up and drain included: what the server did between
  /// the first SUBSCRIBE and the close, to divide a profile of it by.
  std::uint64_t delivered_total = 0;
  std::uint64_t published_total = 0;

  /// What went wrong: wrong PUBLISH counts, lost or reordered messages, errors.
  std::vector<std::string> errors;
};

/// Runs the load against the server at @c server, on one thread.
/**
 * @param server_cpu_time The server process's CPU time so far, read at the
 * start and the end of the measurement.
 */
load_result run_load(const asio::ip::tcp::endpoint& server, const load_options& options,
                     const std::function<std::chrono::duration<double>()>& server_cpu_time);

}  // namespace bench

#endif  // PUBSUB_BENCH_LOAD_HPP
