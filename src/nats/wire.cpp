//
// nats/wire.cpp
// ~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "wire.hpp"

#include <boost/core/demangle.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <typeindex>

namespace asio_signals::detail {

namespace json = boost::json;

namespace {

bool needs_escape(unsigned char c) {
  return c == '%' || c == '.' || c == '*' || c == '>' || c <= 0x20 || c == 0x7f;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 10^0 to 10^15: exact doubles, so that n / 10^k, n below 2^53, is one
// correctly rounded division.
constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Appends the finite `d` as the decimal n / 10^k of at most 15 digits, for
// the least k at which the whole number n nearest d * 10^k gives `d` again
// as n / 10^k, one correctly rounded division of exact operands; returns
// false, appending nothing, when there is none. At most one decimal of 15
// digits or fewer reads back as a given double (they lie further apart than
// the reals that round to it), so these are std::to_chars's digits, the
// fewest that read back exactly, always without an exponent (std::to_chars
// writes 1e-05 where this writes 0.00001). A short decimal, such as a
// sensor's reading, so costs a few multiplications where std::to_chars costs
// hundreds of instructions; a double of more digits pays up to 15 tries
// before it. A whole number keeps ".0", so that it is read back as a double.
bool append_short_decimal(std::string& text, double d) {
  for (std::size_t k = 0; k < 15; ++k) {
    const double scaled = std::abs(d) * powers_of_ten[k];
    if (!(scaled < 1e15)) return false;
    const auto n = static_cast<std::int64_t>(scaled + 0.5);
    if (static_cast<double>(n) / powers_of_ten[k] != std::abs(d)) continue;
    char digits[20];
    char* const end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    const auto size = static_cast<std::size_t>(end - digits);
    // A sign, then 15 digits and ".0" at most, or "0." and 14 digits.
    char out[24];
    char* p = out;
    if (std::signbit(d)) *p++ = '-';
    if (k == 0) {
      p = std::copy(digits, end, p);
      *p++ = '.';
      *p++ = '0';
    } else if (size > k) {
      p = std::copy(digits, end - k, p);
      *p++ = '.';
      p = std::copy(end - k, end, p);
    } else {
      *p++ = '0';
      *p++ = '.';
      p = std::fill_n(p, k - size, '0');
      p = std::copy(digits, end, p);
    }
    text.append(out, static_cast<std::size_t>(p - out));
    return true;
  }
  return false;
}

// The types a kwarg or a response may have without a declaration.
using builtin_types =
    std::tuple<std::string, bool, double, float, int, long, long long, short, unsigned,
               unsigned long, unsigned long long, unsigned short, std::nullptr_t, json::value,
               json::object, json::array, json::string, std::vector<std::string>>;

template <class T>
json::value to_json(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return json::string(v);
  } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::nullptr_t>) {
    return json::value(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    return json::value(double(v));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return json::value(std::int64_t(v));
  } else if constexpr (std::is_integral_v<T>) {
    return json::value(std::uint64_t(v));
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    json::array a;
    for (const auto& s : v) a.emplace_back(json::string(s));
    return a;
  } else {
    return json::value(v);
  }
}

// The JSON of a value held as one of the built-in types, if it is one; `get`
// returns a const T* to the value if it has type T.
template <class Get>
std::optional<json::value> encode_builtin(Get get) {
  std::optional<json::value> out;
  [&]<class... T>(std::tuple<T...>*) {
    (void)(... || [&]<class U>(U*) {
      auto p = get.template operator()<U>();
      if (p) out = to_json(*p);
      return p != nullptr;
    }(static_cast<T*>(nullptr)));
  }(static_cast<builtin_types*>(nullptr));
  return out;
}

// JSON has no number for a NaN or an infinity: Boost.JSON writes NaN or
// Infinity for one, which no JSON parser reads. A value that holds one, at
// any depth, cannot go on the wire; the error names it: the kwarg `name`,
// or with `kwarg` false, `name` itself.
void check_finite(const json::value& v, std::string_view name, bool kwarg = true) {
  switch (v.kind()) {
    case json::kind::double_:
      if (!std::isfinite(v.get_double()))
        throw nats_error(
            "asio_signals: " + (kwarg ? "kwarg \"" + std::string(name) + "\"" : std::string(name)) +
            " holds " + (std::isnan(v.get_double()) ? "a NaN" : "an infinity") +
            ", which JSON has no number for");
      break;
    case json::kind::array:
      for (const json::value& e : v.get_array()) check_finite(e, name, kwarg);
      break;
    case json::kind::object:
      for (const auto& e : v.get_object()) check_finite(e.value(), name, kwarg);
      break;
    default:
      break;
  }
}

[[noreturn]] void throw_unencodable(const std::type_info& type) {
  throw nats_error("asio_signals: no JSON encoding for a value of type " +
                   boost::core::demangle(type.name()) +
                   "; declare it with nats_options::json_type<T>()");
}

// A value of type `type` as JSON: a built-in type's (`get` as for
// encode_builtin), else what `from` makes with the encoder the options
// declare for that type; throws nats_error for a type without either.
template <class Get, class From>
json::value encode_value(const std::type_info& type, Get get, const nats_options& options,
                         From from) {
  if (auto j = encode_builtin(get)) return std::move(*j);
  for (const auto& e : options.json_encoders)
    if (e.type == std::type_index(type)) return from(e);
  throw_unencodable(type);
}

// A kwarg's value as JSON.
json::value encode_kwarg(const kwargs::value& v, const nats_options& options) {
  return encode_value(
      v.type(), [&v]<class T>() { return v.get_if<T>(); }, options,
      [&v](const nats_options::json_encoder& e) { return e.from_kwarg(v); });
}

}  // namespace

std::string encode_token(std::string_view name) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(name.size());
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string decode_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '%') {
      out += token[i];
      continue;
    }
    int hi = i + 2 < token.size() ? hex_digit(token[i + 1]) : -1;
    int lo = i + 2 < token.size() ? hex_digit(token[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      throw nats_error("asio_signals: malformed escape in subject token '" + std::string(token) +
                       "'");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

void check_prefix(std::string_view prefix) {
  std::size_t start = 0;
  while (true) {
    std::size_t end = prefix.find('.', start);
    std::string_view token =
        prefix.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    bool valid = !token.empty();
    for (char c : token)
      if (c == '*' || c == '>' || static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) valid = false;
    if (!valid)
      throw std::invalid_argument("asio_signals: the NATS subject prefix '" + std::string(prefix) +
                                  "' is not dot-separated tokens without wildcards or spaces");
    if (end == std::string_view::npos) return;
    start = end + 1;
  }
}

std::optional<std::vector<std::string_view>> subject_tokens(std::string_view subject,
                                                            std::string_view prefix) {
  if (subject.size() <= prefix.size() || subject.substr(0, prefix.size()) != prefix ||
      subject[prefix.size()] != '.')
    return std::nullopt;
  std::vector<std::string_view> tokens;
  std::string_view rest = subject.substr(prefix.size() + 1);
  while (true) {
    std::size_t dot = rest.find('.');
    tokens.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) return tokens;
    rest = rest.substr(dot + 1);
  }
}

event_subject_names::event_subject_names(std::string_view prefix)
    : head_(std::string(prefix) + ".s.ev.") {}

bool event_subject_names::decode(std::string_view subject) {
  if (named_ && subject == last_) return true;
  named_ = false;
  if (subject.size() <= head_.size() || subject.substr(0, head_.size()) != head_) return false;
  std::string_view names = subject.substr(head_.size());
  std::size_t dot = names.find('.');
  if (dot == std::string_view::npos || names.find('.', dot + 1) != std::string_view::npos)
    return false;
  sender_ = decode_token(names.substr(0, dot));
  event_ = decode_token(names.substr(dot + 1));
  last_ = subject;
  named_ = true;
  return true;
}

template <class T>
void kwargs_writer::append(const T& v) {
  if constexpr (std::is_same_v<T, std::string>)
    serializer_.reset(json::string_view(v));
  else
    serializer_.reset(&v);
  char buffer[256];
  while (!serializer_.done()) {
    json::string_view part = serializer_.read(buffer);
    text_.append(part.data(), part.size());
  }
}

void kwargs_writer::append_string(const std::string& s) {
  // Most names and many strings have nothing to escape.
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  });
  if (!plain) return append(s);
  text_ += '"';
  text_ += s;
  text_ += '"';
}

