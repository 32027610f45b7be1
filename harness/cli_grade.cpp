// socklab grade DIR...: the command line of a grade; grade_command.cpp does the grading and the reports.
#include <fmt/format.h>
#include <unistd.h>

#include <map>

#include "cli.hpp"
#include "console.hpp"

extern char** environ;

namespace socklab::harness {
namespace {

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
  }
  return env;
}

}  // namespace

void add_grade_command(CLI::App& app, GradeArgs& a) {
  a.app = app.add_subcommand("grade", "grade submission folders: every role found, every scenario of its role, points");
  CLI::App& grade = *a.app;
  a.session.time_scale = time_scale_from_environment();
  grade.add_option("dirs", a.dirs, "submission folders (server1.py ... client6.py, or a socklab.toml)")->required();
  add_jobs_option(grade, a.jobs);
  add_report_options(grade, a.reports);
  grade.add_option("--course", a.course_path, "a course file (TOML): [weights] core, robustness, transcript; [points]");
  grade.add_option("--shard", a.shard,
                   "K/N: grade only shard K of N (the folders' names sorted, dealt out in turn); auto/N or "
                   "auto: K (and N) from Slurm, Kubernetes or GNU parallel's environment");
  grade.add_option("--results", a.results_dir,
                   "write each submission's result to a file of its own in this folder as soon as it is "
                   "graded (socklab merge reads them); a current result there is not graded again");
  grade.add_flag("--force", a.force, "with --results: grade again even where a current result is there");
  add_lang_option(grade, a.session);
  grade.add_option("--scenario", a.glob, "only scenarios whose name matches this glob");
  grade.add_option("--tag", a.tags, "only scenarios with this tag");
  grade.add_option("--time-scale", a.session.time_scale, "multiply every deadline, which only guards a hang")
      ->check(CLI::Range(0.1, 100.0));
  add_session_options(grade, a.session, "folder for the transcripts (<out>/<submission>/<role>/...) and builds");
}

int grade_main(const GradeArgs& a, const Suite& suite, bool isolated) {
  GradeCommand c;
  GradeOptions& g = c.grade;
  g.dirs = a.dirs;
  g.base = session_run_options(a.session, false);
  g.lang = g.base.lang;
  try {
    if (!a.course_path.empty()) g.course = load_course(a.course_path);
    if (!a.shard.empty()) c.shard = parse_shard(a.shard, environment());
  } catch (const std::exception& e) {
    fmt::print(stderr, "socklab: {}\n", told(e, g.lang));
    return exit_usage;
  }
  for (const auto& s : suite.scenarios) {
    if (selected_by(s, a.glob, a.tags)) g.scenarios.push_back(s);
  }
  g.jobs = isolated ? a.jobs : 1;
  g.isolated = isolated;
  g.out_dir = a.session.out_dir;
  g.live_progress = ::isatty(STDOUT_FILENO) != 0;
  g.colour = colour_for(STDOUT_FILENO);
  g.keep_transcripts = !a.reports.html.empty();
  c.reports = a.reports;
  c.socklab_version = SOCKLAB_VERSION;
  c.suite_version = suite.version;
  c.isolation = isolation_summary(isolated, g.lang);
  c.isolation_required = (c.shard || !a.results_dir.empty()) && a.session.isolation_mode != "none";
  c.results_dir = a.results_dir;
  c.force = a.force;
  return grade_command(std::move(c), std::cout, std::cerr);
}

}  // namespace socklab::harness
