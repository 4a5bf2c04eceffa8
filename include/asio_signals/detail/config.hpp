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

// ASIO_SIGNALS_DECL marks each class and function the compiled library defines
// for its headers: exported from a shared library (built with hidden
// visibility), imported from it on Windows, nothing for a static library. The
// build defines ASIO_SIGNALS_SHARED for a shared library and everything using
// it, and ASIO_SIGNALS_EXPORTS while compiling the library itself.
#if !defined(ASIO_SIGNALS_SHARED)
#define ASIO_SIGNALS_DECL
#elif defined(_WIN32) || defined(__CYGWIN__)
#if defined(ASIO_SIGNALS_EXPORTS)
#define ASIO_SIGNALS_DECL __declspec(dllexport)
#else
#define ASIO_SIGNALS_DECL __declspec(dllimport)
#endif
#else
#define ASIO_SIGNALS_DECL __attribute__((visibility("default")))
#endif

namespace boost::asio {}

namespace asio_signals {

namespace asio = boost::asio;

}  // namespace asio_signals

#endif  // ASIO_SIGNALS_DETAIL_CONFIG_HPP
