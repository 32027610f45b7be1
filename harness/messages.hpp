// Every sentence socklab says to a student, in English and Chinese: one catalogue of templates with
// named fields ({who}, {at}), rendered in the language asked for. Only data goes into the fields.
#pragma once

#include <exception>
#include <initializer_list>
#include <stdexcept>
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

/// Named fields kept for later, as an event keeps the sentence it will be told in. A field that is itself
/// words (a direction, a fault) may come in both languages: `way` and `way.zh`, the one for Chinese.
using MessageFields = std::vector<std::pair<std::string, std::string>>;

/// The message `id` in `lang`, its fields filled in. Throws std::logic_error for an id not in the
/// catalogue or a field its template names and `args` does not give.
std::string say(Lang lang, std::string_view id, MessageArgs args = {});
std::string say(Lang lang, std::string_view id, const MessageFields& fields);

/// The field `name` in both languages: the message `id` told in English (`name`) and Chinese (`name.zh`).
MessageFields said_field(const std::string& name, std::string_view id, const MessageFields& fields = {});

/// A field that lists words (keywords, names) separated by spaces: in Chinese they are separated by "、".
MessageFields listed(const std::string& name, const std::string& words);

/// An error in the catalogue's words: the message `id` with its fields; what() tells it in English.
class SaidError : public std::runtime_error {
 public:
  explicit SaidError(std::string id, MessageFields fields = {});
  /// The error in `lang`.
  [[nodiscard]] std::string told(Lang lang) const;

 private:
  std::string id_;
  MessageFields fields_;
};

/// `e` in `lang` where it is a SaidError; otherwise its what() (the system's or a library's words).
std::string told(const std::exception& e, Lang lang);

}  // namespace socklab::harness
