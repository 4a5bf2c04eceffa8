//
// gathered.hpp
// ~~~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#ifndef PUBSUB_TESTS_GATHERED_HPP
#define PUBSUB_TESTS_GATHERED_HPP

#include "output_buffer.hpp"

#include <boost/asio/buffer.hpp>

#include <string>
#include <vector>

namespace pubsub::test {

// The bytes `buffer` gathers, one buffer after another.
inline std::string gathered(const output_buffer& buffer) {
  std::vector<boost::asio::const_buffer> buffers;
  buffer.gather(buffers);
  std::string bytes;
  for (const auto& b : buffers) bytes.append(static_cast<const char*>(b.data()), b.size());
  return bytes;
}

}  // namespace pubsub::test

#endif  // PUBSUB_TESTS_GATHERED_HPP
