//
// detail/config.hpp
// ~~~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef ASIO_SIGNALS_DETAIL_CONFIG_HPP
#define ASIO_SIGNALS_DETAIL_CONFIG_HPP

#include <asio_signals/version.hpp>

#include <boost/version.hpp>

#if BOOST_VERSION < 108100
#error "asio_signals needs Boost 1.81 or newer"
#endif

// The headers choose code by Boost release (the workarounds for Boost 1.81)
// and the library's classes hold Asio's types, so a program must use the
// Boost release the library was built with.
#if BOOST_VERSION / 100 != ASIO_SIGNALS_BOOST_RELEASE
#error "asio_signals was built with another Boost release than this program uses"
#endif

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
