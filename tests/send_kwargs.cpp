//
// send_kwargs.cpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// A kwarg value whose copy throws while `copies_fail` is set.
struct fragile {
  static inline bool copies_fail = false;
  int value = 0;
  explicit fragile(int v) : value(v) {}
  fragile(const fragile& other) : value(other.value) {
    if (copies_fail) throw std::runtime_error("fragile copy");
  }
  fragile& operator=(const fragile&) = default;
};

}  // namespace

// A signal's kwargs: declared with defaults, typed, overridden by one send.
BOOST_AUTO_TEST_SUITE(send_kwargs_test)

CO_TEST_CASE(overrides_last_one_send) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("my_kwarg", std::string("default")),
                sig::arg("payload", 0));
  std::vector<std::string> seen;
  co_await s.connect([&](const sig::event& ev) {
    seen.push_back(ev.get<std::string>("my_kwarg") + ":" + std::to_string(ev.get<int>("payload")));
  });
  co_await s.send();
  co_await s.send(sig::arg("my_kwarg", "changed with send"), sig::arg("payload", 42));
  co_await s.send();
  sig::kwargs many;
  many.set("payload", 7);
  co_await s.send(many);
  co_await test::settle();
  BOOST_TEST((seen == std::vector<std::string>{"default:0", "changed with send:42", "default:0",
                                               "default:7"}));
}

CO_TEST_CASE(invalid_kwargs_fail_and_schedule_nothing) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("message", std::string()));
  int calls = 0;
  co_await s.connect([&] { ++calls; });
  BOOST_CHECK_THROW(co_await s.send(sig::arg("undeclared", 1)), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await s.send(sig::arg("message", 5)), sig::kwarg_error);
  BOOST_CHECK_THROW(co_await s.send(sig::arg("message", "a"), sig::arg("message", "b")),
                    sig::kwarg_error);
  co_await test::settle();
  BOOST_TEST(calls == 0);
  auto n = co_await s.send(sig::arg("message", "a string literal is a std::string"));
  co_await test::settle();
  BOOST_TEST(n == 1u);
  BOOST_TEST(calls == 1);
}

// Each send's event has the kwargs it gave and the defaults of the others,
// whatever the sends before it gave, failed ones included: with a few
// kwargs, whose names a thread's sends keep from one send to the next, and
// with more than 64.
CO_TEST_CASE(each_send_has_its_overrides_and_the_defaults_of_the_rest) {
  auto ex = co_await asio::this_coro::executor;
  const std::vector<int> sizes = {8, 70};
  for (const int declared : sizes) {
    sig::kwargs defaults;
    for (int i = 0; i < declared; ++i) defaults.set("k" + std::to_string(i), i);
    sig::signal s(ex, defaults);
    std::vector<std::vector<int>> seen;
    auto record = [&](const sig::event& ev) {
      std::vector<int> values;
      for (const auto& [name, v] : ev.args()) values.push_back(*v.get_if<int>());
      seen.push_back(values);
    };
    co_await s.connect(record);
    auto expected = [&](std::vector<std::pair<int, int>> given) {
      std::vector<int> values;
      for (int i = 0; i < declared; ++i) values.push_back(i);
      for (auto [i, v] : given) values[i] = v;
      return values;
    };
    const int last = declared - 1;
    const std::string k_last = "k" + std::to_string(last);
    co_await s.send(sig::arg("k0", 100), sig::arg(k_last, 200));
    sig::kwargs many;
    many.set("k2", 102).set("k1", 101);
    co_await s.send(many);
    co_await s.send();
    BOOST_CHECK_THROW(co_await s.send(sig::arg("k3", 103), sig::arg("k4", 1.5)), sig::kwarg_error);
    BOOST_CHECK_THROW(co_await s.send(sig::arg("k5", 105), sig::arg("k5", 106)), sig::kwarg_error);
    co_await s.send(sig::arg("k4", 104), sig::arg("k6", 106));
    co_await s.send(sig::arg(k_last, 300));
    co_await s.send(sig::arg("k7", 107));
    co_await test::settle();
    BOOST_TEST_REQUIRE(seen.size() == 6u);
    BOOST_TEST(seen[0] == expected({{0, 100}, {last, 200}}), boost::test_tools::per_element());
    BOOST_TEST(seen[1] == expected({{1, 101}, {2, 102}}), boost::test_tools::per_element());
    BOOST_TEST(seen[2] == expected({}), boost::test_tools::per_element());
    BOOST_TEST(seen[3] == expected({{4, 104}, {6, 106}}), boost::test_tools::per_element());
    BOOST_TEST(seen[4] == expected({{last, 300}}), boost::test_tools::per_element());
    BOOST_TEST(seen[5] == expected({{7, 107}}), boost::test_tools::per_element());
  }
}

CO_TEST_CASE(a_kwarg_value_whose_copy_throws_fails_the_call_alone) {
  fragile initial(1);
  sig::signal s(co_await asio::this_coro::executor, sig::arg("v", initial));
  std::vector<int> seen;
  auto c = co_await s.connect(
      [&](const sig::event& ev) { seen.push_back(ev.get<fragile>("v").value); }, sig::key("k"));
  fragile next(2);
  fragile::copies_fail = true;
  // The value is copied once, when the kwarg is made: the exception leaves
  // that call, before the send starts.
  BOOST_CHECK_THROW(sig::arg("v", next), std::runtime_error);
  // Events share the values they carry: a send copies none.
  auto n = co_await s.send(sig::key("k"));
  fragile::copies_fail = false;
  BOOST_TEST(n == 1u);
  auto v = sig::arg("v", next);
  co_await s.send(sig::key("k"), std::move(v));
  BOOST_TEST(seen == (std::vector<int>{1, 2}), boost::test_tools::per_element());
  BOOST_TEST(c.connected());
  BOOST_TEST(s.receivers() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
