//
// commands.hpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_COMMANDS_HPP
#define PUBSUB_COMMANDS_HPP

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pubsub {

/// The commands the server runs.
enum class command { subscribe, unsubscribe, psubscribe, punsubscribe, publish, ping, quit, reset };

/// What to do with a request: run one of the server's commands, or reply with an error.
struct route {
  /// The command to run, when the request is one the server runs as given.
  std::optional<command> run;

  /// Otherwise, the error to reply with, in Redis's words (without "-ERR ").
  std::string error;
};

/// Routes a request as Redis 7's @c processCommand does.
/**
 * In Redis's order: a command or subcommand Redis does not know is an
 * "unknown command" (or "unknown subcommand"); then a wrong number of
 * arguments is an error naming the command; then, for a client in subscribed
 * mode, a command other than (P)SUBSCRIBE, (P)UNSUBSCRIBE, PING, QUIT and
 * RESET "can't execute". A command Redis knows but this server does not
 * implement (GET, SSUBSCRIBE...) is then an "unknown command" too.
 *
 * @param args The request, at least one argument.
 * @param subscribed Whether the client has at least one subscription.
 */
route route_request(std::span<const std::string_view> args, bool subscribed);

}  // namespace pubsub

#endif  // PUBSUB_COMMANDS_HPP
