// socklab grade and socklab merge as commands: a class (or one shard of it) graded into reports and, with
// --results, a result file per submission; result files of any number of shards merged into the same
// reports. Their exit codes are what a grading engine (Slurm, GNU parallel, Kubernetes) acts on.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "grade.hpp"
#include "result_file.hpp"

namespace socklab::harness {

/// What `grade` and `merge` exit with.
enum ExitCode : int {
  exit_graded = 0,      // graded (merged), whatever the scores: the reports say them
  exit_incomplete = 1,  // merge: reports written, but submissions of the class are missing or duplicated
  exit_usage = 2,       // a usage or configuration error, or results that are not one grade: a retry cannot help
  exit_retry = 75,      // socklab could not do its work here (EX_TEMPFAIL): retry, on this machine or another
};

/// The reports asked for; empty: not written.
struct ReportPaths {
  std::string json, csv, junit, gradescope, html;
};

/// Writes every report asked for; false (after saying why on `err`) when one could not be written.
bool write_reports(const std::vector<SubmissionScore>& scores, const ReportContext& ctx, const ReportPaths& paths,
                   std::ostream& err);

struct GradeCommand {
  GradeOptions grade;  // dirs, scenarios, course, ... as for grade()
  ReportPaths reports;
  std::string socklab_version, suite_version, isolation;
  bool isolation_required = false;  // --results or --shard without --isolation none: namespaces or retry
  std::optional<Shard> shard;
  std::string results_dir;  // one result file per submission; empty: none
  bool force = false;       // grade again even where a current result is there
};

/// Runs a grade and writes its reports and result files.
int grade_command(GradeCommand c, std::ostream& out, std::ostream& err);

/// Reads every result file in `dirs` and writes the class's reports from them, in the grade's language;
/// `lang` tells what goes wrong before a result file gives it.
int merge_command(const std::vector<std::string>& dirs, const ReportPaths& reports, std::ostream& out,
                  std::ostream& err, Lang lang = Lang::en);

}  // namespace socklab::harness
