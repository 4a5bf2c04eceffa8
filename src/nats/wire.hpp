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

#include <boost/json/serializer.hpp>
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

// The names an event's subject carries, `PREFIX.s.ev.SENDER.EVENT`, decoded
// again only when the subject is not the last one's: the events of a burst
// mostly share one. One per thread that reads many.
class event_subject_names {
 public:
  explicit event_subject_names(std::string_view prefix);

  // Returns whether `subject` is an event's; throws nats_error for a
  // malformed escape. sender() and event() then name it.
  bool decode(std::string_view subject);

  const std::string& sender() const noexcept { return sender_; }
  const std::string& event() const noexcept { return event_; }

 private:
  std::string head_;
  std::string last_;
  bool named_ = false;
  std::string sender_;
  std::string event_;
};

// Kwargs as a JSON object; throws nats_error for a value without encoding
// or holding a NaN or an infinity, which JSON has no number for.
boost::json::object encode_kwargs(const kwargs& k, const nats_options& options);

// Writes kwargs as the JSON of encode_kwargs, into a buffer kept from one
// call to the next, without a JSON object between: one per thread that
// encodes many. A double, int, long or long long is written as
// std::to_chars writes it, the shortest text that reads back exactly, which
// may differ in form from Boost.JSON's (20.5 where it writes 2.05E1; a whole
// double with ".0", so that it is read back as a double).
class kwargs_writer {
 public:
  // The text, valid until the next call; throws nats_error as
  // encode_kwargs does.
  std::string_view write(const kwargs& k, const nats_options& options);

 private:
  template <class T>
  void append(const T& v);
  void append_string(const std::string& s);
  // Appends `v` and returns true if it holds a finite T.
  template <class T>
  bool append_number(const kwargs::value& v);

  boost::json::serializer serializer_;
  std::string text_;
};

// A method's result as JSON; throws nats_error as encode_kwargs does.
boost::json::value encode_any(const std::any& a, const nats_options& options);

// A JSON object as kwargs: strings, std::int64_t (std::uint64_t beyond it),
// double, bool, std::nullptr_t, and boost::json::value for arrays and objects.
kwargs decode_kwargs(const boost::json::object& o);

// A JSON value as a response, typed as decode_kwargs types a kwarg.
std::any decode_any(const boost::json::value& v);

// Parses message payloads into kwargs, as decode_kwargs(parse_object(payload))
// does, but without a JSON object between, keeping its buffers from one
// payload to the next: one per thread that reads many. It stops at the first
// sign that a payload is no object, so a payload that is neither an object
// nor valid JSON (`[1,`) is reported as no object.
class kwargs_parser {
 public:
  kwargs_parser();
  ~kwargs_parser();
  kwargs_parser(const kwargs_parser&) = delete;
  kwargs_parser& operator=(const kwargs_parser&) = delete;

  // Makes `into` the kwargs of `payload`, in the memory of those it held;
  // throws nats_error unless `payload` is a JSON object, and then what
  // `into` holds is unspecified.
  void parse(std::string_view payload, kwargs& into);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Parses a message payload; throws nats_error unless it is a JSON object.
boost::json::object parse_object(std::string_view payload);

}  // namespace asio_signals::detail

#endif  // ASIO_SIGNALS_SRC_NATS_WIRE_HPP
