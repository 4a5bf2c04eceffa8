//
// resp_fuzz.cpp
// ~~~~~~~~~~~~~
//
// A libFuzzer target for pubsub_server's RESP request parser: the input is
// fed in chunks whose sizes come from its first bytes, as reads would
// deliver it. Beyond what the sanitizers catch, it checks that every request
// has arguments within the limits, and that the parser stops at an error.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "resp.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

namespace {

constexpr std::size_t max_bulk_len = 64;
constexpr std::size_t max_query_len = 4096;

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "resp_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::size_t chunk = 1 + data[0] % 64;
  data += 1;
  size -= 1;
  pubsub::request_parser parser(max_bulk_len, max_query_len);
  std::size_t fed = 0;
  while (fed < size) {
    std::span<char> space = parser.prepare();
    if (space.empty()) return 0;  // the query buffer limit: the server closes
    std::size_t n = std::min({chunk, space.size(), size - fed});
    std::memcpy(space.data(), data + fed, n);
    parser.commit(n);
    fed += n;
    for (;;) {
      auto status = parser.parse();
      if (status == pubsub::request_parser::status::need_more) break;
      if (status != pubsub::request_parser::status::request) {
        if (status == pubsub::request_parser::status::error)
          require(!parser.error().empty(), "a protocol error without a message");
        return 0;
      }
      require(!parser.args().empty(), "a request without arguments");
      for (std::string_view arg : parser.args())
        require(arg.size() <= std::max(max_bulk_len, pubsub::request_parser::max_inline_len),
                "an argument past the limits");
    }
  }
  return 0;
}
