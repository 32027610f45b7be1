#include "scenario.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

namespace socklab::harness {

std::string EventSpec::to_string() const {
  std::string out = what == "wire" ? what : actor + " " + what;
  if (what == "closed") return out;
  out += " \"";
  for (const char c : text) {  // as it is written in a scenario
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string Location::to_string() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }

namespace {
MessageFields join(MessageFields a, const MessageFields& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

MessageFields error_at(const Location& w, const std::string& id, const MessageFields& fields) {
  MessageFields f = said_field("message", id, fields);
  f.emplace_back("where", w.to_string());
  return f;
}
}  // namespace

ParseError::ParseError(Location w, const std::string& id, const MessageFields& fields)
    : SaidError("runner.step-error", error_at(w, id, fields)), where(std::move(w)) {}

MessageFields ParseError::noun(const char* what) { return said_field("what", what); }

double Step::longest_s() const {
  if (const auto* s = as<steps::Sleep>()) return s->seconds;
  if (const auto* s = as<steps::ExpectSilence>()) return s->for_s;
  return within_s;
}

const std::string& Step::hint_in(Lang lang) const { return lang == Lang::zh && !hint_zh.empty() ? hint_zh : hint; }

const std::string& Scenario::title_in(Lang lang) const {
  return lang == Lang::zh && !title_zh.empty() ? title_zh : title;
}

bool Scenario::involves(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<std::string>& known_tags() {
  static const std::vector<std::string> tags = {"core", "robustness", "transcript"};
  return tags;
}

namespace {

struct Token {
  std::string text;
  int col = 1;
  bool quoted = false;
};

class LineParser {
 public:
  LineParser(std::vector<Token> tokens, Location where) : tokens_(std::move(tokens)), where_(std::move(where)) {}

  [[nodiscard]] bool done() const { return pos_ >= tokens_.size(); }
  [[nodiscard]] const Token* peek() const { return done() ? nullptr : &tokens_[pos_]; }

  [[noreturn]] void fail(const std::string& id, MessageFields fields = {}) const {
    Location at = where_;
    at.col = done() ? (tokens_.empty() ? 1 : tokens_.back().col + static_cast<int>(tokens_.back().text.size()))
                    : tokens_[pos_].col;
    throw ParseError(at, id, std::move(fields));
  }

  // `what` (a phrase of the catalogue) and the fields `more`, for a message that names what was expected.
  static MessageFields about(const char* what, const MessageFields& more = {}) {
    return join(ParseError::noun(what), more);
  }

  std::string word(const char* what) {
    if (done()) fail("scn.expected", about(what));
    return tokens_[pos_++].text;
  }

  std::string quoted(const char* what) {
    if (done() || !tokens_[pos_].quoted) fail("scn.expected-quoted", about(what));
    return tokens_[pos_++].text;
  }

  bool accept(std::string_view keyword) {
    if (done() || tokens_[pos_].quoted || tokens_[pos_].text != keyword) return false;
    ++pos_;
    return true;
  }

  void expect_keyword(std::string_view keyword) {
    if (!accept(keyword)) fail("scn.expected-keyword", {{"keyword", std::string(keyword)}});
  }

  long integer(const char* what, long lo, long hi) {
    const std::string t = word(what);
    long v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || p != t.data() + t.size() || v < lo || v > hi) {
      --pos_;
      fail("scn.expected-number", about(what, {{"lo", std::to_string(lo)}, {"hi", std::to_string(hi)}, {"got", t}}));
    }
    return v;
  }

  double duration() {
    const std::string t = word("a duration such as 2s or 500ms");
    double scale = 1;
    std::string number = t;
    if (t.size() > 2 && t.ends_with("ms")) {
      scale = 0.001;
      number = t.substr(0, t.size() - 2);
    } else if (t.size() > 1 && t.ends_with("s")) {
      number = t.substr(0, t.size() - 1);
    } else {
      --pos_;
      fail("scn.expected-duration", {{"got", t}});
    }
    double v = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
    if (ec != std::errc{} || p != number.data() + number.size() || v < 0 || v > 3600) {
      --pos_;
      fail("scn.duration-range", {{"got", t}});
    }
    return v * scale;
  }

  Endpoint endpoint() {
    const std::string t = word("HOST:PORT");
    const auto colon = t.rfind(':');
    Endpoint e;
    long port = 0;
    if (colon != std::string::npos) {
      e.host = t.substr(0, colon);
      if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']')
        e.host = e.host.substr(1, e.host.size() - 2);
      auto [p, ec] = std::from_chars(t.data() + colon + 1, t.data() + t.size(), port);
      if (ec != std::errc{} || p != t.data() + t.size()) port = 0;
    }
    if (colon == std::string::npos || e.host.empty() || port < 1 || port > 65535) {
      --pos_;
      fail("scn.expected-endpoint", {{"got", t}});
    }
    e.port = static_cast<std::uint16_t>(port);
    return e;
  }

  /// Bytes: pieces joined by '+', each "a literal", random N (the same N bytes every run),
  /// repeated N "piece", or all-bytes (0 to 255).
  std::string data(const char* what) {
    std::string out = data_piece(what);
    while (accept("+")) {
      out += data_piece(what);
      if (out.size() > (64u << 20)) fail("scn.too-much-data");
    }
    return out;
  }

  std::string data_piece(const char* what) {
    if (accept("random")) {
      const long n = integer("a byte count", 1, 64L << 20);
      std::string out(static_cast<std::size_t>(n), '\0');
      std::uint32_t x = 2463534242u;  // xorshift32 with a fixed seed
      for (auto& c : out) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>(x & 0xff);
      }
      return out;
    }
    if (accept("repeated")) {
      const long n = integer("a count", 1, 64L << 20);
      const std::string piece = quoted("the bytes to repeat");
      if (piece.empty() || piece.size() * static_cast<std::size_t>(n) > (64u << 20)) fail("scn.too-much-data");
      std::string out;
      out.reserve(piece.size() * static_cast<std::size_t>(n));
      for (long i = 0; i < n; ++i) out += piece;
      return out;
    }
    if (accept("all-bytes")) {
      std::string out(256, '\0');
      for (int i = 0; i < 256; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>(i);
      return out;
    }
    return quoted(what);
  }

  // Optional "within D" and "not before D", in any order.
  void bounds(Step& step) {
    for (;;) {
      if (accept("within")) {
        step.within_s = duration();
      } else if (accept("not")) {
        expect_keyword("before");
        step.not_before_s = duration();
      } else {
        return;
      }
    }
  }

  /// Steps back over the last word, so that an error points at it.
  void back() {
    if (pos_ > 0) --pos_;
  }

  void end() {
    if (!done()) fail("scn.unexpected", {{"word", tokens_[pos_].text}});
  }

 private:
  std::vector<Token> tokens_;
  Location where_;
  std::size_t pos_ = 0;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A word with {A..B} stands for B-A+1 words: c{1..3} is c1 c2 c3.
std::vector<Token> expand_ranges(std::vector<Token> tokens, const Location& where) {
  std::vector<Token> out;
  for (auto& t : tokens) {
    const auto open = t.text.find('{');
    const auto dots = t.text.find("..", open == std::string::npos ? 0 : open);
    const auto close = t.text.find('}', dots == std::string::npos ? 0 : dots);
    if (t.quoted || open == std::string::npos || dots == std::string::npos || close == std::string::npos) {
      out.push_back(std::move(t));
      continue;
    }
    int a = 0, b = 0;
    const auto ra = std::from_chars(t.text.data() + open + 1, t.text.data() + dots, a);
    const auto rb = std::from_chars(t.text.data() + dots + 2, t.text.data() + close, b);
    Location at = where;
    at.col = t.col;
    if (ra.ec != std::errc{} || rb.ec != std::errc{} || ra.ptr != t.text.data() + dots ||
        rb.ptr != t.text.data() + close || a > b || b - a >= 1000) {
      throw ParseError(at, "scn.bad-range", {{"got", t.text}});
    }
    for (int i = a; i <= b; ++i) {
      out.push_back({t.text.substr(0, open) + std::to_string(i) + t.text.substr(close + 1), t.col, false});
    }
  }
  return out;
}

// Words and "quoted strings" (escapes \\ \" \r \n \t \0 \xHH); # starts a comment between tokens.
std::vector<Token> tokenize(std::string_view line, const Location& where) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
      ++i;
      continue;
    }
    if (line[i] == '#') break;
    Token t;
    t.col = static_cast<int>(i) + 1;
    if (line[i] == '"') {
      t.quoted = true;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          t.text += c;
          continue;
        }
        Location at = where;
        at.col = static_cast<int>(i);
        if (i >= line.size()) throw ParseError(at, "scn.backslash-at-end");
        const char e = line[i++];
        switch (e) {
          case '\\': t.text += '\\'; break;
          case '"': t.text += '"'; break;
          case 'r': t.text += '\r'; break;
          case 'n': t.text += '\n'; break;
          case 't': t.text += '\t'; break;
          case '0': t.text += '\0'; break;
          case 'x': {
            const int hi = i < line.size() ? hex_value(line[i]) : -1;
            const int lo = i + 1 < line.size() ? hex_value(line[i + 1]) : -1;
            if (hi < 0 || lo < 0) throw ParseError(at, "scn.bad-hex");
            t.text += static_cast<char>(hi * 16 + lo);
            i += 2;
            break;
          }
          default: throw ParseError(at, "scn.unknown-escape", {{"escape", std::string(1, e)}});
        }
      }
      if (!closed) {
        Location at = where;
        at.col = t.col;
        throw ParseError(at, "scn.string-not-closed");
      }
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') t.text += line[i++];
    }
    tokens.push_back(std::move(t));
  }
  return expand_ranges(std::move(tokens), where);
}

