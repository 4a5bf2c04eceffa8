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
#include "gathered.hpp"
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
using pubsub::test::gathered;

// A piece to append: copied, or shared when `owner` is set, which holds
// the same bytes.
struct piece {
  std::string bytes;
  std::shared_ptr<const std::string> owner;
};

piece copied(std::size_t size, char c) {
  return {std::string(size, c), nullptr};
}

piece shared(std::size_t size, char c) {
  return {std::string(size, c), std::make_shared<const std::string>(size, c)};
}

// Two rounds of a session's output, cleared between them: pieces that fill
// the last block exactly, span several, and are referenced between copied
// ones. The second round takes the blocks the first gave back, then needs
// new ones (a failure among them gives back the spare ones taken), and
// references more pieces than the first.
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
  all[1].push_back(copied(6 * block, 'j'));
  all[1].push_back(shared(limit + 2, 'k'));
  all[1].push_back(shared(limit + 3, 'l'));
  return all;
}

void append(output_buffer& buffer, const piece& p) {
  if (p.owner)
    buffer.append(*p.owner, p.owner);
  else
    buffer.append(p.bytes);
}

// Appends the rounds `pieces` on a thread of its own, whose spare blocks
// start empty, with the allocation after the first `n` the appends make
// failing; returns the round it failed in, or -1. Only the appends allocate
// while a failure is armed.
int append_failing_at(const std::vector<std::vector<piece>>& pieces, long n) {
  int failed_round = -1;
  std::thread([&] {
    output_buffer buffer;
    long left = n;
    for (std::size_t r = 0; r < pieces.size(); ++r) {
      const std::vector<piece>& round = pieces[r];
      std::string expected;
      for (const piece& p : round) {
        if (failed_round >= 0) {
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
        const bool failed = test::disarm();
        left -= static_cast<long>(test::allocations() - before);
        if (failed) {
          failed_round = static_cast<int>(r);
          BOOST_TEST_CONTEXT("allocation " << n << ", a piece of " << p.bytes.size()) {
            BOOST_TEST(buffer.size() == expected.size());
            BOOST_TEST(gathered(buffer) == expected);
          }
        } else {
          expected += p.bytes;
        }
      }
      BOOST_TEST_CONTEXT("allocation " << n << (failed_round >= 0 ? " failed" : " not reached")) {
        BOOST_TEST(buffer.size() == expected.size());
        BOOST_TEST(gathered(buffer) == expected);
      }
      buffer.clear();
    }
  }).join();
  return failed_round;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_append_that_cannot_allocate_leaves_the_buffer_as_it_was) {
  const auto pieces = rounds();
  long failures = 0;
  std::vector<int> per_round(pieces.size());
  for (int round; (round = append_failing_at(pieces, failures)) >= 0; ++failures)
    ++per_round[static_cast<std::size_t>(round)];
  // The vector of blocks, each new block, the thread's spare blocks and the
  // shared pieces' vector, in the first round; in the second, the vectors
  // growing and the blocks beyond the spare ones.
  BOOST_TEST(per_round[0] >= 8);
  BOOST_TEST(per_round[1] >= 3);
  BOOST_TEST_MESSAGE("allocation failures injected: " << per_round[0] << " in the first round, "
                                                      << per_round[1] << " in the second");
}
