#include "matcher.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <regex>

#include "python.hpp"
#include "text.hpp"

namespace socklab::harness {
namespace {

std::string regex_escape(std::string_view text) {
  static const std::string special = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : text) {
    if (special.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

// Capturing groups opened in an ECMAScript regex: '(' neither escaped, nor in a class, nor "(?".
std::size_t count_groups(std::string_view re) {
  std::size_t n = 0;
  bool in_class = false;
  for (std::size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\') {
      ++i;
    } else if (in_class) {
      in_class = re[i] != ']';
    } else if (re[i] == '[') {
      in_class = true;
    } else if (re[i] == '(' && (i + 1 >= re.size() || re[i + 1] != '?')) {
      ++n;
    }
  }
  return n;
}

struct NamedGroup {
  std::string name;
  std::size_t index;
};

// Turns a `~` line into an ECMAScript regex: [[NAME:re]] becomes a group, [[NAME]] the captured text.
std::string compile_pattern(const PatternLine& p, const Captures& captures, std::vector<NamedGroup>& names) {
  std::string out;
  std::size_t i = 0;
  while (i < p.text.size()) {
    const auto open = p.text.find("[[", i);
    if (open == std::string::npos) {
      out += p.text.substr(i);
      break;
    }
    out += p.text.substr(i, open - i);
    const auto close = p.text.find("]]", open);
    if (close == std::string::npos) throw ParseError(p.where, "scn.regex-unclosed");
    const std::string inner = p.text.substr(open + 2, close - open - 2);
    const auto colon = inner.find(':');
    if (colon == std::string::npos) {
      const auto same_line =
          std::find_if(names.begin(), names.end(), [&](const NamedGroup& g) { return g.name == inner; });
      const auto it = captures.find(inner);
      if (same_line != names.end()) {
        out += "\\" + std::to_string(same_line->index);  // captured earlier on this line: a back-reference
      } else if (it != captures.end()) {
        out += regex_escape(it->second);
      } else {
        throw ParseError(p.where, "scn.capture-before", {{"name", inner}});
      }
    } else {
      names.push_back({inner.substr(0, colon), count_groups(out) + 1});
      out += "(" + inner.substr(colon + 1) + ")";
    }
    i = close + 2;
  }
  return out;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

std::vector<std::string> complete_lines(std::string_view output, bool ended) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (;;) {
    const auto nl = output.find('\n', start);
    if (nl == std::string_view::npos) break;
    lines.emplace_back(output.substr(start, nl - start));
    start = nl + 1;
  }
  if (ended && start < output.size()) lines.emplace_back(output.substr(start));
  return lines;
}

bool line_matches(const PatternLine& pattern, const std::string& line, Captures& captures) {
  switch (pattern.kind) {
    case PatternLine::Kind::exact: return line == pattern.text;
    case PatternLine::Kind::glob: return glob_match(pattern.text, line);
    case PatternLine::Kind::regex: {
      // std::regex recurses once per character: a longer line (a program flooding one line) would
      // overflow the stack. No line the tutorial prints comes near the bound.
      if (line.size() > kRegexLineMax) return false;
      std::vector<NamedGroup> names;
      const std::string source = compile_pattern(pattern, captures, names);
      std::regex re;
      try {
        re = std::regex(source, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw ParseError(pattern.where, "scn.regex-bad", {{"why", e.what()}});
      }
      std::smatch m;
      if (!std::regex_match(line, m, re)) return false;
      for (const auto& g : names) captures[g.name] = m[g.index].str();
      return true;
    }
  }
  return false;
}

MatchResult match_groups(const std::vector<PatternGroup>& groups, const std::vector<std::string>& lines,
                         std::size_t from, bool ended, Captures& captures) {
  MatchResult r;
  std::size_t at = from;
  for (const auto& group : groups) {
    const std::size_t need = group.lines.size();
    if (lines.size() - std::min(lines.size(), at) < need) {
      if (!ended) {
        r.status = MatchResult::Status::need_more;
        return r;
      }
      r.status = MatchResult::Status::mismatch;
      r.failed = &group.lines[std::min(need - 1, lines.size() > at ? lines.size() - at : std::size_t{0})];
      r.actual = std::nullopt;
      r.actual_index = lines.size();
      return r;
    }
    if (!group.unordered) {
      if (!line_matches(group.lines[0], lines[at], captures)) {
        r.status = MatchResult::Status::mismatch;
        r.failed = &group.lines[0];
        r.actual = lines[at];
        r.actual_index = at;
        return r;
      }
      ++at;
      continue;
    }
    // Any order: find an assignment of the next `need` lines to the group's lines.
    std::vector<bool> used(need, false);
    std::function<bool(std::size_t, Captures&)> assign = [&](std::size_t k, Captures& caps) -> bool {
      if (k == need) return true;
      for (std::size_t j = 0; j < need; ++j) {
        if (used[j]) continue;
        Captures trial = caps;
        if (!line_matches(group.lines[j], lines[at + k], trial)) continue;
        used[j] = true;
        if (assign(k + 1, trial)) {
          caps = trial;
          return true;
        }
        used[j] = false;
      }
      return false;
    };
    if (!assign(0, captures)) {
      // Name the first actual line that no expected line of the group accepts.
      std::size_t bad = at;
      for (std::size_t k = 0; k < need; ++k) {
        Captures scratch = captures;
        const bool any = std::any_of(group.lines.begin(), group.lines.end(),
                                     [&](const PatternLine& p) { return line_matches(p, lines[at + k], scratch); });
        if (!any) {
          bad = at + k;
          break;
        }
      }
      r.status = MatchResult::Status::mismatch;
      r.failed = &group.lines[0];
      r.actual = lines[bad];
      r.actual_index = bad;
      return r;
    }
    at += need;
  }
  r.status = MatchResult::Status::matched;
  r.consumed = at - from;
  return r;
}

namespace {

// Characters that make a terminal do something, or make text read otherwise than it is: C1 controls
// (U+009B is CSI), the bidirectional controls, and the line and paragraph separators.
bool steers_terminal(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::string visible(std::string_view line) {
  auto hex_escape = [](unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[c >> 4] + kHex[c & 0xf];
  };
  std::string out = "\"";
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += hex_escape(c);
    } else if (c >= 0x80) {
      const int len = py::utf8_sequence_length(line, i);
      if (len < 0) {
        out += hex_escape(c);  // not UTF-8: shown as bytes, never passed on raw
      } else if (const char32_t cp = code_point(line.substr(i, static_cast<std::size_t>(len))); steers_terminal(cp)) {
        char u[16];
        std::snprintf(u, sizeof u, "\\u%04x", static_cast<unsigned>(cp));
        out += u;
        i += static_cast<std::size_t>(len) - 1;
      } else {
        out.append(line.substr(i, static_cast<std::size_t>(len)));
        i += static_cast<std::size_t>(len) - 1;
      }
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string describe_mismatch(const PatternLine& pattern, const std::optional<std::string>& actual,
                              const Captures& captures, Lang lang) {
  const std::string kind = pattern.kind == PatternLine::Kind::exact  ? std::string()
                           : pattern.kind == PatternLine::Kind::glob ? say(lang, "match.glob")
                                                                     : say(lang, "match.regex");
  std::string expected_text = pattern.text;
  if (pattern.kind == PatternLine::Kind::regex) {
    for (const auto& [name, value] : captures) {
      const std::string use = "[[" + name + "]]";
      for (auto pos = expected_text.find(use); pos != std::string::npos; pos = expected_text.find(use, pos)) {
        expected_text.replace(pos, use.size(), value);
        pos += value.size();
      }
    }
  }
  // Long lines are shown around their first difference, so that it stays on the screen.
  std::size_t first_diff = 0;
  if (actual) {
    while (first_diff < expected_text.size() && first_diff < actual->size() &&
           expected_text[first_diff] == (*actual)[first_diff]) {
      ++first_diff;
    }
  }
  const std::size_t from = first_diff > 60 ? first_diff - 40 : 0;
  auto window = [&](const std::string& text) {
    if (from == 0 && text.size() <= 160) return visible(text);
    const std::size_t start = previous_boundary(text, from);
    const std::size_t end = next_boundary(text, start + 100);
    std::string v = visible(text.substr(start, end - start));
    if (start > 0) v = "..." + v;
    if (end < text.size()) v += say(lang, "match.bytes-in-all", {{"bytes", std::to_string(text.size())}});
    return v;
  };
  std::string out = say(lang, "match.expected") + window(expected_text) + kind + "\n";
  if (!actual) return out + say(lang, "match.actual") + say(lang, "match.output-ended") + "\n";
  const std::string shown = window(*actual);
  out += say(lang, "match.actual") + shown + "\n";
  if (pattern.kind == PatternLine::Kind::exact) {
    const std::string want = window(expected_text);
    std::size_t i = 0;
    while (i < want.size() && i < shown.size() && want[i] == shown[i]) ++i;
    // Columns count characters, two for the wide ones (Chinese), so that the caret sits under the difference.
    const std::size_t col = display_width(std::string_view(shown).substr(0, next_boundary(shown, i)));
    out += std::string(10 + col, ' ') + say(lang, "match.first-difference") + "\n";
  }
  return out;
}

}  // namespace socklab::harness
