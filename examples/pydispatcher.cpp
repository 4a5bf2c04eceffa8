//
// pydispatcher.cpp
// ~~~~~~~~~~~~~~~~
//
// PyDispatcher's first example: a handler connected for any sender (no sender
// filter, PyDispatcher's dispatcher.Any), and two different objects sending.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <map>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

struct object {};

object first_sender;
std::map<std::string, int> second_sender;

// The name of each sender, to print it.
std::string describe(const sig::sender& s) {
  if (s == sig::sender(&first_sender)) return "<object object>";
  if (s == sig::sender(&second_sender)) return "{}";
  return "an unknown sender";
}

// A simple event handler.
void handle_event(const sig::event& ev) {
  for (const sig::sender& s : ev.senders())
    std::cout << "Signal was sent by " << describe(s) << "\n";
}

int main() {
  asio::io_context ctx;
  sig::signal my_first_signal(ctx);

  // No sender filter: the handler listens to every sender.
  my_first_signal.connect(handle_event, asio::detached);

  my_first_signal.send(sig::sender(&first_sender), asio::detached);
  my_first_signal.send(sig::sender(&second_sender), asio::detached);
  ctx.run();
}
