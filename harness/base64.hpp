// Base64 (RFC 4648, with padding): how a kept file's bytes travel inside JSON and HTML.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace socklab::harness {

std::string base64_encode(std::string_view bytes);
/// The bytes, or nothing when `text` is not padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace socklab::harness
