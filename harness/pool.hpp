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
};

/// Runs every task; done(index, result) is called as each finishes, in the order they finish.
std::vector<Result> run_tasks(const std::vector<Task>& tasks, int jobs, bool isolated,
                              const std::function<void(std::size_t, const Result&)>& done);

}  // namespace socklab::harness
