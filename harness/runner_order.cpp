// The order of events: when each event happened (its moment), `expect A before B`, and `expect overlap`,
// judged by the order of the events, and by the wire's where it was captured.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <limits>

#include "matcher.hpp"
#include "runner_run.hpp"

namespace socklab::harness::runner {

// The event that brought byte `offset` of a stream.
std::uint64_t Run::arrival_of(const std::string& key, std::size_t offset) const {
  const auto it = arrivals_.find(key);
  if (it == arrivals_.end()) return seq_;
  const auto& log = it->second;
  const auto at = std::upper_bound(log.begin(), log.end(), offset,
                                   [](std::size_t o, const auto& entry) { return o < entry.first; });
  return at == log.end() ? seq_ : at->second;
}

// When the event happened, or nullopt while it has not.
std::optional<Run::Moment> Run::moment(const EventSpec& e) const {
  if (e.what == "wire") {
    for (const auto& [seg, at, sent_us] : wire_log_) {
      if (wire_matches(seg, e.text)) return Moment{at, 0};
    }
    return std::nullopt;
  }
  if (e.what == "closed") {
    const auto it = closed_at_.find(e.actor);
    if (it == closed_at_.end()) return std::nullopt;
    return Moment{it->second, 0};
  }
  const std::string key = e.actor + "." + e.what;
  if (e.what == "received") {
    const Peer& p = *peers_.at(e.actor);
    for (const auto& [d, at] : p.all_datagrams) {
      if (d == e.text) return Moment{at, 0};
    }
    const auto at = p.all.find(e.text);
    if (at == std::string::npos) return std::nullopt;
    return Moment{arrival_of(key, at + e.text.size() - 1), at};
  }
  const Child& c = *children_.at(e.actor);
  const std::string& text = e.what == "stdout" ? c.out() : c.err();
  const bool ended = e.what == "stdout" ? c.out_ended() : c.err_ended();
  for (std::size_t pos = 0; pos < text.size();) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string::npos && !ended) return std::nullopt;  // a line is whole at its newline
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    if (std::string_view(text).substr(pos, end - pos) == e.text) {
      if (nl != std::string::npos) return Moment{arrival_of(key, nl), pos};
      const auto it = ended_at_.find(key);  // the last line, whole when the stream ended
      return Moment{it == ended_at_.end() ? seq_ : it->second, pos};
    }
    pos = end + 1;
  }
  return std::nullopt;
}

// "server → peer FIN" names a segment by its ends and one thing it carried: a flag (SYN, SYN-ACK, FIN,
// RST, udp), or the start of its bytes as the transcript shows them ("server → peer \"HTTP/1.1").
bool Run::wire_matches(const Event& seg, const std::string& spec) {
  const auto arrow = spec.find(" → ");
  const auto space = arrow == std::string::npos ? std::string::npos : spec.find(' ', arrow + 5);
  if (space == std::string::npos) return false;
  const std::string from = spec.substr(0, arrow), to = spec.substr(arrow + 5, space - arrow - 5);
  const std::string word = spec.substr(space + 1);
  if (seg.from != from || seg.to != to) return false;
  if (!word.empty() && word[0] == '"') return seg.size > 0 && visible(seg.bytes).rfind(word, 0) == 0;
  return (word == "SYN" && seg.syn && !seg.ack) || (word == "SYN-ACK" && seg.syn && seg.ack) ||
         (word == "FIN" && seg.fin) || (word == "RST" && seg.rst) || (word == "udp" && !seg.tcp);
}

// Whether the event may still happen: its stream is open, its connection not closed.
bool Run::can_come(const EventSpec& e) const {
  if (e.what == "wire") return !wires_.empty();  // the wire is watched until the run ends
  if (e.what == "closed" || e.what == "received") return !peers_.at(e.actor)->closed;
  return !ended_at_.count(e.actor + "." + e.what);
}

// When the stream that would bring the event ended (it can no longer come).
Run::Moment Run::end_of(const EventSpec& e) const {
  const auto it = ended_at_.find(e.actor + "." + (e.what == "closed" ? std::string("received") : e.what));
  return {it == ended_at_.end() ? seq_ : it->second, std::numeric_limits<std::size_t>::max()};
}

