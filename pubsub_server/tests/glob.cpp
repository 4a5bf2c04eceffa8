//
// glob.cpp
// ~~~~~~~~
//
// The glob matcher on its corner cases; test_glob_parity.py compares it with
// redis-server on many more.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "glob.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

BOOST_AUTO_TEST_SUITE(glob_test)

BOOST_AUTO_TEST_CASE(redis_glob_semantics) {
  using pubsub::glob_match;
  BOOST_TEST(glob_match("h?llo", "hello"));
  BOOST_TEST(!glob_match("h?llo", "hllo"));
  BOOST_TEST(glob_match("h*llo", "hllo"));
  BOOST_TEST(glob_match("h[^e]llo", "hallo"));
  BOOST_TEST(!glob_match("h[^e]llo", "hello"));
  BOOST_TEST(glob_match("h[c-a]llo", "hbllo"));
  BOOST_TEST(glob_match("h\\*llo", "h*llo"));
  BOOST_TEST(!glob_match("h\\*llo", "hello"));
  BOOST_TEST(glob_match("[abc", "c"));
  BOOST_TEST(!glob_match("*", ""));
  BOOST_TEST(glob_match("", ""));
  BOOST_TEST(glob_match(std::string_view("\0*", 2), std::string_view("\0\xff", 2)));
}

BOOST_AUTO_TEST_CASE(patterns_nesting_deeper_than_1000_stars_match_nothing) {
  std::string pattern;
  for (int i = 0; i < 1001; ++i) pattern += "a*";
  BOOST_TEST(pubsub::glob_match(pattern, std::string(1001, 'a')));
  pattern += "a*";
  BOOST_TEST(!pubsub::glob_match(pattern, std::string(1002, 'a')));
}

BOOST_AUTO_TEST_SUITE_END()
