// The HTML page of one graded submission: the score table, then each scenario as a sequence diagram
// drawn from its transcript (an SVG in the page: nothing to fetch), failures first and open, with the
// expected-against-actual report under them.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "base64.hpp"
#include "grade.hpp"
#include "matcher.hpp"
#include "result_file.hpp"
#include "roles.hpp"

namespace socklab::harness {
namespace {

std::string esc(std::string_view s) { return markup_escape(s); }

// The PNGs a scenario kept (the browser's screenshot of ex1's page), in the page itself: it fetches nothing.
std::string kept_images(const Result& r) {
  std::string out;
  for (const auto& path : r.kept_paths) {
    if (path.size() < 4 || path.compare(path.size() - 4, 4, ".png") != 0) continue;
    const auto bytes = kept_file(r, path);
    if (!bytes) continue;
    out += "<figure><img class=\"shot\" alt=\"" + esc(path) + "\" src=\"data:image/png;base64," +
           base64_encode(*bytes) + "\"><figcaption>" + esc(path) + "</figcaption></figure>\n";
  }
  return out;
}

// At most n characters of UTF-8 text, cut on a character boundary.
std::string cut(const std::string& s, std::size_t n) {
  std::size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++chars > n) break;
  }
  return i < s.size() ? s.substr(0, i) + "…" : s;
}

enum class Side { harness, client, link, server, wire };

// What an arrow or a note on the diagram is.
struct Mark {
  enum class Kind { arrow, note, drop } kind = Kind::note;
  std::size_t from = 0, to = 0;  // columns
  std::string text;
  std::string css;  // arrow, drop, dup, out, in, info
  double t = 0;
  std::string raw;  // output notes: the bytes shown so far (escaped), to which the next piece is added
};

struct Diagram {
  std::vector<std::string> columns;
  std::vector<Mark> marks;
  Lang lang = Lang::en;  // the language its notes are told in
};

// Which column each actor is: what its events say it is (a link relays; a program plays a role; a peer
// that listens, or whose first datagram is one it receives, plays the server).
std::map<std::string, Side> sides(const std::vector<Event>& events) {
  std::map<std::string, Side> side;
  std::set<std::string> first_datagram_seen;
  for (const auto& e : events) {
    if (!side.count(e.actor)) {
      Side s = Side::client;
      if (e.actor == "harness") {
        s = Side::harness;
      } else if (e.kind == EventKind::segment || e.actor.rfind("wire", 0) == 0) {
        s = Side::wire;  // no column: its segments are arrows between the columns of their ends
      } else if (e.kind == EventKind::link) {
        s = Side::link;
      } else if ((e.kind == EventKind::start && plays_server(e.role)) || e.kind == EventKind::listen) {
        s = Side::server;
      }
      side[e.actor] = s;
    }
    const bool datagram = e.kind == EventKind::recvfrom || e.kind == EventKind::sendto;
    if (datagram && first_datagram_seen.insert(e.actor).second && e.kind == EventKind::recvfrom &&
        side[e.actor] == Side::client) {
      side[e.actor] = Side::server;
    }
  }
  return side;
}

// A link's event: an arrow between the client it names and the server, a loss crossed out at the link,
// a copy drawn twice, or a note.
void link_marks(const Event& e, std::size_t me, std::size_t client, std::size_t server, Diagram& d) {
  Mark m;
  m.t = e.t;
  m.from = m.to = me;
  m.text = cut(render(e, d.lang), 60);
  if (e.act == LinkAct::note || e.act == LinkAct::alarm) {
    m.css = e.act == LinkAct::alarm ? "drop" : "info";
    d.marks.push_back(m);
    return;
  }
  const std::size_t src = e.reply_way ? server : client, dst = e.reply_way ? client : server;
  if (src == std::string::npos || dst == std::string::npos) return;
  m.kind = Mark::Kind::arrow;
  m.from = src;
  m.to = dst;
  m.css = "arrow";
  switch (e.act) {
    case LinkAct::dropped:
    case LinkAct::held:
      m.kind = Mark::Kind::drop;
      m.to = me;
      m.css = e.act == LinkAct::dropped ? "drop" : "held";
      break;
    case LinkAct::duplicated:
      m.css = "dup";
      d.marks.push_back(m);
      break;
    case LinkAct::released:
      m.from = me;
      m.css = "dup";
      break;
    default: break;
  }
  d.marks.push_back(m);
}