template <class T>
bool kwargs_writer::append_number(const kwargs::value& v) {
  const T* x = v.get_if<T>();
  if (!x) return false;
  // An infinity or a NaN takes the general path, which rejects it.
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(*x)) return false;
    if (append_short_decimal(text_, *x)) return true;
  }
  // The shortest text that reads back exactly, as Boost.JSON's own.
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, *x);
  text_.append(buffer, end);
  // A whole double keeps a fraction, so that it is read back as a double.
  if constexpr (std::is_floating_point_v<T>)
    if (std::find_if(buffer, end, [](char c) { return c == '.' || c == 'e'; }) == end)
      text_ += ".0";
  return true;
}

std::string_view kwargs_writer::write(const kwargs& k, const nats_options& options) {
  text_.assign(1, '{');
  for (const auto& entry : k) {
    if (text_.size() > 1) text_ += ',';
    append_string(entry.first);
    text_ += ':';
    const kwargs::value& v = entry.second;
    // Strings, numbers of the usual types and JSON values as they are;
    // other types through their JSON value, which holds no memory for a
    // number, a bool or null.
    if (const auto* s = v.get_if<std::string>()) {
      append_string(*s);
      continue;
    }
    if (append_number<double>(v) || append_number<int>(v) || append_number<long>(v) ||
        append_number<long long>(v))
      continue;
    if (const auto* j = v.get_if<json::value>()) {
      check_finite(*j, entry.first);
      append(*j);
      continue;
    }
    const json::value j = encode_kwarg(v, options);
    check_finite(j, entry.first);
    append(j);
  }
  text_ += '}';
  return text_;
}

