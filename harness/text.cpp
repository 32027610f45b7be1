#include "text.hpp"

#include <algorithm>

#include "python.hpp"

namespace socklab::harness {
namespace {

bool continuation(std::string_view text, std::size_t at) {
  return (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

// East Asian Wide and Full-width, as terminals draw them.
bool wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
         (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
         (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

}  // namespace

char32_t code_point(std::string_view seq) {
  const auto b = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(seq[k])); };
  switch (seq.size()) {
    case 2: return ((b(0) & 0x1f) << 6) | (b(1) & 0x3f);
    case 3: return ((b(0) & 0x0f) << 12) | ((b(1) & 0x3f) << 6) | (b(2) & 0x3f);
    case 4: return ((b(0) & 0x07) << 18) | ((b(1) & 0x3f) << 12) | ((b(2) & 0x3f) << 6) | (b(3) & 0x3f);
    default: return b(0);
  }
}

std::size_t next_boundary(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  while (at < text.size() && continuation(text, at)) ++at;
  return at;
}

std::size_t previous_boundary(std::string_view text, std::size_t at) {
  at = std::min(at, text.size());
  while (at > 0 && at < text.size() && continuation(text, at)) --at;
  return at;
}

std::size_t display_width(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size();) {
    const int len = py::utf8_sequence_length(text, i);
    const std::size_t n = len > 0 ? static_cast<std::size_t>(len) : 1;
    columns += len > 1 && wide(code_point(text.substr(i, n))) ? 2 : 1;
    i += n;
  }
  return columns;
}

}  // namespace socklab::harness
