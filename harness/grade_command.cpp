#include "grade_command.hpp"

#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "files.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace socklab::harness {
namespace {

// The date and time now, as the reports give it: "2025-03-01 14:05 UTC".
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char b[32];
  std::strftime(b, sizeof b, "%Y-%m-%d %H:%M UTC", &utc);
  return b;
}

double seconds_since_1970() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::map<std::string, std::string> interpreters_in(const SubmissionScore& s) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& [role, p] : s.submission.roles) commands.push_back(p.argv);
  return interpreters_of(commands);
}

// What the console shows once a class is graded (or merged): every failure, the table, the class's most
// frequent failures, the run's facts.
void print_summary(const std::vector<SubmissionScore>& scores, const ReportContext& ctx, std::ostream& out) {
  for (const auto& s : scores) out << failures_text(s, ctx.lang);
  out << "\n" << grade_table(scores, ctx.lang);
  out << frequent_failures_text(summarize_class(scores), ctx.lang);
  out << run_facts(ctx);
  for (const auto& [name, v] : ctx.interpreters) fmt::print(out, ", {}", v);
  if (ctx.seed) out << say(ctx.lang, "grade.run-seed", {{"seed", std::to_string(*ctx.seed)}});
  out << "\n";
}

// The run's stamp, as every result file of this grade carries it.
ResultStamp run_stamp(const GradeCommand& c, const std::vector<std::string>& class_names, const std::string& date) {
  ResultStamp st;
  st.socklab_version = c.socklab_version;
  st.suite_version = c.suite_version;
  st.course_hash = course_hash(c.grade.course);
  for (const auto& s : c.grade.scenarios) st.scenarios.push_back(s.name);
  st.seed = c.grade.base.seed;
  st.isolation = c.isolation;
  st.lang = c.grade.lang == Lang::zh ? "zh" : "en";
  stamp_machine(st);
  st.date = date;
  st.shard = c.shard ? c.shard->to_string() : "1/1";
  st.class_names = class_names;
  return st;
}

// grade --results: a current result is taken instead of grading again; each graded submission is written
// at once. `failed` is set when socklab failed on one (its result is then not written: a rerun grades it).
void attach_results(GradeCommand& c, const ResultStamp& stamp, std::ostream& err, bool& failed) {
  const fs::path dir = fs::absolute(c.results_dir);
  auto hashes = std::make_shared<std::map<std::string, std::string>>();  // name -> folder_hash
  auto hash_of = [hashes](const std::string& name, const std::string& d) {
    auto it = hashes->find(name);
    if (it == hashes->end()) it = hashes->emplace(name, folder_hash(d)).first;
    return it->second;
  };
  if (!c.force) {
    c.grade.earlier = [=](const std::string& name, const std::string& d) -> std::optional<SubmissionScore> {
      std::ifstream in(dir / result_file_name(name), std::ios::binary);
      if (!in) return std::nullopt;
      try {
        ResultFile f = parse_result_file(std::string(std::istreambuf_iterator<char>(in), {}));
        if (!stamp.differences(f.stamp).empty() || f.source_hash != hash_of(name, d)) return std::nullopt;
        return std::move(f.score);
      } catch (const std::exception&) {
        return std::nullopt;  // not a result: graded again, and written over
      }
    };
  }
  const Lang lang = c.grade.lang;
  c.grade.graded = [=, &err, &failed](const SubmissionScore& s) {
    if (s.infrastructure_failed()) {
      err << "socklab: " << say(lang, "grade.worker-died", {{"name", s.submission.name}}) << "\n";
      failed = true;
      return;
    }
    ResultFile f{stamp, hash_of(s.submission.name, s.submission.dir), s};
    f.stamp.graded_at = seconds_since_1970();
    f.stamp.interpreters = interpreters_in(s);
    try {
      write_file_atomically((dir / result_file_name(s.submission.name)).string(), result_file_text(f));
    } catch (const std::exception& e) {
      err << "socklab: " << say(lang, "grade.cannot-write-result", {{"name", s.submission.name}, {"why", e.what()}})
          << "\n";
      failed = true;
    }
  };
}

}  // namespace