json::object encode_kwargs(const kwargs& k, const nats_options& options) {
  json::object o;
  for (const auto& entry : k) {
    json::value j = encode_kwarg(entry.second, options);
    check_finite(j, entry.first);
    o[entry.first] = std::move(j);
  }
  return o;
}

json::value encode_any(const std::any& a, const nats_options& options) {
  json::value j = encode_value(
      a.type(), [&a]<class T>() { return std::any_cast<T>(&a); }, options,
      [&a](const nats_options::json_encoder& e) { return e.from_any(a); });
  check_finite(j, "the result", false);
  return j;
}

namespace {

template <class Sink>
void decode_into(const json::value& v, Sink sink) {
  switch (v.kind()) {
    case json::kind::string:
      sink(std::string(v.get_string()));
      break;
    case json::kind::int64:
      sink(v.get_int64());
      break;
    case json::kind::uint64:
      sink(v.get_uint64());
      break;
    case json::kind::double_:
      sink(v.get_double());
      break;
    case json::kind::bool_:
      sink(v.get_bool());
      break;
    case json::kind::null:
      sink(nullptr);
      break;
    default:
      sink(v);
      break;
  }
}

}  // namespace

kwargs decode_kwargs(const json::object& o) {
  kwargs k;
  for (const auto& member : o)
    decode_into(member.value(), [&](auto x) { k.set(std::string(member.key()), std::move(x)); });
  return k;
}

std::any decode_any(const json::value& v) {
  std::any a;
  decode_into(v, [&](auto x) { a = std::move(x); });
  return a;
}

namespace {

// Whether Boost.JSON 1.81 read the number `text` exactly: when it has no
// exponent and at most 15 digits, the parser divides an integer below 2^53
// by a power of ten of at most 10^15, both exact doubles, and one division
// rounds correctly (Clinger's fast path). Short decimals, as sensors and
// prices send them, are read so.
bool parsed_exactly(std::string_view text) noexcept {
  if (text.size() > 17) return false;
  std::size_t digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != '-' && c != '.')
      return false;
  }
  return digits <= 15;
}

// The double whose text is `number` (the parts before, if the parser split
// it) and then `last`: `parsed`, the parser's own conversion, where it is
// exact, or else read again with std::from_chars, which rounds correctly.
// Beyond the fast path Boost.JSON 1.81 is one unit in the last place off for
// about one double in ten, and a double must arrive as it was sent. Clears
// `number`.
double exact_double(std::string& number, json::string_view last, double parsed) {
  if (number.empty() && parsed_exactly(std::string_view(last.data(), last.size()))) return parsed;
  number.append(last.data(), last.size());
  double exact = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), exact);
  number.clear();
  // Beyond a double's range the parser's own value (an infinity) stands.
  return error == std::errc() ? exact : parsed;
}

// Builds a value as boost::json::parser does, but reads each floating-point
// number again from its text (exact_double).
class exact_handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) {
    stack_.reset();
    number_.clear();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    stack_.push_double(exact_double(number_, s, d));
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  json::value_stack stack_;
  std::string number_;
};

