// What the console shows beyond plain text: verdicts in colour, on a terminal only (https://no-color.org).
#pragma once

#include <string>
#include <string_view>

#include "runner.hpp"

namespace socklab::harness {

/// Whether output that goes to a terminal (`is_terminal`) is coloured, given NO_COLOR's value (nullptr
/// when it is not set): a terminal, and NO_COLOR unset or empty.
bool use_colour(bool is_terminal, const char* no_color);

/// use_colour for the descriptor `fd` (isatty) and this process's NO_COLOR.
bool colour_for(int fd);

/// `word` (how the verdict `v` is written, in either language) in the verdict's colour when `colour`:
/// pass green, fail and crash red, timeout and skip yellow, error magenta; `word` itself otherwise.
std::string paint(Verdict v, std::string_view word, bool colour);

}  // namespace socklab::harness