bool write_reports(const std::vector<SubmissionScore>& scores, const ReportContext& ctx, const ReportPaths& paths,
                   std::ostream& err) {
  bool ok = true;
  auto write = [&](const std::string& path, const std::string& text) {
    if (path.empty()) return;
    try {
      write_file_atomically(path, text);
    } catch (const std::exception& e) {
      err << "socklab: " << say(ctx.lang, "grade.cannot-write", {{"path", path}, {"why", e.what()}}) << "\n";
      ok = false;
    }
  };
  write(paths.json, grade_json(scores, ctx).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  write(paths.csv, grade_csv(scores));
  write(paths.junit, grade_junit(scores));
  if (!paths.gradescope.empty()) {
    if (scores.size() == 1) {
      write(paths.gradescope,
            gradescope_json(scores.front(), ctx).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    } else {
      err << "socklab: " << say(ctx.lang, "grade.gradescope-many", {{"count", std::to_string(scores.size())}}) << "\n";
      ok = false;
    }
  }
  if (!paths.html.empty()) {
    if (scores.size() == 1 && !fs::is_directory(paths.html)) {
      write(paths.html, grade_html(scores.front(), ctx));
    } else {  // a folder: a page per submission, and the class at a glance
      std::error_code ec;
      fs::create_directories(paths.html, ec);
      for (const auto& s : scores) write((fs::path(paths.html) / html_page_name(s)).string(), grade_html(s, ctx));
      write((fs::path(paths.html) / "index.html").string(), grade_index_html(scores, summarize_class(scores), ctx));
    }
  }
  return ok;
}

int grade_command(GradeCommand c, std::ostream& out, std::ostream& err) {
  const Lang lang = c.grade.lang;
  try {
    if (c.grade.scenarios.empty()) {
      err << "socklab: " << say(lang, "grade.none-selected") << "\n";
      return exit_usage;
    }
    if (!c.reports.gradescope.empty() && c.grade.dirs.size() != 1) {
      err << "socklab: " << say(lang, "grade.gradescope-one") << "\n";
      return exit_usage;
    }
    if (c.isolation_required && !c.grade.isolated) {
      err << "socklab: " << say(lang, "grade.shards-need-namespaces") << "\n";
      return exit_retry;
    }
    const std::vector<std::string> class_names = submission_names(c.grade.dirs);
    c.grade.names = class_names;
    if (c.shard) {
      std::vector<std::string> dirs, names;
      for (const std::size_t i : shard_share(class_names, *c.shard)) {
        dirs.push_back(c.grade.dirs[i]);
        names.push_back(class_names[i]);
      }
      out << say(lang, "grade.shard",
                 {{"shard", c.shard->to_string()},
                  {"count", std::to_string(dirs.size())},
                  {"of", std::to_string(class_names.size())}})
          << "\n";
      c.grade.dirs = std::move(dirs);
      c.grade.names = std::move(names);
    }
    const auto started = std::chrono::steady_clock::now();
    const std::string date = utc_now();
    bool failed = false;
    if (!c.results_dir.empty()) {
      std::error_code ec;
      fs::create_directories(c.results_dir, ec);
      if (!fs::is_directory(c.results_dir)) {
        err << "socklab: " << say(lang, "grade.cannot-make-folder", {{"path", c.results_dir}, {"why", ec.message()}})
            << "\n";
        return exit_retry;
      }
      attach_results(c, run_stamp(c, class_names, date), err, failed);
    }
    const auto scores = grade(c.grade, out);
    ReportContext ctx;
    ctx.socklab_version = c.socklab_version;
    ctx.suite_version = c.suite_version;
    ctx.isolation = c.isolation;
    ctx.seed = c.grade.base.seed;
    ctx.lang = c.grade.lang;
    ctx.date = date;
    ctx.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const auto& s : scores) {
      for (const auto& [name, v] : interpreters_in(s)) ctx.interpreters[name] = v;
      failed |= s.infrastructure_failed();
    }
    print_summary(scores, ctx, out);
    if (!write_reports(scores, ctx, c.reports, err)) failed = true;
    return failed ? exit_retry : exit_graded;
  } catch (const std::exception& e) {
    err << "socklab: " << told(e, lang) << "\n";
    return exit_retry;
  }
}

namespace {

struct Found {
  std::string path;
  ResultFile file;
};

// Every result file in `dirs` (*.json, not hidden: a file being written is hidden until renamed).
std::vector<Found> read_result_files(const std::vector<std::string>& dirs, Lang lang, std::ostream& err, bool& bad) {
  std::vector<Found> found;
  for (const auto& d : dirs) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(d, ec)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file(ec) && name[0] != '.' && e.path().extension() == ".json") files.push_back(e.path());
    }
    if (ec) {
      err << "socklab: " << say(lang, "merge.cannot-read-folder", {{"path", d}, {"why", ec.message()}}) << "\n";
      bad = true;
    }
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      std::ifstream in(p, std::ios::binary);
      try {
        found.push_back({p.string(), parse_result_file(std::string(std::istreambuf_iterator<char>(in), {}))});
      } catch (const std::exception& e) {
        err << "socklab: " << p.string() << ": " << told(e, lang) << "\n";
        bad = true;
      }
    }
  }
  return found;
}

