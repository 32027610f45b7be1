// socklab's command line: a file per subcommand (cli_<name>.cpp), each with its options, the function that
// adds them to the command line, and its own main; what several share is here.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "grade_command.hpp"
#include "messages.hpp"
#include "runner.hpp"
#include "scenario.hpp"

namespace socklab::harness {

/// The suite as loaded: its scenarios, the files that did not parse, and its version (its number of
/// scenarios and a hash of the files).
struct Suite {
  std::vector<Scenario> scenarios;
  std::vector<ParseError> errors;
  std::string version;
};

/// The installed suite (<prefix>/share/socklab/scenarios), $SOCKLAB_SCENARIOS, or the source's.
std::filesystem::path default_scenario_dir();
/// Every .scn file below `dir`, parsed.
Suite load_suite(const std::filesystem::path& dir);

/// What run, check and grade share.
struct SessionOptions {
  std::string lang_name;  // "en", "zh" or "" (from LANG)
  std::optional<std::uint64_t> seed;
  std::string isolation_mode = "auto";
  std::string out_dir = "socklab-out";
  double time_scale = 1.0;  // check and grade
};

/// The language of a session's sentences: --lang, else the environment's (LANG).
Lang session_lang(const SessionOptions& s);
/// Adds --lang to `sub`.
void add_lang_option(CLI::App& sub, SessionOptions& s);
/// Adds --seed, --isolation and --out (`out_help` says what goes there) to `sub`.
void add_session_options(CLI::App& sub, SessionOptions& s, const std::string& out_help);
/// Adds -j/--jobs to `sub`, its default 4 per CPU (default_jobs).
void add_jobs_option(CLI::App& sub, int& jobs);
/// Adds --json, --junit, --csv, --gradescope and --html, a class's reports (grade, merge), to `sub`.
void add_report_options(CLI::App& sub, ReportPaths& reports);
/// $SOCKLAB_TIME_SCALE when it is a positive number, else 1: --time-scale's default.
double time_scale_from_environment();
/// The options every scenario of a session runs with; `transcripts`: written below --out.
RunOptions session_run_options(const SessionOptions& s, bool transcripts);
/// How the scenarios are isolated and their programs under test confined, as every report says it.
std::string isolation_summary(bool isolated, Lang lang);
/// Whether `s`'s name matches `glob` and it has one of `tags` (any, when there is none).
bool selected_by(const Scenario& s, const std::string& glob, const std::vector<std::string>& tags);

/// socklab list: examples, roles and scenarios with their tags.
CLI::App* add_list_command(CLI::App& app);
int list_main(const Suite& suite);

/// socklab run EXAMPLE: one scenario with the reference programs, every event shown as it happens.
struct RunArgs {
  CLI::App* app = nullptr;
  std::string example;
  std::string scenario = "tutorial-run";
  std::optional<double> loss;
  bool wire = false;
  SessionOptions session;
};
void add_run_command(CLI::App& app, RunArgs& a);
int run_main(const RunArgs& a, const Suite& suite, bool isolated);

/// socklab check: the scenarios (of the roles given --impl) against the reference programs or those.
struct CheckArgs {
  CLI::App* app = nullptr;
  std::vector<std::string> impl_specs;  // ROLE=COMMAND
  std::string glob = "*";
  std::vector<std::string> tags;
  int jobs = 1;
  std::string json_path, junit_path;
  bool verbose = false;
  SessionOptions session;
};
void add_check_command(CLI::App& app, CheckArgs& a);
int check_main(const CheckArgs& a, const Suite& suite, bool isolated);

/// socklab grade DIR...: every role found in each folder against every scenario of its role, with points.
struct GradeArgs {
  CLI::App* app = nullptr;
  std::vector<std::string> dirs;
  int jobs = 1;
  ReportPaths reports;
  std::string course_path, shard, results_dir;
  bool force = false;
  std::string glob = "*";
  std::vector<std::string> tags;
  SessionOptions session;
};
void add_grade_command(CLI::App& app, GradeArgs& a);
int grade_main(const GradeArgs& a, const Suite& suite, bool isolated);

/// socklab merge DIR...: a class's reports from its shards' result files.
struct MergeArgs {
  CLI::App* app = nullptr;
  std::vector<std::string> dirs;
  ReportPaths reports;
};
void add_merge_command(CLI::App& app, MergeArgs& a);
int merge_main(const MergeArgs& a);

}  // namespace socklab::harness
