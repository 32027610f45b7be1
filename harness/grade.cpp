#include "grade.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "isolation.hpp"
#include "junit.hpp"
#include "matcher.hpp"
#include "pool.hpp"
#include "result_file.hpp"
#include "text.hpp"

extern char** environ;

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace socklab::harness {

std::vector<std::string> split_command(const std::string& s) {
  std::vector<std::string> words;
  std::string w;
  bool have = false;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        w += c;
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else if (c == '\\' && i + 1 < s.size() && std::string("\"\\$`").find(s[i + 1]) != std::string::npos)
        w += s[++i];
      else
        w += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      w += s[++i];
      have = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (have || !w.empty()) words.push_back(w);
      w.clear();
      have = false;
    } else {
      w += c;
    }
  }
  if (quote != 0) throw SaidError("grade.unclosed-quote", {{"command", s}});
  if (have || !w.empty()) words.push_back(w);
  return words;
}

std::string tutorial_stem(const std::string& role) {
  const Role* r = find_role(role);
  return r != nullptr ? r->stem : role;
}

std::string format_points(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", std::round(v * 100) / 100);
  return b;
}

std::string tr(const std::string& english, Lang lang) { return has_message(english) ? say(lang, english) : english; }

// ------------------------------------------------------------------------------------ finding, building

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The file in `dir` whose name is `name`, ignoring case ("" when none).
std::string find_file(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  std::string found;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    const std::string f = e.path().filename().string();
    if (f == name) return f;
    if (lower(f) == lower(name) && found.empty()) found = f;
  }
  return found;
}

bool holds_a_program(const fs::path& dir) {
  if (fs::exists(dir / "socklab.toml")) return true;
  for (const auto& role : known_roles()) {
    const std::string stem = tutorial_stem(role);
    for (const char* ext : {".py", ".pl", ".c", ".cpp", ".cc", ""}) {
      if (!find_file(dir, stem + ext).empty()) return true;
    }
  }
  return false;
}

