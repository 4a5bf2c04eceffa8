//
// kwarg_handle.cpp
// ~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/kwarg_handle.hpp>

#include <asio_signals/signal.hpp>

#include "test_support.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

BOOST_AUTO_TEST_SUITE(kwarg_handle_test)

// A read through the handle gives what event::get gives: the default, or
// what the send gave, wherever the kwarg stands among the declared ones.
CO_TEST_CASE(reads_the_defaults_and_the_overrides) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("channel", std::string("news")),
                sig::arg("count", 0), sig::arg("text", std::string("none")));
  sig::kwarg_handle<std::string> channel(s, "channel");
  sig::kwarg_handle<int> count(s, "count");
  sig::kwarg_handle<std::string> text(s, "text");
  BOOST_TEST(text.name() == "text");
  std::vector<std::string> seen;
  co_await s.connect([&](const sig::event& ev) {
    seen.push_back(channel.get(ev) + "/" + std::to_string(count.get(ev)) + "/" + text.get(ev));
    BOOST_TEST(&text.get(ev) == &ev.get<std::string>("text"));
  });
  co_await s.send();
  co_await s.send(sig::arg("text", "hello"), sig::arg("count", 2));
  co_await s.send(sig::arg("channel", "sport"));
  co_await test::settle();
  BOOST_TEST(seen == std::vector<std::string>({"news/0/none", "news/2/hello", "sport/0/none"}),
             boost::test_tools::per_element());
}

// A kwarg the signal does not declare, or declares with another type, is
// an error when the handle is made, naming the kwarg and the types.
CO_TEST_CASE(undeclared_names_and_other_types_fail_when_made) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("count", 0));
  try {
    sig::kwarg_handle<int> h(s, "total");
    BOOST_FAIL("an undeclared kwarg was accepted");
  } catch (const sig::kwarg_error& e) {
    BOOST_TEST(test::contains(e.what(), "'total'"));
  }
  try {
    sig::kwarg_handle<long> h(s, "count");
    BOOST_FAIL("a kwarg of another type was accepted");
  } catch (const sig::kwarg_error& e) {
    BOOST_TEST(test::contains(e.what(), "'count'"));
    BOOST_TEST(test::contains(e.what(), "int"));
    BOOST_TEST(test::contains(e.what(), "long"));
  }
}

// An event of another signal is read by name: the kwarg is found wherever
// that signal declares it, and a signal without it is a kwarg_error.
CO_TEST_CASE(events_of_other_signals_are_read_by_name) {
  auto ex = co_await asio::this_coro::executor;
  sig::signal mine(ex, sig::arg("a", 1), sig::arg("b", 2));
  sig::signal other(ex, sig::arg("b", 20), sig::arg("a", 10));
  sig::signal unrelated(ex, sig::arg("c", 3));
  sig::kwarg_handle<int> b(mine, "b");
  std::vector<int> seen;
  bool failed = false;
  auto read = [&](const sig::event& ev) {
    try {
      seen.push_back(b.get(ev));
    } catch (const sig::kwarg_error&) {
      failed = true;
    }
  };
  co_await mine.connect(read);
  co_await other.connect(read);
  co_await unrelated.connect(read);
  co_await mine.send();
  co_await other.send();
  co_await unrelated.send();
  co_await test::settle();
  BOOST_TEST(seen == std::vector<int>({2, 20}), boost::test_tools::per_element());
  BOOST_TEST(failed);
}

// A string-like default is a std::string, and so is the handle that reads it.
CO_TEST_CASE(string_like_kwargs_are_read_as_strings) {
  sig::signal s(co_await asio::this_coro::executor, sig::arg("text", "none"));
  sig::kwarg_handle<std::string> text(s, "text");
  std::vector<std::string> seen;
  co_await s.connect([&](const sig::event& ev) { seen.push_back(text.get(ev)); });
  co_await s.send();
  co_await s.send(sig::arg("text", std::string_view("view")));
  co_await test::settle();
  BOOST_TEST(seen == std::vector<std::string>({"none", "view"}), boost::test_tools::per_element());
}

// A signal made after the handle's is gone, even one whose declared kwargs
// take the same memory, is another signal: its events are read by name.
CO_TEST_CASE(a_later_signal_is_not_taken_for_the_handles) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<sig::kwarg_handle<int>> second;
  {
    sig::signal gone(ex, sig::arg("first", 1), sig::arg("second", 2));
    second.emplace(gone, "second");
  }
  std::vector<int> seen;
  for (int round = 0; round < 8; ++round) {
    sig::signal later(ex, sig::arg("second", 20 + round), sig::arg("first", 10));
    co_await later.connect([&](const sig::event& ev) { seen.push_back(second->get(ev)); });
    co_await later.send();
    co_await test::settle();
  }
  BOOST_TEST(seen == std::vector<int>({20, 21, 22, 23, 24, 25, 26, 27}),
             boost::test_tools::per_element());
}

// A handle holds no signal: a callback that keeps one keeps its signal
// alive no more than any callback does.
CO_TEST_CASE(a_handle_does_not_keep_its_signal) {
  auto ex = co_await asio::this_coro::executor;
  std::optional<sig::kwarg_handle<int>> h;
  std::weak_ptr<int> watch;
  {
    sig::signal s(ex, sig::arg("n", 1));
    h.emplace(s, "n");
    auto token = std::make_shared<int>(0);
    watch = token;
    auto callback = [h = *h, token](const sig::event& ev) { *token += h.get(ev); };
    co_await s.connect(std::move(callback));
  }
  co_await test::settle();
  BOOST_TEST(watch.expired());
  BOOST_TEST(h->name() == "n");
}

BOOST_AUTO_TEST_SUITE_END()
