// socklab check: runs the selected scenarios, prints each verdict as it comes, writes the JSON and JUnit
// reports; exit 0 all passed, 1 some did not, 2 a usage or configuration error.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "files.hpp"
#include "grade.hpp"
#include "hints.hpp"
#include "junit.hpp"
#include "pool.hpp"
#include "roles.hpp"
#include "text.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace socklab::harness {
namespace {

using Summary = std::map<std::string, int>;  // verdict -> how many

// --impl ROLE=COMMAND, each into options.impls; false (after saying why) on the first that is wrong.
bool take_impls(const std::vector<std::string>& specs, RunOptions& options) {
  const Lang lang = options.lang;
  for (const auto& spec : specs) {
    const auto eq = spec.find('=');
    const std::string role = spec.substr(0, eq);
    const auto& roles = known_roles();
    if (eq == std::string::npos || std::find(roles.begin(), roles.end(), role) == roles.end()) {
      fmt::print(stderr, "socklab: {}\n", say(lang, "cli.impl-form", {{"spec", spec}}));
      return false;
    }
    std::vector<std::string> words;
    try {
      words = split_command(spec.substr(eq + 1));
    } catch (const std::exception& e) {
      fmt::print(stderr, "socklab: --impl {}: {}\n", role, told(e, lang));
      return false;
    }
    if (words.empty()) {
      fmt::print(stderr, "socklab: {}\n", say(lang, "cli.impl-no-command", {{"role", role}}));
      return false;
    }
    for (auto& w : words) {  // files named relative to here are found from the scenario's folder too
      if (w.find('{') == std::string::npos && fs::exists(w)) w = fs::absolute(w).string();
    }
    options.impls[role] = words;
  }
  return true;
}

// The scenarios --scenario and --tag select; with --impl, only those that involve one of its roles.
std::vector<Scenario> select(const Suite& suite, const CheckArgs& a, const RunOptions& options) {
  std::vector<Scenario> selected;
  for (const auto& s : suite.scenarios) {
    if (!selected_by(s, a.glob, a.tags)) continue;
    if (!options.impls.empty() && std::none_of(options.impls.begin(), options.impls.end(),
                                               [&](const auto& kv) { return s.involves(kv.first); })) {
      continue;
    }
    selected.push_back(s);
  }
  return selected;
}

// A flooding program makes megabytes of transcript: the screen gets its two ends, the file all. The cut
// falls at line ends, or else between characters: never inside one.
std::string shown_transcript(const std::string& transcript, Lang lang) {
  constexpr std::size_t kShown = 16384;
  if (transcript.size() <= 2 * kShown) return transcript;
  const std::size_t nl_head = transcript.rfind('\n', kShown);
  const std::size_t nl_tail = transcript.find('\n', transcript.size() - kShown);
  const std::size_t head = nl_head == std::string::npos ? next_boundary(transcript, kShown) : nl_head + 1;
  const std::size_t tail =
      nl_tail == std::string::npos ? next_boundary(transcript, transcript.size() - kShown) : nl_tail + 1;
  return transcript.substr(0, head) + say(lang, "check.transcript-cut", {{"bytes", std::to_string(tail - head)}}) +
         transcript.substr(tail);
}

// One scenario's lines on the console: its verdict, and for a failure (or -v) the message, advice, transcript.
void print_result(const Result& r, Lang lang, bool verbose, bool colour) {
  fmt::print("{}  {}  ({:.2f} s)\n", paint(r.verdict, tr(to_string(r.verdict), lang), colour), r.scenario,
             r.duration_s);
  if (r.verdict != Verdict::pass) fmt::print("{}\n", r.message);
  for (const auto& advice : advice_for(r, lang)) fmt::print("{}: {}\n", tr("advice", lang), advice.text);
  if (r.verdict != Verdict::pass || verbose) {
    const std::string path = r.transcript_path.empty() ? std::string() : fmt::format(" ({})", r.transcript_path);
    fmt::print("{}{}:\n{}\n", tr("transcript", lang), path,
               shown_transcript(r.events.empty() ? r.transcript : render_transcript(r.events, lang), lang));
  }
  std::fflush(stdout);
}

json report_json(const std::vector<Result>& results, const Summary& summary, const RunOptions& options,
                 const Suite& suite) {
  json out;
  out["results"] = json::array();
  for (const auto& r : results) {
    auto j = to_json(r);
    j.erase("transcript");
    j.erase("events");  // the story is in the transcript files: a report stays small
    j.erase("infrastructure_failure");
    j["advice"] = json::array();
    for (const auto& advice : advice_for(r, Lang::en)) j["advice"].push_back(advice.id);
    out["results"].push_back(j);
  }
  out["summary"] = summary;
  out["isolation"] = results.front().isolation;
  if (options.seed) out["seed"] = *options.seed;  // otherwise each result has its scenario's own
  out["socklab_version"] = SOCKLAB_VERSION;
  out["suite_version"] = suite.version;
  std::vector<std::vector<std::string>> commands;
  for (const auto& [role, words] : options.impls) commands.push_back(words);
  out["interpreters"] = interpreters_of(commands);
  return out;
}

void write_junit(const std::string& path, const std::vector<Result>& results) {
  std::vector<JUnitCase> cases;
  for (const auto& r : results) cases.push_back({r.role, &r});
  write_file_atomically(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + junit_suite("socklab", cases, true));
}

// The last line: how many passed, failed and were skipped, the isolation and the seeds.
void print_summary(const std::vector<Result>& results, Summary& summary, const std::vector<Scenario>& selected,
                   const RunOptions& options) {
  const Lang lang = options.lang;
  const bool links = std::any_of(selected.begin(), selected.end(), [](const Scenario& s) { return !s.links.empty(); });
  const std::string seeds = options.seed ? say(lang, "check.seed", {{"seed", std::to_string(*options.seed)}})
                            : links      ? say(lang, "check.seeds-own")
                                         : std::string();
  const auto failed =
      results.size() - static_cast<std::size_t>(summary["pass"]) - static_cast<std::size_t>(summary["skip"]);
  fmt::print("{}\n", say(lang, "check.summary",
                         {{"passed", std::to_string(summary["pass"])},
                          {"failed", std::to_string(failed)},
                          {"skipped", std::to_string(summary["skip"])},
                          {"isolation", results.front().isolation},
                          {"seeds", seeds}}));
}

}  // namespace