// A program's or a peer's own event, drawn in its column or as an arrow to the other side; false when
// it is not drawn.
bool own_mark(const Event& e, std::size_t me, std::size_t other, Diagram& d) {
  Mark m;
  m.t = e.t;
  m.from = m.to = me;
  const std::string told = render(e, d.lang);
  switch (e.kind) {
    case EventKind::output: {
      // Output comes in pieces as the program writes it: consecutive pieces of one stream make one note.
      const std::string css = e.stream == "stdout" ? "out" : "err";
      std::string piece = visible(e.bytes);  // the quoted bytes, without their quotes
      piece = piece.substr(1, piece.size() - 2);
      if (!d.marks.empty() && d.marks.back().kind == Mark::Kind::note && d.marks.back().from == me &&
          d.marks.back().css == css && d.marks.back().raw.size() < 400) {
        d.marks.back().raw += piece;
        d.marks.back().text = cut(e.stream + " > \"" + d.marks.back().raw + "\"", 60);
        return true;
      }
      m.raw = piece;
      m.text = cut(told, 60);
      m.css = css;
      break;
    }
    case EventKind::input:
      m.text = cut(told, 50);
      m.css = "in";
      break;
    case EventKind::send:
    case EventKind::sendto:
    case EventKind::reply:
    case EventKind::recv:
    case EventKind::recvfrom:
      if (other == std::string::npos) return false;
      m.kind = Mark::Kind::arrow;
      (e.sends() ? m.to : m.from) = other;
      m.text = cut(told, 60);
      m.css = "arrow";
      break;
    case EventKind::start:
      m.text = cut(fmt::format("start ({})", e.role.empty() ? "tool" : e.role), 50);
      m.css = "info";
      break;
    case EventKind::status:
      m.text = cut(told, 50);
      m.css = "info";
      break;
    default: return false;
  }
  d.marks.push_back(m);
  return true;
}

// A segment on the wire: the handshake and the closes always; data where both ends are programs
// (socklab's peers and links draw what they send themselves).
void segment_mark(const Event& e, const std::function<std::size_t(const std::string&)>& col,
                  const std::set<std::string>& programs, Diagram& d) {
  const std::size_t from = col(e.from), to = col(e.to);
  const bool control = e.control();
  if (from >= d.columns.size() || to >= d.columns.size() || e.from == e.to ||
      (!control && !(programs.count(e.from) && programs.count(e.to)))) {
    return;
  }
  Mark m;
  m.kind = Mark::Kind::arrow;
  m.t = e.t;
  m.from = from;
  m.to = to;
  m.text = cut(describe_segment(e, d.lang), 60);
  m.css = e.rst ? "reset" : control ? "wire" : "arrow";
  d.marks.push_back(m);
}

Diagram build_diagram(const std::vector<Event>& events, Lang lang) {
  std::map<std::string, Side> side = sides(events);
  Diagram d;
  d.lang = lang;
  for (const Side s : {Side::harness, Side::client, Side::link, Side::server}) {
    for (const auto& e : events) {
      if (side[e.actor] == s && std::find(d.columns.begin(), d.columns.end(), e.actor) == d.columns.end())
        d.columns.push_back(e.actor);
    }
  }
  auto col = [&](const std::string& a) {
    return static_cast<std::size_t>(std::find(d.columns.begin(), d.columns.end(), a) - d.columns.begin());
  };
  auto first_of = [&](Side s) {
    for (const auto& c : d.columns) {
      if (side[c] == s) return col(c);
    }
    return std::string::npos;
  };
  const std::size_t server = first_of(Side::server), link = first_of(Side::link), client = first_of(Side::client);
  std::vector<std::size_t> clients;  // a link numbers its clients (client 2, connection 2) in the order they come
  for (const auto& c : d.columns) {
    if (side[c] == Side::client) clients.push_back(col(c));
  }
  std::set<std::string> programs;  // actors that are processes: the wire is all that shows what they send
  for (const auto& e : events) {
    if (e.kind == EventKind::start) programs.insert(e.actor);
  }
  for (const auto& e : events) {
    const Side s = side[e.actor];
    if (e.kind == EventKind::segment) {
      segment_mark(e, col, programs, d);
    } else if (s == Side::link) {
      const std::size_t k = static_cast<std::size_t>(std::max(e.client, 1));
      link_marks(e, col(e.actor), clients.empty() ? std::string::npos : clients[std::min(k, clients.size()) - 1],
                 server, d);
    } else if (s != Side::wire) {
      const std::size_t other = link != std::string::npos ? link : s == Side::server ? client : server;
      own_mark(e, col(e.actor), other, d);
    }
  }
  // A column nothing happened in (socklab's own, often) takes no room.
  std::vector<bool> used(d.columns.size(), false);
  for (const auto& m : d.marks) used[m.from] = used[m.to] = true;
  std::vector<std::size_t> moved(d.columns.size(), 0);
  std::vector<std::string> kept;
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    moved[c] = kept.size();
    if (used[c]) kept.push_back(d.columns[c]);
  }
  for (auto& m : d.marks) {
    m.from = moved[m.from];
    m.to = moved[m.to];
  }
  d.columns = std::move(kept);
  return d;
}

