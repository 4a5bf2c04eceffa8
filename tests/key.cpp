//
// key.cpp
// ~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/key.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sig = asio_signals;

namespace {

enum class color { red, green };
enum class shape { circle, square };

struct point {
  int x;
  int y;
  friend bool operator==(const point&, const point&) = default;
};

bool same(const sig::key& a, const sig::key& b) {
  return a == b && a.hash() == b.hash();
}

}  // namespace

template <>
struct std::hash<point> {
  std::size_t operator()(const point& p) const noexcept {
    return std::size_t(p.x) * 31 + std::size_t(p.y);
  }
};

BOOST_AUTO_TEST_SUITE(key_test)

BOOST_AUTO_TEST_CASE(every_string_type_makes_one_key) {
  const char* literal = "books";
  std::string owned = "books";
  std::string_view view = owned;
  BOOST_TEST(same(sig::key(literal), sig::key(owned)));
  BOOST_TEST(same(sig::key(view), sig::key("books")));
  BOOST_TEST(!(sig::key("books") == sig::key("Books")));
}

BOOST_AUTO_TEST_CASE(every_integral_type_makes_one_key) {
  BOOST_TEST(same(sig::key(1), sig::key(1L)));
  BOOST_TEST(same(sig::key(std::uint8_t(1)), sig::key(std::int64_t(1))));
  BOOST_TEST(same(sig::key(short(-3)), sig::key(-3LL)));
  BOOST_TEST(same(sig::key(std::uint64_t(7)), sig::key(7)));
}

BOOST_AUTO_TEST_CASE(integers_compare_by_value_across_signedness) {
  BOOST_TEST(!(sig::key(-1) == sig::key(std::numeric_limits<std::uint64_t>::max())));
  BOOST_TEST(same(sig::key(std::numeric_limits<std::int64_t>::max()),
                  sig::key(std::uint64_t(std::numeric_limits<std::int64_t>::max()))));
}

BOOST_AUTO_TEST_CASE(strings_and_integers_differ) {
  BOOST_TEST(!(sig::key("1") == sig::key(1)));
}

BOOST_AUTO_TEST_CASE(bool_keeps_its_type) {
  BOOST_TEST(same(sig::key(true), sig::key(true)));
  BOOST_TEST(!(sig::key(true) == sig::key(1)));
  BOOST_TEST(!(sig::key(true) == sig::key(false)));
}

BOOST_AUTO_TEST_CASE(enums_keep_their_type) {
  BOOST_TEST(same(sig::key(color::green), sig::key(color::green)));
  BOOST_TEST(!(sig::key(color::green) == sig::key(shape::square)));
  BOOST_TEST(!(sig::key(color::green) == sig::key(1)));
  BOOST_TEST(!(sig::key(color::red) == sig::key(color::green)));
}

BOOST_AUTO_TEST_CASE(any_hashable_type_is_a_key) {
  BOOST_TEST(same(sig::key(point{1, 2}), sig::key(point{1, 2})));
  BOOST_TEST(!(sig::key(point{1, 2}) == sig::key(point{2, 1})));
}

BOOST_AUTO_TEST_CASE(keys_names_each_argument) {
  auto list = sig::keys("a", 1, color::red, std::string("b"));
  BOOST_TEST_REQUIRE(list.items().size() == 4u);
  BOOST_TEST(same(list.items()[1], sig::key(1)));
}

BOOST_AUTO_TEST_CASE(keys_of_a_string_names_the_string) {
  auto list = sig::keys(std::string("books"));
  BOOST_TEST_REQUIRE(list.items().size() == 1u);
  BOOST_TEST(same(list.items()[0], sig::key("books")));
}

BOOST_AUTO_TEST_CASE(keys_of_a_range_names_its_elements) {
  std::vector<std::string> names{"a", "b", "c"};
  BOOST_TEST(sig::keys(names).items().size() == 3u);
  std::vector<sig::key> made{sig::key(1), sig::key("x")};
  BOOST_TEST(sig::keys(std::span<const sig::key>(made)).items().size() == 2u);
  BOOST_TEST(sig::keys().items().empty());
}

BOOST_AUTO_TEST_CASE(readable_forms) {
  BOOST_TEST(sig::key("books").to_string() == "books");
  BOOST_TEST(sig::key(-5).to_string() == "-5");
  BOOST_TEST(sig::key(std::numeric_limits<std::uint64_t>::max()).to_string() ==
             "18446744073709551615");
  BOOST_TEST(sig::key(color::green).to_string().find("color") != std::string::npos);
  BOOST_TEST_REQUIRE(sig::key("books").string() != nullptr);
  BOOST_TEST(*sig::key("books").string() == "books");
  BOOST_TEST(sig::key(1).string() == nullptr);
}

BOOST_AUTO_TEST_CASE(null_string_is_rejected) {
  const char* null = nullptr;
  BOOST_CHECK_THROW(sig::key{null}, std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
