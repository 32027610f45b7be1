// socklab merge DIR...: the command line of a merge of result files (grade_command.cpp merges them).
#include "cli.hpp"
#include "hints.hpp"

namespace socklab::harness {

void add_merge_command(CLI::App& app, MergeArgs& a) {
  a.app =
      app.add_subcommand("merge", "write the reports of a class from the result files of its shards (grade --results)");
  CLI::App& merge = *a.app;
  merge.add_option("dirs", a.dirs, "folders of result files")->required();
  add_report_options(merge, a.reports);
}

int merge_main(const MergeArgs& a) {
  return merge_command(a.dirs, a.reports, std::cout, std::cerr, lang_from_environment());
}

}  // namespace socklab::harness
