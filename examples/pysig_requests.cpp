//
// pysig_requests.cpp
// ~~~~~~~~~~~~~~~~~~
//
// pysig's requests: a weather sender answers requests through one handler
// per method and a default handler; without the default, an unknown method
// is a lookup error.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <any>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace sig = asio_signals;

class weather {
 public:
  std::string get_current_temperature(const sig::kwargs&) const { return "29.5"; }
  bool is_hot(const sig::kwargs&) const { return true; }
  bool is_cold(const sig::kwargs&) const { return false; }
};

// The params as Python prints a dict of strings.
std::string python_dict(const sig::kwargs& params) {
  std::string out = "{";
  for (const auto& [name, value] : params) {
    if (out.size() > 1) out += ", ";
    const std::string* s = value.get_if<std::string>();
    out += "'" + name + "': '" + (s ? *s : std::string("?")) + "'";
  }
  return out + "}";
}

std::string default_request_handler(const std::string& method, const sig::kwargs& params) {
  return "Unknown method " + method + " (params: " + python_dict(params) + ")";
}

asio::awaitable<void> run(sig::router router) {
  weather w;

  // Create the sender with its request handlers.
  co_await router.add_sender(
      "my_sender", sig::events("weather_change"),
      sig::method("temperature",
                  [&w](const sig::kwargs& p) { return w.get_current_temperature(p); }),
      sig::method("ishot", [&w](const sig::kwargs& p) { return w.is_hot(p); }),
      sig::method("iscold", [&w](const sig::kwargs& p) { return w.is_cold(p); }),
      // Optional: every unknown method comes here.
      sig::default_method(default_request_handler));

  std::any response = co_await router.request("my_sender", "temperature");
  std::cout << "temperature is now: " << std::any_cast<std::string>(response) << "\n";

  response = co_await router.request("my_sender", "ishot");
  std::cout << "Hot: " << (std::any_cast<bool>(response) ? "True" : "False") << "\n";

  // Request something unknown.
  response = co_await router.request("my_sender", "unknown_method", sig::arg("lorem", "ipsum"));
  std::cout << std::any_cast<std::string>(response) << "\n";

  // The same sender without the default handler: a lookup error.
  co_await router.remove_sender("my_sender");
  co_await router.add_sender(
      "my_sender", sig::events("weather_change"),
      sig::method("ishot", [&w](const sig::kwargs& p) { return w.is_hot(p); }));
  try {
    co_await router.request("my_sender", "unknown_method", sig::arg("lorem", "ipsum"));
  } catch (const sig::lookup_error& e) {
    std::cout << "LookupError: " << e.what() << "\n";
  }
}

int main() {
  asio::io_context ctx;
  sig::router router(ctx);
  asio::co_spawn(ctx, run(router), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  ctx.run();
}
