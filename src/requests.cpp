//
// requests.cpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/detail/requests.hpp>

#include "thread_cache.hpp"

namespace asio_signals::detail {
namespace {

using options_cache = thread_cache<std::unique_ptr<send_options>>;

// Options with room for more than this many senders, keys and kwargs are
// not kept: a thread holds on to the memory of small sends only.
constexpr std::size_t kept_names = 64;

}  // namespace

void send_options::clear(std::size_t kept_values) noexcept {
  senders.clear();
  keys.clear();
  overrides.clear();
  kwargs_access::empty_values(args, kept_values);
  resolved = false;
  error = nullptr;
  gate.reset();
}

send_options* make_send_options() {
  if (options_cache* cache = options_cache::local()) {
    if (auto kept = cache->take()) return kept.release();
  }
  return new send_options();
}

void send_options_deleter::operator()(send_options* p) const noexcept {
  std::unique_ptr<send_options> options(p);
  std::size_t names = options->senders.capacity() + options->keys.capacity() +
                      options->overrides.capacity() + options->args.size();
  if (options_cache* cache = options_cache::local(); cache && names <= kept_names) {
    options->clear();
    cache->keep(options);
  }
}

}  // namespace asio_signals::detail