// expect A before B: decided by the order of the two events, never by the clock (the deadline only
// ends a run in which neither comes: timeout).
awaitable<void> Run::exec(const Step& step, const steps::ExpectOrder& o) {
  const EventSpec& a = o.first;
  const EventSpec& b = o.second;
  for (const auto* e : {&a, &b}) {
    if (e->what == "wire") continue;  // a scenario that judges the wire runs only where it is captured
    if (e->what == "stdout" || e->what == "stderr")
      child(step, e->actor);
    else
      peer(step, e->actor);
  }
  std::optional<Moment> at_a, at_b;
  const bool decided = co_await until(
      [&] {
        at_a = moment(a);
        at_b = moment(b);
        return at_a || at_b || !can_come(a);
      },
      deadline_for(step));
  if (at_a && (!at_b || *at_a < *at_b)) {
    event(said_note("harness", "note.in-order", {{"a", a.to_string()}, {"b", b.to_string()}}));
    co_return;
  }
  if (at_b) {
    fail(step, Verdict::fail,
         say("runner.order-first", {{"a", a.to_string()},
                                    {"b", b.to_string()},
                                    {"at", time_of(at_b->first)},
                                    {"rest", at_a ? say("runner.order-other-after", {{"at", time_of(at_a->first)}})
                                                  : say("runner.order-other-not-yet")}}));
  }
  if (!decided) {
    fail(step, Verdict::timeout,
         say("runner.order-neither", {{"a", a.to_string()}, {"b", b.to_string()}, {"guard", guard_text(step)}}));
  }
  defer(step, a.what == "closed" || a.what == "received"
                  ? say("runner.order-closed-without", {{"a", a.to_string()}, {"b", b.to_string()}, {"who", a.actor}})
                  : say("runner.order-ended-without",
                        {{"a", a.to_string()}, {"b", b.to_string()}, {"who", a.actor}, {"stream", a.what}}));
}

void Run::look_at_middles(const std::vector<EventSpec>& from, const std::vector<EventSpec>& to, Middles& m) const {
  const std::size_t n = from.size();
  for (std::size_t i = 0; i < n; ++i) {
    m.began[i] = moment(from[i]);
    m.ended[i] = m.began[i] ? moment(to[i]) : std::nullopt;
    if (m.began[i] && !m.ended[i] && !can_come(to[i])) m.ended[i] = end_of(to[i]);       // its end is the middle's end
    if (m.began[i] && m.ended[i] && *m.ended[i] < *m.began[i]) m.ended[i] = m.began[i];  // B before A: no middle
    m.broken[i] = !m.began[i] && !can_come(from[i]);
  }
  m.best = m.middle = m.waiting = m.lost = 0;
  m.by_wire = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!m.began[i]) {
      (m.broken[i] ? m.lost : m.waiting) += 1;
      continue;
    }
    if (!m.ended[i]) ++m.middle;
    std::size_t at_once = 0;  // in the middle at the moment i's began
    for (std::size_t j = 0; j < n; ++j) {
      if (m.began[j] && *m.began[j] <= *m.began[i] && (!m.ended[j] || *m.ended[j] > *m.began[i])) ++at_once;
    }
    m.best = std::max(m.best, at_once);
  }
  m.one_at_a_time = false;
  for (std::size_t i = 0; i < n && m.waiting > 0; ++i) {
    if (!m.ended[i] || !moment(to[i])) continue;
    bool alone = true;
    for (std::size_t j = 0; j < n; ++j) alone = alone && (j == i || !m.began[j] || *m.began[j] > *m.ended[i]);
    m.one_at_a_time = m.one_at_a_time || alone;
  }
}

// Where the wire was captured, its clock decides: a program's stdout may come late (a loaded machine, a
// buffer), the segments that brought each actor its A and its B do not. Their moments (the order they
// were sent in) replace stdout's, and how many were in the middle at once is counted again; nothing
// changes where the wire does not tell every actor's A and B that stdout told (no capture, a link that
// slices the lines).
void Run::middles_on_wire(const std::vector<std::string>& actors, const std::string& a, const std::string& b,
                          Middles& m, bool drain) {
  if (wires_.empty()) return;
  if (drain) {
    for (auto& [actor, c] : wires_) c->drain();
  }
  auto brought = [&](const std::string& who, const std::string& text, std::uint64_t after) -> std::optional<Moment> {
    for (const auto& w : wire_log_) {
      if (w.seq > after && w.segment.to == who && w.segment.bytes.find(text) != std::string::npos)
        return Moment{w.seq, 0};
    }
    return std::nullopt;
  };
  const std::size_t n = actors.size();
  std::vector<std::optional<Moment>> began(n), ended(n);
  for (std::size_t i = 0; i < n; ++i) {
    began[i] = brought(actors[i], a, 0);
    if (m.began[i] && !began[i]) return;
    if (began[i]) ended[i] = brought(actors[i], b, began[i]->first);
    if (m.ended[i] && !ended[i]) return;  // its end is not on the wire
  }
  std::size_t best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t at_once = 0;
    for (std::size_t j = 0; j < n && began[i]; ++j) {
      if (began[j] && *began[j] <= *began[i] && (!ended[j] || *ended[j] > *began[i])) ++at_once;
    }
    best = std::max(best, at_once);
  }
  m.began = std::move(began);
  m.ended = std::move(ended);
  m.best = best;
  m.by_wire = true;
}