std::uintmax_t folder_size(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// Runs a build command in the staged copy `cwd` as a scenario runs its programs under test: in a worker
// of its own (namespaces when `isolated`), as the run's own user in its own root file system, with its
// limits and a time limit. The output (the last 2000 bytes, stdout and stderr as they came) goes to `output`.
bool run_build(const std::vector<std::string>& argv, const fs::path& cwd, int seconds, bool isolated, Lang lang,
               std::string& output, bool& worker_died) {
  Worker w = spawn_worker(
      isolated, {},
      [&](const WorkerContext& context) {
        nlohmann::json result = {{"ok", false}, {"output", ""}};
        const Confinement& confinement = *context.confinement;
        // The build writes its files as the run's user; then they are socklab's again.
        if (confinement.uid) own_tree(cwd, static_cast<uid_t>(*confinement.uid));
        std::string combined;
        try {
          std::string mount_point = (fs::temp_directory_path() / "socklab-build-XXXXXX").string();
          std::unique_ptr<BoxRoot> box;
          if (context.own_mounts && confinement.defences.fs && ::mkdtemp(mount_point.data()) != nullptr) {
            box = std::make_unique<BoxRoot>(mount_point, cwd.string(), std::vector<std::string>{});
          }
          Limits limits;
          limits.cpu_s = seconds;
          Ran ran = run_to_end(argv, cwd.string(), limits, std::chrono::seconds(seconds), 2000,
                               Child::Sandbox{&confinement, box.get()});
          combined = std::move(ran.output);
          if (!ran.status) combined += say(lang, "grade.build-stopped", {{"seconds", std::to_string(seconds)}});
          result["ok"] = ran.status && ran.status->code == 0;
        } catch (const std::exception& e) {
          combined += say(lang, "grade.build-cannot-run", {{"program", argv.at(0)}, {"why", e.what()}});
        }
        if (confinement.uid) own_tree(cwd, ::getuid());
        result["output"] = combined.size() > 2000 ? combined.substr(combined.size() - 2000) : combined;
        return result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      SandboxLimits{});
  try {
    const auto result = nlohmann::json::parse(finish_worker(w));
    output = result.at("output").get<std::string>();
    return result.at("ok").get<bool>();
  } catch (const std::exception&) {
    output = say(lang, "grade.build-worker-died");
    worker_died = true;
    return false;
  }
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

void read_manifest(Submission& s, const fs::path& staged, Lang lang, bool isolated) {
  toml::table t;
  try {
    t = toml::parse_file((staged / "socklab.toml").string());
  } catch (const toml::parse_error& e) {
    s.error = say(lang, "grade.toml-error",
                  {{"line", std::to_string(e.source().begin.line)}, {"why", std::string(e.description())}});
    return;
  }
  if (const auto build = t["build"].value<std::string>()) {
    std::string out;
    std::vector<std::string> words;
    try {
      words = split_command(*build);
    } catch (const std::exception& e) {
      s.error = say(lang, "grade.toml-build", {{"why", told(e, lang)}});
      return;
    }
    if (!words.empty() && !run_build(words, staged, 120, isolated, lang, out, s.infrastructure_failure)) {
      s.error = say(lang, "grade.build-failed", {{"command", *build}, {"output", out}});
      return;
    }
    s.notes.push_back(say(lang, "grade.built-with", {{"command", *build}}));
  }
  for (const auto& role : known_roles()) {
    const auto dot = role.find('.');
    auto value = t["roles"][role].value<std::string>();
    if (!value) value = t[role.substr(0, dot)][role.substr(dot + 1)].value<std::string>();
    if (!value) continue;
    try {
      auto argv = split_command(*value);
      if (argv.empty()) throw SaidError("grade.empty-command");
      s.roles[role] = {argv, "socklab.toml"};
    } catch (const std::exception& e) {
      s.notes.push_back(say(lang, "grade.toml-role", {{"role", role}, {"why", told(e, lang)}}));
    }
  }
  if (s.roles.empty()) s.notes.push_back(say(lang, "grade.toml-no-role"));
}

void find_tutorial_files(Submission& s, const fs::path& staged, Lang lang, bool isolated) {
  // Sources: a Makefile builds them all; a lone source is compiled the usual way.
  bool sources = false;
  for (const auto& role : known_roles()) {
    for (const char* ext : {".c", ".cpp", ".cc"}) sources |= !find_file(staged, tutorial_stem(role) + ext).empty();
  }
  if (sources) {
    const std::string makefile = !find_file(staged, "Makefile").empty() ? "Makefile" : find_file(staged, "makefile");
    if (!makefile.empty()) {
      std::string out;
      if (!run_build({"make", "-j2"}, staged, 180, isolated, lang, out, s.infrastructure_failure)) {
        s.error = say(lang, "grade.build-failed", {{"command", "make"}, {"output", out}});
        return;
      }
      s.notes.push_back(say(lang, "grade.built-with-make"));
    } else {
      for (const auto& role : known_roles()) {
        const std::string stem = tutorial_stem(role);
        for (const char* ext : {".c", ".cpp", ".cc"}) {
          const std::string src = find_file(staged, stem + ext);
          if (src.empty() || !find_file(staged, stem).empty()) continue;
          const bool c = std::string(ext) == ".c";
          std::string out;
          if (!run_build({c ? "cc" : "c++", c ? "-std=c11" : "-std=c++17", "-O2", "-pthread", src, "-o", stem}, staged,
                         120, isolated, lang, out, s.infrastructure_failure)) {
            s.notes.push_back(say(lang, "grade.source-build-failed", {{"source", src}, {"output", out}}));
          }
        }
      }
    }
  }
  for (const auto& role : known_roles()) {
    const std::string stem = tutorial_stem(role);
    if (const auto f = find_file(staged, stem + ".py"); !f.empty()) {
      s.roles[role] = {{"python3", f}, f};
    } else if (const auto pl = find_file(staged, stem + ".pl"); !pl.empty()) {
      s.roles[role] = {{"perl", pl}, pl};
    } else if (const auto exe = find_file(staged, stem); !exe.empty() && ::access((staged / exe).c_str(), X_OK) == 0) {
      s.roles[role] = {{"./" + exe}, exe};
    }
  }
}

}  // namespace

std::vector<std::string> submission_names(const std::vector<std::string>& dirs) {
  std::vector<std::string> names;
  std::map<std::string, int> seen;
  for (const auto& d : dirs) {
    fs::path given = fs::absolute(d).lexically_normal();
    if (given.filename().empty()) given = given.parent_path();
    // what would steer a terminal (ESC, C1 and bidi controls) escaped
    const std::string shown = visible(given.filename().string());
    std::string name = shown.substr(1, shown.size() - 2);
    if (++seen[name] > 1) name += "-" + std::to_string(seen[name]);
    names.push_back(name);
  }
  return names;
}

Submission prepare_submission(const std::string& dir, const std::string& staging_root, Lang lang, bool isolated,
                              const std::string& name) {
  Submission s;
  fs::path given = fs::absolute(dir).lexically_normal();
  if (given.filename().empty()) given = given.parent_path();
  s.dir = given.string();
  s.name = name.empty() ? submission_names({dir}).front() : name;
  std::error_code ec;
  if (!fs::is_directory(given, ec)) {
    s.error = say(lang, "grade.no-folder", {{"dir", s.dir}});
    return s;
  }
  fs::path root = given;
  if (!holds_a_program(root)) {  // an unpacked archive: one folder inside
    std::vector<fs::path> inner;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (e.is_directory(ec) && e.path().filename().string()[0] != '.') inner.push_back(e.path());
    }
    if (inner.size() == 1 && holds_a_program(inner[0])) {
      root = inner[0];
      s.notes.push_back(say(lang, "grade.programs-in", {{"folder", root.filename().string() + "/"}}));
    }
  }
  if (folder_size(root) > (64u << 20)) {
    s.error = say(lang, "grade.too-big");
    return s;
  }
  const fs::path staged = fs::path(staging_root) / s.name;
  fs::remove_all(staged, ec);
  fs::create_directories(staged.parent_path(), ec);
  fs::copy(root, staged, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    s.error = say(lang, "grade.cannot-copy", {{"path", root.string()}, {"why", ec.message()}});
    return s;
  }
  s.staged = staged.string();
  if (fs::exists(staged / "socklab.toml")) {
    read_manifest(s, staged, lang, isolated);
  } else {
    find_tutorial_files(s, staged, lang, isolated);
  }
  for (const auto& [role, p] : s.roles) {
    for (auto a : advice_for_source((staged / p.file).string(), lang)) {
      a.text = p.file + ": " + a.text;
      if (std::none_of(s.source_advice.begin(), s.source_advice.end(),
                       [&](const Advice& b) { return b.text == a.text; })) {
        s.source_advice.push_back(a);
      }
    }
  }
  return s;
}

namespace {

// "Python 3.11.2" for python3: what `program` (the file that `name` was found as) says it is.
std::string interpreter_version(const std::string& name, const std::string& program) {
  std::string out;
  try {
    out = run_to_end({program, "--version"}, "/", Limits{}, std::chrono::seconds(10), 4096).output;
  } catch (const std::exception&) {
    return "";
  }
  if (name == "perl") {  // "This is perl 5, version 36, subversion 0 (v5.36.0) ..."
    const auto v = out.find("(v");
    return v == std::string::npos ? "perl" : "perl " + out.substr(v + 2, out.find(')', v) - v - 2);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.substr(0, out.find('\n'));
}

}  // namespace

std::map<std::string, std::string> interpreters_of(const std::vector<std::vector<std::string>>& commands) {
  static std::map<std::string, std::string> known;  // an interpreter's version does not change while socklab runs
  std::map<std::string, std::string> out;
  for (const auto& words : commands) {
    const std::string& name = words.at(0);
    if ((name != "python3" && name != "perl") || out.count(name)) continue;
    if (!known.count(name)) {
      const std::string program = Child::find_program(name, true);
      known[name] = interpreter_version(name, program.empty() ? name : program);
    }
    out[name] = known[name];
  }
  return out;
}

// ------------------------------------------------------------------------------------------- course

double Course::max_points(const Scenario& s) const {
  const auto it = points.find(s.name);
  const double base = it != points.end() ? it->second : s.points;
  const auto tagged = [&](const char* tag) { return std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end(); };
  return base * (tagged("transcript") ? transcript_weight : tagged("robustness") ? robustness_weight : core_weight);
}

Course load_course(const std::string& path) {
  Course c;
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw SaidError(
        "grade.course-toml",
        {{"path", path}, {"line", std::to_string(e.source().begin.line)}, {"why", std::string(e.description())}});
  }
  auto weight = [&](const char* key, double& into) {
    const auto node = t["weights"][key];
    if (!node) return;
    const auto v = node.value<double>();
    if (!v || *v < 0) throw SaidError("grade.course-weight", {{"path", path}, {"key", key}});
    into = *v;
  };
  if (const auto* weights = t["weights"].as_table()) {
    for (const auto& [k, v] : *weights) {
      const auto& known = known_tags();
      if (std::find(known.begin(), known.end(), k.str()) == known.end())
        throw SaidError("grade.course-not-a-tag", {{"path", path}, {"key", std::string(k.str())}});
    }
  }
  weight("core", c.core_weight);
  weight("robustness", c.robustness_weight);
  weight("transcript", c.transcript_weight);
  if (const auto* points = t["points"].as_table()) {
    for (const auto& [k, v] : *points) {
      const auto p = v.value<double>();
      if (!p || *p < 0) throw SaidError("grade.course-points", {{"path", path}, {"key", std::string(k.str())}});
      c.points[std::string(k.str())] = *p;
    }
  }
  return c;
}

// ------------------------------------------------------------------------------------------- scores

int RoleScore::count(Verdict v) const {
  return static_cast<int>(
      std::count_if(scenarios.begin(), scenarios.end(), [&](const ScenarioScore& s) { return s.result.verdict == v; }));
}

double SubmissionScore::points() const {
  double p = 0;
  for (const auto& r : roles) p += r.points;
  return p;
}

double SubmissionScore::max() const {
  double p = 0;
  for (const auto& r : roles) p += r.max;
  return p;
}

std::pair<double, double> SubmissionScore::example(const std::string& ex) const {
  std::pair<double, double> out{0, 0};
  for (const auto& r : roles) {
    if (r.role.rfind(ex + ".", 0) == 0) {
      out.first += r.points;
      out.second += r.max;
    }
  }
  return out;
}

bool SubmissionScore::infrastructure_failed() const {
  if (submission.infrastructure_failure) return true;
  return std::any_of(roles.begin(), roles.end(), [](const RoleScore& r) {
    return std::any_of(r.scenarios.begin(), r.scenarios.end(),
                       [](const ScenarioScore& ss) { return ss.result.infrastructure_failure; });
  });
}

const std::vector<std::string>& examples() {
  static const std::vector<std::string> ex = {"ex1", "ex2", "ex3", "ex4", "ex5", "ex6"};
  return ex;
}

namespace {

// A submission's roles and scenarios as they stand before anything runs: a role not handed in (or not
// built) scores 0 at once; each scenario of a role handed in becomes a task, through `queue`.
void lay_out_roles(SubmissionScore& s, const GradeOptions& options,
                   const std::function<void(const Scenario&, RunOptions, std::size_t role, std::size_t at)>& queue) {
  const fs::path out = fs::absolute(options.out_dir);
  for (std::size_t j = 0; j < known_roles().size(); ++j) {
    const std::string& role = known_roles()[j];
    RoleScore r;
    r.role = role;
    const auto found = s.submission.roles.find(role);
    r.submitted = found != s.submission.roles.end() && s.submission.error.empty();
    if (found != s.submission.roles.end()) r.command = joined(found->second.argv);
    if (!s.submission.error.empty()) {
      r.reason = s.submission.error;
    } else if (!r.submitted) {
      r.reason = say(options.lang, "grade.not-submitted", {{"file", tutorial_stem(role) + ".py"}});
    }
    for (const auto& sc : options.scenarios) {
      if (!sc.involves(role)) continue;
      ScenarioScore ss;
      ss.title = sc.title_in(options.lang);
      ss.max = options.course.max_points(sc);
      ss.result.scenario = sc.name;
      ss.result.role = role;
      ss.result.tags = sc.tags;
      ss.result.points = sc.points;
      r.max += ss.max;
      if (r.submitted) {
        RunOptions o = options.base;
        o.lang = options.lang;
        o.impls = {{role, found->second.argv}};
        o.submission_dir = s.submission.staged;
        o.transcript_dir = (out / s.submission.name / role).string();
        queue(sc, o, j, r.scenarios.size());
      } else {
        ss.result.verdict = Verdict::skip;
        ss.result.message = r.reason;
      }
      r.scenarios.push_back(std::move(ss));
    }
    s.roles.push_back(std::move(r));
  }
}

// Scores one scenario's result into its place.
void score_result(RoleScore& r, ScenarioScore& ss, const Result& result, Lang lang) {
  ss.result = result;
  ss.result.role = r.role;
  ss.points = result.verdict == Verdict::pass ? ss.max : 0;
  if (result.verdict == Verdict::skip) {  // not applicable here (another address, no namespaces): not counted
    r.max -= ss.max;
    ss.max = 0;
  }
  ss.advice = advice_for(result, lang);
  r.points += ss.points;
}

void forget_transcripts(SubmissionScore& s) {  // the files have them; memory stays small
  for (auto& r : s.roles) {
    for (auto& ss : r.scenarios) ss.result.transcript.clear();
  }
}

}  // namespace

std::vector<SubmissionScore> grade(const GradeOptions& options, std::ostream& console) {
  const fs::path out = fs::absolute(options.out_dir);
  const std::vector<std::string> names = options.names.empty() ? submission_names(options.dirs) : options.names;
  std::vector<SubmissionScore> scores(options.dirs.size());
  struct Where {
    std::size_t sub, role, scenario;
  };
  std::vector<Task> tasks;
  std::vector<Where> where;
  std::vector<std::vector<int>> remaining(scores.size(), std::vector<int>(known_roles().size(), 0));
  std::vector<int> left(scores.size(), 0);  // scenarios still to run, per submission
  Durations durations((out / ".durations.json").string());
  auto finished = [&](SubmissionScore& s) {
    if (options.graded) options.graded(s);
    if (!options.keep_transcripts) forget_transcripts(s);
  };
  for (std::size_t i = 0; i < scores.size(); ++i) {
    auto& s = scores[i];
    if (auto earlier = options.earlier ? options.earlier(names[i], options.dirs[i]) : std::nullopt) {
      s = std::move(*earlier);
      if (!options.keep_transcripts) forget_transcripts(s);
      console << s.submission.name << "  " << tr("graded before, its result current: not graded again", options.lang)
              << "\n";
      continue;
    }
    s.submission =
        prepare_submission(options.dirs[i], (out / ".staged").string(), options.lang, options.isolated, names[i]);
    lay_out_roles(s, options, [&](const Scenario& sc, RunOptions o, std::size_t role, std::size_t at) {
      tasks.push_back({&sc, std::move(o), durations.expected(sc), i});
      where.push_back({i, role, at});
      ++remaining[i][role];
      ++left[i];
    });
    for (const auto& r : s.roles) {  // roles that cannot run are reported at once
      if (!r.submitted && r.max > 0) console << role_line(s, r, options.lang) << "\n";
    }
    if (left[i] == 0) finished(s);
  }
  const auto started = std::chrono::steady_clock::now();
  std::size_t done_count = 0;
  std::string progress_shown;
  run_tasks(tasks, options.jobs, options.isolated, [&](std::size_t k, const Result& result) {
    const Where w = where[k];
    auto& s = scores[w.sub];
    auto& r = s.roles[w.role];
    score_result(r, r.scenarios[w.scenario], result, options.lang);
    durations.record(result.scenario, result.duration_s);
    if (!options.keep_transcripts && !options.graded) r.scenarios[w.scenario].result.transcript.clear();
    ++done_count;
    if (options.live_progress && !progress_shown.empty()) console << "\r\033[K";
    if (--remaining[w.sub][w.role] == 0) console << role_line(s, r, options.lang) << "\n";
    if (--left[w.sub] == 0) finished(s);
    if (options.live_progress) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      progress_shown = fmt::format("[{}/{} {:.0f} s] {} {} {}: {}", done_count, tasks.size(), t, s.submission.name,
                                   r.role, result.scenario,
                                   paint(result.verdict, tr(to_string(result.verdict), options.lang), options.colour));
      console << progress_shown << std::flush;
    }
  });
  if (options.live_progress && !progress_shown.empty()) console << "\r\033[K" << std::flush;
  durations.save();
  return scores;
}

