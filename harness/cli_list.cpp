// socklab list: a line per scenario, tab-separated: name, roles, tags, points, title.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli.hpp"

namespace socklab::harness {

CLI::App* add_list_command(CLI::App& app) {
  return app.add_subcommand("list", "examples, roles and scenarios with their tags");
}

int list_main(const Suite& suite) {
  for (const auto& s : suite.scenarios) {
    fmt::print("{}\t{}\t{}\t{}\t{}\n", s.name, fmt::join(s.roles, ","), fmt::join(s.tags, ","), s.points, s.title);
  }
  return suite.errors.empty() ? 0 : 2;
}

}  // namespace socklab::harness
