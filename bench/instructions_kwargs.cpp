//
// instructions_kwargs.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// The loops of asio_signals_instructions whose callbacks read a kwarg
// (instructions.cpp says why they are apart).

#include <asio_signals/kwarg_handle.hpp>
#include <asio_signals/signal.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <string>

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
