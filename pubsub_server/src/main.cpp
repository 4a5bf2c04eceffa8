//
// main.cpp
// ~~~~~~~~
//
// pubsub_server: a TCP server speaking the publish/subscribe subset of the
// Redis protocol, on one thread. It prints "listening on ADDRESS:PORT" as the
// first line of its standard output once it accepts clients, logs to standard
// error, and exits with 0 on SIGINT or SIGTERM.
//
//   pubsub_server [--port N] [--bind ADDRESS] [--max-bulk-len SIZE]
//                 [--output-buffer-limit SIZE] [--query-buffer-limit SIZE]
//
// Sizes are bytes, or take Redis's units: 1k = 1000, 1kb = 1024, m, mb, g, gb.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "pubsub_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asio = boost::asio;

namespace {

constexpr std::string_view usage =
    "usage: pubsub_server [--port N] [--bind ADDRESS] [--max-bulk-len SIZE]\n"
    "                     [--output-buffer-limit SIZE] [--query-buffer-limit SIZE]\n"
    "SIZE is a number of bytes, optionally with a unit: k, kb, m, mb, g, gb.\n";

std::uint64_t parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument("not a number: '" + std::string(text) + "'");
  return value;
}

// Redis's memtoull: digits, then an optional unit, in any case.
std::size_t parse_size(std::string_view text) {
  const std::size_t digits = text.find_first_not_of("0123456789");
  std::string unit(text.substr(std::min(digits, text.size())));
  for (char& c : unit) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::uint64_t multiplier = 0;
  if (unit.empty() || unit == "b") multiplier = 1;
  if (unit == "k") multiplier = 1000;
  if (unit == "kb") multiplier = 1024;
  if (unit == "m") multiplier = 1000 * 1000;
  if (unit == "mb") multiplier = 1024 * 1024;
  if (unit == "g") multiplier = 1000 * 1000 * 1000;
  if (unit == "gb") multiplier = 1024 * 1024 * 1024;
  const std::uint64_t count = parse_number(text.substr(0, digits));
  if (multiplier == 0 || count > std::numeric_limits<std::size_t>::max() / multiplier)
    throw std::invalid_argument("not a size: '" + std::string(text) + "'");
  return static_cast<std::size_t>(count * multiplier);
}

pubsub::server_options parse_command_line(int argc, char** argv) {
  pubsub::server_options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help") {
      std::cout << usage;
      std::exit(0);
    }
    if (i + 1 == argc) throw std::invalid_argument("missing value after " + std::string(flag));
    const std::string_view value = argv[++i];
    if (flag == "--port") {
      const std::uint64_t port = parse_number(value);
      if (port > 65535) throw std::invalid_argument("no such port: " + std::string(value));
      options.port = static_cast<std::uint16_t>(port);
    } else if (flag == "--bind") {
      boost::system::error_code ec;
      options.bind_address = asio::ip::make_address(value, ec);
      if (ec) throw std::invalid_argument("not an address: '" + std::string(value) + "'");
    } else if (flag == "--max-bulk-len") {
      options.max_bulk_len = parse_size(value);
    } else if (flag == "--output-buffer-limit") {
      options.output_buffer_limit = parse_size(value);
    } else if (flag == "--query-buffer-limit") {
      options.query_buffer_limit = parse_size(value);
    } else {
      throw std::invalid_argument("unknown option " + std::string(flag));
    }
  }
  return options;
}

// Thousands of clients need thousands of descriptors: take all we may.
void raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
    std::cerr << "pubsub_server: cannot raise the open files limit\n";
}

void log_line(std::string_view line) {
  std::cerr << "pubsub_server: " << line << std::endl;
}

void log_stats(const pubsub::server_stats& s) {
  log_line("stats: connections_accepted=" + std::to_string(s.connections_accepted) +
           " output_buffer_disconnects=" + std::to_string(s.output_buffer_disconnects) +
           " protocol_errors=" + std::to_string(s.protocol_errors) +
           " messages_published=" + std::to_string(s.messages_published) +
           " messages_delivered=" + std::to_string(s.messages_delivered));
}

}  // namespace

int main(int argc, char** argv) {
  pubsub::server_options options;
  try {
    options = parse_command_line(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "pubsub_server: " << e.what() << "\n" << usage;
    return 2;
  }
  options.log = log_line;
  raise_open_files_limit();

  asio::io_context ctx(1);
  std::optional<pubsub::server> server;
  try {
    server.emplace(ctx, options);
  } catch (const boost::system::system_error& e) {
    log_line("cannot listen on " + options.bind_address.to_string() + " port " +
             std::to_string(options.port) + ": " + e.code().message());
    return 1;
  }

  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int number) {
    if (ec) return;
    log_line(std::string(number == SIGINT ? "SIGINT" : "SIGTERM") + " received, shutting down");
    server->stop();
  });

  server->start();
  std::cout << "listening on " << server->local_endpoint() << std::endl;
  ctx.run();
  log_stats(server->stats());
  return 0;
}