// When the segment told at moment `seq` was sent (microseconds, the capture's clock).
std::int64_t Run::sent_us_of(std::uint64_t seq) const {
  const auto it = std::lower_bound(wire_log_.begin(), wire_log_.end(), seq,
                                   [](const WireEntry& w, std::uint64_t s) { return w.seq < s; });
  return it != wire_log_.end() && it->seq == seq ? it->sent_us : 0;
}

// c1 c2 c3, or c1 c2 c3 ... c50 for many
std::string Run::overlap_names(const std::vector<std::string>& actors) {
  std::string names;
  for (std::size_t i = 0; i < actors.size(); ++i) {
    if (actors.size() > 6 && i >= 3 && i + 1 < actors.size()) {
      if (i == 3) names += " ...";
      continue;
    }
    names += (names.empty() ? "" : " ") + actors[i];
  }
  return names;
}

// How many of the conversations must be in the middle at once (m.asked): K (all of them without `K of`),
// but never more than could be served when the first of them reached its A, and never fewer than two.
// One could be served once it was connected: its server's SYN-ACK, where the wire shows one, else its
// start. A client that connects later (socklab started it late on a loaded machine, or the listen
// queue was full and the kernel dropped its SYN, to be sent again a second or three later) may have its
// middle after the first one's, whatever the server; one connected before is served at the same time
// by a server that serves its clients at once: its A comes a pause after its connection, before the
// first one's B (two pauses after its A). An order of events; where the wire decides, the moments its
// segments were sent (the starts are timed by the same clock).
void Run::ask_at_once(const std::vector<std::string>& actors, std::size_t k, Middles& m) const {
  const std::size_t n = actors.size();
  m.asked = m.started = k;
  m.first = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (m.began[i] && (m.first == n || *m.began[i] < *m.began[m.first])) m.first = i;
  }
  if (m.first == n) return;
  const std::uint64_t at = m.began[m.first]->first;
  const std::int64_t at_us = m.by_wire ? sent_us_of(at) : 0;
  m.started = 0;
  for (const auto& name : actors) {
    const auto c = connected_.find(name);
    const auto s = started_.find(name);
    const Stamp* when = c != connected_.end() ? &c->second : s != started_.end() ? &s->second : nullptr;
    m.started += when == nullptr || (m.by_wire ? when->at_us < at_us : when->seq < at);  // a peer: from the start
  }
  m.asked = std::max(std::min<std::size_t>(2, n), std::min(k, m.started));
}

