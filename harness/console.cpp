#include "console.hpp"

#include <fmt/color.h>
#include <unistd.h>

#include <cstdlib>

namespace socklab::harness {

bool use_colour(bool is_terminal, const char* no_color) {
  return is_terminal && (no_color == nullptr || no_color[0] == '\0');
}

bool colour_for(int fd) { return use_colour(::isatty(fd) != 0, std::getenv("NO_COLOR")); }

std::string paint(Verdict v, std::string_view word, bool colour) {
  if (!colour) return std::string(word);
  const fmt::terminal_color c = v == Verdict::pass                            ? fmt::terminal_color::green
                                : v == Verdict::fail || v == Verdict::crash   ? fmt::terminal_color::red
                                : v == Verdict::timeout || v == Verdict::skip ? fmt::terminal_color::yellow
                                                                              : fmt::terminal_color::magenta;
  return fmt::format(fmt::fg(c), "{}", word);
}

}  // namespace socklab::harness
