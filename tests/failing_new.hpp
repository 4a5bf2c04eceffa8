//
// failing_new.hpp
// ~~~~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//
// Allocation failure injected into a test program: failing_new.cpp replaces
// the global operator new, so a program that links it is a program of its
// own. One thread at a time arms, allocates and disarms.

#ifndef ASIO_SIGNALS_TESTS_FAILING_NEW_HPP
#define ASIO_SIGNALS_TESTS_FAILING_NEW_HPP

#include <cstddef>

namespace test {

// Lets the next `allocations` allocations succeed and makes the one after
// them throw std::bad_alloc; then allocations succeed again.
void arm(long allocations);

// Disarms; whether an allocation failed since arm.
bool disarm();

// The allocations that succeeded so far.
std::size_t allocations();

}  // namespace test

#endif  // ASIO_SIGNALS_TESTS_FAILING_NEW_HPP
