//
// server.cpp
// ~~~~~~~~~~
//
// The server embedded in a program: stopped under load, then dropped with
// the handlers its io_context had still to run, it frees every client.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "pubsub_server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// A blocking client of the server at `endpoint`, which sent `request`; or
// closed, if the server stopped first.
tcp::socket connect(asio::io_context& ctx, const tcp::endpoint& endpoint,
                    const std::string& request) {
  tcp::socket socket(ctx);
  boost::system::error_code ec;
  socket.connect(endpoint, ec);
  if (!ec) asio::write(socket, asio::buffer(request), ec);
  if (ec) socket.close(ec);
  return socket;
}

// Reads until the server closes the connection.
void read_to_end(tcp::socket& socket) {
  std::array<char, 16 * 1024> data;
  boost::system::error_code ec;
  while (!ec) socket.read_some(asio::buffer(data), ec);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server_test)

// A client with output queued is held by the server's flush queue, which
// its broker holds, and every client holds the broker: stop() must drop what
// the queue holds, or the clients and the broker leak when the io_context
// goes without running the queue's handler. Under load a flush is queued at
// almost any moment; ASan's leak check fails this test if one leaks.
BOOST_AUTO_TEST_CASE(a_server_stopped_under_load_and_dropped_unrun_frees_every_client) {
  for (int round = 0; round != 10; ++round) {
    std::optional<asio::io_context> ctx(std::in_place, 1);
    pubsub::server_options options;
    options.port = 0;
    auto server = std::make_unique<pubsub::server>(ctx->get_executor(), options);
    server->start();
    const tcp::endpoint endpoint = server->local_endpoint();

    std::string batch;
    for (int i = 0; i != 32; ++i) batch += "PUBLISH c 0123456789\r\n";
    asio::io_context client_ctx;
    std::thread subscriber([&] {
      tcp::socket s = connect(client_ctx, endpoint, "SUBSCRIBE c\r\n");
      read_to_end(s);
    });
    std::thread publisher([&] {
      tcp::socket s = connect(client_ctx, endpoint, "");
      boost::system::error_code ec;
      if (!s.is_open()) return;
      std::array<char, 32 * 4> replies;
      while (!ec) {
        asio::write(s, asio::buffer(batch), ec);
        if (!ec) asio::read(s, asio::buffer(replies), ec);
      }
    });

    // Under load, then stopped at a different moment each round.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (server->stats().messages_delivered == 0 && std::chrono::steady_clock::now() < deadline)
      ctx->run_for(std::chrono::milliseconds(1));
    const pubsub::server_stats before = server->stats();
    ctx->run_for(std::chrono::milliseconds(1 + 2 * round));
    server->stop();
    server.reset();
    // The io_context goes with what it had still to run: a connection it
    // accepted and had not yet made a session of closes with it.
    ctx.reset();
    subscriber.join();
    publisher.join();
    BOOST_TEST(before.messages_delivered > 0u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
