// What a failing step says: its message, the end and stderr of a program under test, what the network
// did, the hints for known mistakes, and the facts the advice is chosen from.
#include <algorithm>

#include "link.hpp"
#include "matcher.hpp"
#include "roles.hpp"
#include "runner_run.hpp"
#include "wire.hpp"

namespace socklab::harness::runner {

// Whether a link lost or held back a datagram: then silence is the network's doing, not buffering.
bool Run::network_lost() const {
  return std::any_of(links_.begin(), links_.end(), [](const auto& kv) {
    return std::any_of(kv.second->fired().begin(), kv.second->fired().end(),
                       [](const Link::Fired& f) { return f.withheld(); });
  });
}

// What the links did, when a step fails with faults fired: the faults, and a hint when the failure
// is what a fault shows (waiting for ever after a loss; taking a duplicate or a late reply for a new one).
std::string Run::network_story(Verdict v, const std::optional<std::string>& actual_line) {
  std::string out, facts;
  const Link::Fired* lost = nullptr;
  const Link::Fired* extra = nullptr;
  int shown = 0;
  for (const auto& [name, link] : links_) {
    for (const auto& f : link->fired()) {
      if (f.what == "released") continue;
      if (++shown <= 8) {
        facts += "  " + fault_text(f.what) + " " +
                 (f.index > 0 ? dir_text(f.dir) + " #" + std::to_string(f.index) + " " + preview(f.payload, opt_.lang)
                              : say(f.dir == Direction::request ? "link.to-server" : "link.to-client", {{"n", ""}})) +
                 "\n";
      }
      if (!lost && f.withheld()) lost = &f;
      if (actual_line && !extra && (f.what == "duplicated" || f.what == "held back") &&
          (f.payload == *actual_line || f.payload == *actual_line + "\n")) {
        extra = &f;
      }
    }
  }
  if (shown == 0) return "";
  out = network_head() + facts;
  if (shown > 8) out += say("runner.network-more", {{"count", std::to_string(shown - 8)}});
  std::string waiting;   // a client under test still running: it waits for the reply that was lost
  bool gave_up = false;  // a client under test that ended by itself after the loss
  for (const auto& name : under_test_) {
    const auto it = children_.find(name);
    const auto role = roles_.find(name);
    const bool client = role != roles_.end() && !role->second.empty() && !plays_server(role->second);
    if (it != children_.end() && !it->second->status() && client) waiting = name;
    if (it != children_.end() && it->second->status() && !it->second->status()->sent_by_harness && client)
      gave_up = true;
  }
  if (extra != nullptr) {
    noted(Fact::took_stale_reply);
    out += say(
        extra->what == "duplicated" ? "runner.hint-duplicate" : "runner.hint-late",
        {{"payload", preview(extra->payload)}, {"dir", dir_text(extra->dir)}, {"index", std::to_string(extra->index)}});
  } else if (v == Verdict::timeout && lost != nullptr && !waiting.empty()) {
    noted(Fact::waited_after_loss);
    out += say("runner.hint-lost", {{"who", waiting},
                                    {"fault", fault_text(lost->what)},
                                    {"dir", dir_text(lost->dir)},
                                    {"index", std::to_string(lost->index)},
                                    {"payload", preview(lost->payload)}});
  } else if (lost != nullptr && gave_up) {
    noted(Fact::gave_up_after_loss);
  }
  return out;
}

// "c1 ended: ", the mark that a program's end was told once.
std::string Run::ended_mark(const std::string& who) const { return say("runner.ended", {{"who", who}}); }

std::string Run::network_head() const { return say("runner.network", {{"seed", std::to_string(seed_)}}); }

std::string Run::fault_text(const std::string& what) const {
  return has_message("runner.fault." + what) ? say("runner.fault." + what) : what;
}

std::string Run::dir_text(Direction d) const { return say(std::string("runner.dir.") + to_string(d)); }

// Why a peer's connection closed: socklab's own words translated, the system's kept.
std::string Run::close_text(const Peer& p) const {
  if (p.close_reason == "closed by the other side") return say("runner.closed-by-other-side");
  if (p.close_reason == "never opened") return say("runner.never-opened");
  return p.close_reason;
}

void Run::fail(const Step& step, Verdict v, const std::string& message) { throw failure(step, v, message); }

// A failure kept for the end of the run, unless a later step fails first.
void Run::defer(const Step& step, const std::string& message) {
  event(said_note("harness", "note.not-decided", {{"message", message.substr(0, message.find('\n'))}}));
  if (!deferred_) deferred_ = failure(step, Verdict::fail, message);
}

StepFailure Run::failure(const Step& step, Verdict v, const std::string& message) {
  std::string text = say("runner.step-error", {{"where", step.where.to_string()}, {"message", message}});
  if (!text.empty() && text.back() != '\n') text += '\n';
  // A program under test that has already ended is often the whole story: say how, once.
  for (const auto& name : under_test_) {
    const auto it = children_.find(name);
    if (it != children_.end() && it->second->status() && text.find(ended_mark(name)) == std::string::npos) {
      text += program_tail(name);
    }
  }
  if (text.find(network_head()) == std::string::npos) text += network_story(v);
  if (!step.hint.empty()) text += say("runner.hint", {{"hint", step.hint_in(opt_.lang)}});
  return StepFailure{v, text, facts_of(step, v)};
}

void Run::noted(Fact f) { noted_.insert(f); }

bool Run::under_test_running() const {
  return std::any_of(under_test_.begin(), under_test_.end(), [&](const std::string& n) {
    const auto it = children_.find(n);
    return it != children_.end() && !it->second->status();
  });
}

// The facts the current step's failure has shown, its scenario's own among them: the mistake a hint
// names is what a wrong answer shows, not a hang (timeout).
std::vector<Fact> Run::facts_of(const Step& step, Verdict v) {
  if (step.hint_fact && v == Verdict::fail) noted(*step.hint_fact);
  return {noted_.begin(), noted_.end()};
}

std::string Run::program_tail(const std::string& name) {
  const Child& c = *children_.at(name);
  std::string s;
  if (c.status()) s += ended_mark(name) + status_text(*c.status()) + "\n";
  if (c.status() && c.status()->signal != 0) noted(Fact::crashed);
  const auto facts = facts_in_stderr(c.err_before_stop());
  for (const Fact f : facts) noted(f);
  const auto role = roles_.find(name);  // a server that loops for ever, ended by itself without dying
  const Role* row = role == roles_.end() ? nullptr : find_role(role->second);
  if (row && row->serves_forever && under_test_.count(name) && c.status() && !c.status()->sent_by_harness &&
      c.status()->signal == 0 && std::find(facts.begin(), facts.end(), Fact::crashed) == facts.end())
    noted(Fact::server_ended);
  if (const std::string_view err = c.err_before_stop(); !err.empty()) {
    s += say("runner.stderr-tail",
             {{"who", name}, {"text", visible(err.substr(err.size() > 600 ? err.size() - 600 : 0))}});
  }
  if (std::find(facts.begin(), facts.end(), Fact::refused) != facts.end()) {
    const std::string listening = bound_summary();
    s += say(listening.empty() ? "runner.hint-refused" : "runner.hint-refused-listening",
             {{"who", name}, {"listening", listening}});
  }
  return s;
}

// A program that went on talking on the wire after something reached it has done what follows its
// prints: if they did not come, they wait in a buffer. One that only waits (in recv for bytes that
// do not come, in readline for a line end that is not sent) is not buffering. Without the wire to
// look at, the guess stands.
bool Run::went_on_talking(const std::string& who) const {
  if (wires_.empty()) return true;
  bool reached = false;
  for (const auto& [seg, at, sent_us] : wire_log_) {
    if (seg.size == 0 && seg.tcp) continue;
    if (seg.to == who) reached = true;
    if (seg.from == who && reached) return true;
  }
  return false;
}

std::string Run::hint_buffered(const std::string& who, const Child& c) {
  if (c.status()) return "";  // it ended: its exit and stderr say more than a guess
  if (!went_on_talking(who)) return "";
  noted(Fact::block_buffered);
  return say("runner.hint-buffered");
}

// What a browser made of the page, when a helper that is a headless Chromium failed an expectation:
// its own word for a load that failed (on stderr), or an empty page in its DOM.
std::string Run::browser_saw(const std::string& out, const std::string& err) const {
  const auto failed = err.find("Page load failed: net::");
  if (failed != std::string::npos) {
    const auto from = failed + std::string_view("Page load failed: ").size();
    const std::string code = err.substr(from, err.find_first_of("\r\n ", from) - from);
    std::string why;
    if (code == "net::ERR_INVALID_HTTP_RESPONSE")
      why = say("runner.browser-invalid-response");
    else if (code == "net::ERR_EMPTY_RESPONSE")
      why = say("runner.browser-empty-response");
    else if (code == "net::ERR_CONNECTION_RESET")
      why = say("runner.browser-reset");
    else if (code == "net::ERR_CONNECTION_REFUSED")
      why = say("runner.browser-refused");
    return say(why.empty() ? "runner.browser-no-page" : "runner.browser-no-page-why", {{"code", code}, {"why", why}});
  }
  if (out.find("<html><head></head><body></body></html>") != std::string::npos) {
    return say("runner.browser-empty-page");
  }
  return "";
}

// A sentence of advice where a mismatch is a known mistake.
// describe_mismatch, noting what the mismatch shows: a banner expected first and not there (a line cut
// short to its "W" is one recv's story instead, and a banner glued to what came after it is there: a
// client that read it together with the first reply).
std::string Run::mismatch(const PatternLine& expected, const std::optional<std::string>& actual, const Captures& c) {
  const bool banner_there = actual && (*actual == "W" || actual->rfind("Welcome!", 0) == 0);
  if (expected.text == "Welcome!" && !banner_there) noted(Fact::missing_banner);
  if (expected.kind == PatternLine::Kind::exact && actual) {
    for (const Fact f : facts_in_mismatch(expected.text, *actual)) noted(f);
  }
  return describe_mismatch(expected, actual, c, opt_.lang);
}

std::string Run::hint_for_line(const std::string& expected, const std::string& actual) {
  auto strip = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
  };
  if (expected != actual && strip(expected) == strip(actual)) {
    noted(Fact::spaces_differ);
    return say("runner.hint-spaces");
  }
  if (expected == "Welcome!" && !(actual.size() < expected.size() && expected.rfind(actual, 0) == 0))
    return say("runner.hint-welcome");
  if (actual + "\r" == expected) return say("runner.hint-crlf");
  return "";
}

}  // namespace socklab::harness::runner
