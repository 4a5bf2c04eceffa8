//
// selective.cpp
// ~~~~~~~~~~~~~
//
// asyncio_dispatch's selective example: Mike and Ashley listen to two
// signals, each for some senders and keys. A callback runs when a send names
// one of its senders or keys, and only once however many match.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

class somebody {
 public:
  somebody(std::string name, const sig::signal& signal1, const std::vector<somebody*>& everybody)
      : name_(std::move(name)), signal1_(signal1), everybody_(everybody) {}

  // Prints what it received.
  void message_received(const sig::event& ev) {
    std::cout << "--------------------------------------------------\n";
    std::cout << name_ << " received a message\n";
    std::cout << "--------------------------------------------------\n";
    std::cout << (ev.source() == signal1_ ? "SIGNAL #1 received\n" : "SIGNAL #2 received\n");
    std::cout << "senders= " << format_senders(ev.senders()) << "\n";
    std::cout << "keys= " << format_keys(ev.keys()) << "\n";
    std::cout << "message= " << ev.get<std::string>("message") << "\n";
  }

 private:
  std::string format_senders(const sig::sender_set& senders) const {
    if (senders.empty()) return "set()";
    std::string out;
    for (const somebody* person : everybody_)
      if (senders.contains(person)) out += (out.empty() ? "{" : ", ") + person->name_;
    return out + "}";
  }

  static std::string format_keys(const sig::key_set& keys) {
    if (keys.empty()) return "set()";
    std::string out;
    for (const sig::key& k : keys) out += (out.empty() ? "{'" : ", '") + k.to_string() + "'";
    return out + "}";
  }

  std::string name_;
  const sig::signal& signal1_;
  const std::vector<somebody*>& everybody_;
};

asio::awaitable<void> run(sig::signal signal1, sig::signal signal2, somebody& mike,
                          somebody& ashley) {
  // Mike and Ashley are each connected with different senders and keys. Their
  // callbacks run only for a send with a matching sender or key.
  co_await signal1.connect(&somebody::message_received, &mike, sig::sender(&ashley),
                           sig::keys("important", "books"));
  co_await signal2.connect(&somebody::message_received, &mike, sig::keys("logs"));
  co_await signal1.connect(&somebody::message_received, &ashley, sig::sender(&mike),
                           sig::keys("love-notes", "music"));
  co_await signal2.connect(&somebody::message_received, &ashley, sig::keys("alert"));

  // Without senders or keys nothing happens: nobody matches.
  co_await signal1.send(sig::arg("message", "nobody is listening"));
  co_await signal2.send(sig::arg("message", "nobody is listening"));

  // Ashley sends Mike a message, and Mike replies: matched by senders.
  co_await signal1.send(sig::sender(&ashley), sig::arg("message", "hello Mike!"));
  co_await signal1.send(sig::sender(&mike), sig::arg("message", "hello Ashley!"));

  // An important message and an alert come in: matched by keys.
  co_await signal1.send(sig::key("important"), sig::arg("message", "important message for Mike"));
  co_await signal2.send(sig::key("alert"), sig::arg("message", "alert for Ashley"));

  // Then a book full of love notes: the keys match both Mike and Ashley.
  co_await signal1.send(sig::keys("books", "love-notes"),
                        sig::arg("message", "Mike is waiting for books, Ashley for love-notes"));

  // When several senders or keys match, the callback still runs once.
  co_await signal1.send(
      sig::keys("important", "books", "logs"),
      sig::arg("message",
               "Mike is subscribed to three matching keys, but only one message is sent!"));
}

int main() {
  asio::io_context ctx;

  // Two signals, each with a "message" kwarg.
  sig::signal signal1(ctx, sig::arg("message", std::string()));
  sig::signal signal2(ctx, sig::arg("message", std::string()));

  std::vector<somebody*> everybody;
  somebody mike("Mike", signal1, everybody);
  somebody ashley("Ashley", signal1, everybody);
  everybody = {&mike, &ashley};

  asio::co_spawn(ctx, run(signal1, signal2, mike, ashley), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
