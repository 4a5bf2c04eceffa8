//
// glob.cpp
// ~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "glob.hpp"

#include <cstddef>
#include <utility>

namespace pubsub {
namespace {

// Redis's stringmatchlen_impl, step for step, so that every pattern matches
// exactly what it matches in Redis. Redis reads its NUL-terminated pattern up
// to one byte past its length; `peek` gives that byte as '\0' here.
class matcher {
 public:
  explicit matcher(std::string_view pattern) noexcept : end_(pattern.data() + pattern.size()) {}

  bool match(const char* pattern, std::ptrdiff_t pattern_len, const char* text,
             std::ptrdiff_t text_len, int nesting) {
    // Protection against abusive patterns, as in Redis.
    if (nesting > 1000) return false;
    while (pattern_len != 0 && text_len != 0) {
      switch (pattern[0]) {
        case '*':
          while (pattern_len != 0 && peek(pattern + 1) == '*') {
            ++pattern;
            --pattern_len;
          }
          if (pattern_len == 1) return true;
          while (text_len != 0) {
            if (match(pattern + 1, pattern_len - 1, text, text_len, nesting + 1)) return true;
            if (skip_longer_matches_) return false;
            ++text;
            --text_len;
          }
          // No match for the rest of the pattern from anywhere in the rest of
          // the text: an earlier '*' matching more would not help either.
          skip_longer_matches_ = true;
          return false;
        case '?':
          ++text;
          --text_len;
          break;
        case '[':
          if (!match_set(pattern, pattern_len, *text)) return false;
          ++text;
          --text_len;
          break;
        case '\\':
          if (pattern_len >= 2) {
            ++pattern;
            --pattern_len;
          }
          [[fallthrough]];
        default:
          if (pattern[0] != text[0]) return false;
          ++text;
          --text_len;
          break;
      }
      ++pattern;
      --pattern_len;
      if (text_len == 0) {
        while (peek(pattern) == '*') {
          ++pattern;
          --pattern_len;
        }
        break;
      }
    }
    return pattern_len == 0 && text_len == 0;
  }

 private:
  char peek(const char* p) const noexcept { return p < end_ ? *p : '\0'; }

  // Matches `c` against the set that starts at `pattern` ('['), and leaves
  // `pattern` on its last byte: the closing ']', or the pattern's last byte.
  bool match_set(const char*& pattern, std::ptrdiff_t& pattern_len, char c) const noexcept {
    ++pattern;
    --pattern_len;
    const bool negated = peek(pattern) == '^';
    if (negated) {
      ++pattern;
      --pattern_len;
    }
    bool matched = false;
    for (;;) {
      if (peek(pattern) == '\\' && pattern_len >= 2) {
        ++pattern;
        --pattern_len;
        if (pattern[0] == c) matched = true;
      } else if (peek(pattern) == ']') {
        break;
      } else if (pattern_len == 0) {
        --pattern;
        ++pattern_len;
        break;
      } else if (pattern_len >= 3 && pattern[1] == '-') {
        // Redis compares ranges as (signed, on x86) char values.
        int start = static_cast<signed char>(pattern[0]);
        int finish = static_cast<signed char>(pattern[2]);
        if (start > finish) std::swap(start, finish);
        const int value = static_cast<signed char>(c);
        pattern += 2;
        pattern_len -= 2;
        if (value >= start && value <= finish) matched = true;
      } else if (pattern[0] == c) {
        matched = true;
      }
      ++pattern;
      --pattern_len;
    }
    return negated ? !matched : matched;
  }

  const char* end_;
  bool skip_longer_matches_ = false;
};

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  matcher m(pattern);
  return m.match(pattern.data(), static_cast<std::ptrdiff_t>(pattern.size()), text.data(),
                 static_cast<std::ptrdiff_t>(text.size()), 0);
}

}  // namespace pubsub
