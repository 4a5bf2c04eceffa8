//
// resp.cpp
// ~~~~~~~~
//
// The request parser, fed the same streams in every chunk size.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "resp.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using request = std::vector<std::string>;

struct outcome {
  std::vector<request> requests;
  std::string error;  // the protocol error that ended the stream, if any
  bool too_big = false;
};

// Feeds `stream` to a parser `chunk` bytes at a time (everything at once for 0).
outcome parse_stream(std::string_view stream, std::size_t chunk, std::size_t max_bulk_len = 1000,
                     std::size_t max_query_len = 64 << 20) {
  pubsub::request_parser parser(max_bulk_len, max_query_len);
  outcome out;
  std::size_t fed = 0;
  for (;;) {
    switch (parser.parse()) {
      case pubsub::request_parser::status::request: {
        const auto args = parser.args();
        out.requests.emplace_back(args.begin(), args.end());
        continue;
      }
      case pubsub::request_parser::status::error:
        out.error = parser.error();
        return out;
      case pubsub::request_parser::status::too_big:
        out.too_big = true;
        return out;
      case pubsub::request_parser::status::need_more:
        break;
    }
    if (fed == stream.size()) return out;
    const std::span<char> space = parser.prepare();
    const std::size_t n =
        std::min({space.size(), stream.size() - fed, chunk == 0 ? stream.size() : chunk});
    std::memcpy(space.data(), stream.data() + fed, n);
    parser.commit(n);
    fed += n;
  }
}

// Every chunk size gives the same outcome as the whole stream at once.
outcome parse_in_every_chunking(std::string_view stream, std::size_t max_bulk_len = 1000) {
  const outcome whole = parse_stream(stream, 0, max_bulk_len);
  for (std::size_t chunk : {1, 2, 3, 5, 7, 16, 100, 4096}) {
    const outcome split = parse_stream(stream, chunk, max_bulk_len);
    BOOST_TEST_CONTEXT("chunks of " << chunk) {
      BOOST_TEST(split.requests == whole.requests);
      BOOST_TEST(split.error == whole.error);
    }
  }
  return whole;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resp_test)

BOOST_AUTO_TEST_CASE(arrays_and_inline_commands_in_one_stream) {
  const std::string big(900, 'b');
  const std::string stream =
      "*2\r\n$4\r\nPING\r\n$5\r\nhello\r\nPING\r\n*0\r\n*-1\r\n\r\n"
      "publish 'a b' \"c\\x41\\n\"\n*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$900\r\n" +
      big + "\r\n*1\r\n$0\r\n\r\n";
  const outcome out = parse_in_every_chunking(stream);
  const std::vector<request> expected = {
      {"PING", "hello"}, {"PING"}, {"publish", "a b", "cA\n"}, {"PUBLISH", "c", big}, {""}};
  BOOST_TEST(out.requests == expected);
  BOOST_TEST(out.error.empty());
}

BOOST_AUTO_TEST_CASE(binary_arguments_are_kept_whole) {
  const std::string arg("\0\r\n$3\r\n*", 8);
  const std::string stream = "*1\r\n$8\r\n" + arg + "\r\n";
  BOOST_TEST(parse_in_every_chunking(stream).requests == std::vector<request>{{arg}});
}

BOOST_AUTO_TEST_CASE(protocol_errors_are_redis_words) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"*x\r\n", "Protocol error: invalid multibulk length"},
      {"*2147483648\r\n", "Protocol error: invalid multibulk length"},
      {"*99999999999999999999\r\n", "Protocol error: invalid multibulk length"},
      {"*-0\r\n", "Protocol error: invalid multibulk length"},
      {"*01\r\n", "Protocol error: invalid multibulk length"},
      {"*1\r\n$01\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$1001\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"},
      {"ping \"a\r\n", "Protocol error: unbalanced quotes in request"},
      {std::string(70000, 'x'), "Protocol error: too big inline request"},
      {std::string("*").append(70000, '1'), "Protocol error: too big mbulk count string"},
      {std::string("*1\r\n$").append(70000, '1'), "Protocol error: too big bulk count string"}};
  for (const auto& [stream, error] : cases) {
    BOOST_TEST_CONTEXT(stream.substr(0, 20)) {
      BOOST_TEST(parse_in_every_chunking(stream).error == error);
    }
  }
}

BOOST_AUTO_TEST_CASE(arrays_of_no_or_negative_length_are_skipped) {
  const outcome out = parse_in_every_chunking("*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n");
  BOOST_TEST(out.requests == std::vector<request>{{"PING"}});
  BOOST_TEST(out.error.empty());
}

BOOST_AUTO_TEST_CASE(requests_before_an_error_are_parsed) {
  const outcome out = parse_in_every_chunking("PING\r\n*1\r\n$x\r\nPING\r\n");
  BOOST_TEST(out.requests == std::vector<request>{{"PING"}});
  BOOST_TEST(out.error == "Protocol error: invalid bulk length");
}

BOOST_AUTO_TEST_CASE(a_bulk_string_at_the_limit_is_accepted) {
  const std::string arg(1000, 'x');
  const std::string stream = "*1\r\n$1000\r\n" + arg + "\r\n";
  BOOST_TEST(parse_in_every_chunking(stream).requests == std::vector<request>{{arg}});
}

BOOST_AUTO_TEST_CASE(a_big_argument_is_read_whole) {
  const std::string arg(3 << 20, 'x');
  const std::string stream =
      "*2\r\n$4\r\nPING\r\n$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\nPING\r\n";
  const outcome out = parse_in_every_chunking(stream, 4 << 20);
  BOOST_TEST(out.requests == (std::vector<request>{{"PING", arg}, {"PING"}}));
}

BOOST_AUTO_TEST_CASE(an_unfinished_request_over_the_query_limit_is_too_big) {
  const std::string stream = std::string("*1\r\n$100000\r\n").append(60000, 'x');
  BOOST_TEST(parse_stream(stream, 0, 1 << 20, 50000).too_big);
  BOOST_TEST(!parse_stream(stream, 0, 1 << 20, 70000).too_big);
}

BOOST_AUTO_TEST_SUITE_END()
