//
// sender.cpp
// ~~~~~~~~~~
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

#include <asio_signals/sender.hpp>

#include <boost/test/unit_test.hpp>

#include <memory>
#include <span>
#include <vector>

namespace sig = asio_signals;

namespace {

struct plain {
  int value = 0;
  friend bool operator==(const plain&, const plain&) = default;
};

struct first_base {
  virtual ~first_base() = default;
  int a = 0;
};

struct second_base {
  virtual ~second_base() = default;
  int b = 0;
};

struct derived : first_base, second_base {
  int c = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sender_test)

BOOST_AUTO_TEST_CASE(identity_is_the_address_not_the_value) {
  plain a;
  plain b;
  BOOST_TEST((a == b));
  BOOST_TEST((sig::sender(&a) == sig::sender(&a)));
  BOOST_TEST((sig::sender(&a) != sig::sender(&b)));
  BOOST_TEST(sig::sender(&a).address() == static_cast<const void*>(&a));
}

BOOST_AUTO_TEST_CASE(base_pointers_name_the_most_derived_object) {
  derived d;
  second_base* base = &d;
  // The second base lives at another address than the object itself.
  BOOST_TEST(static_cast<const void*>(base) != static_cast<const void*>(&d));
  BOOST_TEST((sig::sender(base) == sig::sender(&d)));
  BOOST_TEST((sig::sender(static_cast<first_base*>(&d)) == sig::sender(base)));
  BOOST_TEST(std::hash<sig::sender>()(sig::sender(base)) ==
             std::hash<sig::sender>()(sig::sender(&d)));
}

BOOST_AUTO_TEST_CASE(shared_ptr_names_the_object_it_owns) {
  auto p = std::make_shared<plain>();
  BOOST_TEST((sig::sender(p) == sig::sender(p.get())));
  std::shared_ptr<second_base> base = std::make_shared<derived>();
  BOOST_TEST((sig::sender(base) == sig::sender(static_cast<derived*>(base.get()))));
}

BOOST_AUTO_TEST_CASE(const_objects_and_null) {
  const plain c;
  BOOST_TEST(sig::sender(&c).address() == static_cast<const void*>(&c));
  BOOST_TEST(sig::sender(nullptr).address() == nullptr);
  BOOST_TEST((sig::sender(static_cast<plain*>(nullptr)) == sig::sender(nullptr)));
}

BOOST_AUTO_TEST_CASE(senders_names_each_argument) {
  plain a;
  plain b;
  auto list = sig::senders(&a, &b, &a);
  BOOST_TEST_REQUIRE(list.items().size() == 3u);
  BOOST_TEST((list.items()[0] == sig::sender(&a)));
  BOOST_TEST((list.items()[1] == sig::sender(&b)));
}

BOOST_AUTO_TEST_CASE(senders_of_a_range_names_its_elements) {
  plain a;
  plain b;
  std::vector<plain*> pointers{&a, &b};
  BOOST_TEST(sig::senders(pointers).items().size() == 2u);
  std::vector<sig::sender> named{sig::sender(&a)};
  BOOST_TEST(sig::senders(std::span<const sig::sender>(named)).items().size() == 1u);
}

BOOST_AUTO_TEST_CASE(senders_of_one_sender_and_of_nothing) {
  plain a;
  BOOST_TEST(sig::senders(sig::sender(&a)).items().size() == 1u);
  BOOST_TEST(sig::senders().items().empty());
}

BOOST_AUTO_TEST_SUITE_END()
