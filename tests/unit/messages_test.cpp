// The message catalogue: every entry in both languages with the same fields, and every id the code
// says is in it.
#include "messages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "grade.hpp"

using namespace socklab::harness;

namespace {

// The named fields of an fmt template: {name}, not {{escaped}}.
std::set<std::string> fields(const std::string& tpl) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < tpl.size(); ++i) {
    if (tpl[i] == '{' && i + 1 < tpl.size() && tpl[i + 1] == '{') {
      ++i;
    } else if (tpl[i] == '{') {
      const auto close = tpl.find('}', i);
      out.insert(tpl.substr(i + 1, close - i - 1));
      i = close;
    } else if (tpl[i] == '}') {
      ++i;  // "}}"
    }
  }
  return out;
}

bool has_cjk(const std::string& s) {
  return s.find("\xe4") != std::string::npos || s.find("\xe5") != std::string::npos ||
         s.find("\xe6") != std::string::npos || s.find("\xe7") != std::string::npos ||
         s.find("\xe8") != std::string::npos || s.find("\xe9") != std::string::npos;
}

}  // namespace

TEST(messages, every_entry_has_both_languages_and_the_same_fields) {
  std::set<std::string> ids;
  for (const auto& m : message_table()) {
    SCOPED_TRACE(m.id);
    EXPECT_TRUE(ids.insert(m.id).second) << "id twice";
    EXPECT_NE(std::string(m.en), "");
    EXPECT_NE(std::string(m.zh), "");
    EXPECT_TRUE(has_cjk(m.zh)) << "no Chinese in " << m.zh;
    EXPECT_FALSE(has_cjk(m.en)) << "Chinese in the English " << m.en;
    EXPECT_EQ(fields(m.en), fields(m.zh));
  }
}

TEST(messages, rendering_differs_by_language_with_the_same_data) {
  for (const auto& m : message_table()) {
    SCOPED_TRACE(m.id);
    std::vector<std::pair<const char*, std::string>> args;
    for (const auto& f : fields(m.en)) args.emplace_back(nullptr, "DATA-" + f);
    // Names must outlive the call: they point into the set kept here.
    const auto names = fields(m.en);
    std::size_t k = 0;
    for (const auto& f : names) args[k++].first = f.c_str();
    auto render = [&](Lang lang) {
      switch (args.size()) {  // MessageArgs is an initializer_list: built here for up to 8 fields
        case 0: return say(lang, m.id);
        case 1: return say(lang, m.id, {args[0]});
        case 2: return say(lang, m.id, {args[0], args[1]});
        case 3: return say(lang, m.id, {args[0], args[1], args[2]});
        case 4: return say(lang, m.id, {args[0], args[1], args[2], args[3]});
        case 5: return say(lang, m.id, {args[0], args[1], args[2], args[3], args[4]});
        case 6: return say(lang, m.id, {args[0], args[1], args[2], args[3], args[4], args[5]});
        case 7: return say(lang, m.id, {args[0], args[1], args[2], args[3], args[4], args[5], args[6]});
        default: return say(lang, m.id, {args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7]});
      }
    };
    ASSERT_LE(args.size(), 8u);
    const std::string en = render(Lang::en), zh = render(Lang::zh);
    EXPECT_NE(en, zh);
    for (const auto& f : names) {
      EXPECT_NE(en.find("DATA-" + f), std::string::npos) << en;
      EXPECT_NE(zh.find("DATA-" + f), std::string::npos) << zh;
    }
  }
}

