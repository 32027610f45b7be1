#include "matcher.hpp"

#include <gtest/gtest.h>

using namespace socklab::harness;

namespace {

PatternLine line(PatternLine::Kind kind, std::string text) { return {kind, std::move(text), {"t.scn", 1, 1}}; }
PatternGroup ordered(PatternLine l) { return {{std::move(l)}, false}; }
constexpr auto exact = PatternLine::Kind::exact;
constexpr auto regex = PatternLine::Kind::regex;
constexpr auto glob = PatternLine::Kind::glob;

}  // namespace

TEST(matcher, a_last_line_without_newline_counts_only_at_the_end) {
  EXPECT_EQ(complete_lines("a\nprompt:", false), std::vector<std::string>{"a"});
  EXPECT_EQ(complete_lines("a\nprompt:", true), (std::vector<std::string>{"a", "prompt:"}));
  EXPECT_EQ(complete_lines("a\r\n", true), std::vector<std::string>{"a\r"}) << "\\r stays: it is output";
}

TEST(matcher, exact_regex_and_glob_lines) {
  Captures c;
  EXPECT_TRUE(line_matches(line(exact, "Hello,Tracy!"), "Hello,Tracy!", c));
  EXPECT_FALSE(line_matches(line(exact, "Hello,Tracy!"), "Hello, Tracy!", c));
  EXPECT_TRUE(line_matches(line(glob, "Hello,*!"), "Hello,Tracy!", c));
  EXPECT_FALSE(line_matches(line(glob, "Hello,?!"), "Hello,Tracy!", c));
  EXPECT_TRUE(line_matches(line(regex, R"(b'a' \('127\.0\.0\.1', \d+\))"), "b'a' ('127.0.0.1', 5)", c));
  EXPECT_FALSE(line_matches(line(regex, "a"), "ab", c)) << "a regex matches the whole line";
}

// A program that floods one line must not take socklab's stack with it: std::regex recurses per character.
TEST(matcher, a_flooded_line_does_not_match_a_regex_and_does_not_crash) {
  Captures c;
  EXPECT_FALSE(line_matches(line(regex, ".*"), std::string(2u << 20, 'x'), c));
  EXPECT_TRUE(line_matches(line(regex, ".*"), std::string(kRegexLineMax, 'x'), c));
  EXPECT_TRUE(line_matches(line(glob, "*"), std::string(2u << 20, 'x'), c));
}

TEST(matcher, captures_are_reused_later_and_on_the_same_line) {
  Captures c;
  ASSERT_TRUE(line_matches(line(regex, R"(raddr=\('x', [[PORT:\d+]]\)>:\('x', [[PORT]]\))"),
                           "raddr=('x', 43556)>:('x', 43556)", c));
  EXPECT_EQ(c.at("PORT"), "43556");
  EXPECT_FALSE(line_matches(line(regex, R"([[A:\d+]] [[A]])"), "1 2", c)) << "a back-reference on the same line";
  EXPECT_TRUE(line_matches(line(regex, R"(closed \('x', [[PORT]]\))"), "closed ('x', 43556)", c));
  EXPECT_FALSE(line_matches(line(regex, R"(closed \('x', [[PORT]]\))"), "closed ('x', 1)", c));
  EXPECT_THROW(line_matches(line(regex, "[[NEVER]]"), "x", c), ParseError);
  EXPECT_THROW(line_matches(line(regex, "(unclosed"), "x", c), ParseError);
}

TEST(matcher, unordered_group_accepts_any_interleaving) {
  const std::vector<PatternGroup> groups = {
      ordered(line(exact, "start")),
      {{line(exact, "Hello,a!"), line(exact, "Hello,b!"), line(glob, "Hello,*!")}, true},
      ordered(line(exact, "end"))};
  Captures c;
  for (const auto& middle : std::vector<std::vector<std::string>>{{"Hello,a!", "Hello,b!", "Hello,c!"},
                                                                  {"Hello,c!", "Hello,a!", "Hello,b!"},
                                                                  {"Hello,b!", "Hello,c!", "Hello,a!"}}) {
    std::vector<std::string> lines = {"start"};
    lines.insert(lines.end(), middle.begin(), middle.end());
    lines.push_back("end");
    const auto r = match_groups(groups, lines, 0, true, c);
    EXPECT_EQ(r.status, MatchResult::Status::matched);
    EXPECT_EQ(r.consumed, 5u);
  }
}