// The class in the order its grade was given, each submission once (the one graded last where a result
// is there twice); `missing` and `duplicated` name the others.
std::vector<const Found*> class_of(const std::vector<Found>& found, std::vector<std::string>& missing,
                                   std::vector<std::string>& duplicated) {
  std::vector<std::string> order;
  std::set<std::string> listed;
  for (const auto& f : found) {
    for (const auto& n : f.file.stamp.class_names) {
      if (listed.insert(n).second) order.push_back(n);
    }
  }
  std::map<std::string, const Found*> by_name;
  for (const auto& f : found) {
    const std::string& n = f.file.score.submission.name;
    if (listed.insert(n).second) order.push_back(n);
    auto [it, fresh] = by_name.try_emplace(n, &f);
    if (fresh) continue;
    if (std::find(duplicated.begin(), duplicated.end(), n) == duplicated.end()) duplicated.push_back(n);
    if (f.file.stamp.graded_at > it->second->file.stamp.graded_at) it->second = &f;
  }
  std::vector<const Found*> out;
  for (const auto& n : order) {
    const auto it = by_name.find(n);
    if (it == by_name.end()) {
      missing.push_back(n);
    } else {
      out.push_back(it->second);
    }
  }
  return out;
}

std::string list_of(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

int merge_command(const std::vector<std::string>& dirs, const ReportPaths& reports, std::ostream& out,
                  std::ostream& err, Lang lang) {
  try {
    bool bad = false;
    const std::vector<Found> found = read_result_files(dirs, lang, err, bad);
    if (bad) return exit_usage;
    if (found.empty()) {
      err << "socklab: " << say(lang, "merge.no-result-file", {{"dirs", list_of(dirs)}}) << "\n";
      return exit_usage;
    }
    const ResultStamp& first = found.front().file.stamp;
    lang = first.lang == "zh" ? Lang::zh : Lang::en;  // the reports' language: the grade's
    std::set<std::string> machines;
    for (const auto& f : found) {
      const auto diff = first.differences(f.file.stamp, lang);
      if (!diff.empty()) {
        err << "socklab: " << say(lang, "merge.not-one-grade", {{"first", found.front().path}, {"other", f.path}})
            << "\n";
        for (const auto& d : diff) err << "  " << d << "\n";
        return exit_usage;
      }
      machines.insert(
          say(lang, "merge.machine", {{"kernel", f.file.stamp.kernel}, {"cpus", std::to_string(f.file.stamp.cpus)}}));
    }
    std::vector<std::string> missing, duplicated;
    const auto chosen = class_of(found, missing, duplicated);
    std::vector<SubmissionScore> scores;
    ReportContext ctx;
    ctx.socklab_version = first.socklab_version;
    ctx.suite_version = first.suite_version;
    ctx.isolation = first.isolation;
    ctx.seed = first.seed;
    ctx.lang = lang;
    ctx.date = first.date;
    for (const Found* f : chosen) {
      scores.push_back(f->file.score);
      ctx.date = std::min(ctx.date, f->file.stamp.date);
      for (const auto& [name, v] : f->file.stamp.interpreters) ctx.interpreters[name] = v;
      for (const auto& r : f->file.score.roles) {
        for (const auto& ss : r.scenarios) ctx.seconds += ss.result.duration_s;
      }
    }
    print_summary(scores, ctx, out);
    out << say(lang, "merge.merged",
               {{"count", std::to_string(scores.size())},
                {"files", std::to_string(found.size())},
                {"machines", list_of({machines.begin(), machines.end()})}})
        << "\n";
    if (!missing.empty()) {
      err << "socklab: "
          << say(lang, "merge.missing", {{"count", std::to_string(missing.size())}, {"names", list_of(missing)}})
          << "\n";
    }
    if (!duplicated.empty())
      err << "socklab: " << say(lang, "merge.duplicated", {{"names", list_of(duplicated)}}) << "\n";
    if (!write_reports(scores, ctx, reports, err)) return exit_retry;
    return missing.empty() && duplicated.empty() ? exit_graded : exit_incomplete;
  } catch (const std::exception& e) {
    err << "socklab: " << told(e, lang) << "\n";
    return exit_retry;
  }
}

}  // namespace socklab::harness