TEST(messages, a_sentence_keeps_its_data_and_changes_its_words) {
  const std::string en = say(Lang::en, "runner.nothing-listens", {{"proto", "tcp"}, {"at", "127.0.0.1:9999"}});
  const std::string zh = say(Lang::zh, "runner.nothing-listens", {{"proto", "tcp"}, {"at", "127.0.0.1:9999"}});
  EXPECT_EQ(en, "nothing listens on tcp 127.0.0.1:9999");
  EXPECT_NE(zh.find("tcp 127.0.0.1:9999"), std::string::npos);
  EXPECT_EQ(zh.find("nothing"), std::string::npos);
  EXPECT_EQ(tr("passed", Lang::zh), "通过");
  EXPECT_EQ(tr("passed", Lang::en), "passed");
  EXPECT_THROW(say(Lang::en, "no.such.message"), std::logic_error);
  EXPECT_THROW(say(Lang::en, "runner.nothing-listens", {{"proto", "tcp"}}), std::logic_error);
}

// Every id the harness's sources pass to say() is in the catalogue: a typo would throw at run time.
TEST(messages, every_id_the_code_says_is_in_the_catalogue) {
  // Each literal between "say(" and the call's first brace or parenthesis: "a" in say("a", ...), both in
  // say(c ? "a" : "b", ...), not what c compares with. A literal ending in '.' is a prefix the code completes
  // ("runner.fault.").
  const std::regex literal(R"re("([^"]*)")re");
  std::size_t seen = 0;
  for (const auto& f : std::filesystem::directory_iterator(SOCKLAB_HARNESS_DIR)) {
    if (f.path().extension() != ".cpp" || f.path().filename() == "messages.cpp") continue;
    std::ifstream in(f.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto at = s.find("say("); at != std::string::npos; at = s.find("say(", at + 4)) {
      const auto end = s.find_first_of("{)", at + 4);
      const std::string head = s.substr(at + 4, end - at - 4);
      for (auto it = std::sregex_iterator(head.begin(), head.end(), literal); it != std::sregex_iterator(); ++it) {
        const std::string id = (*it)[1].str();
        const auto pos = static_cast<std::size_t>(it->position());
        const bool compared = pos >= 3 && head.compare(pos - 3, 3, "== ") == 0;  // what == "duplicated" ? ...
        if (id.empty() || id.back() == '.' || compared) continue;
        ++seen;
        EXPECT_TRUE(has_message(id)) << f.path().filename() << ": " << id;
      }
    }
  }
  EXPECT_GT(seen, 50u);
}

// Every id an event keeps for later (said_note, said_status, a link's tell) is in the catalogue too, and so
// is every error's (ParseError, SaidError): their ids are literals of their own families.
TEST(messages, every_id_an_event_keeps_is_in_the_catalogue) {
  const std::regex literal(
      R"re("((?:note|status|link|event|fault|scn|isolation|wrapper|grade|merge|shard|cli|html)\.(?!hpp")[a-z-]+)")re");
  std::size_t seen = 0;
  for (const auto& f : std::filesystem::directory_iterator(SOCKLAB_HARNESS_DIR)) {
    if (f.path().extension() != ".cpp" || f.path().filename() == "messages.cpp") continue;
    std::ifstream in(f.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (auto it = std::sregex_iterator(s.begin(), s.end(), literal); it != std::sregex_iterator(); ++it) {
      ++seen;
      EXPECT_TRUE(has_message((*it)[1].str())) << f.path().filename() << ": " << (*it)[1].str();
    }
  }
  EXPECT_GT(seen, 60u);
}

// What a scenario file's line was expected to hold ("expected a byte count") is a phrase of the catalogue:
// every one the parser names.
TEST(messages, every_phrase_the_scenario_parser_expects_is_in_the_catalogue) {
  std::ifstream in(std::filesystem::path(SOCKLAB_HARNESS_DIR) / "scenario.cpp");
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  const std::regex phrase(
      R"re(\b(?:(?:word|quoted|integer|data)\(|(?:datagram_index|file_path)\(p,\s*)"((?:[^"\\]|\\.)*)")re");
  std::size_t seen = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), phrase); it != std::sregex_iterator(); ++it) {
    std::string id = std::regex_replace((*it)[1].str(), std::regex(R"(\\")"), "\"");
    ++seen;
    EXPECT_TRUE(has_message(id)) << id;
  }
  EXPECT_GT(seen, 60u);
}