// ------------------------------------------------------------------------------------------- reports

std::string role_line(const SubmissionScore& s, const RoleScore& r, Lang lang) {
  const std::string head =
      fmt::format("{}  {}  {}/{}", s.submission.name, r.role, format_points(r.points), format_points(r.max));
  if (!r.submitted) return fmt::format("{}  ({})", head, r.reason.substr(0, r.reason.find('\n')));
  const int skipped = r.count(Verdict::skip);
  const int passed = r.count(Verdict::pass);
  const std::string skips = skipped > 0 ? fmt::format(", {} {}", skipped, tr("skipped", lang)) : "";
  return fmt::format("{}  ({} {}, {} {}{})", head, passed, tr("passed", lang),
                     static_cast<int>(r.scenarios.size()) - passed - skipped, tr("failed", lang), skips);
}

std::string failures_text(const SubmissionScore& s, Lang lang) {
  std::string o;
  const std::string& name = s.submission.name;
  for (const auto& a : s.submission.source_advice) o += fmt::format("{}: {}: {}\n", name, tr("advice", lang), a.text);
  for (const auto& n : s.submission.notes) o += fmt::format("{}: {}\n", name, n);
  for (const auto& r : s.roles) {
    if (!r.submitted) continue;
    for (const auto& ss : r.scenarios) {
      const auto v = ss.result.verdict;
      if (v == Verdict::pass || v == Verdict::skip) continue;
      const std::string& message = ss.result.message;
      o += fmt::format("\n{}  {}  {}  {}  ({}/{})\n{}{}", tr(to_string(v), lang), name, r.role, ss.result.scenario,
                       format_points(ss.points), format_points(ss.max), message,
                       !message.empty() && message.back() != '\n' ? "\n" : "");
      for (const auto& a : ss.advice) o += fmt::format("{}: {}\n", tr("advice", lang), a.text);
      if (!ss.result.transcript_path.empty())
        o += fmt::format("{}: {}\n", tr("transcript", lang), ss.result.transcript_path);
    }
  }
  return o;
}