bool is_pattern_line(std::string_view trimmed) {
  return !trimmed.empty() &&
         (trimmed[0] == '|' || trimmed[0] == '~' || trimmed[0] == '*' || trimmed[0] == '{' || trimmed[0] == '}');
}

bool valid_actor(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

class ScenarioParser {
 public:
  ScenarioParser(std::string_view text, const std::string& path) : text_(text) { scenario_.path = path; }

  Scenario parse() {
    std::vector<SourceLine> source;
    std::size_t start = 0;
    int number = 0;
    while (start <= text_.size()) {
      std::size_t end = text_.find('\n', start);
      if (end == std::string_view::npos) end = text_.size();
      source.push_back({++number, std::string(text_.substr(start, end - start))});
      start = end + 1;
    }
    std::size_t at = 0;
    bool closed = false;
    const auto lines = expand_repeats(source, at, 0, closed);
    bool in_group = false;
    int line_no = 0;
    for (const auto& [source_line, text] : lines) {
      line_no = source_line;
      std::string_view line = text;
      Location where{scenario_.path, line_no, 1};
      const auto first = line.find_first_not_of(" \t");
      std::string_view trimmed = first == std::string_view::npos ? std::string_view{} : line.substr(first);
      if (is_pattern_line(trimmed)) {
        where.col = static_cast<int>(first) + 1;
        pattern_line(trimmed, where, in_group);
        continue;
      }
      if (in_group) throw ParseError(where, "scn.group-not-closed");
      directive(tokenize(line, where), where);
    }
    if (in_group) throw ParseError({scenario_.path, line_no, 1}, "scn.group-not-closed-at-end");
    finish();
    return std::move(scenario_);
  }

 private:
  struct SourceLine {
    int number;
    std::string text;
  };

  // Copies `repeat N` … `end` bodies N times, {n} in them becoming 1 … N. Returns at an `end` (consumed,
  // `closed` set) or at the end of the file.
  std::vector<SourceLine> expand_repeats(const std::vector<SourceLine>& source, std::size_t& at, int depth,
                                         bool& closed) {
    std::vector<SourceLine> out;
    closed = false;
    while (at < source.size()) {
      const SourceLine& l = source[at];
      const Location where{scenario_.path, l.number, 1};
      const auto tokens = is_pattern_line(trimmed(l.text)) ? std::vector<Token>{} : tokenize(l.text, where);
      const std::string head = tokens.empty() || tokens[0].quoted ? "" : tokens[0].text;
      if (head == "end") {
        if (depth == 0) throw ParseError(where, "scn.end-without-repeat");
        if (tokens.size() > 1) throw ParseError(where, "scn.end-alone");
        ++at;
        closed = true;
        return out;
      }
      if (head != "repeat") {
        out.push_back(l);
        ++at;
        continue;
      }
      LineParser p(tokens, where);
      p.word("repeat");
      const long n = p.integer("a repeat count", 1, 1000);
      p.end();
      if (depth >= 4) throw ParseError(where, "scn.repeat-depth");
      ++at;
      bool body_closed = false;
      const auto body = expand_repeats(source, at, depth + 1, body_closed);
      if (!body_closed) throw ParseError(where, "scn.repeat-without-end");
      if (body.size() * static_cast<std::size_t>(n) + out.size() > 100000) {
        throw ParseError(where, "scn.repeat-too-long");
      }
      for (long i = 1; i <= n; ++i) {
        for (SourceLine copy : body) {
          for (auto pos = copy.text.find("{n}"); pos != std::string::npos; pos = copy.text.find("{n}", pos)) {
            copy.text.replace(pos, 3, std::to_string(i));
          }
          out.push_back(std::move(copy));
        }
      }
    }
    return out;
  }

  static std::string_view trimmed(std::string_view line) {
    const auto first = line.find_first_not_of(" \t");
    return first == std::string_view::npos ? std::string_view{} : line.substr(first);
  }

  // The expected lines of an `expect ACTOR stdout|stderr|received`, or nullptr for any other step.
  static std::vector<PatternGroup>* patterns_of(Step& step) {
    if (auto* o = std::get_if<steps::ExpectOutput>(&step.action)) return &o->patterns;
    if (auto* r = std::get_if<steps::ExpectReceived>(&step.action)) return &r->patterns;
    return nullptr;
  }

  void pattern_line(std::string_view trimmed, const Location& where, bool& in_group) {
    std::vector<PatternGroup>* patterns = scenario_.steps.empty() ? nullptr : patterns_of(scenario_.steps.back());
    if (patterns == nullptr) {
      throw ParseError(where, "scn.pattern-out-of-place");
    }
    auto& groups = *patterns;
    const char marker = trimmed[0];
    if (marker == '{') {
      if (in_group) throw ParseError(where, "scn.groups-nest");
      in_group = true;
      groups.push_back({{}, true});
      return;
    }
    if (marker == '}') {
      if (!in_group) throw ParseError(where, "scn.close-without-open");
      if (groups.back().lines.empty()) throw ParseError(where, "scn.empty-group");
      in_group = false;
      return;
    }
    PatternLine p;
    p.kind = marker == '|'   ? PatternLine::Kind::exact
             : marker == '~' ? PatternLine::Kind::regex
                             : PatternLine::Kind::glob;
    std::string_view rest = trimmed.substr(1);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
    p.text = std::string(rest);
    p.where = where;
    if (in_group) {
      groups.back().lines.push_back(std::move(p));
    } else {
      groups.push_back({{std::move(p)}, false});
    }
  }

  using HeaderParse = void (ScenarioParser::*)(LineParser&, const Location&);
  using StepParse = StepAction (ScenarioParser::*)(LineParser&, Step&);

  // A line of the scenario: a directive about the whole scenario, or a step (with the hint before it).
  void directive(std::vector<Token> tokens, const Location& where) {
    if (tokens.empty()) return;
    LineParser p(std::move(tokens), where);
    head_ = *p.peek();
    if (head_.quoted) p.fail("scn.string-first");
    const std::string d = p.word("a directive");
    static const std::map<std::string_view, HeaderParse> headers = {
        {"title", &ScenarioParser::title_directive},       {"title.zh", &ScenarioParser::title_directive},
        {"hint.zh", &ScenarioParser::hint_zh_directive},   {"roles", &ScenarioParser::roles_directive},
        {"tags", &ScenarioParser::tags_directive},         {"hint", &ScenarioParser::hint_directive},
        {"requires", &ScenarioParser::requires_directive}, {"host", &ScenarioParser::host_directive},
        {"limit", &ScenarioParser::limit_directive},       {"seed", &ScenarioParser::seed_directive},
        {"link", &ScenarioParser::link_directive},         {"fault", &ScenarioParser::fault_directive},
        {"points", &ScenarioParser::points_directive}};
    if (const auto it = headers.find(d); it != headers.end()) {
      (this->*it->second)(p, where);
      return;
    }
    static const std::map<std::string_view, StepParse> kinds = {
        {"start", &ScenarioParser::start_step},   {"wait", &ScenarioParser::wait_step},
        {"type", &ScenarioParser::type_step},     {"close", &ScenarioParser::close_step},
        {"reset", &ScenarioParser::reset_step},   {"stop", &ScenarioParser::stop_step},
        {"show", &ScenarioParser::show_step},     {"keep", &ScenarioParser::keep_step},
        {"expect", &ScenarioParser::expect_step}, {"connect", &ScenarioParser::connect_step},
        {"listen", &ScenarioParser::listen_step}, {"accept", &ScenarioParser::accept_step},
        {"udp", &ScenarioParser::udp_step},       {"reply", &ScenarioParser::reply_step},
        {"send", &ScenarioParser::send_step},     {"sendto", &ScenarioParser::sendto_step},
        {"recv", &ScenarioParser::recv_step},     {"recvfrom", &ScenarioParser::recvfrom_step},
        {"run", &ScenarioParser::run_step},       {"sleep", &ScenarioParser::sleep_step}};
    const auto it = kinds.find(d);
    if (it == kinds.end()) unknown_directive(d, where);
    Step step;
    step.where = where;
    step.action = (this->*it->second)(p, step);
    p.end();
    step.hint = std::exchange(pending_hint_, {});
    step.hint_zh = std::exchange(pending_hint_zh_, {});
    step.hint_fact = std::exchange(pending_fact_, std::nullopt);
    scenario_.steps.push_back(std::move(step));
  }

  [[noreturn]] void unknown_directive(const std::string& d, Location at) const {
    at.col = head_.col;
    throw ParseError(at, "scn.unknown-directive",
                     join({{"directive", d}},
                          listed("known",
                                 "title title.zh roles tags points requires host limit seed link fault hint hint.zh "
                                 "repeat end start run wait type close reset stop expect show keep connect listen "
                                 "accept udp send sendto reply recv recvfrom sleep")));
  }

  void title_directive(LineParser& p, const Location&) {  // title TEXT, title.zh TEXT
    std::string title;
    while (!p.done()) title += (title.empty() ? "" : " ") + p.word("text");
    (head_.text == "title" ? scenario_.title : scenario_.title_zh) = title;
  }

  void roles_directive(LineParser& p, const Location& where) {
    while (!p.done()) {
      const Token* t = p.peek();
      const std::string role = p.word("a role");
      const auto& roles = known_roles();
      if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
        Location at = where;
        at.col = t->col;
        throw ParseError(at, "scn.unknown-role-of", join(MessageFields{{"role", role}}, listed("known", role_list())));
      }
      scenario_.roles.push_back(role);
    }
    if (scenario_.roles.empty()) p.fail("scn.roles-empty");
  }

  void tags_directive(LineParser& p, const Location&) {
    while (!p.done()) scenario_.tags.push_back(p.word("a tag"));
  }

  // hint [FACT] "TEXT": the text for the student, and the known mistake it names
  void hint_directive(LineParser& p, const Location&) {
    pending_fact_.reset();
    if (const Token* t = p.peek(); t != nullptr && !t->quoted) {
      pending_fact_ = fact_named(t->text);
      if (!pending_fact_) {
        std::string known;
        for (const Fact f : all_facts()) known += std::string(known.empty() ? "" : " ") + to_string(f);
        p.fail("scn.unknown-fact", join({{"fact", t->text}}, listed("known", known)));
      }
      p.word("a fact");
    }
    pending_hint_ = p.quoted("the advice to give when the next step fails");
    pending_hint_zh_.clear();
    p.end();
  }

  // hint.zh "TEXT": the hint before it, in Chinese
  void hint_zh_directive(LineParser& p, const Location&) {
    if (pending_hint_.empty()) p.fail("scn.hint-zh-alone");
    pending_hint_zh_ = p.quoted("the hint before it, in Chinese");
    p.end();
  }

  void requires_directive(LineParser& p, const Location&) {
    if (p.accept("installed")) {
      scenario_.needs_installed.push_back(p.word("a program's name"));
    } else if (p.accept("namespaces")) {
      scenario_.needs_namespaces = true;
    } else {
      p.fail("scn.requires");
    }
    p.end();
  }

  void host_directive(LineParser& p, const Location&) {
    const std::string name = p.word("a host name");
    p.end();
    scenario_.hosts.push_back(name);
  }

  void limit_directive(LineParser& p, const Location& where) {
    const std::string what = p.word("cpu, memory, processes, file-size, open-files or output");
    const long v = p.integer("a limit", 1, 1L << 40);
    p.end();
    auto& l = scenario_.limits;
    if (what == "cpu")
      l.cpu_s = v;
    else if (what == "memory")
      l.memory_bytes = l.data_bytes = v;
    else if (what == "processes")
      l.processes = v;
    else if (what == "file-size")
      l.file_bytes = v;
    else if (what == "open-files")
      l.open_files = v;
    else if (what == "output")
      l.output_cap = static_cast<std::size_t>(v);
    else
      throw ParseError(where, "scn.unknown-limit", {{"limit", what}});
  }

  void seed_directive(LineParser& p, const Location&) {
    scenario_.seed = static_cast<std::uint64_t>(p.integer("a seed", 0, 1L << 62));
    p.end();
  }

  void points_directive(LineParser& p, const Location&) {
    scenario_.points = static_cast<int>(p.integer("points", 0, 1000));
    p.end();
  }

  StepAction start_step(LineParser& p, Step& step) {
    steps::Start s;
    step.actors.push_back(actor(p, false));
    s.role = p.word("a role");
    const auto& roles = known_roles();
    if (std::find(roles.begin(), roles.end(), s.role) == roles.end()) p.fail("scn.unknown-role", {{"role", s.role}});
    if (p.accept("at")) s.at = p.endpoint();
    if (p.accept("behind")) {
      s.behind = p.word("a link's name");
      p.back();
      if (find_link(s.behind) == nullptr) p.fail("scn.no-link", {{"link", s.behind}});
      p.word("a link's name");
    }
    processes_.push_back(step.actors.back());
    return s;
  }

  // wait ACTOR listening tcp|udp HOST:PORT, or wait ACTOR... exit N|any, or wait ACTOR... killed SIGNAME
  StepAction wait_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    StepAction action;
    if (p.accept("listening")) {
      steps::Listening l;
      l.proto = p.word("tcp or udp");
      if (l.proto != "tcp" && l.proto != "udp") p.fail("scn.tcp-or-udp");
      l.endpoint = p.endpoint();
      action = l;
    } else {
      while (!p.done() && !p.peek()->quoted && p.peek()->text != "exit" && p.peek()->text != "killed") {
        step.actors.push_back(actor(p, true));
      }
      action = exit_condition(p);
    }
    p.bounds(step);
    return action;
  }

  static steps::Exited exit_condition(LineParser& p) {
    steps::Exited e;
    if (!p.accept("killed")) {
      p.expect_keyword("exit");
      if (!p.accept("any")) e.exit_code = static_cast<int>(p.integer("an exit code or 'any'", 0, 255));
      return e;
    }
    const std::string name = p.word("a signal name such as SIGSEGV");
    static const std::vector<std::pair<std::string, int>> signals = {
        {"SIGHUP", 1},   {"SIGINT", 2},   {"SIGQUIT", 3},  {"SIGILL", 4},   {"SIGABRT", 6},
        {"SIGBUS", 7},   {"SIGFPE", 8},   {"SIGKILL", 9},  {"SIGSEGV", 11}, {"SIGPIPE", 13},
        {"SIGALRM", 14}, {"SIGTERM", 15}, {"SIGXCPU", 24}, {"SIGXFSZ", 25}};
    const auto it = std::find_if(signals.begin(), signals.end(), [&](const auto& kv) { return kv.first == name; });
    if (it == signals.end()) {
      p.back();
      p.fail("scn.unknown-signal", {{"signal", name}});
    }
    e.killed_by = it->second;
    return e;
  }

  StepAction type_step(LineParser& p, Step& step) {
    steps::Type t;
    step.actors.push_back(actor(p, true));
    if (p.accept("after")) t.prompt = p.quoted("the prompt to wait for");
    t.data = p.quoted("the line to type");
    p.bounds(step);
    return t;
  }

  StepAction close_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    if (p.accept("stdin")) return steps::CloseStdin{};
    return steps::ClosePeer{};
  }

  StepAction reset_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    return steps::ClosePeer{true};
  }

  StepAction stop_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    return steps::Stop{};
  }

  // A file's path after `file`: relative, inside its folder.
  static std::string file_path(LineParser& p, const char* what, const char* inside) {
    std::string path = p.quoted(what);
    if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos) p.fail(inside);
    return path;
  }

  StepAction show_step(LineParser& p, Step& step) {
    if (!p.accept("file")) unknown_directive("show", step.where);
    steps::ShowFile s;
    s.path = file_path(p, "the file's path, relative to the scenario's folder", "scn.path-outside-folder");
    if (p.accept("lines")) s.lines = static_cast<std::size_t>(p.integer("a number of lines", 1, 1000));
    return s;
  }

  StepAction keep_step(LineParser& p, Step& step) {
    if (!p.accept("file")) unknown_directive("keep", step.where);
    return steps::KeepFile{
        file_path(p, "the file's path, relative to the helper tools' folder", "scn.path-outside-folder")};
  }

  // expect file ..., expect overlap ..., expect A before B, expect ACTOR stdout|stderr|received|closed|nothing
  StepAction expect_step(LineParser& p, Step& step) {
    if (p.accept("file")) {
      steps::ExpectFile f;
      f.path = file_path(p, "the file's path, relative to the scenario's folder", "scn.path-outside-scenario");
      f.data = p.data("the file's bytes");
      p.bounds(step);
      return f;
    }
    if (p.peek() != nullptr && !p.peek()->quoted && p.peek()->text == "overlap" && !is_actor("overlap")) {
      p.word("overlap");
      return overlap_directive(p, step);
    }
    if (wire_next(p)) return order_directive(p, step);  // expect wire "A → B FIN" before ...
    step.actors.push_back(actor(p, true));
    StepAction action;
    if (order_follows(p)) {
      p.back();
      action = order_directive(p, step);
      if (step.not_before_s) p.fail("scn.not-before-order");
    } else if (p.accept("received")) {
      action = steps::ExpectReceived{};
    } else if (p.accept("nothing")) {
      p.expect_keyword("for");
      action = steps::ExpectSilence{p.duration()};
    } else if (p.accept("closed")) {
      action = steps::ExpectClosed{};
    } else {
      steps::ExpectOutput o;
      o.stream = p.word("stdout, stderr, received or closed");
      if (o.stream != "stdout" && o.stream != "stderr") p.fail("scn.expected-stream");
      action = o;
    }
    p.bounds(step);
    return action;
  }

  // After `expect ACTOR`: whether `stdout "LINE" before ...` follows (an order, not expected lines).
  static bool order_follows(LineParser& p) {
    const Token* t = p.peek();
    if (t == nullptr || t->quoted) return false;
    p.word("a stream");
    const Token* next = p.peek();
    p.back();
    if (next == nullptr) return false;
    return t->text == "closed" ? !next->quoted && next->text == "before"
                               : (t->text == "stdout" || t->text == "stderr" || t->text == "received") && next->quoted;
  }

  // connect ACTOR tcp HOST:PORT and listen ACTOR tcp HOST:PORT: a new peer and its address.
  Endpoint tcp_peer(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, false));
    if (p.word("tcp") != "tcp") p.fail("scn.expected-tcp");
    const Endpoint e = p.endpoint();
    peers_.push_back(step.actors.back());
    return e;
  }

  StepAction connect_step(LineParser& p, Step& step) { return steps::Connect{tcp_peer(p, step)}; }
  StepAction listen_step(LineParser& p, Step& step) { return steps::Listen{tcp_peer(p, step)}; }

  StepAction accept_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    p.bounds(step);
    return steps::Accept{};
  }

  StepAction udp_step(LineParser& p, Step& step) {
    steps::UdpOpen u;
    step.actors.push_back(actor(p, false));
    if (p.accept("bind")) u.at = p.endpoint();
    peers_.push_back(step.actors.back());
    return u;
  }

  StepAction reply_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    return steps::Reply{p.data("the datagram to answer with")};
  }

  StepAction send_step(LineParser& p, Step& step) {
    steps::Send s;
    step.actors.push_back(actor(p, true));
    s.data = p.data("the bytes to send");
    if (p.accept("in")) {
      p.expect_keyword("slices");
      p.expect_keyword("of");
      s.slice = static_cast<std::size_t>(p.integer("a slice size in bytes", 1, 1L << 20));
      if (p.accept("pause")) s.slice_pause_s = p.duration();
    }
    return s;
  }

  StepAction sendto_step(LineParser& p, Step& step) {
    steps::SendTo s;
    step.actors.push_back(actor(p, true));
    s.endpoint = p.endpoint();
    s.data = p.data("the datagram to send");
    return s;
  }

  StepAction recv_step(LineParser& p, Step& step) {
    step.actors.push_back(actor(p, true));
    StepAction action;
    if (p.accept("until")) {
      action = steps::RecvUntil{p.quoted("the bytes that end what is received")};
    } else {
      action = steps::Recv{p.data("the bytes expected")};
    }
    p.bounds(step);
    return action;
  }

  StepAction recvfrom_step(LineParser& p, Step& step) {
    steps::RecvFrom r;
    step.actors.push_back(actor(p, true));
    if (p.accept("any")) {
      r.any_data = true;
    } else {
      r.data = p.data("the bytes expected");
    }
    p.bounds(step);
    return r;
  }

  StepAction run_step(LineParser& p, Step& step) {
    steps::RunTool r;
    step.actors.push_back(actor(p, false));
    if (p.accept("if")) {
      p.expect_keyword("installed");
      r.if_installed = true;
    }
    p.expect_keyword("--");
    while (!p.done()) r.argv.push_back(p.word("a command"));
    if (r.argv.empty()) p.fail("scn.no-command");
    processes_.push_back(step.actors.back());
    return r;
  }

  StepAction sleep_step(LineParser& p, Step&) { return steps::Sleep{p.duration()}; }
  LinkSpec* find_link(const std::string& name) {
    for (auto& l : scenario_.links) {
      if (l.name == name) return &l;
    }
    return nullptr;
  }

  // link NAME udp|tcp HOST:PORT
  void link_directive(LineParser& p, const Location& where) {
    LinkSpec l;
    l.name = p.word("the link's name");
    p.back();
    if (!valid_actor(l.name)) p.fail("scn.bad-name", {{"name", l.name}});
    if (find_link(l.name) != nullptr) p.fail("scn.link-twice", {{"link", l.name}});
    p.word("the link's name");
    l.proto = p.word("udp or tcp");
    if (l.proto != "udp" && l.proto != "tcp") {
      p.back();
      p.fail("scn.tcp-or-udp");
    }
    const Endpoint e = p.endpoint();
    p.end();
    l.host = e.host;
    l.port = e.port;
    for (const auto& other : scenario_.links) {
      if (other.proto == l.proto && other.port == l.port) {
        throw ParseError(where, "scn.two-links", {{"proto", l.proto}, {"port", std::to_string(l.port)}});
      }
    }
    scenario_.links.push_back(std::move(l));
    scenario_.needs_namespaces = true;  // the server binds the same address on the far side
  }

  static Direction direction(LineParser& p, bool plural) {
    if (p.accept(plural ? "requests" : "request")) return Direction::request;
    if (p.accept(plural ? "replies" : "reply")) return Direction::reply;
    p.fail(plural ? "scn.requests-or-replies" : "scn.request-or-reply");
  }

  static double rate(LineParser& p) {
    std::string t = p.word("a loss rate such as 0.3 or 30%");
    double scale = 1;
    if (!t.empty() && t.back() == '%') {
      t.pop_back();
      scale = 0.01;
    }
    double v = -1;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    v *= scale;
    if (ec != std::errc{} || end != t.data() + t.size() || v < 0 || v > 1) {
      p.back();
      p.fail("scn.loss-rate");
    }
    return v;
  }

  // fault LINK ...: what the link does (the language is in scenarios/README.md).
  void fault_directive(LineParser& p, const Location&) {
    const std::string name = p.word("a link's name");
    LinkSpec* l = find_link(name);
    if (l == nullptr) {
      p.back();
      p.fail("scn.no-link-for-fault", {{"link", name}});
    }
    const std::string what = p.word("a fault");
    const bool is_udp = l->proto == "udp";
    const bool udp_fault = what == "drop" || what == "duplicate" || what == "hold" || what == "swap" ||
                           what == "loss" || (what == "delay" && is_udp);
    const bool tcp_fault = what == "slice" || what == "delay" || what == "reset" || what == "half-close";
    if (!udp_fault && !tcp_fault) {
      p.back();
      p.fail("scn.unknown-fault", join(join({{"fault", what}}, listed("udp", "drop duplicate hold swap delay loss")),
                                       listed("tcp", "slice delay reset half-close")));
    }
    if (udp_fault != is_udp) {
      p.back();
      p.fail("scn.fault-of-other-links",
             {{"fault", what}, {"proto", udp_fault ? "udp" : "tcp"}, {"link", name}, {"its", l->proto}});
    }
    if (what == "loss") {
      loss_rule(p, *l);
    } else if (udp_fault) {
      add_udp_fault(p, *l, what == "swap" ? swap_fault(p) : datagram_fault(p, what));
    } else {
      add_tcp_fault(p, *l, tcp_fault_of(p, what));
    }
    p.end();
  }

  static int datagram_index(LineParser& p, const char* which) { return static_cast<int>(p.integer(which, 1, 1000000)); }

  // drop|duplicate|hold|delay request|reply N [until request|reply M] [by D]
  static UdpFault datagram_fault(LineParser& p, const std::string& what) {
    UdpFault f;
    f.kind = what == "drop"        ? UdpFault::Kind::drop
             : what == "duplicate" ? UdpFault::Kind::duplicate
             : what == "hold"      ? UdpFault::Kind::hold
                                   : UdpFault::Kind::delay;
    f.dir = direction(p, false);
    f.index = datagram_index(p, "the datagram's number (1 for the first)");
    if (f.kind == UdpFault::Kind::hold) {
      p.expect_keyword("until");
      direction(p, false) == f.dir ? void() : p.fail("scn.hold-same-direction");
      f.until = datagram_index(p, "the later datagram's number");
      if (f.until <= f.index) p.fail("scn.hold-later");
    }
    if (f.kind == UdpFault::Kind::delay) {
      p.expect_keyword("by");
      f.delay_s = p.duration();
    }
    return f;
  }

  // swap requests|replies N and M: the first held until the second has gone
  static UdpFault swap_fault(LineParser& p) {
    UdpFault f;
    f.kind = UdpFault::Kind::hold;
    f.dir = direction(p, true);
    f.index = datagram_index(p, "the first datagram's number");
    p.expect_keyword("and");
    f.until = datagram_index(p, "the second datagram's number");
    if (f.until <= f.index) p.fail("scn.swap-order");
    return f;
  }

  static void add_udp_fault(LineParser& p, LinkSpec& l, const UdpFault& f) {
    for (const auto& g : l.udp) {
      if (g.dir == f.dir && g.index == f.index) p.fail("scn.datagram-fault-twice");
    }
    l.udp.push_back(f);
  }

  // loss RATE [requests|replies] [max N in a row]
  static void loss_rule(LineParser& p, LinkSpec& l) {
    if (l.loss) p.fail("scn.loss-twice");
    LossRule r;
    r.rate = rate(p);
    if (p.accept("requests")) {
      r.replies = false;
    } else if (p.accept("replies")) {
      r.requests = false;
    }
    if (p.accept("max")) {
      r.max_in_a_row = static_cast<int>(p.integer("how many drops in a row at most", 1, 1000));
      p.expect_keyword("in");
      p.expect_keyword("a");
      p.expect_keyword("row");
    }
    l.loss = r;
  }

  // slice|delay|reset|half-close ... [on connection N]
  static TcpFault tcp_fault_of(LineParser& p, const std::string& what) {
    TcpFault f;
    if (what == "slice") {
      f.kind = TcpFault::Kind::slice;
      f.dir = direction(p, true);
      f.size = static_cast<std::size_t>(p.integer("the bytes per write", 1, 1L << 20));
      if (p.accept("pause")) f.pause_s = p.duration();
    } else if (what == "delay") {
      f.kind = TcpFault::Kind::delay;
      f.dir = direction(p, true);
      p.expect_keyword("by");
      f.delay_s = p.duration();
    } else if (what == "reset") {
      f.kind = TcpFault::Kind::reset;
      p.expect_keyword("after");
      f.after_bytes = static_cast<std::size_t>(p.integer("a byte count", 0, 1L << 40));
      p.expect_keyword("bytes");
      p.expect_keyword("of");
      f.dir = direction(p, true);
    } else {
      f.kind = TcpFault::Kind::half_close;
      f.dir = direction(p, true);
      p.expect_keyword("after");
      f.after_bytes = static_cast<std::size_t>(p.integer("a byte count", 0, 1L << 40));
      p.expect_keyword("bytes");
    }
    if (p.accept("on")) {
      p.expect_keyword("connection");
      f.connection = static_cast<int>(p.integer("the connection's number (1 for the first)", 1, 1000000));
    }
    return f;
  }

  static void add_tcp_fault(LineParser& p, LinkSpec& l, const TcpFault& f) {
    for (const auto& g : l.tcp) {
      if (g.kind == f.kind && g.dir == f.dir) p.fail("scn.direction-fault-twice");
    }
    l.tcp.push_back(f);
  }
  // expect A before B: the two events, the actors they are of, and the step's bounds.
  StepAction order_directive(LineParser& p, Step& step) {
    steps::ExpectOrder o;
    o.first = event_spec(p);
    p.expect_keyword("before");
    o.second = event_spec(p);
    step.actors = {o.first.actor, o.second.actor};
    p.bounds(step);
    return o;
  }

  // Whether the next word names the wire (and no actor of that name).
  [[nodiscard]] bool wire_next(LineParser& p) const {
    const Token* t = p.peek();
    return t != nullptr && !t->quoted && t->text == "wire" && !is_actor("wire");
  }

  [[nodiscard]] bool is_actor(const std::string& name) const {
    return std::find(processes_.begin(), processes_.end(), name) != processes_.end() ||
           std::find(peers_.begin(), peers_.end(), name) != peers_.end();
  }
  [[nodiscard]] bool is_peer(const std::string& name) const {
    return std::find(peers_.begin(), peers_.end(), name) != peers_.end();
  }

  // ACTOR stdout|stderr "LINE" (a program), ACTOR received "BYTES" or ACTOR closed (a peer).
  EventSpec event_spec(LineParser& p) {
    EventSpec e;
    if (wire_next(p)) {  // wire "server → peer FIN"
      p.word("wire");
      e.actor = e.what = "wire";
      e.text = p.quoted("a segment as the transcript tells it: \"server → peer FIN\"");
      if (e.text.find(" → ") == std::string::npos) p.fail("scn.segment-name");
      return e;
    }
    e.actor = actor(p, true);
    e.what = p.word("stdout, stderr, received or closed");
    const bool peer = is_peer(e.actor);
    if (e.what == "stdout" || e.what == "stderr") {
      if (peer) {
        p.back();
        p.fail("scn.peer-event", {{"actor", e.actor}});
      }
      e.text = p.quoted("the whole line");
    } else if (e.what == "received" || e.what == "closed") {
      if (!peer) {
        p.back();
        p.fail("scn.program-event", {{"actor", e.actor}});
      }
      if (e.what == "received") e.text = p.quoted("the bytes received");
    } else {
      p.back();
      p.fail("scn.expected-stream");
    }
    if ((e.what != "closed") && e.text.empty()) p.fail("scn.empty-event");
    return e;
  }

  // expect overlap [K of] ACTOR... from "A" to "B": at some moment K of the actors (all, without K) are
  // each past their "A" and not yet at their "B" (a program's stdout line, a peer's received bytes).
  StepAction overlap_directive(LineParser& p, Step& step) {
    steps::ExpectOverlap o;
    const Token* t = p.peek();
    if (t != nullptr && !t->quoted && !t->text.empty() && std::isdigit(static_cast<unsigned char>(t->text[0]))) {
      o.at_least = static_cast<std::size_t>(p.integer("how many at once", 2, 1000));
      p.expect_keyword("of");
    }
    while (!p.done() && !p.peek()->quoted && p.peek()->text != "from" && p.peek()->text != "to")
      step.actors.push_back(actor(p, true));
    if (step.actors.size() < 2) p.fail("scn.overlap-two");
    for (std::size_t i = 0; i < step.actors.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (step.actors[i] == step.actors[j]) p.fail("scn.named-twice", {{"actor", step.actors[i]}});
      }
    }
    if (o.at_least > step.actors.size()) {
      p.fail("scn.overlap-too-many", {{"k", std::to_string(o.at_least)}, {"n", std::to_string(step.actors.size())}});
    }
    p.expect_keyword("from");
    o.from = p.quoted("the line (or bytes) that begins each conversation's middle");
    p.expect_keyword("to");
    o.to = p.quoted("the line (or bytes) that ends it");
    if (o.from.empty() || o.to.empty()) p.fail("scn.empty-event");
    if (p.accept("lasting")) {  // a middle shorter than this shows nothing about serving at the same time
      p.expect_keyword("at");
      p.expect_keyword("least");
      o.middle_s = p.duration();
    }
    p.bounds(step);
    if (step.not_before_s) p.fail("scn.not-before-overlap");
    return o;
  }

  // An actor name; `known` ones must have been started or connected before.
  std::string actor(LineParser& p, bool known) {
    const std::string name = p.word("an actor name");
    p.back();
    if (!valid_actor(name)) p.fail("scn.bad-actor", {{"name", name}});
    const bool exists = std::find(processes_.begin(), processes_.end(), name) != processes_.end() ||
                        std::find(peers_.begin(), peers_.end(), name) != peers_.end();
    if (known && !exists) p.fail("scn.no-actor", {{"actor", name}});
    if (!known && exists) p.fail("scn.actor-twice", {{"actor", name}});
    p.word("an actor name");
    return name;
  }

  void finish() {
    const Location top{scenario_.path, 1, 1};
    if (scenario_.roles.empty()) throw ParseError(top, "scn.no-roles");
    if (scenario_.tags.empty()) throw ParseError(top, "scn.no-tags");
    const auto& known = known_tags();
    if (std::none_of(scenario_.tags.begin(), scenario_.tags.end(),
                     [&](const std::string& t) { return std::find(known.begin(), known.end(), t) != known.end(); })) {
      throw ParseError(top, "scn.no-known-tag");
    }
    for (const auto& step : scenario_.steps) {
      const auto* output = step.as<steps::ExpectOutput>();
      const auto* received = step.as<steps::ExpectReceived>();
      if ((output != nullptr && output->patterns.empty()) || (received != nullptr && received->patterns.empty())) {
        throw ParseError(step.where, "scn.no-expected-line",
                         {{"stream", output != nullptr ? output->stream : std::string("received")}});
      }
    }
    const std::filesystem::path path(scenario_.path);
    scenario_.example = path.parent_path().filename().string();
    scenario_.name = scenario_.example + "/" + path.stem().string();
  }

  std::string_view text_;
  Scenario scenario_;
  std::vector<std::string> processes_;
  std::vector<std::string> peers_;
  std::string pending_hint_, pending_hint_zh_;
  std::optional<Fact> pending_fact_;
  Token head_;  // the directive's word of the line being parsed
};

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& path) { return ScenarioParser(text, path).parse(); }

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ParseError({path, 0, 0}, "scn.unreadable");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

}  // namespace socklab::harness
