// Every sentence socklab says to a student, in English and Chinese: one catalogue of templates with
// named fields ({who}, {at}), rendered in the language asked for. Only data goes into the fields.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace socklab::harness {

enum class Lang { en, zh };

struct Message {
  const char* id;  // "runner.nothing-listens"; the words of the reports are their own id ("passed")
  const char* en;  // fmt templates with named fields: "nothing listens on {proto} {at}"
  const char* zh;
};

/// The catalogue, for the tests and the docs.
const std::vector<Message>& message_table();

/// Whether the catalogue has `id`.
bool has_message(std::string_view id);

/// Named fields, each a name and its text.
using MessageArgs = std::initializer_list<std::pair<const char*, std::string>>;

/// The message `id` in `lang`, its fields filled in. Throws std::logic_error for an id not in the
/// catalogue or a field its template names and `args` does not give.
std::string say(Lang lang, std::string_view id, MessageArgs args = {});

}  // namespace socklab::harness
