// The expectations on what came: a program's output, a peer's bytes and datagrams (and not before how
// long), a connection's close, silence, and the files a program wrote.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>

#include "files.hpp"
#include "matcher.hpp"
#include "runner_run.hpp"
#include "wire.hpp"

namespace socklab::harness::runner {

awaitable<void> Run::exec(const Step& step, const steps::ExpectClosed&) {
  const std::string who = who_of(step);
  Peer& p = *co_await ready_peer(step, who);
  const bool ok = co_await until([&] { return p.closed; }, deadline_for(step));
  if (!ok) {  // the deadline only guards a hang: a connection left open is a timeout
    noted(Fact::kept_open);
    fail(step, Verdict::timeout,
         say(p.in.empty() ? "runner.still-open" : "runner.still-open-sent",
             {{"guard", guard_text(step)}, {"sent", visible(p.in)}}));
  }
}

awaitable<void> Run::exec(const Step& step, const steps::RecvUntil& r) {
  const std::string who = who_of(step);
  Peer& p = *co_await ready_peer(step, who);
  const bool ok =
      co_await until([&] { return p.in.find(r.delimiter) != std::string::npos || p.closed; }, deadline_for(step));
  const auto at = p.in.find(r.delimiter);
  if (at == std::string::npos) {
    fail(step, ok ? Verdict::fail : Verdict::timeout,
         say(p.closed ? "runner.recv-until-closed" : "runner.recv-until",
             {{"who", who}, {"data", visible(r.delimiter)}, {"got", visible(p.in)}, {"reason", close_text(p)}}));
  }
  received_[who] = p.in.substr(0, at + r.delimiter.size());
  p.in.erase(0, at + r.delimiter.size());
}

awaitable<void> Run::exec(const Step& step, const steps::ExpectReceived& e) {
  const std::string who = who_of(step);
  Captures trial = captures_;
  const auto m = match_groups(e.patterns, complete_lines(received_[who], true), 0, true, trial);
  if (m.status != MatchResult::Status::matched) {
    fail(
        step, Verdict::fail,
        say("runner.received-mismatch",
            {{"who", who}, {"mismatch", mismatch(*m.failed, m.actual, trial)}, {"received", visible(received_[who])}}));
  }
  captures_ = trial;
  co_return;
}

awaitable<void> Run::exec(const Step&, const steps::KeepFile& k) {
  constexpr std::size_t kMax = 16u << 20;
  auto bytes = read_beneath(folder_.tools.string(), k.path, kMax);
  if (!bytes) {
    event(said_note("harness", "note.nothing-to-keep", {{"path", k.path}}));
    co_return;
  }
  const std::string name = std::filesystem::path(k.path).filename().string();
  event(said_note("harness", opt_.transcript_dir.empty() ? "note.kept" : "note.kept-in",
                  {{"path", k.path},
                   {"bytes", std::to_string(bytes->size())},
                   {"to", (std::filesystem::path(opt_.transcript_dir) / (sc_.name + "." + name)).string()}}));
  kept_.emplace_back(name, std::move(*bytes));
}

awaitable<void> Run::exec(const Step& step, const steps::ExpectSilence& s) {
  Peer& p = peer(step, who_of(step));
  const std::size_t before = p.is_udp ? p.datagrams.size() : p.in.size();
  // A window in which nothing may come, like `not before`: never scaled, so that no --time-scale
  // makes it stricter.
  const auto window =
      clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.for_s));
  co_await until([&] { return (p.is_udp ? p.datagrams.size() : p.in.size()) > before; }, window);
  if (p.is_udp && p.datagrams.size() > before) {
    fail(step, Verdict::fail, say("runner.nothing-expected-datagram", {{"data", visible(p.datagrams.back())}}));
  }
  if (!p.is_udp && p.in.size() > before) {
    fail(step, Verdict::fail, say("runner.nothing-expected-bytes", {{"data", visible(p.in.substr(before))}}));
  }
}

