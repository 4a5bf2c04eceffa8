//
// resp.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "resp.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>
#include <optional>
#include <utility>

namespace pubsub {
namespace {

constexpr std::size_t npos = std::string_view::npos;

// Redis reads a big argument with a read of its own, into a buffer of its size.
constexpr std::size_t big_arg = 32 * 1024;
constexpr std::size_t first_chunk = 1024;
constexpr std::size_t max_chunk = 64 * 1024;

// Redis's string2ll: an optional '-', then digits without a leading zero
// (or "0" alone), fitting a long long, and nothing else.
std::optional<long long> parse_count(std::string_view s) noexcept {
  if (s == "0") return 0;
  const std::size_t first_digit = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() <= first_digit || s[first_digit] < '1' || s[first_digit] > '9') return std::nullopt;
  long long value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// C's isspace in the "C" locale.
bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Redis's sdssplitargs: splits an inline command line into arguments with
// its quoting rules ("..." with \n \r \t \b \a \xHH escapes, '...' with \'),
// appending them to `storage` (which must not reallocate: reserve the line's
// size) and their views to `args`. The line is read as the C string Redis
// sees, so it ends at a NUL byte. False for unbalanced quotes.
class arg_splitter {
 public:
  arg_splitter(std::string_view line, std::string& storage, std::vector<std::string_view>& args)
      : line_(line.substr(0, line.find('\0'))), storage_(storage), args_(args) {}

  bool split() {
    for (;;) {
      while (peek() != '\0' && is_space(peek())) ++p_;
      if (peek() == '\0') return true;
      const std::size_t start = storage_.size();
      if (!token()) return false;
      args_.emplace_back(storage_.data() + start, storage_.size() - start);
    }
  }

 private:
  char peek(std::size_t ahead = 0) const noexcept {
    return p_ + ahead < line_.size() ? line_[p_ + ahead] : '\0';
  }

  // One argument, as sdssplitargs reads it; false for unbalanced quotes.
  bool token() {
    char quote = '\0';  // the quote the argument is inside, if any
    for (bool done = false; !done;) {
      const char c = peek();
      if (quote != '\0' && c == '\0') return false;
      if (quote == '"' && c == '\\' && peek(1) == 'x' && is_hex_digit(peek(2)) &&
          is_hex_digit(peek(3))) {
        storage_.push_back(static_cast<char>(hex_value(peek(2)) * 16 + hex_value(peek(3))));
        p_ += 3;
      } else if (quote == '"' && c == '\\' && peek(1) != '\0') {
        ++p_;
        storage_.push_back(unescape(peek()));
      } else if (quote == '\'' && c == '\\' && peek(1) == '\'') {
        ++p_;
        storage_.push_back('\'');
      } else if (quote != '\0' && c == quote) {
        // A closing quote must be followed by a space or nothing at all.
        if (peek(1) != '\0' && !is_space(peek(1))) return false;
        done = true;
      } else if (quote != '\0') {
        storage_.push_back(c);
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
        done = true;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else {
        storage_.push_back(c);
      }
      if (peek() != '\0') ++p_;
    }
    return true;
  }

  static char unescape(char c) noexcept {
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'b':
        return '\b';
      case 'a':
        return '\a';
      default:
        return c;
    }
  }