void add_check_command(CLI::App& app, CheckArgs& a) {
  a.app = app.add_subcommand("check", "run scenarios; exit 0 all passed, 1 some did not, 2 usage error");
  CLI::App& check = *a.app;
  a.session.time_scale = time_scale_from_environment();
  check.add_option("--impl", a.impl_specs, "ROLE=COMMAND: run COMMAND in ROLE ({host} {port} {dir} are replaced)");
  check.add_option("--scenario", a.glob, "only scenarios whose name (ex4/tutorial-run) matches this glob");
  check.add_option("--tag", a.tags, "only scenarios with this tag");
  add_jobs_option(check, a.jobs);
  check.add_option("--json", a.json_path, "write the results as JSON");
  check.add_option("--junit", a.junit_path, "write the results as JUnit XML");
  check
      .add_option("--time-scale", a.session.time_scale,
                  "multiply every deadline, which only guards a hang (slow machines; default $SOCKLAB_TIME_SCALE or 1)")
      ->check(CLI::Range(0.1, 100.0));
  check.add_flag("-v,--verbose", a.verbose, "print the transcript of passing scenarios too");
  add_lang_option(check, a.session);
  add_session_options(check, a.session, "folder for each scenario's transcript file");
}

int check_main(const CheckArgs& a, const Suite& suite, bool isolated) {
  RunOptions options = session_run_options(a.session, true);
  if (!take_impls(a.impl_specs, options)) return 2;
  const std::vector<Scenario> selected = select(suite, a, options);
  if (selected.empty()) {
    fmt::print(stderr, "socklab: {}\n",
               say(options.lang, "cli.none-selected", {{"glob", a.glob}, {"tag", a.tags.empty() ? "" : ", --tag"}}));
    return 2;
  }
  int jobs = a.jobs;
  if (!isolated && jobs > 1) {
    if (a.app->count("--jobs") > 0) {
      fmt::print(stderr, "socklab: {}\n", say(options.lang, "cli.one-at-a-time"));
    }
    jobs = 1;
  }
  Summary summary = {{"pass", 0}, {"fail", 0}, {"timeout", 0}, {"crash", 0}, {"error", 0}, {"skip", 0}};
  const bool colour = colour_for(STDOUT_FILENO);
  std::vector<Task> tasks;
  Durations durations((fs::absolute(a.session.out_dir) / ".durations.json").string());
  for (const auto& sc : selected) tasks.push_back({&sc, options, durations.expected(sc)});
  const auto results = run_tasks(tasks, jobs, isolated, [&](std::size_t, const Result& r) {
    durations.record(r.scenario, r.duration_s);
    ++summary[to_string(r.verdict)];
    print_result(r, options.lang, a.verbose, colour);
  });
  durations.save();
  if (!a.json_path.empty()) {
    const json out = report_json(results, summary, options, suite);
    write_file_atomically(a.json_path, out.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  }
  if (!a.junit_path.empty()) write_junit(a.junit_path, results);
  print_summary(results, summary, selected, options);
  if (!suite.errors.empty()) return 2;
  return summary["pass"] + summary["skip"] == static_cast<int>(results.size()) ? 0 : 1;
}

}  // namespace socklab::harness