std::string run_facts(const ReportContext& ctx) {
  return say(ctx.lang, "grade.run-facts",
             {{"version", ctx.socklab_version}, {"suite", ctx.suite_version}, {"isolation", ctx.isolation}});
}

std::string grade_table(const std::vector<SubmissionScore>& scores, Lang lang) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {tr("submission", lang)};
  for (const auto& ex : examples()) head.push_back(ex);
  head.push_back(tr("total", lang));
  rows.push_back(head);
  for (const auto& s : scores) {
    std::vector<std::string> row = {s.submission.name};
    for (const auto& ex : examples()) {
      const auto [p, m] = s.example(ex);
      row.push_back(m > 0 ? format_points(p) + "/" + format_points(m) : "-");
    }
    row.push_back(format_points(s.points()) + "/" + format_points(s.max()));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], display_width(row[k]));
  }
  std::ostringstream o;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t k = 0; k < rows[i].size(); ++k) {
      o << rows[i][k] << std::string(width[k] - display_width(rows[i][k]) + 2, ' ');
    }
    o << "\n";
    if (i == 0) {
      for (std::size_t k = 0; k < width.size(); ++k) o << std::string(width[k], '-') << "  ";
      o << "\n";
    }
  }
  return o.str();
}

std::string grade_csv(const std::vector<SubmissionScore>& scores) {
  auto field = [](std::string s) {
    // A spreadsheet runs a cell that starts with = + - @ as a formula: such a name is kept as text.
    if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos) s = "'" + s;
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::ostringstream o;
  o << "submission";
  for (const auto& ex : examples()) o << "," << ex << "," << ex << "_max";
  o << ",total,max\n";
  for (const auto& s : scores) {
    o << field(s.submission.name);
    for (const auto& ex : examples()) {
      const auto [p, m] = s.example(ex);
      o << "," << format_points(p) << "," << format_points(m);
    }
    o << "," << format_points(s.points()) << "," << format_points(s.max()) << "\n";
  }
  return o.str();
}

