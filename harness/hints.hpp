// The known mistakes: each recognised in a failed run's message and transcript, or in a submitted
// source file, and turned into one sentence of advice, in English or Chinese.
#pragma once

#include <string>
#include <vector>

#include "runner.hpp"

namespace socklab::harness {

/// --lang, else LANG/LC_ALL: zh when they start with "zh", else en.
Lang lang_from_environment();

struct Advice {
  std::string id;    // "block-buffered", "wrong-port", ...
  std::string text;  // one sentence, in the language asked for
};

/// The known mistakes a failed result shows (none for a pass).
std::vector<Advice> advice_for(const Result& r, Lang lang);

/// What a submitted file shows before it runs: not UTF-8 (GBK), a byte-order mark, CRLF line ends,
/// Python 2 syntax.
std::vector<Advice> advice_for_source(const std::string& path, Lang lang);

/// The table itself, for the docs and the tests: id, English, Chinese.
struct HintEntry {
  const char* id;
  const char* en;
  const char* zh;
};
const std::vector<HintEntry>& hint_table();

}  // namespace socklab::harness
