//
// kwargs.cpp
// ~~~~~~~~~~
//
// asyncio_dispatch's kwargs example: the signal declares two keyword
// arguments with their defaults, and a send replaces them for that send only.
// Every callback also learns the signal, the senders and the keys of the send.
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

using payload_type = std::map<std::string, std::string>;

std::string format_keys(const sig::key_set& keys) {
  if (keys.empty()) return "set()";
  std::string out = "{";
  for (const sig::key& k : keys) out += (out.size() > 1 ? ", '" : "'") + k.to_string() + "'";
  return out + "}";
}

std::string format_payload(const payload_type& payload) {
  std::string out = "{";
  for (const auto& [name, value] : payload)
    out += (out.size() > 1 ? ", '" : "'") + name + "': '" + value + "'";
  return out + "}";
}

int main() {
  asio::io_context ctx;

  // Create the signal and declare two custom keyword arguments.
  sig::signal signal(ctx, sig::arg("my_kwarg", std::string("default")),
                     sig::arg("payload", payload_type()));

  signal.connect(
      [&signal](const sig::event& ev) {
        std::cout << "\n--------------------------------------------------\n";
        if (ev.source() == signal) std::cout << "signals match as expected!\n";
        std::cout << "senders= " << (ev.senders().empty() ? "set()" : "{...}") << "\n";
        std::cout << "keys= " << format_keys(ev.keys()) << "\n";
        std::cout << "my_kwarg= " << ev.get<std::string>("my_kwarg") << "\n";
        std::cout << "payload= " << format_payload(ev.get<payload_type>("payload")) << "\n";
      },
      asio::detached);

  // Send with the default keyword arguments.
  signal.send(asio::detached);

  // Send again with new values for my_kwarg and payload, for this send only.
  payload_type payload{{"anything", "a dict can hold!"}, {"really", "powerfull"}};
  signal.send(sig::arg("my_kwarg", "changed with send"), sig::arg("payload", payload),
              asio::detached);

  ctx.run();
}
