// socklab: list, run and check the tutorial's scenarios (SPEC §3).
#include <fnmatch.h>
#include <linux/limits.h>
#include <poll.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "child.hpp"
#include "durations.hpp"
#include "files.hpp"
#include "grade.hpp"
#include "grade_command.hpp"
#include "isolation.hpp"
#include "junit.hpp"
#include "pool.hpp"
#include "result_file.hpp"
#include "runner.hpp"
#include "scenario.hpp"

extern char** environ;

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace socklab::harness;

namespace {

fs::path self_dir() {
  char buf[PATH_MAX] = {};
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? fs::path(std::string(buf, static_cast<std::size_t>(n))).parent_path() : fs::current_path();
}

// Installed: <prefix>/bin/socklab and <prefix>/share/socklab/scenarios. Build tree: the source's scenarios/.
fs::path default_scenario_dir() {
  if (const char* env = std::getenv("SOCKLAB_SCENARIOS")) return env;
  const auto installed = self_dir().parent_path() / "share" / "socklab" / "scenarios";
  if (fs::is_directory(installed)) return installed;
  return SOCKLAB_SOURCE_SCENARIOS;
}

std::vector<std::string> program_dirs() {
  const auto d = self_dir();
  return {d.string(), (d.parent_path() / "servers").string(), (d.parent_path() / "clients").string()};
}

std::vector<fs::path> scenario_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".scn") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void write_junit(const std::string& path, const std::vector<Result>& results) {
  std::vector<JUnitCase> cases;
  for (const auto& r : results) cases.push_back({r.role, &r});
  write_file_atomically(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + junit_suite("socklab", cases, true));
}

struct Loaded {
  std::vector<Scenario> scenarios;
  std::vector<std::string> errors;
  std::string version;  // the suite's: its number of scenarios and a hash of the files
};

Loaded load_all(const fs::path& dir) {
  Loaded l;
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over every file's name and bytes
  auto mix = [&](const std::string& bytes) {
    for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  };
  for (const auto& f : scenario_files(dir)) {
    std::ifstream in(f, std::ios::binary);
    mix(fs::relative(f, dir).string());
    mix(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    try {
      l.scenarios.push_back(load_scenario(f.string()));
    } catch (const ParseError& e) {
      l.errors.push_back(e.what());
    }
  }
  char v[64];
  std::snprintf(v, sizeof v, "%zu scenarios, %012llx", l.scenarios.size(),
                static_cast<unsigned long long>(hash & 0xffffffffffffULL));
  l.version = v;
  return l;
}

// How the scenarios are isolated and their programs under test confined, as every report says it.
std::string isolation_summary(bool isolated) {
  const Limits defaults;
  const RunIdentity probe(defaults.memory_bytes, defaults.processes);
  const bool ns = isolated && !wrapper_isolation();
  return IsolationSupport{ns, ns, isolated && !ns}.describe() +
         "; programs under test: " + probe.confinement().describe(ns);
}

bool selected_by(const Scenario& s, const std::string& glob, const std::vector<std::string>& tags) {
  if (::fnmatch(glob.c_str(), s.name.c_str(), 0) != 0) return false;
  return tags.empty() || std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
           return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
         });
}

