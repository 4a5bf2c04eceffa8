//
// remote_monitor.cpp
// ~~~~~~~~~~~~~~~~~~
//
// pysig's remote listener, over NATS: `remote_monitor --nats URLS [--expect N]`
// listens to the "#changed" channel of every sensor of every process linked
// to the same NATS system, prints one line per reading, `<sender> changed
// <value>`, then `received N` once N readings (3 by default) came, and exits
// 0 — or says on stderr how many came and exits 1 after 10 s without them.
// It says `remote_monitor: listening` on stderr once it listens, so that the
// readings alone go to stdout.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/nats.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

asio::awaitable<int> run(sig::router router, sig::nats_options options, int expect) {
  asio::steady_timer done(router.get_executor(), std::chrono::seconds(10));
  int received = 0;
  auto print = [&](const sig::event& ev) {
    std::cout << sig::sender_name(ev) << " changed " << sig::event_data(ev).get<double>("value")
              << "\n";
    if (++received == expect) done.cancel();
  };
  // Listening before any sensor exists, in this process or another.
  co_await router.add_listener(print, sig::any, "#changed");
  sig::nats_link link(router, options);
  co_await link.start();
  std::cerr << "remote_monitor: listening" << std::endl;
  co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
  co_await link.stop();
  if (received != expect) {
    std::cerr << "remote_monitor: received " << received << " of " << expect
              << " readings in 10 s\n";
    co_return 1;
  }
  std::cout << "received " << received << "\n";
  co_return 0;
}

int main(int argc, char** argv) {
  sig::nats_options options;
  int expect = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--nats") {
      std::istringstream urls(value);
      for (std::string url; std::getline(urls, url, ',');) options.servers.push_back(url);
    } else if (flag == "--expect") {
      expect = std::atoi(value.c_str());
    }
  }
  if (options.servers.empty()) {
    std::cerr << "usage: remote_monitor --nats URLS [--expect N]\n";
    return 2;
  }
  asio::io_context ctx;
  sig::router router(ctx);
  int status = 1;
  asio::co_spawn(ctx, run(router, options, expect), [&](std::exception_ptr e, int result) {
    status = result;
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "remote_monitor: " << x.what() << "\n";
    }
    status = 1;
  });
  ctx.run();
  return status;
}
