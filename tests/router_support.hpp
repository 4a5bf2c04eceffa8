//
// router_support.hpp
// ~~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_TESTS_ROUTER_SUPPORT_HPP
#define ASIO_SIGNALS_TESTS_ROUTER_SUPPORT_HPP

#include <asio_signals/event.hpp>
#include <asio_signals/router.hpp>

#include <string>
#include <vector>

namespace test {

// What the listeners made by recorder() heard, in order.
using log_type = std::vector<std::string>;

// A listener that appends "<label>:<sender>/<event>" to `log`.
inline auto recorder(log_type& log, std::string label) {
  return [&log, label](const asio_signals::event& ev) {
    log.push_back(label + ":" + asio_signals::sender_name(ev) + "/" + asio_signals::event_name(ev));
  };
}

}  // namespace test

#endif  // ASIO_SIGNALS_TESTS_ROUTER_SUPPORT_HPP
