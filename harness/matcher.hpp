// Matching a program's output against a scenario's expected lines, and saying where it diverged.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages.hpp"
#include "scenario.hpp"

namespace socklab::harness {

/// Values captured by [[NAME:regex]] in `~` lines, reused as [[NAME]] in later ones.
using Captures = std::map<std::string, std::string>;

/// Splits output into lines without their "\n"; a last line without "\n" counts only when `ended`.
std::vector<std::string> complete_lines(std::string_view output, bool ended);

/// Whether one line matches one expected line; captures are added on a match. Throws ParseError for
/// a regex that does not compile (a scenario error).
bool line_matches(const PatternLine& pattern, const std::string& line, Captures& captures);

struct MatchResult {
  enum class Status { matched, mismatch, need_more };
  Status status = Status::need_more;
  std::size_t consumed = 0;             // lines used, when matched
  const PatternLine* failed = nullptr;  // the expected line that did not match, on mismatch
  std::optional<std::string> actual;    // the line it was compared with (nullopt: output ended)
  std::size_t actual_index = 0;         // its index in `lines`
};

/// Matches groups against lines[from...]: each ordered line against the next line, each unordered
/// group against the next lines in any order. need_more when more lines may still come.
MatchResult match_groups(const std::vector<PatternGroup>& groups, const std::vector<std::string>& lines,
                         std::size_t from, bool ended, Captures& captures);

/// A line as a reader must see it: in quotes, with \r \t \n and other invisible bytes escaped.
/// The longest line a regex pattern (~) is tried on; a longer one does not match it.
inline constexpr std::size_t kRegexLineMax = 4096;

std::string visible(std::string_view line);

/// "Expected: ... / Actual: ... / ^ first difference" for a failed match.
std::string describe_mismatch(const PatternLine& pattern, const std::optional<std::string>& actual,
                              const Captures& captures, Lang lang = Lang::en);

}  // namespace socklab::harness
