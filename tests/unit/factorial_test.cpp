#include "factorial.hpp"

#include <gtest/gtest.h>

using namespace socklab;

TEST(factorial, follows_the_tutorials_loop) {
  EXPECT_EQ(factorial(0), 1);
  EXPECT_EQ(factorial(1), 1);
  EXPECT_EQ(factorial(5), 120);
  EXPECT_EQ(factorial(-3), 1) << "range(1, n+1) is empty for n < 1";
  EXPECT_EQ(py::str(factorial(20)), "2432902008176640000");
  EXPECT_EQ(py::str(factorial(25)), "15511210043330985984000000");
}

TEST(factorial, text_is_exact_for_large_n) {
  const auto text = factorial_text(1000);
  ASSERT_TRUE(text);
  EXPECT_EQ(text->size(), 2568u);
  EXPECT_EQ(text->substr(0, 12), "402387260077");
  EXPECT_EQ(factorial_text(458)->size(), 1022u) << "the last n whose n! the tutorial's recv(1024) holds";
  EXPECT_EQ(factorial_text(459)->size(), 1025u);
}

TEST(factorial, the_limit_is_what_one_datagram_holds) {
  const auto largest = factorial_text(kMaxFactorialN);
  ASSERT_TRUE(largest);
  EXPECT_LE(largest->size(), kMaxUdpPayload);
  EXPECT_GT(py::str(factorial(kMaxFactorialN + 1)).size(), kMaxUdpPayload) << "so 17230 must be refused";
  EXPECT_EQ(factorial_text(kMaxFactorialN + 1), std::nullopt);
  EXPECT_EQ(factorial_text(py::Int("100000000000000000000")), std::nullopt) << "refused without computing";
}
