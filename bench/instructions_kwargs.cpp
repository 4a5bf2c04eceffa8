//
// instructions_kwargs.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// The loops of asio_signals_instructions whose callbacks read a kwarg
// (instructions.cpp says why they are apart), and that of the sends that
// name a sender, a key and a kwarg, as a PUBLISH of the pub/sub server does.

#include <asio_signals/kwarg_handle.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace sig = asio_signals;

namespace {

// Sends to callbacks that read the kwarg "message", the second declared, with
// the reader that `make_reader(signal)` makes once, where they connect, and
// add what they read to `counter`.
template <class MakeReader>
void read_loop(asio::io_context& ctx, long listeners, long iterations, long& counter,
               MakeReader make_reader) {
  sig::signal s(ctx, sig::arg("channel", std::string("news")), sig::arg("message", 1L));
  auto read = make_reader(s);
  for (long i = 0; i < listeners; ++i)
    s.connect([read, &counter](const sig::event& ev) { counter += read(ev); }, asio::detached);
  ctx.poll();
  for (long i = 0; i < iterations; ++i) {
    s.send(asio::detached);
    ctx.poll();
  }
}

}  // namespace

void by_name_loop(asio::io_context& ctx, long listeners, long iterations, long& counter) {
  read_loop(ctx, listeners, iterations, counter, [](const sig::signal&) {
    return [](const sig::event& ev) { return ev.get<long>("message"); };
  });
}

void by_handle_loop(asio::io_context& ctx, long listeners, long iterations, long& counter) {
  read_loop(ctx, listeners, iterations, counter, [](const sig::signal& s) {
    return [message = sig::kwarg_handle<long>(s, "message")](const sig::event& ev) {
      return message.get(ev);
    };
  });
}

// Sends naming a sender, one of `listeners` keys and the kwarg "message" to a
// signal with one callback per key, which reads the kwarg through a
// kwarg_handle: the library's part of a PUBLISH to a channel of one
// subscriber.
void publish_loop(asio::io_context& ctx, long listeners, long iterations, long& counter) {
  sig::signal s(ctx, sig::arg("message", 0L));
  sig::kwarg_handle<long> message(s, "message");
  std::vector<std::string> channels;
  for (long i = 0; i < listeners; ++i) channels.push_back("channel-" + std::to_string(i));
  for (const std::string& channel : channels)
    s.connect([message, &counter](const sig::event& ev) { counter += message.get(ev); },
              sig::key(channel), asio::detached);
  ctx.poll();
  const int publisher = 0;
  for (long i = 0; i < iterations; ++i) {
    s.send(sig::sender(&publisher), sig::key(std::string_view(channels[i % listeners])),
           sig::arg("message", 1L), asio::detached);
    ctx.poll();
  }
}
