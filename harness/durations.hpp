// How long each scenario took when it last ran, kept beside the transcripts, so that the next run starts
// the longest first: a pool of N workers then ends with the longest scenario, not after it. A scenario
// never run in that folder takes the time the suite's own table gives (`durations.json` beside the
// examples' folders: the reference programs' run, shipped with the suite), else a guess from its file.
#pragma once

#include <map>
#include <string>

#include "scenario.hpp"

namespace socklab::harness {

/// A first guess from the scenario itself, before it has ever run: its scripted pauses and the deadlines
/// of its waits (hang guards, so an upper bound; only the order of the guesses matters).
double estimated_seconds(const Scenario& s);

/// The suite's table of a scenario: `durations.json` in the folder that holds its example's folder.
std::string suite_durations_path(const Scenario& s);

class Durations {
 public:
  /// Reads `path` (JSON: scenario name -> seconds) where it exists; a file that cannot be read is ignored.
  explicit Durations(std::string path);
  /// The last run's duration, else the suite's table's, else the estimate.
  [[nodiscard]] double expected(const Scenario& s) const;
  void record(const std::string& scenario, double seconds) { seconds_[scenario] = seconds; }
  /// Writes the file (atomically); false when it cannot be written (the next run guesses again).
  bool save() const;

 private:
  std::string path_;
  std::map<std::string, double> seconds_;
  /// The suites' tables, read once per suite folder (a folder without one maps to an empty table).
  mutable std::map<std::string, std::map<std::string, double>> suites_;
};

}  // namespace socklab::harness