// expect overlap [K of] ACTOR... from "A" to "B": K of the conversations in their middle at once (past
// A, not yet at B), of those that could be served when the first had its A (ask_at_once). Decided by
// the order of the events: it holds at the first moment that many are in the middle, and fails at the
// first moment that can no longer be, or once a whole conversation went by while every other still
// waited for its A (served one at a time), whatever the clock says.
awaitable<void> Run::exec(const Step& step, const steps::ExpectOverlap& o) {
  const std::size_t k = o.at_least > 0 ? o.at_least : step.actors.size();
  std::vector<EventSpec> from, to;
  for (const auto& name : step.actors) {
    const bool is_peer = peers_.count(name) > 0;
    if (!is_peer) child(step, name);
    const std::string what = is_peer ? "received" : "stdout";
    from.push_back({name, what, o.from});
    to.push_back({name, what, o.to});
  }
  const std::size_t n = step.actors.size();
  Middles m(n);
  auto settled = [&] {
    ask_at_once(step.actors, k, m);
    return m.best >= m.asked || m.middle + m.waiting < m.asked || m.one_at_a_time;
  };
  // Settled by the programs' output, then by what the wire has told so far (it may ask fewer: the first
  // A was sent before a program's output showed it).
  const bool decided = co_await until(
      [&] {
        look_at_middles(from, to, m);
        if (!settled()) return false;
        middles_on_wire(step.actors, o.from, o.to, m, false);
        return settled();
      },
      deadline_for(step));
  middles_on_wire(step.actors, o.from, o.to, m);
  settled();
  const std::string names = overlap_names(step.actors);
  const MessageFields started = {{"started", std::to_string(m.started)},
                                 {"asked", std::to_string(m.asked)},
                                 {"names", names},
                                 {"first", m.first < n ? step.actors[m.first] : std::string()},
                                 {"from", visible(o.from)}};
  if (m.started < k) event(said_note("harness", "note.overlap-started", started));
  if (m.best >= m.asked) {
    event(said_note("harness", m.by_wire ? "note.overlap-on-wire" : "note.overlap",
                    {{"best", std::to_string(m.best)}, {"names", names}}));
    co_return;
  }
  const std::string what =
      say(m.asked == n ? "runner.overlap-all" : "runner.overlap-some", {{"k", std::to_string(m.asked)},
                                                                        {"n", std::to_string(n)},
                                                                        {"names", names},
                                                                        {"from", visible(o.from)},
                                                                        {"to", visible(o.to)}}) +
      (m.started < k ? harness::say(opt_.lang, "runner.overlap-started", started) : std::string());
  if (!decided)
    fail(step, Verdict::timeout, say("runner.overlap-undecided", {{"what", what}, {"guard", guard_text(step)}}));
  if (m.lost > 0 && m.middle + m.waiting + m.lost >= m.asked &&
      !m.one_at_a_time) {  // one broke off: its output tells more
    std::string ended_early;
    for (std::size_t i = 0; i < n; ++i) {
      if (m.broken[i]) ended_early += " " + step.actors[i];
    }
    defer(step, say("runner.overlap-broken", {{"what", what}, {"from", visible(o.from)}, {"names", ended_early}}));
    co_return;
  }
  one_after_another(step, o, m, what);
}

// The conversations came one after another (too few at once): fails, with a witness (the first
// conversation to end, and one that had not begun by then), unless the middles were too short to judge.
void Run::one_after_another(const Step& step, const steps::ExpectOverlap& o, const Middles& m,
                            const std::string& what) {
  const std::size_t n = step.actors.size();
  std::size_t first_end = n, late = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (m.ended[i] && (first_end == n || *m.ended[i] < *m.ended[first_end])) first_end = i;
  }
  for (std::size_t i = 0; i < n && first_end < n; ++i) {
    if (!m.began[i] || *m.began[i] > *m.ended[first_end]) {
      late = i;
      break;
    }
  }
  if (first_end < n && o.middle_s > 0) {  // too short a middle: nothing to see (the pause's own scenario)
    const auto b0 = m.began[first_end]->first, e0 = m.ended[first_end]->first;
    const double lasted = m.by_wire ? static_cast<double>(sent_us_of(e0) - sent_us_of(b0)) / 1e6
                                    : seq_times_[e0 - 1] - seq_times_[b0 - 1];
    if (lasted < o.middle_s) {
      event(said_note("harness", "note.overlap-not-judged",
                      {{"who", step.actors[first_end]},
                       {"lasted", fmt::format("{:.3f}", lasted)},
                       {"least", fmt::format("{:.3f}", o.middle_s)}}));
      return;
    }
  }
  std::string msg = say(m.best == 1 ? "runner.overlap-at-most-one" : "runner.overlap-at-most",
                        {{"what", what}, {"best", std::to_string(m.best)}});
  if (first_end < n && late < n) {
    msg += say(m.began[late] ? "runner.overlap-witness" : "runner.overlap-witness-not-yet",
               {{"first", step.actors[first_end]},
                {"to", visible(o.to)},
                {"ended", time_of(m.ended[first_end]->first)},
                {"late", step.actors[late]},
                {"from", visible(o.from)},
                {"began", m.began[late] ? time_of(m.began[late]->first) : std::string()}});
  }
  if (m.best <= 1) {
    noted(Fact::served_serially);
    msg += say("runner.served-serially");
  }
  fail(step, Verdict::fail, msg);
}

}  // namespace socklab::harness::runner
