// UTF-8 text as a terminal shows it: characters, their boundaries, and the columns they take.
#pragma once

#include <cstddef>
#include <string_view>

namespace socklab::harness {

/// The code point of one valid UTF-8 sequence (`seq` holds it, and nothing more).
char32_t code_point(std::string_view seq);

/// The first character boundary at or after `at` (text.size() at most): never inside a character.
std::size_t next_boundary(std::string_view text, std::size_t at);
/// The last character boundary at or before `at`.
std::size_t previous_boundary(std::string_view text, std::size_t at);

/// The columns `text` takes on a terminal: two for each wide character (Chinese, Japanese, Korean,
/// full-width forms), one for any other character and for each byte that is not UTF-8.
std::size_t display_width(std::string_view text);

}  // namespace socklab::harness
