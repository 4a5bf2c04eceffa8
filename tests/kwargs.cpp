//
// kwargs.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/kwargs.hpp>

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sig = asio_signals;

namespace {

// The message of the kwarg_error `f` throws, or "" if it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const sig::kwarg_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kwargs_test)

BOOST_AUTO_TEST_CASE(keeps_the_declared_order) {
  sig::kwargs k{{"b", 1}, {"a", std::string("x")}, {"c", 2.5}};
  BOOST_TEST(k.size() == 3u);
  std::vector<std::string> names;
  for (const auto& [name, v] : k) names.push_back(name);
  BOOST_TEST((names == std::vector<std::string>{"b", "a", "c"}));
  BOOST_TEST(k.contains("a"));
  BOOST_TEST(!k.contains("d"));
}

BOOST_AUTO_TEST_CASE(gets_values_by_type) {
  sig::kwargs k{{"n", 5}, {"s", std::string("text")}};
  BOOST_TEST(k.get<int>("n") == 5);
  BOOST_TEST(k.get<std::string>("s") == "text");
  BOOST_TEST(k.get_if<int>("s") == nullptr);
  BOOST_TEST(k.get_if<int>("missing") == nullptr);
  BOOST_TEST_REQUIRE(k.get_if<int>("n") != nullptr);
  BOOST_TEST(*k.get_if<int>("n") == 5);
}

BOOST_AUTO_TEST_CASE(string_like_values_are_strings) {
  sig::kwargs k{{"m", "text"}};
  k.set("v", std::string_view("view"));
  BOOST_TEST(k.get<std::string>("m") == "text");
  BOOST_TEST(k.get<std::string>("v") == "view");
  BOOST_TEST(k.get_if<const char*>("m") == nullptr);
}

BOOST_AUTO_TEST_CASE(missing_name_error_names_kwarg_and_type) {
  sig::kwargs k{{"n", 5}};
  std::string message = error_of([&] { (void)k.get<double>("count"); });
  BOOST_TEST(test::contains(message, "'count'"));
  BOOST_TEST(test::contains(message, "double"));
}

BOOST_AUTO_TEST_CASE(wrong_type_error_names_kwarg_asked_and_held) {
  sig::kwargs k{{"message", std::string("hi")}};
  std::string message = error_of([&] { (void)k.get<int>("message"); });
  BOOST_TEST(test::contains(message, "'message'"));
  BOOST_TEST(test::contains(message, "int"));
  BOOST_TEST(test::contains(message, "std::string"));
}

BOOST_AUTO_TEST_CASE(kwarg_error_is_an_invalid_argument) {
  sig::kwargs k;
  BOOST_CHECK_THROW((void)k.get<int>("x"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(repeated_names_are_rejected) {
  BOOST_CHECK_THROW((sig::kwargs{{"a", 1}, {"a", 2}}), sig::kwarg_error);
}

BOOST_AUTO_TEST_CASE(set_replaces_or_appends) {
  sig::kwargs k{{"a", 1}};
  k.set("a", 2).set("b", 3);
  BOOST_TEST(k.size() == 2u);
  BOOST_TEST(k.get<int>("a") == 2);
  BOOST_TEST(k.get<int>("b") == 3);
}

BOOST_AUTO_TEST_CASE(copies_share_values) {
  sig::kwargs a{{"v", std::vector<int>{1, 2, 3}}};
  sig::kwargs b = a;
  BOOST_TEST(&a.get<std::vector<int>>("v") == &b.get<std::vector<int>>("v"));
}

BOOST_AUTO_TEST_CASE(arg_makes_one_kwarg) {
  auto a = sig::arg("payload", std::make_shared<int>(7));
  BOOST_TEST(a.name() == "payload");
  BOOST_TEST_REQUIRE(a.value().get_if<std::shared_ptr<int>>() != nullptr);
  BOOST_TEST(**a.value().get_if<std::shared_ptr<int>>() == 7);
}

// Values are kept in memory the thread recycles, in blocks of one size; a
// larger or over-aligned value has memory of its own.
BOOST_AUTO_TEST_CASE(values_of_any_size_and_alignment_keep_their_contents) {
  struct alignas(64) aligned {
    int n;
  };
  using big = std::array<char, 200>;
  for (int round = 0; round < 3; ++round) {
    std::vector<sig::kwargs> made;
    for (int i = 0; i < 100; ++i) {
      big b{};
      b.fill(static_cast<char>('a' + i % 26));
      made.push_back(sig::kwargs{{"small", i},
                                 {"text", std::string(static_cast<std::size_t>(i), 'x')},
                                 {"big", b},
                                 {"aligned", aligned{i}}});
    }
    for (int i = 0; i < 100; ++i) {
      const sig::kwargs& k = made[static_cast<std::size_t>(i)];
      BOOST_TEST(k.get<int>("small") == i);
      BOOST_TEST(k.get<std::string>("text") == std::string(static_cast<std::size_t>(i), 'x'));
      BOOST_TEST(k.get<big>("big")[199] == static_cast<char>('a' + i % 26));
      const aligned& a = k.get<aligned>("aligned");
      BOOST_TEST(a.n == i);
      BOOST_TEST(reinterpret_cast<std::uintptr_t>(&a) % 64 == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(null_string_value_is_rejected) {
  const char* null = nullptr;
  BOOST_CHECK_THROW(sig::arg("m", null), sig::kwarg_error);
}

BOOST_AUTO_TEST_SUITE_END()
