//
// resp.hpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_RESP_HPP
#define PUBSUB_RESP_HPP

#include <charconv>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pubsub {

/// Splits a client's byte stream into requests, exactly as Redis reads them.
/**
 * A request is either a RESP array of bulk strings (@c *2\\r\\n$4\\r\\nPING...,
 * what clients send) or an inline command (@c PING @c hello\\r\\n, what telnet
 * users type, with Redis's quoting rules). The parser owns the buffer the
 * connection reads into: @ref prepare gives free space, @ref commit adds what
 * was read, and @ref parse returns the requests one by one, without copying
 * the arguments of arrays.
 *
 * Errors are Redis's, word for word; after one the stream cannot go on.
 * Arrays and bulk strings whose length is zero or negative are accepted or
 * rejected as Redis does, and a bulk string longer than @c max_bulk_len is an
 * error.
 */
class request_parser {
 public:
  /// What @ref parse found.
  enum class status {
    /// A request: see @ref args.
    request,
    /// The buffer holds no complete request: read more.
    need_more,
    /// A protocol error: reply with @ref error, then close.
    error,
    /// The client sent more than @c max_query_len bytes without completing a
    /// request: close without reply, as Redis does.
    too_big
  };

  /// The longest inline request and the longest count line, as in Redis.
  static constexpr std::size_t max_inline_len = 64 * 1024;

  /// A parser that accepts bulk strings of up to @c max_bulk_len bytes and
  /// requests that keep up to @c max_query_len bytes buffered.
  request_parser(std::size_t max_bulk_len, std::size_t max_query_len);

  /// Free space to read into; invalidates the arguments of the last request.
  std::span<char> prepare();

  /// Adds the @c n bytes read into the space @ref prepare gave.
  void commit(std::size_t n) noexcept;

  /// Parses the next request, after the one the previous call returned.
  status parse();

  /// The arguments of the request @ref parse returned, never empty; valid
  /// until the next call to @ref parse or @ref prepare.
  std::span<const std::string_view> args() const noexcept { return args_; }

  /// The message of the protocol error @ref parse returned.
  const std::string& error() const noexcept { return error_; }

 private:
  enum class kind { unknown, array, inline_command };

  const char* request_data() const noexcept { return data_.get() + begin_; }
  std::size_t request_size() const noexcept { return end_ - begin_; }
  // The offset in the request of the first '\r' at or after `from`, or npos.
  std::size_t find_cr(std::size_t from) const noexcept;
  status parse_array();
  status parse_inline();
  status fail(std::string message);
  void finish_request() noexcept;

  std::size_t max_bulk_len_;
  std::size_t max_query_len_;
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  // How much prepare() asks for: grows while reads fill it.
  std::size_t chunk_;
  std::size_t begin_ = 0;  // the request being parsed
  std::size_t end_ = 0;    // the end of the bytes read
  std::size_t prepared_ = 0;

  // The request being parsed; offsets are relative to begin_.
  kind kind_ = kind::unknown;
  std::size_t cursor_ = 0;
  long long elements_left_ = 0;
  bool counted_ = false;
  long long bulk_len_ = -1;
  std::vector<std::size_t> offsets_;  // start, length, start, length...
  std::string inline_args_;
  std::vector<std::string_view> args_;
  bool complete_ = false;
  std::string error_;
};

/// Appends a RESP simple string: @c +s\\r\\n.
template <class Out>
void append_simple_string(Out& out, std::string_view s) {
  out.append("+");
  out.append(s);
  out.append("\r\n");
}

/// Appends a RESP error, @c -ERR @c message\\r\\n, with CR and LF turned to
/// spaces as Redis does so that user input cannot break the protocol.
template <class Out>
void append_error(Out& out, std::string_view message) {
  out.append("-ERR ");
  std::size_t start = 0;
  for (std::size_t i = message.find_first_of("\r\n"); i != std::string_view::npos;
       i = message.find_first_of("\r\n", start)) {
    out.append(message.substr(start, i - start));
    out.append(" ");
    start = i + 1;
  }
  out.append(message.substr(start));
  out.append("\r\n");
}

/// Appends @c prefix followed by @c n in decimal and CRLF: @c :n, @c *n, @c $n.
template <class Out>
void append_count(Out& out, char prefix, long long n) {
  char text[24];
  text[0] = prefix;
  char* end = std::to_chars(text + 1, text + sizeof(text) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.append(std::string_view(text, static_cast<std::size_t>(end - text)));
}

/// Appends a RESP integer: @c :n\\r\\n.
template <class Out>
void append_integer(Out& out, long long n) {
  append_count(out, ':', n);
}

/// Appends a RESP array header: @c *n\\r\\n.
template <class Out>
void append_array_header(Out& out, std::size_t n) {
  append_count(out, '*', static_cast<long long>(n));
}

/// Appends a RESP bulk string: @c $len\\r\\ns\\r\\n.
template <class Out>
void append_bulk(Out& out, std::string_view s) {
  append_count(out, '$', static_cast<long long>(s.size()));
  out.append(s);
  out.append("\r\n");
}

/// Appends the RESP2 null bulk string: @c $-1\\r\\n.
template <class Out>
void append_null(Out& out) {
  out.append("$-1\r\n");
}

}  // namespace pubsub

#endif  // PUBSUB_RESP_HPP
