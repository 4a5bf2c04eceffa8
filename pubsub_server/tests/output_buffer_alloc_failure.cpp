//
// output_buffer_alloc_failure.cpp
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
//
// Allocation failure injected into the output buffer: for every n, the n-th
// allocation of the buffer's appends throws std::bad_alloc. The append that
// threw leaves the buffer as it was, and the appends after it go on as if it
// had not been made. Runs until the appends complete without reaching their
// n-th allocation.
//
// This executable replaces the global operator new (tests/failing_new.cpp),
// so it is a program of its own.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#define BOOST_TEST_MODULE pubsub_output_buffer_alloc_failure
#include "output_buffer.hpp"

#include "failing_new.hpp"

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace {

using pubsub::output_buffer;

// A piece to append: copied, or shared when `owner` is set.
struct piece {
  std::string bytes;
  std::shared_ptr<const void> owner;
};

piece copied(std::size_t size, char c) {
  return {std::string(size, c), nullptr};
}

piece shared(std::size_t size, char c) {
  auto bytes = std::make_shared<const std::string>(size, c);
  return {*bytes, bytes};
}

// Two rounds of a session's output, cleared between them, so that the
// second takes the blocks the first gave back: pieces that fill the last
// block exactly, span several, and are referenced between copied ones.
std::vector<std::vector<piece>> rounds() {
  constexpr std::size_t block = output_buffer::block_size;
  constexpr std::size_t limit = output_buffer::copy_limit;
  std::vector<std::vector<piece>> all(2);
  all[0].push_back(copied(100, 'a'));
  all[0].push_back(shared(limit + 1, 'b'));
  all[0].push_back(copied(block - 100, 'c'));
  all[0].push_back(shared(limit, 'd'));
  all[0].push_back(copied(3 * block + 7, 'e'));
  all[0].push_back(shared(2 * limit, 'f'));
  all[1].push_back(copied(block + 1, 'g'));
  all[1].push_back(shared(limit + 1, 'h'));
  all[1].push_back(copied(10, 'i'));
  all[1].push_back(copied(2 * block, 'j'));
  return all;
}

std::string gathered(const output_buffer& buffer) {
  std::vector<boost::asio::const_buffer> buffers;
  buffer.gather(buffers);
  std::string bytes;
  for (const auto& b : buffers) bytes.append(static_cast<const char*>(b.data()), b.size());
  return bytes;
}

void append(output_buffer& buffer, const piece& p) {
  if (p.owner)
    buffer.append(p.bytes, p.owner);
  else
    buffer.append(p.bytes);
}

// Appends `pieces` on a thread of its own, whose spare blocks start empty,
// with the allocation after the first `n` the appends make failing; returns
// whether it failed. Only the appends allocate while a failure is armed.
bool append_failing_at(const std::vector<std::vector<piece>>& pieces, long n) {
  bool failed = false;
  std::thread([&] {
    output_buffer buffer;
    long left = n;
    for (const auto& round : pieces) {
      std::string expected;
      for (const piece& p : round) {
        if (failed) {
          append(buffer, p);
          expected += p.bytes;
          continue;
        }
        const std::size_t before = test::allocations();
        test::arm(left);
        try {
          append(buffer, p);
        } catch (const std::bad_alloc&) {
        }
        failed = test::disarm();
        left -= static_cast<long>(test::allocations() - before);
        if (failed) {
          BOOST_TEST_CONTEXT("allocation " << n << ", a piece of " << p.bytes.size()) {
            BOOST_TEST(buffer.size() == expected.size());
            BOOST_TEST(gathered(buffer) == expected);
          }
        } else {
          expected += p.bytes;
        }
      }
      BOOST_TEST_CONTEXT("allocation " << n << (failed ? " failed" : " not reached")) {
        BOOST_TEST(buffer.size() == expected.size());
        BOOST_TEST(gathered(buffer) == expected);
      }
      buffer.clear();
    }
  }).join();
  return failed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_append_that_cannot_allocate_leaves_the_buffer_as_it_was) {
  const auto pieces = rounds();
  long failures = 0;
  while (append_failing_at(pieces, failures)) ++failures;
  // The vector of blocks, each new block, the thread's spare blocks and the
  // shared pieces' vector, in both rounds.
  BOOST_TEST(failures >= 8);
  BOOST_TEST_MESSAGE("allocation failures injected: " << failures);
}
