#include "console.hpp"

#include <gtest/gtest.h>

namespace socklab::harness {
namespace {

TEST(console, colour_only_on_a_terminal) {
  EXPECT_TRUE(use_colour(true, nullptr));
  EXPECT_FALSE(use_colour(false, nullptr));
  EXPECT_FALSE(use_colour(false, ""));
}

TEST(console, no_color_set_to_anything_turns_colour_off) {
  EXPECT_FALSE(use_colour(true, "1"));
  EXPECT_FALSE(use_colour(true, "0"));  // no-color.org: any value but the empty one
  EXPECT_TRUE(use_colour(true, ""));
}

TEST(console, without_colour_the_verdict_is_its_word_alone) {
  for (const Verdict v :
       {Verdict::pass, Verdict::fail, Verdict::timeout, Verdict::crash, Verdict::error, Verdict::skip}) {
    EXPECT_EQ(paint(v, "通过", false), "通过");
  }
}

TEST(console, verdicts_take_their_colours) {
  EXPECT_EQ(paint(Verdict::pass, "pass", true), "\x1b[32mpass\x1b[0m");
  EXPECT_EQ(paint(Verdict::fail, "fail", true), "\x1b[31mfail\x1b[0m");
  EXPECT_EQ(paint(Verdict::crash, "crash", true), "\x1b[31mcrash\x1b[0m");
  EXPECT_EQ(paint(Verdict::timeout, "timeout", true), "\x1b[33mtimeout\x1b[0m");
  EXPECT_EQ(paint(Verdict::skip, "skip", true), "\x1b[33mskip\x1b[0m");
  EXPECT_EQ(paint(Verdict::error, "error", true), "\x1b[35merror\x1b[0m");
}

}  // namespace
}  // namespace socklab::harness
