//
// output_buffer.cpp
// ~~~~~~~~~~~~~~~~~
//
// The output buffer: what it gathers is every byte appended, in order,
// whether copied into its blocks or referenced.
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include "output_buffer.hpp"
#include "gathered.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using pubsub::test::gathered;

// A shared piece of `size` bytes, all `c`.
std::shared_ptr<const std::string> piece(std::size_t size, char c) {
  return std::make_shared<const std::string>(size, c);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(output_buffer_test)

// Copied and shared pieces of every size around the copy limit and the
// block size, at random: gathered in the order they were appended, the
// shared ones above the limit referenced, not copied.
BOOST_AUTO_TEST_CASE(gathers_every_byte_in_order) {
  using pubsub::output_buffer;
  std::mt19937 random(17);
  const std::vector<std::size_t> sizes = {0,
                                          1,
                                          100,
                                          output_buffer::copy_limit - 1,
                                          output_buffer::copy_limit,
                                          output_buffer::copy_limit + 1,
                                          output_buffer::block_size - 1,
                                          output_buffer::block_size,
                                          output_buffer::block_size + 1,
                                          3 * output_buffer::block_size + 7};
  // One buffer, cleared after each round, as a session's.
  output_buffer buffer;
  for (int round = 0; round < 20; ++round) {
    std::string expected;
    std::vector<std::shared_ptr<const std::string>> pieces;
    for (int i = 0; i < 40; ++i) {
      const std::size_t size = sizes[random() % sizes.size()];
      const char c = static_cast<char>('a' + i % 26);
      if (random() % 2) {
        buffer.append(std::string(size, c));
      } else {
        pieces.push_back(piece(size, c));
        buffer.append(*pieces.back(), pieces.back());
        if (size > output_buffer::copy_limit) BOOST_TEST(pieces.back().use_count() == 2);
      }
      expected.append(size, c);
    }
    BOOST_TEST(buffer.size() == expected.size());
    BOOST_TEST(gathered(buffer) == expected);
    buffer.clear();
    BOOST_TEST(buffer.empty());
    BOOST_TEST(gathered(buffer).empty());
    for (const auto& p : pieces) BOOST_TEST(p.use_count() == 1);
  }
}

// A buffer moved from, as a session swaps the output it queues and the
// output it writes, is left empty, and the buffers keep their bytes.
BOOST_AUTO_TEST_CASE(swapped_buffers_keep_their_bytes) {
  pubsub::output_buffer queued, writing;
  const auto big = piece(pubsub::output_buffer::copy_limit + 10, 'b');
  queued.append("first ");
  queued.append(*big, big);
  queued.append(std::string(pubsub::output_buffer::block_size, 'c'));
  writing.append("old");
  const std::string expected =
      "first " + *big + std::string(pubsub::output_buffer::block_size, 'c');
  std::swap(queued, writing);
  BOOST_TEST(gathered(writing) == expected);
  BOOST_TEST(writing.size() == expected.size());
  BOOST_TEST(gathered(queued) == "old");
  pubsub::output_buffer taken(std::move(writing));
  BOOST_TEST(gathered(taken) == expected);
  BOOST_TEST(writing.empty());
  BOOST_TEST(writing.size() == 0u);
  writing.append("next");
  BOOST_TEST(gathered(writing) == "next");
}

BOOST_AUTO_TEST_SUITE_END()