std::string svg(const Diagram& d) {
  if (d.columns.empty()) return "<p>(no events)</p>";
  constexpr int colw = 230, top = 40, row = 24, left = 20;
  const int width = left * 2 + static_cast<int>(d.columns.size()) * colw + 260;  // room for the last column's notes
  const std::size_t shown = std::min<std::size_t>(d.marks.size(), 400);
  const int height = top + static_cast<int>(shown) * row + 30;
  auto x = [&](std::size_t c) { return left + static_cast<int>(c) * colw + colw / 2; };
  std::ostringstream o;
  o << "<svg class=\"seq\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" viewBox=\"0 0 " << width << " " << height << "\">\n"
    << "<defs><marker id=\"head\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
       "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#1f6feb\"/></marker>"
       "<marker id=\"headdup\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
       "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"#bf8700\"/></marker></defs>\n";
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    o << "<rect class=\"actor\" x=\"" << x(c) - 80 << "\" y=\"4\" width=\"160\" height=\"26\" rx=\"4\"/>"
      << "<text class=\"actor\" x=\"" << x(c) << "\" y=\"22\" text-anchor=\"middle\">" << esc(d.columns[c]) << "</text>"
      << "<line class=\"life\" x1=\"" << x(c) << "\" y1=\"30\" x2=\"" << x(c) << "\" y2=\"" << height - 10 << "\"/>\n";
  }
  for (std::size_t i = 0; i < shown; ++i) {
    const Mark& m = d.marks[i];
    const int y = top + static_cast<int>(i) * row + 12;
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%.3f", m.t);
    o << "<g class=\"" << m.css << "\"><title>" << stamp << " s</title>";
    if (m.kind == Mark::Kind::note) {
      o << "<text class=\"note " << m.css << "\" x=\"" << x(m.from) + 6 << "\" y=\"" << y + 4 << "\">" << esc(m.text)
        << "</text>";
    } else {
      const int x1 = x(m.from), x2 = x(m.to);
      const bool dup = m.css == "dup";
      o << "<line class=\"msg " << m.css << "\" x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y
        << "\""
        << (m.kind == Mark::Kind::arrow ? (dup ? " marker-end=\"url(#headdup)\"" : " marker-end=\"url(#head)\"") : "")
        << "/>";
      if (m.kind == Mark::Kind::drop) {
        o << "<path class=\"cross " << m.css << "\" d=\"M" << x2 - 7 << "," << y - 7 << " L" << x2 + 7 << "," << y + 7
          << " M" << x2 - 7 << "," << y + 7 << " L" << x2 + 7 << "," << y - 7 << "\"/>";
      }
      o << "<text class=\"label\" x=\"" << (x1 + x2) / 2 << "\" y=\"" << y - 4 << "\" text-anchor=\"middle\">"
        << esc(m.text) << "</text>";
    }
    o << "</g>\n";
  }
  if (d.marks.size() > shown) {
    o << fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", left, height - 8,
                     say(d.lang, "html.more-events", {{"count", std::to_string(d.marks.size() - shown)}}));
  }
  o << "</svg>";
  return o.str();
}