// A file the program wrote, as its reader would look at it: its size and first lines, in the transcript.
awaitable<void> Run::exec(const Step&, const steps::ShowFile& f) {
  const auto bytes = read_beneath(dir_.string(), f.path, static_cast<std::size_t>(sc_.limits.file_bytes));
  if (!bytes) {
    event(said_note("harness", "note.no-file", {{"path", f.path}}));
    co_return;
  }
  event(said_note("harness", "note.file-lines", {{"path", f.path}, {"bytes", std::to_string(bytes->size())}}));
  std::size_t at = 0;
  for (std::size_t k = 0; k < f.lines && at < bytes->size(); ++k) {
    const auto nl = bytes->find('\n', at);
    const auto end = nl == std::string::npos ? bytes->size() : nl + 1;
    event("harness", "  | " + visible(std::string_view(*bytes).substr(at, std::min<std::size_t>(end - at, 200))));
    at = end;
  }
}

awaitable<void> Run::exec(const Step& step, const steps::ExpectFile& f) {
  std::string got;
  bool exists = false;
  // The file is final once every program has ended; before that the deadline only guards a hang.
  auto all_ended = [&] {
    return std::all_of(children_.begin(), children_.end(),
                       [](const auto& kv) { return kv.second->status().has_value(); });
  };
  const bool final = co_await until(
      [&] {  // the program may have put a link there: it is never followed
        const bool ended = all_ended();
        const auto bytes = read_beneath(dir_.string(), f.path, f.data.size() + 4096);
        exists = bytes.has_value();
        got = bytes.value_or("");
        return got == f.data || ended;
      },
      deadline_for(step, 1.0));
  if (got == f.data) co_return;
  if (!final) {
    fail(step, Verdict::timeout,
         say("runner.file-not-yet",
             {{"path", f.path}, {"bytes", std::to_string(f.data.size())}, {"guard", guard_text(step, 1.0)}}));
  }
  if (!exists) fail(step, Verdict::fail, say("runner.file-missing", {{"path", f.path}}));
  std::size_t i = 0;
  while (i < got.size() && i < f.data.size() && got[i] == f.data[i]) ++i;
  std::string msg = say("runner.file-differs", {{"path", f.path},
                                                {"got", std::to_string(got.size())},
                                                {"bytes", std::to_string(f.data.size())},
                                                {"at", std::to_string(i)},
                                                {"expected_label", say("match.expected")},
                                                {"expected", visible(f.data.substr(i, 40))},
                                                {"actual_label", say("match.actual")},
                                                {"actual", visible(got.substr(i, 40))}});
  std::string ascii_only;  // what is left of the expected bytes when everything from 0x80 up is lost
  std::copy_if(f.data.begin(), f.data.end(), std::back_inserter(ascii_only),
               [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (got.rfind("HTTP/", 0) == 0) {
    noted(Fact::header_in_file);
    msg += say("runner.file-http-header");
  } else if (!got.empty() && got == ascii_only && ascii_only.size() < f.data.size()) {
    noted(Fact::file_decoded);
    msg += say("runner.file-high-bytes");
  } else if (got.size() < f.data.size() && f.data.compare(0, got.size(), got) == 0) {
    noted(Fact::cut_by_one_recv);
    msg += say("runner.file-short", {{"got", std::to_string(got.size())}});
  } else {
    noted(Fact::file_decoded);
    msg += say("runner.file-changed");
  }
  fail(step, Verdict::fail, msg);
}

awaitable<void> Run::exec(const Step& step, const steps::ExpectOutput& o) {
  const std::string who = who_of(step);
  Child& c = child(step, who);
  const bool is_out = o.stream == "stdout";
  auto& cursor = cursors_[who + "." + o.stream];
  MatchResult m;
  Captures trial;
  const bool decided = co_await until(
      [&] {
        trial = captures_;
        const auto& text = is_out ? c.out() : c.err();
        const bool ended = is_out ? c.out_ended() : c.err_ended();
        m = match_groups(o.patterns, complete_lines(text, ended), cursor, ended, trial);
        return m.status != MatchResult::Status::need_more;
      },
      deadline_for(step));
  if (decided && m.status == MatchResult::Status::matched) {
    captures_ = trial;
    cursor += m.consumed;
    co_return;
  }
  const bool timed_out = !decided;
  if (timed_out) {  // say what is there so far, as if the output had ended
    trial = captures_;
    const auto& text = is_out ? c.out() : c.err();
    m = match_groups(o.patterns, complete_lines(text, true), cursor, true, trial);
  }
  std::string msg;
  if (m.failed) {
    msg = mismatch(*m.failed, m.actual, trial);
    msg += say("runner.note-expected", {{"where", m.failed->where.to_string()}});
    msg +=
        say("runner.note-scanning", {{"who", who}, {"stream", o.stream}, {"line", std::to_string(m.actual_index + 1)}});
    if (m.actual && m.failed->kind == PatternLine::Kind::exact) msg += hint_for_line(m.failed->text, *m.actual);
    if (m.actual) msg += network_story(Verdict::fail, *m.actual);
  } else {
    msg = say("runner.no-match-in-time");
  }
  if (timed_out && under_test_.count(who) && (is_out ? c.out() : c.err()).empty() && !network_lost()) {
    msg += hint_buffered(who, c);
  }
  if (roles_[who].empty()) msg += browser_saw(c.out(), c.err());
  msg += program_tail(who);
  fail(step, timed_out ? Verdict::timeout : Verdict::fail,
       say("runner.expected-output", {{"who", who}, {"stream", o.stream}}) + msg);
}

void Run::check_not_before(const Step& step, clock_type::time_point began, const std::string& what) {
  if (!step.not_before_s) return;
  const double took = std::chrono::duration<double>(clock_type::now() - began).count();
  if (took < *step.not_before_s) {  // a lower bound on the program's own pause: never scaled
    noted(Fact::replied_early);
    char a[32], b[32];
    std::snprintf(a, sizeof a, "%.3f", took);
    std::snprintf(b, sizeof b, "%.3f", *step.not_before_s);
    fail(step, Verdict::fail, say("runner.too-early", {{"what", what}, {"took", a}, {"least", b}}));
  }
}

awaitable<void> Run::exec(const Step& step, const steps::Recv& r) {
  const std::string who = who_of(step);
  Peer& p = *co_await ready_peer(step, who);
  const auto began = p.sent_at.value_or(clock_type::now());
  const bool ok = co_await until(  // decided as soon as the bytes differ: "Tracy" for "Michael"
      [&] { return p.in.size() >= r.data.size() || p.closed || r.data.compare(0, p.in.size(), p.in) != 0; },
      deadline_for(step));
  if (p.in.compare(0, r.data.size(), r.data) == 0 && p.in.size() >= r.data.size()) {
    check_not_before(step, began, visible(r.data));
    p.in.erase(0, r.data.size());
    p.sent_at.reset();
    co_return;
  }
  if (p.closed) co_await exit_seen();
  PatternLine expected{PatternLine::Kind::exact, r.data, step.where};
  std::string msg = say("runner.expected-bytes", {{"who", who}}) +
                    mismatch(expected, p.in.empty() && p.closed ? std::nullopt : std::optional(p.in), {});
  if (p.closed) msg += say("runner.connection-was", {{"reason", close_text(p)}});
  if (!p.in.empty()) msg += hint_for_line(r.data, p.in);
  // Silent after a message without a line end, and still running: it waits for one (readline).
  if (!ok && p.in.empty() && !p.last_sent.empty() && p.last_sent.back() != '\n' && under_test_running())
    noted(Fact::waited_for_more);
  fail(step, ok ? Verdict::fail : Verdict::timeout, msg);
}

awaitable<void> Run::exec(const Step& step, const steps::RecvFrom& r) {
  Peer& p = peer(step, who_of(step));
  const auto began = p.sent_at.value_or(clock_type::now());
  const bool ok = co_await until([&] { return !p.datagrams.empty(); }, deadline_for(step));
  if (!ok) {
    noted(Fact::no_datagram);
    fail(step, Verdict::timeout,
         say(r.any_data ? "runner.no-datagram" : "runner.no-datagram-data", {{"data", visible(r.data)}}));
  }
  const std::string got = p.datagrams.front();
  p.datagrams.erase(p.datagrams.begin());
  if (!r.any_data && got != r.data) {
    if (got.size() < r.data.size() && r.data.compare(0, got.size(), got) == 0) noted(Fact::datagram_cut);
    PatternLine expected{PatternLine::Kind::exact, r.data, step.where};
    fail(step, Verdict::fail,
         say("runner.expected-datagram") + mismatch(expected, got, {}) + hint_for_line(r.data, got));
  }
  check_not_before(step, began, say("runner.the-datagram"));
  p.sent_at.reset();
}

}  // namespace socklab::harness::runner