int grade_main(const std::vector<std::string>& dirs, const Loaded& loaded, const std::string& glob,
               const std::vector<std::string>& tags, const RunOptions& options, int jobs, bool isolated,
               const std::string& out_dir, const ReportPaths& reports, const std::string& course_path,
               const std::string& lang_name, const std::string& shard, const std::string& results_dir, bool force,
               bool without_namespaces_asked) {
  GradeCommand c;
  GradeOptions& g = c.grade;
  g.dirs = dirs;
  g.lang = lang_name.empty() ? lang_from_environment() : lang_name == "zh" ? Lang::zh : Lang::en;
  try {
    if (!course_path.empty()) g.course = load_course(course_path);
    if (!shard.empty()) {
      std::map<std::string, std::string> env;
      for (char** e = environ; *e != nullptr; ++e) {
        const std::string kv = *e;
        env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
      }
      c.shard = parse_shard(shard, env);
    }
  } catch (const std::exception& e) {
    std::cerr << "socklab: " << e.what() << "\n";
    return exit_usage;
  }
  for (const auto& s : loaded.scenarios) {
    if (selected_by(s, glob, tags)) g.scenarios.push_back(s);
  }
  g.base = options;
  g.jobs = isolated ? jobs : 1;
  g.isolated = isolated;
  g.out_dir = out_dir;
  g.live_progress = ::isatty(STDOUT_FILENO) != 0;
  g.keep_transcripts = !reports.html.empty();
  c.reports = reports;
  c.socklab_version = SOCKLAB_VERSION;
  c.suite_version = loaded.version;
  c.isolation = isolation_summary(isolated);
  c.isolation_required = (c.shard || !results_dir.empty()) && !without_namespaces_asked;
  c.results_dir = results_dir;
  c.force = force;
  return grade_command(std::move(c), std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"socklab: run the TCP/UDP tutorial's examples and check implementations against its scenarios",
               "socklab"};
  app.require_subcommand(1);
  std::string scenario_dir;
  app.add_option("--scenarios", scenario_dir, "folder of scenario files (default: the installed suite)");

  auto* list = app.add_subcommand("list", "examples, roles and scenarios with their tags");

  auto* run = app.add_subcommand("run", "reproduce one example with the reference programs, showing every event");
  std::string example;
  std::string run_scenario_name = "tutorial-run";
  run->add_option("example", example, "ex1 … ex6")->required();
  run->add_option("--scenario", run_scenario_name, "scenario of that example")->capture_default_str();
  std::optional<double> loss;
  run->add_option("--loss", loss,
                  "lose this share of datagrams both ways (0 to 1) on a lossy network (the example's lossy-run "
                  "scenario unless --scenario names another with a link)")
      ->check(CLI::Range(0.0, 1.0));
  bool wire = false;
  run->add_flag("--wire", wire,
                "show the wire too: each TCP segment (SYN, data, FIN, RST) and UDP datagram as it happens");

  auto* check = app.add_subcommand("check", "run scenarios; exit 0 all passed, 1 some did not, 2 usage error");
  std::vector<std::string> impl_specs;
  std::string glob = "*";
  std::vector<std::string> tags;
  int jobs = default_jobs();
  std::string json_path, junit_path;
  double time_scale = 1.0;
  bool verbose = false;
  check->add_option("--impl", impl_specs, "ROLE=COMMAND: run COMMAND in ROLE ({host} {port} {dir} are replaced)");
  check->add_option("--scenario", glob, "only scenarios whose name (ex4/tutorial-run) matches this glob");
  check->add_option("--tag", tags, "only scenarios with this tag");
  check->add_option("-j,--jobs", jobs, "scenarios run at once (they mostly wait: 4 per CPU by default)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  check->add_option("--json", json_path, "write the results as JSON");
  check->add_option("--junit", junit_path, "write the results as JUnit XML");
  check
      ->add_option(
          "--time-scale", time_scale,
          "multiply every deadline, which only guards a hang (slow machines; default $SOCKLAB_TIME_SCALE or 1)")
      ->check(CLI::Range(0.1, 100.0));
  check->add_flag("-v,--verbose", verbose, "print the transcript of passing scenarios too");
  auto* grade_cmd =
      app.add_subcommand("grade", "grade submission folders: every role found, every scenario of its role, points");
  std::vector<std::string> grade_dirs;
  std::string csv_path, gradescope_path, html_path, course_path, lang_name;
  grade_cmd->add_option("dirs", grade_dirs, "submission folders (server1.py ... client6.py, or a socklab.toml)")
      ->required();
  grade_cmd->add_option("-j,--jobs", jobs, "scenarios run at once (they mostly wait: 4 per CPU by default)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  grade_cmd->add_option("--json", json_path, "write every result and score as JSON");
  grade_cmd->add_option("--junit", junit_path, "write JUnit XML (a test suite per submission)");
  grade_cmd->add_option("--csv", csv_path, "write the score table as CSV");
  grade_cmd->add_option("--gradescope", gradescope_path, "write Gradescope's results.json (one submission)");
  grade_cmd->add_option("--html", html_path,
                        "write an HTML page per submission: FILE for one submission, a folder for several");
  grade_cmd->add_option("--course", course_path,
                        "a course file (TOML): [weights] core, robustness, transcript; [points]");
  std::string shard, results_dir;
  bool force = false;
  grade_cmd->add_option("--shard", shard,
                        "K/N: grade only shard K of N (the folders' names sorted, dealt out in turn); auto/N or "
                        "auto: K (and N) from Slurm, Kubernetes or GNU parallel's environment");
  grade_cmd->add_option("--results", results_dir,
                        "write each submission's result to a file of its own in this folder as soon as it is "
                        "graded (socklab merge reads them); a current result there is not graded again");
  grade_cmd->add_flag("--force", force, "with --results: grade again even where a current result is there");
  auto* merge_cmd =
      app.add_subcommand("merge", "write the reports of a class from the result files of its shards (grade --results)");
  std::vector<std::string> merge_dirs;
  merge_cmd->add_option("dirs", merge_dirs, "folders of result files")->required();
  ReportPaths reports;
  merge_cmd->add_option("--json", reports.json, "write every result and score as JSON");
  merge_cmd->add_option("--junit", reports.junit, "write JUnit XML (a test suite per submission)");
  merge_cmd->add_option("--csv", reports.csv, "write the score table as CSV");
  merge_cmd->add_option("--gradescope", reports.gradescope, "write Gradescope's results.json (one submission)");
  merge_cmd->add_option("--html", reports.html,
                        "write an HTML page per submission: FILE for one submission, a folder for several");
  for (auto* sub : {check, grade_cmd, run}) {
    sub->add_option("--lang", lang_name, "en or zh: every sentence of the report (default: from LANG)")
        ->check(CLI::IsMember({"en", "zh"}));
  }
  grade_cmd->add_option("--scenario", glob, "only scenarios whose name matches this glob");
  grade_cmd->add_option("--tag", tags, "only scenarios with this tag");
  grade_cmd->add_option("--time-scale", time_scale, "multiply every deadline, which only guards a hang")
      ->check(CLI::Range(0.1, 100.0));
  std::string out_dir = "socklab-out";
  std::string isolation_mode = "auto";
  std::optional<std::uint64_t> seed;
  for (auto* sub : {run, check, grade_cmd}) {
    sub->add_option("--seed", seed,
                    "the seed of the links' loss generator (every report prints the one used; give it back to "
                    "replay a run)");
    sub->add_option("--isolation", isolation_mode,
                    "auto: namespaces where the machine allows them, else wrapper where it is installed; "
                    "wrapper: socket_wrapper and nss_wrapper (LD_PRELOAD), no namespaces; none: run on the "
                    "machine's own network, one scenario at a time")
        ->check(CLI::IsMember({"auto", "none", "wrapper"}))
        ->capture_default_str();
  }
  check->add_option("--out", out_dir, "folder for each scenario's transcript file")->capture_default_str();
  run->add_option("--out", out_dir, "folder for the transcript and what the scenario keeps (the browser's screenshot)")
      ->capture_default_str();
  grade_cmd->add_option("--out", out_dir, "folder for the transcripts (<out>/<submission>/<role>/...) and builds")
      ->capture_default_str();

  if (const char* scale = std::getenv("SOCKLAB_TIME_SCALE")) {  // the default for --time-scale
    time_scale = std::atof(scale) > 0 ? std::atof(scale) : 1.0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const fs::path dir = scenario_dir.empty() ? default_scenario_dir() : fs::path(scenario_dir);
    if (!fs::is_directory(dir)) {
      std::cerr << "socklab: no scenario folder at " << dir << "\n";
      return 2;
    }
    Loaded loaded = load_all(dir);
    for (const auto& e : loaded.errors) std::cerr << e << "\n";

    if (*list) {
      for (const auto& s : loaded.scenarios) {
        std::string roles, t;
        for (const auto& r : s.roles) roles += (roles.empty() ? "" : ",") + r;
        for (const auto& x : s.tags) t += (t.empty() ? "" : ",") + x;
        std::cout << s.name << "\t" << roles << "\t" << t << "\t" << s.points << "\t" << s.title << "\n";
      }
      return loaded.errors.empty() ? 0 : 2;
    }

    RunOptions options;
    options.program_dirs = program_dirs();
    if (*check || *run) options.transcript_dir = fs::absolute(out_dir).string();
    options.time_scale = time_scale;
    options.seed = seed;
    options.loss = loss;
    options.lang = lang_name.empty() ? lang_from_environment() : lang_name == "zh" ? Lang::zh : Lang::en;
    bool isolated = false;
    try {
      isolated = choose_isolation(isolation_mode, argv) != IsolationMode::none;
    } catch (const std::runtime_error& e) {
      std::cerr << "socklab: " << e.what() << "\n";
      return 2;
    }

    if (*run) {
      if (loss && run->count("--scenario") == 0) run_scenario_name = "lossy-run";
      const std::string name = example + "/" + run_scenario_name;
      const auto it = std::find_if(loaded.scenarios.begin(), loaded.scenarios.end(),
                                   [&](const Scenario& s) { return s.name == name; });
      if (it == loaded.scenarios.end()) {
        std::cerr << "socklab: no scenario " << name << " (socklab list shows them)\n";
        return 2;
      }
      if (loss &&
          std::none_of(it->links.begin(), it->links.end(), [](const LinkSpec& l) { return l.proto == "udp"; })) {
        std::cerr << "socklab: " << name << " has no UDP link to lose datagrams on (ex5 and ex6 have lossy-run)\n";
        return 2;
      }
      options.live = true;
      options.live_wire = wire;
      std::cout << "socklab run " << name << ": " << it->title << "\n";
      const auto results = run_tasks({{&*it, options}}, 1, isolated, [](std::size_t, const Result&) {});
      const auto& r = results.front();
      std::cout << to_string(r.verdict) << " (" << r.isolation
                << (it->links.empty() ? std::string() : ", seed " + std::to_string(r.seed)) << ")\n";
      if (!r.message.empty()) std::cout << r.message << "\n";
      if (!r.transcript_path.empty()) std::cout << "transcript: " << r.transcript_path << "\n";
      for (const auto& k : r.kept_paths) std::cout << "kept: " << k << "\n";
      return r.verdict == Verdict::pass ? 0 : 1;
    }

    if (*merge_cmd) return merge_command(merge_dirs, reports, std::cout, std::cerr);

    if (*grade_cmd) {
      return grade_main(grade_dirs, loaded, glob, tags, options, jobs, isolated, out_dir,
                        {json_path, csv_path, junit_path, gradescope_path, html_path}, course_path, lang_name, shard,
                        results_dir, force, isolation_mode == "none");
    }

    // check
    for (const auto& spec : impl_specs) {
      const auto eq = spec.find('=');
      const std::string role = spec.substr(0, eq);
      const auto& roles = known_roles();
      if (eq == std::string::npos || std::find(roles.begin(), roles.end(), role) == roles.end()) {
        std::cerr << "socklab: --impl takes ROLE=COMMAND with ROLE one of ex1.server … ex6.client, got '" << spec
                  << "'\n";
        return 2;
      }
      std::vector<std::string> words;
      try {
        words = split_command(spec.substr(eq + 1));
      } catch (const std::invalid_argument& e) {
        std::cerr << "socklab: --impl " << role << ": " << e.what() << "\n";
        return 2;
      }
      if (words.empty()) {
        std::cerr << "socklab: --impl " << role << "= has no command\n";
        return 2;
      }
      for (auto& w : words) {  // files named relative to here are found from the scenario's folder too
        if (w.find('{') == std::string::npos && fs::exists(w)) w = fs::absolute(w).string();
      }
      options.impls[role] = words;
    }
    std::vector<Scenario> selected;
    for (const auto& s : loaded.scenarios) {
      if (::fnmatch(glob.c_str(), s.name.c_str(), 0) != 0) continue;
      if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
            return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
          })) {
        continue;
      }
      if (!options.impls.empty() && std::none_of(options.impls.begin(), options.impls.end(),
                                                 [&](const auto& kv) { return s.involves(kv.first); })) {
        continue;
      }
      selected.push_back(s);
    }
    if (selected.empty()) {
      std::cerr << "socklab: no scenario selected (--scenario " << glob << (tags.empty() ? "" : ", --tag") << ")"
                << "; a run that checks nothing is not a pass\n";
      return 2;
    }
    if (!isolated && jobs > 1) {
      if (check->count("--jobs") > 0)
        std::cerr << "socklab: network namespaces are not available here: scenarios run one at a time\n";
      jobs = 1;
    }
    std::map<std::string, int> summary = {{"pass", 0},  {"fail", 0},  {"timeout", 0},
                                          {"crash", 0}, {"error", 0}, {"skip", 0}};
    const Lang lang = options.lang;
    std::vector<Task> tasks;
    Durations durations((fs::absolute(out_dir) / ".durations.json").string());
    for (const auto& sc : selected) tasks.push_back({&sc, options, durations.expected(sc)});
    const auto results = run_tasks(tasks, jobs, isolated, [&](std::size_t, const Result& r) {
      durations.record(r.scenario, r.duration_s);
      ++summary[to_string(r.verdict)];
      char d[32];
      std::snprintf(d, sizeof d, "%.2f", r.duration_s);
      std::cout << tr(to_string(r.verdict), lang) << "  " << r.scenario << "  (" << d << " s)\n";
      if (r.verdict != Verdict::pass) std::cout << r.message << "\n";
      for (const auto& a : advice_for(r, lang)) std::cout << tr("advice", lang) << ": " << a.text << "\n";
      if (r.verdict != Verdict::pass || verbose) {
        // A flooding program makes megabytes of transcript: the screen gets its two ends, the file all.
        constexpr std::size_t kShown = 16384;
        std::string shown = r.events.empty() ? r.transcript : render_transcript(r.events, lang);
        if (shown.size() > 2 * kShown) {  // cut at line ends, or else between characters: never inside one
          auto between = [&](std::size_t at) {
            while (at < shown.size() && (static_cast<unsigned char>(shown[at]) & 0xC0) == 0x80) ++at;
            return at;
          };
          const std::size_t nl_head = shown.rfind('\n', kShown), nl_tail = shown.find('\n', shown.size() - kShown);
          const std::size_t head = nl_head == std::string::npos ? between(kShown) : nl_head + 1;
          const std::size_t tail = nl_tail == std::string::npos ? between(shown.size() - kShown) : nl_tail + 1;
          shown = shown.substr(0, head) + say(lang, "check.transcript-cut", {{"bytes", std::to_string(tail - head)}}) +
                  shown.substr(tail);
        }
        std::cout << tr("transcript", lang) << (r.transcript_path.empty() ? "" : " (" + r.transcript_path + ")")
                  << ":\n"
                  << shown << "\n";
      }
      std::cout.flush();
    });
    durations.save();
    json out;
    out["results"] = json::array();
    for (const auto& r : results) {
      auto j = to_json(r);
      j.erase("transcript");
      j.erase("events");  // the story is in the transcript files: a report stays small
      j.erase("infrastructure_failure");
      j["advice"] = json::array();
      for (const auto& a : advice_for(r, Lang::en)) j["advice"].push_back(a.id);
      out["results"].push_back(j);
    }
    out["summary"] = summary;
    out["isolation"] = results.front().isolation;
    if (seed) out["seed"] = *seed;  // otherwise each result has its scenario's own
    out["socklab_version"] = SOCKLAB_VERSION;
    out["suite_version"] = loaded.version;
    std::vector<std::vector<std::string>> commands;
    for (const auto& [role, words] : options.impls) commands.push_back(words);
    out["interpreters"] = interpreters_of(commands);
    if (!json_path.empty()) {
      write_file_atomically(json_path, out.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
    }
    if (!junit_path.empty()) write_junit(junit_path, results);
    const bool links =
        std::any_of(selected.begin(), selected.end(), [](const Scenario& s) { return !s.links.empty(); });
    const std::string seeds = seed    ? say(lang, "check.seed", {{"seed", std::to_string(*seed)}})
                              : links ? say(lang, "check.seeds-own")
                                      : std::string();
    const auto failed =
        results.size() - static_cast<std::size_t>(summary["pass"]) - static_cast<std::size_t>(summary["skip"]);
    std::cout << say(lang, "check.summary",
                     {{"passed", std::to_string(summary["pass"])},
                      {"failed", std::to_string(failed)},
                      {"skipped", std::to_string(summary["skip"])},
                      {"isolation", results.front().isolation},
                      {"seeds", seeds}})
              << "\n";
    if (!loaded.errors.empty()) return 2;
    return summary["pass"] + summary["skip"] == static_cast<int>(results.size()) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "socklab: " << e.what() << "\n";
    return 1;
  }
}