// Reads the payloads that kwargs_writer makes for scalar kwargs, straight
// into kwargs, without Boost.JSON's parser (about 850 instructions for a
// payload of one double, a third of a remote event's work on the listener's
// executor): an object of members "name":value, where the names and string
// values are printable ASCII without escapes, and the values strings,
// numbers, true, false or null, with no whitespace anywhere. Anything else
// it declines, and Boost.JSON's parser reads or rejects it. What it reads
// it stores as kwargs_handler does, each number checked against JSON's
// grammar first: an integer of at most 18 digits as std::int64_t (longer
// ones declined), a number with a fraction or an exponent as the correctly
// rounded double, as exact_double reads it: a decimal of at most 15 digits
// without an exponent as Boost.JSON's fast path does, any other with
// std::from_chars (one beyond a double's range, of more than 1,000
// characters, or with an exponent of more than 4 digits, declined).
class flat_object_reader {
 public:
  explicit flat_object_reader(std::string_view text) noexcept
      : p_(text.data()), end_(text.data() + text.size()) {}

  // Makes `into` the kwargs of the text and returns true, or returns false
  // with what `into` holds unspecified.
  bool read(kwargs& into) {
    kwargs_access::truncate(into, 0);
    if (!take('{')) return false;
    if (take('}')) return p_ == end_;
    for (;;) {
      std::string_view name;
      if (!take('"') || !plain_string(name) || !take(':') || !value(name, into)) return false;
      if (take('}')) return p_ == end_;
      if (!take(',')) return false;
    }
  }

 private:
  static bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool take(char c) noexcept {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool take(std::string_view word) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  void take_digits() noexcept {
    while (p_ != end_ && is_digit(*p_)) ++p_;
  }

  // The text up to the closing quote, past it.
  bool plain_string(std::string_view& text) noexcept {
    const char* first = p_;
    for (; p_ != end_ && *p_ != '"'; ++p_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
    }
    if (p_ == end_) return false;
    text = std::string_view(first, static_cast<std::size_t>(p_ - first));
    ++p_;
    return true;
  }

  bool value(std::string_view name, kwargs& into) {
    std::string_view text;
    if (take('"')) {
      if (!plain_string(text)) return false;
      into.set(std::string(name), std::string(text));
    } else if (take("true")) {
      into.set(std::string(name), true);
    } else if (take("false")) {
      into.set(std::string(name), false);
    } else if (take("null")) {
      into.set(std::string(name), nullptr);
    } else {
      return number(name, into);
    }
    return true;
  }

  bool number(std::string_view name, kwargs& into) {
    const char* first = p_;
    take('-');
    const char* digits = p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    if (!take('0')) take_digits();
    const auto whole_digits = static_cast<std::size_t>(p_ - digits);
    const char* fraction = nullptr;
    if (take('.')) {
      fraction = p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      take_digits();
    }
    const char* last = p_;
    const bool exponent = take('e') || take('E');
    if (exponent) {
      if (!take('+')) take('-');
      const char* exponent_digits = p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      take_digits();
      if (p_ - exponent_digits > 4) return false;
    }
    // Boost.JSON rejects a number whose exponent, with the count of its
    // digits, leaves an int's range; one of at most 1,000 characters with an
    // exponent of at most 4 digits never does.
    if (p_ - first > 1000) return false;
    if (!fraction && !exponent) {
      if (whole_digits > 18) return false;
      std::int64_t i = 0;
      std::from_chars(first, p_, i);
      into.set(std::string(name), i);
      return true;
    }
    const auto fraction_digits = fraction ? static_cast<std::size_t>(last - fraction) : 0;
    double d = 0;
    if (!exponent && whole_digits + fraction_digits <= 15) {
      // The integer of the digits divided by an exact power of ten, as
      // exact_double reads it.
      std::uint64_t n = 0;
      for (const char* c = digits; c != last; ++c)
        if (*c != '.') n = n * 10 + static_cast<std::uint64_t>(*c - '0');
      d = static_cast<double>(n) / powers_of_ten[fraction_digits];
      if (*first == '-') d = -d;
    } else {
      const auto [end, error] = std::from_chars(first, p_, d);
      if (error != std::errc() || end != p_) return false;
    }
    into.set(std::string(name), d);
    return true;
  }

  const char* p_;
  const char* const end_;
};

// Builds kwargs from a JSON object as decode_kwargs does from the parsed
// object: a member of the object is a kwarg, its value stored as
// decode_kwargs types it; a nested array or object is built as a
// json::value (with exact doubles, as exact_handler builds it). A document
// that is no object stops the parse, with not_object() set.
class kwargs_handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  // The kwargs the next parse makes.
  void fill(kwargs& result) noexcept { result_ = &result; }
  bool not_object() const noexcept { return not_object_; }

