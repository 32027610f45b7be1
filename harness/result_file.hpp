// A graded submission as a file of its own (grade --results DIR), written as soon as it is graded, which
// `socklab merge` reads back from any number of shards; and the JSON of one scenario's result, which the
// workers' pipe and these files share. Each field of Result, and of a graded submission, is written and
// read here and nowhere else.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grade.hpp"
#include "runner.hpp"

namespace socklab::harness {

nlohmann::json to_json(const Result& r);
/// Throws nlohmann::json::exception on a missing or mistyped field.
Result result_from_json(const nlohmann::json& j);

/// A file the scenario kept (one of r.kept_paths): the bytes that came with the result, else the file's
/// own; nothing when it is in neither or is over 4 MiB (a report then names it and shows no image).
std::optional<std::string> kept_file(const Result& r, const std::string& path);

/// Shard K of N (1 <= K <= N): the submissions it grades.
struct Shard {
  int k = 1;
  int n = 1;
  [[nodiscard]] std::string to_string() const { return std::to_string(k) + "/" + std::to_string(n); }
};

/// Parses --shard: "K/N", "auto/N" or "auto". `auto` takes K (and N where the engine gives it) from the
/// engine's environment: Slurm's SLURM_ARRAY_TASK_ID, _MIN and _COUNT, Kubernetes' JOB_COMPLETION_INDEX
/// (0-based), GNU parallel's PARALLEL_SEQ. Throws std::invalid_argument saying what is wrong.
Shard parse_shard(const std::string& spec, const std::map<std::string, std::string>& environment);

/// Which of `names` (a class's submission names) shard `s` grades: their indices. The names are sorted
/// by their bytes and dealt out in turn, so every machine given the same folders, in any order, computes
/// the same shares, and the shares differ in size by one at most.
std::vector<std::size_t> shard_share(const std::vector<std::string>& names, const Shard& s);

/// What every result file of a class must agree on before a merge, and what it tells about where it
/// was graded.
struct ResultStamp {
  // compared: results that differ in any of these are not one grade
  std::string socklab_version;
  std::string suite_version;
  std::string course_hash;
  std::vector<std::string> scenarios;  // the selected scenarios' names (--scenario, --tag)
  std::optional<std::uint64_t> seed;
  std::string isolation;
  std::string lang;
  // told: where and when it was graded
  std::string kernel;
  unsigned cpus = 0;
  std::string date;
  double graded_at = 0;  // seconds since 1970, when the file was written
  std::map<std::string, std::string> interpreters;
  std::string shard;                     // "2/3"
  std::vector<std::string> class_names;  // every submission the grade was given, in its order
  /// "suite version: 64 scenarios, 1a2b… here, 63 scenarios, 3c4d… there", one per compared field.
  [[nodiscard]] std::vector<std::string> differences(const ResultStamp& other, Lang in = Lang::en) const;
};

/// This machine's kernel (uname's release) and CPU count, into a stamp.
void stamp_machine(ResultStamp& stamp);

/// A hash of a course's weights and points as the grade uses them (not of the file's bytes).
std::string course_hash(const Course& c);

/// A hash of a folder's files: their names, modes and bytes (links by their targets), in name order.
std::string folder_hash(const std::string& dir);

struct ResultFile {
  ResultStamp stamp;
  std::string source_hash;  // folder_hash of the submission as handed in
  SubmissionScore score;
};

std::string result_file_text(const ResultFile& f);
/// Throws std::runtime_error naming what is wrong.
ResultFile parse_result_file(std::string_view text);

/// The file a submission's result has in a --results folder.
std::string result_file_name(const std::string& submission_name);

}  // namespace socklab::harness
