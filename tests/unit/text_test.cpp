#include "text.hpp"

#include <gtest/gtest.h>

namespace socklab::harness {
namespace {

TEST(text, chinese_takes_two_columns_a_letter_one) {
  EXPECT_EQ(display_width("abc"), 3U);
  EXPECT_EQ(display_width("提交"), 4U);
  EXPECT_EQ(display_width("计算结果: 120"), 13U);
  EXPECT_EQ(display_width("ＡＢ"), 4U);  // full-width forms
}

TEST(text, narrow_characters_of_three_bytes_take_one_column) {
  EXPECT_EQ(display_width("…"), 1U);
  EXPECT_EQ(display_width("—x"), 2U);
  EXPECT_EQ(display_width("é"), 1U);
}

TEST(text, a_byte_that_is_not_utf8_takes_one_column) {
  EXPECT_EQ(display_width("\xff\xfe"), 2U);
  EXPECT_EQ(display_width(std::string_view("\xe4\xbd", 2)), 2U);  // a character cut short
}

TEST(text, boundaries_never_fall_inside_a_character) {
  const std::string_view s = "a你b";  // a, then 3 bytes, then b
  EXPECT_EQ(next_boundary(s, 1), 1U);
  EXPECT_EQ(next_boundary(s, 2), 4U);
  EXPECT_EQ(next_boundary(s, 3), 4U);
  EXPECT_EQ(previous_boundary(s, 3), 1U);
  EXPECT_EQ(previous_boundary(s, 4), 4U);
  EXPECT_EQ(next_boundary(s, 99), s.size());
}

TEST(text, code_point_of_each_length) {
  EXPECT_EQ(code_point("a"), U'a');
  EXPECT_EQ(code_point("é"), U'é');
  EXPECT_EQ(code_point("你"), U'你');
  EXPECT_EQ(code_point("😀"), U'😀');
}

}  // namespace
}  // namespace socklab::harness