const char* kStyle = R"(
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px} h2{font-size:18px;margin-top:28px} table.score{border-collapse:collapse}
table.score td,table.score th{border:1px solid #d0d7de;padding:4px 10px;text-align:right}
table.score td:first-child,table.score th:first-child{text-align:left}
.pass{color:#1a7f37} .fail,.timeout,.crash,.error{color:#d1242f} .skip{color:#656d76}
details{border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:6px 10px}
img.shot{max-width:400px;border:1px solid #d0d7de} figcaption{font-size:12px;color:#656d76}
summary{cursor:pointer;font-weight:600}
pre.report{background:#fff8f0;border-left:4px solid #d1242f;padding:8px;white-space:pre-wrap;font-size:13px}
p.advice{background:#ddf4ff;border-left:4px solid #1f6feb;padding:6px 8px}
svg.seq{display:block;margin:8px 0;font-size:11px;font-family:"Noto Sans Mono CJK SC",monospace}
svg.seq rect.actor{fill:#f6f8fa;stroke:#57606a} svg.seq text.actor{font-weight:700;font-size:12px}
svg.seq line.life{stroke:#8c959f;stroke-dasharray:4 3}
svg.seq line.msg{stroke:#1f6feb;stroke-width:2.5} svg.seq line.msg.dup{stroke:#bf8700}
svg.seq line.msg.drop,svg.seq line.msg.held{stroke:#d1242f;stroke-dasharray:6 3}
svg.seq path.cross{stroke:#d1242f;stroke-width:3}
svg.seq line.msg.wire{stroke:#8c959f;stroke-width:1.5} svg.seq line.msg.reset{stroke:#d1242f;stroke-width:2.5}
svg.seq text.label{fill:#24292f} svg.seq text.note.out{fill:#1a7f37} svg.seq text.note.err{fill:#d1242f}
svg.seq text.note.in{fill:#8250df} svg.seq text.note.info{fill:#656d76} svg.seq text.note.drop{fill:#d1242f}
)";

}  // namespace

const char* report_style() { return kStyle; }

std::string sequence_svg(const std::vector<Event>& events, Lang lang) { return svg(build_diagram(events, lang)); }

std::string grade_html(const SubmissionScore& s, const ReportContext& ctx) {
  const Lang lang = ctx.lang;
  std::ostringstream o;
  const auto n = format_points;
  o << "<!DOCTYPE html>\n<html lang=\"" << (lang == Lang::zh ? "zh" : "en") << "\"><head><meta charset=\"utf-8\">"
    << "<title>socklab: " << esc(s.submission.name) << "</title><style>" << report_style() << "</style></head><body>\n";
  o << fmt::format("<h1>socklab — {}: {}/{} {}</h1>\n", esc(s.submission.name), n(s.points()), n(s.max()),
                   tr("points", lang));
  o << "<table class=\"score\"><tr><th>" << tr("role", lang) << "</th><th>" << tr("score", lang) << "</th><th>"
    << tr("passed", lang) << "</th><th>" << tr("failed", lang) << "</th></tr>\n";
  for (const auto& r : s.roles) {
    const int passed = r.count(Verdict::pass), skipped = r.count(Verdict::skip);
    o << "<tr><td>" << r.role << "</td><td>" << n(r.points) << "/" << n(r.max) << "</td>";
    if (r.submitted) {
      o << "<td class=\"pass\">" << passed << "</td><td class=\"fail\">"
        << static_cast<int>(r.scenarios.size()) - passed - skipped << "</td></tr>\n";
    } else {
      o << "<td colspan=\"2\" class=\"skip\">" << esc(r.reason.substr(0, r.reason.find('\n'))) << "</td></tr>\n";
    }
  }
  o << "</table>\n";
  for (const auto& a : s.submission.source_advice) o << "<p class=\"advice\">" << esc(a.text) << "</p>\n";
  auto scenario_block = [&](const RoleScore& r, const ScenarioScore& ss, bool open) {
    const std::string v = to_string(ss.result.verdict);
    o << fmt::format("<details{}><summary><span class=\"{}\">{}</span> {} · {} — {} ({}/{})</summary>\n",
                     open ? " open" : "", v, tr(v, lang), esc(r.role), esc(ss.result.scenario), esc(ss.title),
                     n(ss.points), n(ss.max));
    if (ss.result.verdict != Verdict::pass) {
      for (const auto& a : ss.advice) o << "<p class=\"advice\">" << esc(a.text) << "</p>\n";
      o << "<pre class=\"report\">" << esc(ss.result.message) << "</pre>\n";
    }
    o << kept_images(ss.result);
    o << "<p>" << tr("sequence of the run", lang) << ":</p>\n" << sequence_svg(ss.result.events, lang);
    o << "</details>\n";
  };
  o << "<h2>" << tr("failures", lang) << "</h2>\n";
  bool any = false;
  for (const auto& r : s.roles) {
    for (const auto& ss : r.scenarios) {
      if (!r.submitted || ss.result.verdict == Verdict::pass || ss.result.verdict == Verdict::skip) continue;
      scenario_block(r, ss, !any);  // the first failure open, the rest a click away
      any = true;
    }
  }
  if (!any) o << "<p class=\"pass\">" << tr("no failures", lang) << "</p>\n";
  o << "<h2>" << tr("passed", lang) << "</h2>\n";
  for (const auto& r : s.roles) {
    for (const auto& ss : r.scenarios) {
      if (r.submitted && ss.result.verdict == Verdict::pass) scenario_block(r, ss, false);
    }
  }
  o << fmt::format("<p class=\"skip\">socklab {} · {} {} · {}</p>\n</body></html>\n", esc(ctx.socklab_version),
                   tr("suite", lang), esc(ctx.suite_version), esc(ctx.isolation));
  return o.str();
}

}  // namespace socklab::harness
