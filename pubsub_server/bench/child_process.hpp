//
// child_process.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_BENCH_CHILD_PROCESS_HPP
#define PUBSUB_BENCH_CHILD_PROCESS_HPP

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bench {

/// A server program run by the benchmark, killed when the object goes.
/**
 * The child runs with its standard output on a pipe (see @ref read_line),
 * its standard error in a log file, optionally pinned to one CPU, and dies
 * with the benchmark even if the benchmark is killed.
 */
class child_process {
 public:
  /// Starts @c argv[0] (searched in PATH) with @c argv; pinned to @c cpu if given.
  /**
   * @throws std::runtime_error if the program cannot be started.
   */
  child_process(const std::vector<std::string>& argv, std::optional<int> cpu,
                const std::string& log_path);

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Stops the child (see @ref stop).
  ~child_process();

  /// The process id.
  pid_t pid() const noexcept { return pid_; }

  /// The next line of the child's standard output, without its newline, or
  /// nothing if the output ends or @c timeout passes first.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// The CPU time the child has used so far, user and system.
  std::chrono::duration<double> cpu_time() const;

  /// Sends SIGTERM, waits up to 5 s, then SIGKILL; returns the exit status
  /// (as from @c waitpid). Calling it again returns the same status.
  int stop();

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  std::optional<int> status_;
};

}  // namespace bench

#endif  // PUBSUB_BENCH_CHILD_PROCESS_HPP
