// socklab grade: find each submission's programs (the tutorial's file names, sources a Makefile builds,
// executables, or a socklab.toml manifest), run every scenario of each role found with that program in
// the role, and score them: per role, per example, in total.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hints.hpp"
#include "runner.hpp"
#include "scenario.hpp"

namespace socklab::harness {

/// Words split as a shell splits them ('…', "…", \), without running a shell. Throws SaidError on an
/// unclosed quote.
std::vector<std::string> split_command(const std::string& s);

/// The tutorial's file name for a role, without extension: ex4.server -> server4.
std::string tutorial_stem(const std::string& role);

struct RoleProgram {
  std::vector<std::string> argv;  // run in the scenario's folder, which holds a copy of the submission
  std::string file;               // the file found (relative to the submission), or the manifest
};

/// One submission folder, as found and built.
struct Submission {
  std::string name;    // shown in reports: the folder's name
  std::string dir;     // the folder as given (absolute)
  std::string staged;  // the copy that was built, copied into each scenario's folder
  std::map<std::string, RoleProgram> roles;
  std::vector<Advice> source_advice;    // per file: GBK, BOM, CRLF, Python 2
  std::vector<std::string> notes;       // what happened while finding and building (manifest, make)
  std::string error;                    // why nothing can run (bad manifest, failed build): every role scores 0
  bool infrastructure_failure = false;  // the build's worker died: socklab failed, not the submission
};

/// The names the reports give a class's folders: each folder's own name, what would steer a terminal
/// escaped; a name given twice gets -2, -3 … in the folders' order.
std::vector<std::string> submission_names(const std::vector<std::string>& dirs);

/// Finds the programs in `dir` and builds them in a copy under `staging_root` (make, or c++/cc for a
/// lone source), with a time limit. Never throws for a bad submission: `error` and `notes` say what is wrong.
/// `name`: the reports' (submission_names), else the folder's own.
Submission prepare_submission(const std::string& dir, const std::string& staging_root, Lang lang, bool isolated,
                              const std::string& name = "");

/// Points per tag (a course file's [weights]) and per scenario ([points]).
struct Course {
  double core_weight = 1.0;
  double robustness_weight = 1.0;
  double transcript_weight = 1.0;        // exact output, byte for byte like the tutorial's Python
  std::map<std::string, double> points;  // scenario name -> points, instead of the file's
  [[nodiscard]] double max_points(const Scenario& s) const;
};
/// Reads a course file (TOML). Throws SaidError (or toml's own error text) naming the file and the problem.
Course load_course(const std::string& path);

struct ScenarioScore {
  Result result;
  std::string title;
  double points = 0;
  double max = 0;
  std::vector<Advice> advice;
};

struct RoleScore {
  std::string role;
  bool submitted = false;
  std::string command;
  std::string reason;  // why it scores nothing without running ("not submitted", a build error)
  double points = 0;
  double max = 0;
  std::vector<ScenarioScore> scenarios;
  [[nodiscard]] int count(Verdict v) const;
};

struct SubmissionScore {
  Submission submission;
  std::vector<RoleScore> roles;  // in the order of known_roles()
  [[nodiscard]] double points() const;
  [[nodiscard]] double max() const;
  [[nodiscard]] std::pair<double, double> example(const std::string& ex) const;
  /// Whether socklab itself failed somewhere in it (a worker died): a grade worth a retry, not a score.
  [[nodiscard]] bool infrastructure_failed() const;
};

/// The tutorial's examples, as the reports' columns: ex1 … ex6.
const std::vector<std::string>& examples();

/// What every report carries.
struct ReportContext {
  std::string socklab_version;
  std::string suite_version;
  std::string isolation;
  std::map<std::string, std::string> interpreters;  // "python3" -> "Python 3.11.2"
  std::optional<std::uint64_t> seed;
  Lang lang = Lang::en;
  std::string date;  // when the run started, UTC: "2025-03-01 14:05 UTC"
  double seconds = 0;
};

nlohmann::json grade_json(const std::vector<SubmissionScore>& scores, const ReportContext& ctx);
std::string grade_csv(const std::vector<SubmissionScore>& scores);
std::string grade_junit(const std::vector<SubmissionScore>& scores);
/// Gradescope's results.json for one submission.
nlohmann::json gradescope_json(const SubmissionScore& s, const ReportContext& ctx);
/// The final table, one row per submission.
std::string grade_table(const std::vector<SubmissionScore>& scores, Lang lang);
/// One line for a role once its scenarios are done.
std::string role_line(const SubmissionScore& s, const RoleScore& r, Lang lang);
/// Every failure of a submission: scenario, what was expected and what happened, advice, transcript path.
std::string failures_text(const SubmissionScore& s, Lang lang);
/// The run's facts every report ends with: "socklab 0.1, suite 97 scenarios, 3e4f..., isolation: ...".
std::string run_facts(const ReportContext& ctx);
/// One self-contained HTML page for a submission: the score table and, per scenario, a sequence diagram
/// of the run with the expected-against-actual diff under a failure.
std::string grade_html(const SubmissionScore& s, const ReportContext& ctx);
/// A run's sequence diagram, drawn from its events: an SVG with a column per program and peer.
std::string sequence_svg(const std::vector<Event>& events, Lang lang = Lang::en);

/// How one scenario went across a class, with one role under test.
struct ScenarioTally {
  std::string role, scenario, title;
  std::map<Verdict, int> verdicts;  // of the submissions that handed the role in
  int not_submitted = 0;
  int not_built = 0;                  // handed in, but the build failed
  std::map<std::string, int> advice;  // advice id -> how many of its failures got it
  [[nodiscard]] int count(Verdict v) const;
  [[nodiscard]] int failures() const;  // fail, timeout, crash, error, and the failed builds
};

/// One known mistake across a class: who made it.
struct AdviceTally {
  std::string id, text;
  std::vector<std::string> submissions;  // their names, in the class's order
};

struct ClassSummary {
  std::vector<ScenarioTally> scenarios;  // worst first: most failures, then fewest passes
  std::vector<AdviceTally> advice;       // most submissions first
};
ClassSummary summarize_class(const std::vector<SubmissionScore>& scores);

/// The most frequent failures, one line each: role, scenario, how many failed, the advice most of them got.
std::string frequent_failures_text(const ClassSummary& c, Lang lang, std::size_t at_most = 5);

/// "Python 3.11.2" for python3, "perl 5.36.0" for perl: the interpreters `commands` run and their versions,
/// each found on PATH as the programs under test find it (asked once per interpreter and process).
std::map<std::string, std::string> interpreters_of(const std::vector<std::vector<std::string>>& commands);

/// The file name of a submission's page in an --html folder (never the index's).
std::string html_page_name(const SubmissionScore& s);

/// The class at a glance (index.html beside the pages): the class table, a histogram of totals, each
/// scenario's verdicts worst first, each piece of advice with who got it, the run's facts.
std::string grade_index_html(const std::vector<SubmissionScore>& scores, const ClassSummary& c,
                             const ReportContext& ctx);

/// The style sheet the HTML reports share.
const char* report_style();

/// Text for XML and HTML: & < > " escaped, control characters but \n and \t made '?' (XML forbids them).
std::string markup_escape(std::string_view s);

/// Points as the reports show them: at most two decimals, none when whole (12, 7.5, 0.33).
std::string format_points(double v);

/// Words of the reports in the language asked for.
std::string tr(const std::string& english, Lang lang);

}  // namespace socklab::harness

namespace socklab::harness {

struct GradeOptions {
  std::vector<std::string> dirs;
  std::vector<Scenario> scenarios;  // the suite, filtered by --scenario / --tag
  Course course;
  RunOptions base;  // program folders, time scale, seed
  int jobs = 1;
  bool isolated = false;
  std::string out_dir;  // <out>/<submission>/<role>/<example>/<name>.log; the builds in <out>/.staged
  Lang lang = Lang::en;
  bool live_progress = false;      // rewrite one progress line (a terminal)
  bool colour = false;             // its verdict in colour (console.hpp)
  bool keep_transcripts = false;   // the HTML pages draw them; otherwise only the files keep them
  std::vector<std::string> names;  // the reports' name of each folder (submission_names); empty: computed
  /// A grade made before that is still current (grade --results without --force): not made again.
  std::function<std::optional<SubmissionScore>(const std::string& name, const std::string& dir)> earlier;
  /// Called as soon as a submission is graded, transcripts included (grade --results).
  std::function<void(const SubmissionScore&)> graded;
};

/// Prepares every submission, runs every task in one pool, prints a line per role as it completes.
std::vector<SubmissionScore> grade(const GradeOptions& options, std::ostream& console);

}  // namespace socklab::harness
