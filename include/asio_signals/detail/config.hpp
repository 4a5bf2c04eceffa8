//
// detail/config.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_CONFIG_HPP
#define ASIO_SIGNALS_DETAIL_CONFIG_HPP

#include <boost/version.hpp>

#if BOOST_VERSION < 108100
#error "asio_signals needs Boost 1.81 or newer"
#endif

#define ASIO_SIGNALS_VERSION_MAJOR 0
#define ASIO_SIGNALS_VERSION_MINOR 1
#define ASIO_SIGNALS_VERSION_PATCH 0

namespace boost::asio {}

namespace asio_signals {

namespace asio = boost::asio;

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_DETAIL_CONFIG_HPP
