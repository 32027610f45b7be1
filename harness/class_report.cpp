// The class at a glance: what a whole class's grades say together (which scenario most failed, which
// mistake was behind it), for the console and for the index page beside the submissions' pages.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "grade.hpp"

namespace socklab::harness {

int ScenarioTally::count(Verdict v) const {
  const auto it = verdicts.find(v);
  return it == verdicts.end() ? 0 : it->second;
}

int ScenarioTally::failures() const {
  return count(Verdict::fail) + count(Verdict::timeout) + count(Verdict::crash) + count(Verdict::error) + not_built;
}

ClassSummary summarize_class(const std::vector<SubmissionScore>& scores) {
  std::map<std::pair<std::string, std::string>, ScenarioTally> tallies;
  std::vector<std::pair<std::string, std::string>> order;  // as the suite lists them, for ties
  std::map<std::string, AdviceTally> advice;
  for (const auto& s : scores) {
    std::set<std::string> got;  // each submission counts once per piece of advice
    auto note = [&](const Advice& a) {
      auto& t = advice[a.id];
      if (t.id.empty()) t = {a.id, a.text, {}};
      if (got.insert(a.id).second) t.submissions.push_back(s.submission.name);
    };
    for (const auto& a : s.submission.source_advice) note(a);
    for (const auto& r : s.roles) {
      for (const auto& ss : r.scenarios) {
        const auto key = std::make_pair(r.role, ss.result.scenario);
        auto [it, fresh] = tallies.try_emplace(key);
        if (fresh) order.push_back(key);
        ScenarioTally& t = it->second;
        t.role = r.role;
        t.scenario = ss.result.scenario;
        t.title = ss.title;
        if (!r.submitted) {
          ++(s.submission.error.empty() ? t.not_submitted : t.not_built);
          continue;
        }
        ++t.verdicts[ss.result.verdict];
        for (const auto& a : ss.advice) {
          ++t.advice[a.id];
          note(a);
        }
      }
    }
  }
  ClassSummary c;
  for (const auto& key : order) c.scenarios.push_back(tallies[key]);
  std::stable_sort(c.scenarios.begin(), c.scenarios.end(), [](const ScenarioTally& a, const ScenarioTally& b) {
    if (a.failures() != b.failures()) return a.failures() > b.failures();
    return a.count(Verdict::pass) < b.count(Verdict::pass);
  });
  for (auto& [id, t] : advice) c.advice.push_back(std::move(t));
  std::stable_sort(c.advice.begin(), c.advice.end(), [](const AdviceTally& a, const AdviceTally& b) {
    return a.submissions.size() > b.submissions.size();
  });
  return c;
}

namespace {

// The advice most of a scenario's failures got (nullptr when none got any).
const AdviceTally* main_advice(const ScenarioTally& t, const ClassSummary& c) {
  const std::string* best = nullptr;
  int most = 0;
  for (const auto& [id, n] : t.advice) {
    if (n > most) {
      most = n;
      best = &id;
    }
  }
  if (best == nullptr) return nullptr;
  for (const auto& a : c.advice) {
    if (a.id == *best) return &a;
  }
  return nullptr;
}

int handed_in(const ScenarioTally& t) {
  int n = t.not_built;
  for (const auto& [v, k] : t.verdicts) n += v == Verdict::skip ? 0 : k;
  return n;
}

}  // namespace

std::string frequent_failures_text(const ClassSummary& c, Lang lang, std::size_t at_most) {
  std::ostringstream o;
  std::size_t shown = 0;
  for (const auto& t : c.scenarios) {
    if (t.failures() == 0 || shown == at_most) break;
    if (shown++ == 0) o << "\n" << tr("most frequent failures", lang) << ":\n";
    o << "  " << t.role << "  " << t.scenario << "  " << t.failures() << "/" << handed_in(t) << " "
      << tr("failed", lang);
    if (const AdviceTally* a = main_advice(t, c)) o << "  " << tr("advice", lang) << ": " << a->text;
    o << "\n";
  }
  return o.str();
}

std::string html_page_name(const SubmissionScore& s) {
  // A submission called "index" must not take the class's page.
  return (s.submission.name == "index" ? std::string("index-submission") : s.submission.name) + ".html";
}

namespace {

std::string esc(std::string_view s) { return markup_escape(s); }

// A file name as a relative URL: every byte but the unreserved ones percent-encoded.
std::string href(const std::string& file) {
  std::string out;
  for (const char ch : file) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

std::string link_to(const SubmissionScore& s) {
  return "<a href=\"" + href(html_page_name(s)) + "\">" + esc(s.submission.name) + "</a>";
}

// Quantile p of sorted values, interpolated between the two nearest (the "inclusive" method).
double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const auto i = static_cast<std::size_t>(std::floor(h));
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (h - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

// Ten bins from 0 to the class's maximum; the quartiles behind the bars, the median darker.
std::string histogram_svg(const std::vector<SubmissionScore>& scores, Lang lang) {
  constexpr int bins = 10, left = 40, top = 16, plot_w = 500, plot_h = 180;
  double max = 0;
  std::vector<double> totals;
  for (const auto& s : scores) {
    max = std::max(max, s.max());
    totals.push_back(s.points());
  }
  std::sort(totals.begin(), totals.end());
  if (max <= 0) max = 1;
  const double width = max / bins;
  std::vector<int> count(bins, 0);
  for (const double t : totals) ++count[std::min<std::size_t>(bins - 1, static_cast<std::size_t>(t / width))];
  const int highest = std::max(1, *std::max_element(count.begin(), count.end()));
  const double q1 = quantile(totals, 0.25), median = quantile(totals, 0.5), q3 = quantile(totals, 0.75);
  auto x = [&](double points) { return left + static_cast<int>(std::lround(points / max * plot_w)); };
  const int base = top + plot_h;
  std::ostringstream o;
  o << "<svg class=\"hist\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + plot_w + 20 << "\" height=\""
    << base + 40 << "\" data-max=\"" << max << "\" data-q1=\"" << q1 << "\" data-median=\"" << median << "\" data-q3=\""
    << q3 << "\">\n";
  using Line = std::pair<double, const char*>;
  for (const auto& [v, css] : {Line{q1, "quartile"}, Line{median, "median"}, Line{q3, "quartile"}}) {
    o << "<line class=\"" << css << "\" x1=\"" << x(v) << "\" y1=\"" << top - 6 << "\" x2=\"" << x(v) << "\" y2=\""
      << base << "\"/>\n";
  }
  for (int b = 0; b < bins; ++b) {
    const int h = count[static_cast<std::size_t>(b)] * plot_h / highest;
    o << "<rect class=\"bin\" data-count=\"" << count[static_cast<std::size_t>(b)] << "\" x=\"" << x(b * width) + 2
      << "\" y=\"" << base - h << "\" width=\"" << x((b + 1) * width) - x(b * width) - 4 << "\" height=\"" << h
      << "\"><title>" << format_points(b * width) << "–" << format_points((b + 1) * width) << ": "
      << count[static_cast<std::size_t>(b)] << "</title></rect>\n";
  }
  o << "<line class=\"axis\" x1=\"" << left << "\" y1=\"" << base << "\" x2=\"" << left + plot_w << "\" y2=\"" << base
    << "\"/>\n";
  for (int b = 0; b <= bins; b += 2) {
    o << "<text x=\"" << x(b * width) << "\" y=\"" << base + 16 << "\" text-anchor=\"middle\">"
      << format_points(b * width) << "</text>";
  }
  o << "<text x=\"" << left - 6 << "\" y=\"" << top + 4 << "\" text-anchor=\"end\">" << highest << "</text>"
    << "<text x=\"" << left - 6 << "\" y=\"" << base << "\" text-anchor=\"end\">0</text>\n"
    << "<text x=\"" << left << "\" y=\"" << base + 34 << "\">" << tr("median", lang) << " " << format_points(median)
    << " · " << tr("lower quartile", lang) << " " << format_points(q1) << " · " << tr("upper quartile", lang) << " "
    << format_points(q3) << " · " << tr("points", lang) << " / " << format_points(max) << "</text>\n</svg>\n";
  return o.str();
}

struct Segment {
  const char* css;
  std::string label;
  int n;
};

std::vector<Segment> segments(const ScenarioTally& t, Lang lang) {
  return {{"fail", tr("fail", lang), t.count(Verdict::fail)},
          {"timeout", tr("timeout", lang), t.count(Verdict::timeout)},
          {"crash", tr("crash", lang), t.count(Verdict::crash)},
          {"error", tr("error", lang), t.count(Verdict::error)},
          {"build", tr("the build failed", lang), t.not_built},
          {"pass", tr("pass", lang), t.count(Verdict::pass)},
          {"absent", tr("not submitted", lang), t.not_submitted}};
}

// A stacked bar per scenario, failures on the left, worst first; the counts written beside it.
std::string scenario_bars_svg(const ClassSummary& c, std::size_t class_size, Lang lang) {
  constexpr int label_w = 330, bar_w = 400, row = 20;
  const int height = static_cast<int>(c.scenarios.size()) * row + 4;
  const double unit = class_size == 0 ? 0 : static_cast<double>(bar_w) / static_cast<double>(class_size);
  std::ostringstream o;
  o << "<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << label_w + bar_w + 420 << "\" height=\""
    << height << "\">\n";
  for (std::size_t i = 0; i < c.scenarios.size(); ++i) {
    const ScenarioTally& t = c.scenarios[i];
    const int y = static_cast<int>(i) * row + 2;
    o << "<g class=\"scenario\" data-role=\"" << esc(t.role) << "\" data-scenario=\"" << esc(t.scenario) << "\"";
    for (const auto& s : segments(t, lang)) o << " data-" << s.css << "=\"" << s.n << "\"";
    o << "><title>" << esc(t.title) << "</title><text x=\"0\" y=\"" << y + 12 << "\">" << esc(t.role) << " · "
      << esc(t.scenario) << "</text>";
    int done = 0;
    std::string counts;
    for (const auto& s : segments(t, lang)) {
      if (s.n == 0) continue;
      const int x0 = label_w + static_cast<int>(std::lround(done * unit));
      done += s.n;
      const int x1 = label_w + static_cast<int>(std::lround(done * unit));
      o << "<rect class=\"" << s.css << "\" x=\"" << x0 << "\" y=\"" << y << "\" width=\"" << x1 - x0
        << "\" height=\"14\"/>";
      counts += (counts.empty() ? "" : " · ") + std::to_string(s.n) + " " + s.label;
    }
    o << "<text x=\"" << label_w + bar_w + 8 << "\" y=\"" << y + 12 << "\">" << esc(counts) << "</text></g>\n";
  }
  o << "</svg>\n";
  return o.str();
}

std::string advice_list(const std::vector<SubmissionScore>& scores, const ClassSummary& c, Lang lang) {
  if (c.advice.empty()) return "<p class=\"pass\">" + tr("no failures", lang) + "</p>\n";
  std::map<std::string, const SubmissionScore*> by_name;
  for (const auto& s : scores) by_name[s.submission.name] = &s;
  std::ostringstream o;
  o << "<ol class=\"advice\">\n";
  for (const auto& a : c.advice) {
    o << "<li data-advice=\"" << esc(a.id) << "\" data-count=\"" << a.submissions.size() << "\"><b>"
      << a.submissions.size() << " " << tr("submissions", lang) << "</b> <code>" << esc(a.id) << "</code> "
      << esc(a.text) << "<br>";
    for (std::size_t k = 0; k < a.submissions.size(); ++k)
      o << (k == 0 ? "" : ", ") << link_to(*by_name.at(a.submissions[k]));
    o << "</li>\n";
  }
  o << "</ol>\n";
  return o.str();
}

std::string class_table(const std::vector<SubmissionScore>& scores, Lang lang) {
  std::ostringstream o;
  o << "<p class=\"skip\">" << tr("click a column to sort", lang)
    << "</p>\n<table class=\"score sortable\"><thead><tr><th>" << tr("submission", lang) << "</th>";
  for (const auto& ex : examples()) o << "<th>" << ex << "</th>";
  o << "<th>" << tr("total", lang) << "</th></tr></thead><tbody>\n";
  for (const auto& s : scores) {
    o << "<tr><td>" << link_to(s) << "</td>";
    for (const auto& ex : examples()) {
      const auto [p, m] = s.example(ex);
      if (m > 0)
        o << "<td data-v=\"" << p << "\">" << format_points(p) << "/" << format_points(m) << "</td>";
      else
        o << "<td data-v=\"-1\">-</td>";
    }
    o << "<td data-v=\"" << s.points() << "\">" << format_points(s.points()) << "/" << format_points(s.max())
      << "</td></tr>\n";
  }
  o << "</tbody></table>\n";
  return o.str();
}

const char* kIndexStyle = R"(
svg.hist,svg.bars{display:block;margin:8px 0;font-size:12px}
svg.hist rect.bin{fill:#1f6feb} svg.hist line.axis{stroke:#57606a}
svg.hist line.median{stroke:#1f2328;stroke-width:2} svg.hist line.quartile{stroke:#8c959f;stroke-dasharray:5 3}
svg.bars rect.fail{fill:#d1242f} svg.bars rect.timeout{fill:#bf8700} svg.bars rect.crash{fill:#8250df}
svg.bars rect.error,svg.bars rect.build{fill:#57606a} svg.bars rect.pass{fill:#1a7f37}
svg.bars rect.absent{fill:#d0d7de}
a{color:#0550ae} table.sortable th{cursor:pointer} ol.advice li{margin:6px 0}
)";

// Sorts the class table by the column clicked: numbers by their data-v, names as text; again to reverse.
const char* kSortScript = R"(
document.querySelectorAll('table.sortable th').forEach((th, i) => th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0], dir = th.dataset.dir === 'up' ? -1 : 1;
  th.dataset.dir = dir > 0 ? 'up' : 'down';
  const key = r => r.cells[i].dataset.v === undefined ? r.cells[i].textContent : parseFloat(r.cells[i].dataset.v);
  [...body.rows].sort((a, b) => {
    const x = key(a), y = key(b);
    return (typeof x === 'number' ? x - y : x.localeCompare(y)) * dir;
  }).forEach(r => body.appendChild(r));
}));
)";

std::string facts(const ReportContext& ctx) {
  const Lang lang = ctx.lang;
  std::string o = fmt::format("<p class=\"facts\">socklab {} · {} {} · {}: {}", esc(ctx.socklab_version),
                              tr("suite", lang), esc(ctx.suite_version), tr("isolation", lang), esc(ctx.isolation));
  for (const auto& [name, version] : ctx.interpreters) o += fmt::format(" · {}", esc(version));
  if (ctx.seed) o += fmt::format(" · {} {}", tr("seed", lang), *ctx.seed);
  return o + fmt::format(" · {} {} · {} {:.0f} s</p>\n", tr("date", lang), esc(ctx.date), tr("duration", lang),
                         ctx.seconds);
}

}  // namespace

std::string grade_index_html(const std::vector<SubmissionScore>& scores, const ClassSummary& c,
                             const ReportContext& ctx) {
  const Lang lang = ctx.lang;
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"" << (lang == Lang::zh ? "zh" : "en") << "\"><head><meta charset=\"utf-8\">"
    << "<title>socklab: " << tr("the class at a glance", lang) << "</title><style>" << report_style() << kIndexStyle
    << "</style></head><body>\n";
  o << "<h1>socklab — " << tr("the class at a glance", lang) << ": " << scores.size() << " " << tr("submissions", lang)
    << "</h1>\n"
    << facts(ctx);
  o << "<h2>" << tr("totals", lang) << "</h2>\n" << histogram_svg(scores, lang);
  o << "<h2>" << tr("what to teach again", lang) << "</h2>\n" << advice_list(scores, c, lang);
  o << "<h2>" << tr("scenarios, worst first", lang) << "</h2>\n" << scenario_bars_svg(c, scores.size(), lang);
  o << "<h2>" << tr("the class", lang) << "</h2>\n" << class_table(scores, lang);
  o << "<script>" << kSortScript << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace socklab::harness
