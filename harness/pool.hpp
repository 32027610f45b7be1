// Runs scenarios, each in a worker process of its own (namespaces need a single-threaded process), at
// most `jobs` at once; results come back as JSON over a pipe. `check` runs one task per scenario,
// `grade` one per scenario, role and submission.
#pragma once

#include <functional>
#include <vector>

#include "runner.hpp"
#include "scenario.hpp"

namespace socklab::harness {

/// A scenario (not copied: a class's tasks share the suite's) and the options to run it with.
struct Task {
  const Scenario* scenario;
  RunOptions options;
  double expected_s = 0;  // how long it should take (durations.hpp): within a group, the longest start first
  std::size_t group = 0;  // groups start in their order (grade: one per submission, so each is done early)
};

/// How many scenarios run at once unless -j says: they mostly wait (the whole suite needs about a CPU-second
/// of socklab's own), so 4 per CPU, at least 4 and at most 64.
int default_jobs();

/// Runs every task, starting them group by group and the longest first within a group; done(index,
/// result) is called as each finishes, in the order they finish.
std::vector<Result> run_tasks(const std::vector<Task>& tasks, int jobs, bool isolated,
                              const std::function<void(std::size_t, const Result&)>& done);

}  // namespace socklab::harness