  bool on_document_begin(json::error_code&) {
    kwargs_access::truncate(*result_, 0);
    depth_ = 0;
    not_object_ = false;
    key_.clear();
    text_.clear();
    number_.clear();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    if (depth_ == 1) nested_.reset();
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    if (--depth_ == 0) return true;
    nested_.push_object(n);
    if (depth_ == 1) set(nested_.release());
    return true;
  }
  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0) return stop(ec);
    if (depth_ == 1) nested_.reset();
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    nested_.push_array(n);
    if (--depth_ == 1) set(nested_.release());
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1)
      key_.append(s.data(), s.size());
    else
      nested_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1)
      key_.append(s.data(), s.size());
    else
      nested_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth_ == 0) return stop(ec);
    if (depth_ == 1)
      text_.append(s.data(), s.size());
    else
      nested_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth_ == 0) return stop(ec);
    if (depth_ > 1) {
      nested_.push_string(s);
      return true;
    }
    text_.append(s.data(), s.size());
    set(text_);
    text_.clear();
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code& ec) {
    if (depth_ == 0) return stop(ec);
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    number_.clear();
    return scalar(i, ec, &json::value_stack::push_int64);
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
    number_.clear();
    return scalar(u, ec, &json::value_stack::push_uint64);
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    return scalar(exact_double(number_, s, d), ec, &json::value_stack::push_double);
  }
  bool on_bool(bool b, json::error_code& ec) {
    return scalar(b, ec, &json::value_stack::push_bool);
  }
  bool on_null(json::error_code& ec) {
    if (depth_ == 0) return stop(ec);
    if (depth_ == 1)
      set(nullptr);
    else
      nested_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Stops the parse of a document that is no object.
  bool stop(json::error_code& ec) {
    not_object_ = true;
    ec = json::error::syntax;
    return false;
  }

  template <class T>
  void set(T&& v) {
    result_->set(std::move(key_), std::forward<T>(v));
    key_.clear();
  }

  template <class T>
  bool scalar(T v, json::error_code& ec, void (json::value_stack::*push)(T)) {
    if (depth_ == 0) return stop(ec);
    if (depth_ == 1)
      set(v);
    else
      (nested_.*push)(v);
    return true;
  }

  kwargs* result_ = nullptr;
  // 0 outside the document's object, 1 within it, more within a member.
  std::size_t depth_ = 0;
  bool not_object_ = false;
  std::string key_;
  std::string text_;
  std::string number_;
  json::value_stack nested_;
};

}  // namespace

struct kwargs_parser::impl {
  json::basic_parser<kwargs_handler> parser{json::parse_options()};
};

kwargs_parser::kwargs_parser() : impl_(std::make_unique<impl>()) {}

kwargs_parser::~kwargs_parser() = default;

void kwargs_parser::parse(std::string_view payload, kwargs& into) {
  if (flat_object_reader(payload).read(into)) return;
  json::basic_parser<kwargs_handler>& parser = impl_->parser;
  parser.reset();
  parser.handler().fill(into);
  json::error_code ec;
  std::size_t used = parser.write_some(false, payload.data(), payload.size(), ec);
  if (parser.handler().not_object()) throw nats_error("asio_signals: payload is not a JSON object");
  if (!ec && used < payload.size()) ec = json::error::extra_data;
  if (ec) throw nats_error("asio_signals: undecodable JSON payload: " + ec.message());
}

json::object parse_object(std::string_view payload) {
  json::basic_parser<exact_handler> parser{json::parse_options()};
  json::error_code ec;
  std::size_t used = parser.write_some(false, payload.data(), payload.size(), ec);
  if (!ec && used < payload.size()) ec = json::error::extra_data;
  if (ec) throw nats_error("asio_signals: undecodable JSON payload: " + ec.message());
  json::value v = parser.handler().release();
  if (!v.is_object()) throw nats_error("asio_signals: payload is not a JSON object");
  return std::move(v.get_object());
}

std::string status_text(natsStatus s) {
  std::string text = natsStatus_GetText(s);
  natsStatus last = NATS_OK;
  if (const char* detail = nats_GetLastError(&last); detail && *detail)
    text += std::string(": ") + detail;
  return text;
}

}  // namespace asio_signals::detail
