// Runs one scenario: starts its programs and peers on one event loop, follows its steps, and gives
// a verdict with a message and the transcript.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "child.hpp"
#include "messages.hpp"
#include "sandbox.hpp"
#include "scenario.hpp"
#include "story.hpp"

namespace socklab::harness {

struct RunOptions {
  /// role -> command line (placeholders {host} {port} {dir}); roles not here run the reference program.
  std::map<std::string, std::vector<std::string>> impls;
  /// Folders searched for the reference programs.
  std::vector<std::string> program_dirs;
  double time_scale = 1.0;
  /// Print every event as it happens (socklab run).
  bool live = false;
  /// Capture the wire (each loopback's packets: events, and a pcap beside the transcript).
  bool wire = true;
  /// With `live`: print the wire's events (each TCP segment, each datagram) too (socklab run --wire).
  bool live_wire = false;
  /// Where each run's transcript is written (<dir>/<example>/<name>.log); empty: nowhere.
  std::string transcript_dir;
  /// How the scenario is isolated, for the report.
  std::string isolation = "none";
  /// The links' loss generator's seed (--seed); otherwise the scenario's `seed`, otherwise 1.
  std::optional<std::uint64_t> seed;
  /// The sandbox of the programs under test, from the worker the run is in (nullptr: no sandbox, they
  /// run as socklab does) and whether the worker has mounts of its own to lay out their root file system.
  const Confinement* confinement = nullptr;
  bool own_mounts = false;
  /// A folder copied into each scenario's own folder before it starts (grade: the built submission).
  std::string submission_dir;
  /// A loss rate for every UDP link, in place of the scenario's (socklab run --loss).
  std::optional<double> loss;
  /// The language of the failure messages and advice (--lang). The transcript file stays English; its events
  /// are typed, and the console tells them in this language too.
  Lang lang = Lang::en;
};

/// The closed set of verdicts (SPEC §2).
enum class Verdict { pass, fail, timeout, crash, error, skip };
const char* to_string(Verdict v);

struct Result {
  std::string scenario;
  std::string role;  // the role under test, or "reference"
  std::vector<std::string> tags;
  int points = 0;
  Verdict verdict = Verdict::error;
  std::string message;
  std::vector<Fact> facts;  // what a failure showed about the program: the advice is chosen from them
  double duration_s = 0;
  std::vector<Event> events;            // the run's story
  std::string transcript;               // the story rendered (render_transcript(events))
  std::string transcript_path;          // the file it was written to, if any
  std::vector<std::string> kept_paths;  // files kept beside it (keep file: the browser's screenshot)
  /// A kept file's bytes, where they travelled with the result (a result file read on another machine
  /// than the one that ran the scenario): path -> bytes.
  std::map<std::string, std::string> kept_bytes;
  std::string isolation;
  std::uint64_t seed = 1;               // the seed the links used (reported, and given back to --seed to replay a run)
  bool infrastructure_failure = false;  // socklab itself failed (its worker died): no verdict on the program
};

/// Where the reference program for `role` is, or "" when none is found.
std::string reference_program(const std::string& role, const std::vector<std::string>& dirs);

Result run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace socklab::harness
