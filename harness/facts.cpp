#include "facts.hpp"

#include <array>
#include <utility>

namespace socklab::harness {
namespace {

constexpr std::array<std::pair<Fact, const char*>, 16> kNames = {{
    {Fact::block_buffered, "block-buffered"},
    {Fact::nothing_listens, "nothing-listens"},
    {Fact::no_client_came, "no-client-came"},
    {Fact::refused, "refused"},
    {Fact::no_datagram, "no-datagram"},
    {Fact::crashed, "crashed"},
    {Fact::spaces_differ, "spaces-differ"},
    {Fact::missing_banner, "missing-banner"},
    {Fact::served_serially, "served-serially"},
    {Fact::waited_after_loss, "waited-after-loss"},
    {Fact::took_stale_reply, "took-stale-reply"},
    {Fact::cut_by_one_recv, "cut-by-one-recv"},
    {Fact::header_in_file, "header-in-file"},
    {Fact::no_prompt, "no-prompt"},
    {Fact::python2, "python2"},
    {Fact::not_utf8, "not-utf8"},
}};

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

}  // namespace

const char* to_string(Fact f) {
  for (const auto& [fact, name] : kNames) {
    if (fact == f) return name;
  }
  return "?";
}

std::optional<Fact> fact_named(std::string_view name) {
  for (const auto& [fact, n] : kNames) {
    if (name == n) return fact;
  }
  return std::nullopt;
}

const std::vector<Fact>& all_facts() {
  static const std::vector<Fact> all = [] {
    std::vector<Fact> v;
    for (const auto& [fact, name] : kNames) v.push_back(fact);
    return v;
  }();
  return all;
}

std::vector<Fact> facts_in_stderr(std::string_view err) {
  std::vector<Fact> out;
  if (has(err, "Missing parentheses in call to 'print'") || has(err, "raw_input") ||
      (has(err, "SyntaxError") && has(err, "print \""))) {
    out.push_back(Fact::python2);
  }
  if (has(err, "Non-UTF-8 code") || has(err, "SyntaxError: (unicode error)")) out.push_back(Fact::not_utf8);
  if (has(err, "Connection refused") || has(err, "ConnectionRefused")) out.push_back(Fact::refused);
  if (has(err, "Traceback")) out.push_back(Fact::crashed);
  return out;
}

}  // namespace socklab::harness