namespace {

json context_json(const ReportContext& ctx) {
  json j = {{"socklab_version", ctx.socklab_version},
            {"suite_version", ctx.suite_version},
            {"isolation", ctx.isolation},
            {"interpreters", ctx.interpreters},
            {"lang", ctx.lang == Lang::zh ? "zh" : "en"},
            {"date", ctx.date},
            {"duration_s", ctx.seconds}};
  if (ctx.seed) j["seed"] = *ctx.seed;
  return j;
}

}  // namespace

json grade_json(const std::vector<SubmissionScore>& scores, const ReportContext& ctx) {
  json out = context_json(ctx);
  out["results"] = json::array();
  out["submissions"] = json::array();
  std::map<std::string, int> summary = {{"pass", 0},  {"fail", 0},  {"timeout", 0},
                                        {"crash", 0}, {"error", 0}, {"skip", 0}};
  for (const auto& s : scores) {
    json sub = {{"name", s.submission.name},  {"dir", s.submission.dir},     {"points", s.points()},
                {"max_points", s.max()},      {"error", s.submission.error}, {"notes", s.submission.notes},
                {"examples", json::object()}, {"roles", json::array()},      {"advice", json::array()}};
    for (const auto& a : s.submission.source_advice) sub["advice"].push_back({{"id", a.id}, {"text", a.text}});
    for (const auto& ex : examples()) {
      const auto [p, m] = s.example(ex);
      sub["examples"][ex] = {{"points", p}, {"max_points", m}};
    }
    for (const auto& r : s.roles) {
      json role = {{"role", r.role},     {"submitted", r.submitted}, {"command", r.command},      {"reason", r.reason},
                   {"points", r.points}, {"max_points", r.max},      {"scenarios", json::array()}};
      for (const auto& ss : r.scenarios) {
        json res = to_json(ss.result);
        res.erase("infrastructure_failure");
        res.erase("transcript");
        res.erase("events");  // the story is in the transcript files and the HTML pages: a report stays small
        res["submission"] = s.submission.name;
        res["title"] = ss.title;
        res["score"] = ss.points;
        res["max_score"] = ss.max;
        res["advice"] = json::array();
        for (const auto& a : ss.advice) res["advice"].push_back({{"id", a.id}, {"text", a.text}});
        role["scenarios"].push_back(res);
        out["results"].push_back(res);
        if (r.submitted) ++summary[to_string(ss.result.verdict)];
      }
      sub["roles"].push_back(role);
    }
    out["submissions"].push_back(sub);
  }
  out["summary"] = summary;
  return out;
}