  std::string_view line_;
  std::size_t p_ = 0;
  std::string& storage_;
  std::vector<std::string_view>& args_;
};

}  // namespace

request_parser::request_parser(std::size_t max_bulk_len, std::size_t max_query_len)
    : max_bulk_len_(max_bulk_len), max_query_len_(max_query_len), chunk_(first_chunk) {}

std::span<char> request_parser::prepare() {
  if (begin_ != 0) {
    if (request_size() != 0) std::memmove(data_.get(), request_data(), request_size());
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t wanted = chunk_;
  // The rest of a big argument is read at once, into a buffer of its size.
  if (kind_ == kind::array && bulk_len_ >= static_cast<long long>(big_arg)) {
    const std::size_t arg_end = cursor_ + static_cast<std::size_t>(bulk_len_) + 2;
    if (arg_end > end_) wanted = std::max(wanted, arg_end - end_);
  }
  if (capacity_ - end_ < wanted) {
    const std::size_t capacity = std::max(end_ + wanted, std::min(capacity_ * 2, end_ + max_chunk));
    auto data = std::make_unique_for_overwrite<char[]>(capacity);
    if (end_ != 0) std::memcpy(data.get(), data_.get(), end_);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  prepared_ = capacity_ - end_;
  return {data_.get() + end_, prepared_};
}

void request_parser::commit(std::size_t n) noexcept {
  end_ += n;
  // A read that filled the space asks for more next time.
  if (n == prepared_ && chunk_ < max_chunk) chunk_ *= 2;
}

request_parser::status request_parser::parse() {
  for (;;) {
    if (complete_) finish_request();
    if (request_size() == 0) return status::need_more;
    if (kind_ == kind::unknown)
      kind_ = request_data()[0] == '*' ? kind::array : kind::inline_command;
    status s = kind_ == kind::array ? parse_array() : parse_inline();
    if (s == status::request) {
      complete_ = true;
      // Empty requests ("*0", a blank line) are skipped, as Redis does.
      if (args_.empty()) continue;
    } else if (s == status::need_more && request_size() > max_query_len_) {
      return status::too_big;
    }
    return s;
  }
}

std::size_t request_parser::find_cr(std::size_t from) const noexcept {
  const void* cr = std::memchr(request_data() + from, '\r', request_size() - from);
  return cr == nullptr ? npos
                       : static_cast<std::size_t>(static_cast<const char*>(cr) - request_data());
}

// Redis's processMultibulkBuffer. Like Redis, it reads the byte after a '\r'
// as the '\n' without checking it, and skips the two bytes after a bulk
// string's data unread.
request_parser::status request_parser::parse_array() {
  if (!counted_) {
    const std::size_t cr = find_cr(0);
    if (cr == npos) {
      if (request_size() > max_inline_len)
        return fail("Protocol error: too big mbulk count string");
      return status::need_more;
    }
    if (cr + 2 > request_size()) return status::need_more;
    const auto count = parse_count(std::string_view(request_data() + 1, cr - 1));
    if (!count || *count > INT_MAX) return fail("Protocol error: invalid multibulk length");
    cursor_ = cr + 2;
    counted_ = true;
    elements_left_ = std::max(*count, 0LL);
    offsets_.reserve(2 * static_cast<std::size_t>(std::min(elements_left_, 1024LL)));
  }
  while (elements_left_ > 0) {
    if (bulk_len_ < 0) {
      const std::size_t cr = find_cr(cursor_);
      if (cr == npos) {
        if (request_size() - cursor_ > max_inline_len)
          return fail("Protocol error: too big bulk count string");
        return status::need_more;
      }
      if (cr + 2 > request_size()) return status::need_more;
      const char first = request_data()[cursor_];
      if (first != '$')
        return fail(std::string("Protocol error: expected '$', got '") + first + "'");
      const auto len =
          parse_count(std::string_view(request_data() + cursor_ + 1, cr - cursor_ - 1));
      if (!len || *len < 0 || static_cast<unsigned long long>(*len) > max_bulk_len_)
        return fail("Protocol error: invalid bulk length");
      cursor_ = cr + 2;
      bulk_len_ = *len;
    }
    const auto len = static_cast<std::size_t>(bulk_len_);
    if (request_size() - cursor_ < len + 2) return status::need_more;
    offsets_.push_back(cursor_);
    offsets_.push_back(len);
    cursor_ += len + 2;
    bulk_len_ = -1;
    --elements_left_;
  }
  args_.clear();
  for (std::size_t i = 0; i < offsets_.size(); i += 2)
    args_.emplace_back(request_data() + offsets_[i], offsets_[i + 1]);
  return status::request;
}

// Redis's processInlineBuffer.
request_parser::status request_parser::parse_inline() {
  const void* lf = std::memchr(request_data(), '\n', request_size());
  if (lf == nullptr) {
    if (request_size() > max_inline_len) return fail("Protocol error: too big inline request");
    return status::need_more;
  }
  const auto newline = static_cast<std::size_t>(static_cast<const char*>(lf) - request_data());
  std::size_t line_len = newline;
  if (line_len != 0 && request_data()[line_len - 1] == '\r') --line_len;
  inline_args_.clear();
  inline_args_.reserve(line_len);
  args_.clear();
  arg_splitter splitter(std::string_view(request_data(), line_len), inline_args_, args_);
  if (!splitter.split()) return fail("Protocol error: unbalanced quotes in request");
  cursor_ = newline + 1;
  return status::request;
}

request_parser::status request_parser::fail(std::string message) {
  error_ = std::move(message);
  return status::error;
}

void request_parser::finish_request() noexcept {
  begin_ += cursor_;
  kind_ = kind::unknown;
  cursor_ = 0;
  elements_left_ = 0;
  counted_ = false;
  bulk_len_ = -1;
  offsets_.clear();
  args_.clear();
  complete_ = false;
}

}  // namespace pubsub
