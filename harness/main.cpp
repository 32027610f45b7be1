// socklab: list, run, check, grade and merge the tutorial's scenarios (SPEC §3). Each subcommand's
// options and work are in its own cli_<name>.cpp; this file reads the command line and dispatches.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "isolation.hpp"

namespace fs = std::filesystem;
using namespace socklab::harness;

namespace {

// The isolation a session asked for is available: false (after saying why) when it is not.
bool choose(const SessionOptions& session, char** argv, bool& isolated, Lang lang) {
  try {
    isolated = choose_isolation(session.isolation_mode, argv) != IsolationMode::none;
    return true;
  } catch (const std::runtime_error& e) {
    fmt::print(stderr, "socklab: {}\n", told(e, lang));
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"socklab: run the TCP/UDP tutorial's examples and check implementations against its scenarios",
               "socklab"};
  app.require_subcommand(1);
  std::string scenario_dir;
  app.add_option("--scenarios", scenario_dir, "folder of scenario files (default: the installed suite)");
  CLI::App* list = add_list_command(app);
  RunArgs run;
  add_run_command(app, run);
  CheckArgs check;
  add_check_command(app, check);
  GradeArgs grade;
  add_grade_command(app, grade);
  MergeArgs merge;
  add_merge_command(app, merge);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const SessionOptions& session = *run.app ? run.session : *grade.app ? grade.session : check.session;
  const Lang lang = session_lang(*merge.app || *list ? SessionOptions{} : session);
  try {
    const fs::path dir = scenario_dir.empty() ? default_scenario_dir() : fs::path(scenario_dir);
    if (!fs::is_directory(dir)) {
      fmt::print(std::cerr, "socklab: {}\n",
                 say(lang, "cli.no-scenario-folder", {{"dir", fmt::format("{}", fmt::streamed(dir))}}));
      return 2;
    }
    const Suite suite = load_suite(dir);
    for (const auto& e : suite.errors) fmt::print(stderr, "{}\n", e.told(lang));
    if (*list) return list_main(suite);
    bool isolated = false;
    if (!choose(*merge.app ? SessionOptions{} : session, argv, isolated, lang)) return 2;
    if (*run.app) return run_main(run, suite, isolated);
    if (*merge.app) return merge_main(merge);
    if (*grade.app) return grade_main(grade, suite, isolated);
    return check_main(check, suite, isolated);
  } catch (const std::exception& e) {
    fmt::print(stderr, "socklab: {}\n", told(e, lang));
    return 1;
  }
}