json gradescope_json(const SubmissionScore& s, const ReportContext& ctx) {
  json tests = json::array();
  int n = 0;
  for (const auto& r : s.roles) {
    ++n;
    int k = 0;
    if (!r.submitted) {
      tests.push_back({{"name", r.role + ": " + r.reason.substr(0, r.reason.find('\n'))},
                       {"number", std::to_string(n) + ".0"},
                       {"score", 0},
                       {"max_score", r.max},
                       {"status", "failed"},
                       {"output", r.reason},
                       {"visibility", "visible"},
                       {"tags", json::array({r.role})}});
      continue;
    }
    for (const auto& ss : r.scenarios) {
      std::string output = ss.result.verdict == Verdict::pass ? tr("pass", ctx.lang) : ss.result.message;
      for (const auto& a : ss.advice) output += "\n" + tr("advice", ctx.lang) + ": " + a.text;
      json tags = json::array({r.role});
      for (const auto& t : ss.result.tags) tags.push_back(t);
      tests.push_back({{"name", r.role + ": " + ss.result.scenario + " — " + ss.title},
                       {"number", std::to_string(n) + "." + std::to_string(++k)},
                       {"score", ss.points},
                       {"max_score", ss.max},
                       {"status", ss.result.verdict == Verdict::pass ? "passed" : "failed"},
                       {"output", output},
                       {"visibility", "visible"},
                       {"tags", tags}});
    }
  }
  std::string output;
  for (const auto& r : s.roles) output += role_line(s, r, ctx.lang) + "\n";
  for (const auto& a : s.submission.source_advice) output += tr("advice", ctx.lang) + ": " + a.text + "\n";
  output += run_facts(ctx);
  return {{"score", s.points()},
          {"execution_time", static_cast<long>(ctx.seconds + 0.5)},
          {"output", output},
          {"tests", tests}};
}

std::string markup_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') ? '?' : c;
    }
  }
  return out;
}

std::string grade_junit(const std::vector<SubmissionScore>& scores) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"socklab grade\">\n";
  for (const auto& s : scores) {
    std::vector<JUnitCase> cases;
    for (const auto& r : s.roles) {
      for (const auto& ss : r.scenarios) cases.push_back({s.submission.name + "." + r.role, &ss.result});
    }
    out += junit_suite(s.submission.name, cases, false);
  }
  return out + "</testsuites>\n";
}

}  // namespace socklab::harness
