//
// nats/wire.hpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_SRC_NATS_WIRE_HPP
#define ASIO_SIGNALS_SRC_NATS_WIRE_HPP

#include <asio_signals/kwargs.hpp>
#include <asio_signals/nats.hpp>

#include <boost/json/value.hpp>

#include <nats/nats.h>

#include <any>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio_signals::detail {

// A name as one NATS subject token: '%', '.', '*', '>', whitespace and
// control bytes become %XX, so that any name round-trips.
std::string encode_token(std::string_view name);

// The name a token encodes; throws nats_error for a malformed escape.
std::string decode_token(std::string_view token);

// cnats's text for a status, with the detail of its last error if any.
std::string status_text(natsStatus s);

// Throws std::invalid_argument unless `prefix` is dot-separated valid tokens.
void check_prefix(std::string_view prefix);

// The subject's tokens after `prefix.`, or nothing if it lies elsewhere.
std::optional<std::vector<std::string_view>> subject_tokens(std::string_view subject,
                                                            std::string_view prefix);

// Throws nats_error, naming the type, for a kwarg without encoding.
void check_encodable(const kwargs& k, const nats_options& options);

// Kwargs as a JSON object; throws nats_error for a value without encoding.
boost::json::object encode_kwargs(const kwargs& k, const nats_options& options);

// A response as JSON; throws nats_error for a value without encoding.
boost::json::value encode_any(const std::any& a, const nats_options& options);

// A JSON object as kwargs: strings, std::int64_t (std::uint64_t beyond it),
// double, bool, std::nullptr_t, and boost::json::value for arrays and objects.
kwargs decode_kwargs(const boost::json::object& o);

// A JSON value as a response, typed as decode_kwargs types a kwarg.
std::any decode_any(const boost::json::value& v);

// Parses message payloads as parse_object does, keeping its buffers from
// one payload to the next: one per thread that reads many.
class object_parser {
 public:
  object_parser();
  ~object_parser();
  object_parser(const object_parser&) = delete;
  object_parser& operator=(const object_parser&) = delete;

  // Throws nats_error unless `payload` is a JSON object.
  boost::json::object parse(std::string_view payload);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Parses a message payload; throws nats_error unless it is a JSON object.
boost::json::object parse_object(std::string_view payload);

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_NATS_WIRE_HPP