TEST(matcher, waits_for_more_lines_until_the_output_ends) {
  const std::vector<PatternGroup> groups = {ordered(line(exact, "a")), ordered(line(exact, "b"))};
  Captures c;
  EXPECT_EQ(match_groups(groups, {"a"}, 0, false, c).status, MatchResult::Status::need_more);
  const auto ended = match_groups(groups, {"a"}, 0, true, c);
  EXPECT_EQ(ended.status, MatchResult::Status::mismatch);
  EXPECT_EQ(ended.failed->text, "b");
  EXPECT_FALSE(ended.actual.has_value()) << "the output ended before it";
}

TEST(matcher, a_mismatch_names_the_line_and_the_first_difference) {
  const std::vector<PatternGroup> groups = {ordered(line(exact, "Welcome!")), ordered(line(exact, "Hello,Tracy!"))};
  Captures c;
  const auto r = match_groups(groups, {"Welcome!", "Hello, Tracy!"}, 0, false, c);
  ASSERT_EQ(r.status, MatchResult::Status::mismatch);
  EXPECT_EQ(r.actual_index, 1u);
  const std::string text = describe_mismatch(*r.failed, r.actual, c);
  EXPECT_EQ(text,
            "Expected: \"Hello,Tracy!\"\n"
            "Actual:   \"Hello, Tracy!\"\n"
            "                 ^ first difference\n");
}

TEST(matcher, visible_shows_invisible_characters) {
  EXPECT_EQ(visible("a\r\n\t"), "\"a\\r\\n\\t\"");
  EXPECT_EQ(visible("trailing  "), "\"trailing  \"") << "quotes make trailing spaces visible";
  EXPECT_EQ(visible(std::string("\x00\xff", 2)), "\"\\x00\\xff\"") << "bytes that are not UTF-8";
  EXPECT_EQ(visible("你好"), "\"你好\"");
  EXPECT_EQ(visible("\x1b[2J"), "\"\\x1b[2J\"") << "ESC";
  EXPECT_EQ(visible("\u009b2J"), "\"\\u009b2J\"") << "C1 CSI: a terminal takes it as ESC [";
  EXPECT_EQ(visible("abc\u202edef"), "\"abc\\u202edef\"") << "a bidi override turns what follows around";
  EXPECT_EQ(visible("a\u2028b\u2029c"), "\"a\\u2028b\\u2029c\"") << "line and paragraph separators";
  EXPECT_EQ(visible("\u00e9\u00a0"), "\"\u00e9\u00a0\"") << "printable characters past the C1 range stay";
}

TEST(matcher, a_long_line_is_shown_around_its_first_difference) {
  const std::string expected = std::string(2000, '7') + "X" + std::string(500, '0');
  const std::string actual = std::string(2000, '7') + "Y";
  const std::string text = describe_mismatch(line(exact, expected), actual, {});
  EXPECT_LT(text.size(), 600u) << text;
  EXPECT_NE(text.find("...\"77"), std::string::npos) << text;
  EXPECT_NE(text.find("(2501 bytes in all)"), std::string::npos) << text;
  // The caret stands under the X/Y.
  const auto actual_line = text.find("Actual:   ");
  const auto caret_line = text.find('^');
  const auto line_start = text.rfind('\n', caret_line) + 1;
  EXPECT_EQ(text[actual_line + (caret_line - line_start)], 'Y') << text;
}

TEST(matcher, the_caret_counts_chinese_characters_as_two_columns) {
  const std::string text = describe_mismatch(line(exact, "客户端说:hi"), std::string("客户端:hi"), {});
  EXPECT_NE(text.find("\n" + std::string(10 + 1 + 6, ' ') + "^"), std::string::npos) << text;
}
