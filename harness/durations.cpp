#include "durations.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "files.hpp"

namespace socklab::harness {

double estimated_seconds(const Scenario& s) {
  double total = 0;
  for (const auto& step : s.steps) total += step.longest_s();
  return total;
}

std::string suite_durations_path(const Scenario& s) {
  return (std::filesystem::path(s.path).parent_path().parent_path() / "durations.json").string();
}

namespace {

/// A table of scenario name -> seconds; empty where the file is missing or is not such a table.
std::map<std::string, double> read_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  try {
    return nlohmann::json::parse(in).get<std::map<std::string, double>>();
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

Durations::Durations(std::string path) : path_(std::move(path)), seconds_(read_table(path_)) {}

double Durations::expected(const Scenario& s) const {
  if (const auto it = seconds_.find(s.name); it != seconds_.end()) return it->second;
  const std::string suite = suite_durations_path(s);
  auto table = suites_.find(suite);
  if (table == suites_.end()) table = suites_.emplace(suite, read_table(suite)).first;
  const auto it = table->second.find(s.name);
  return it != table->second.end() ? it->second : estimated_seconds(s);
}

bool Durations::save() const {
  try {
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
    write_file_atomically(path_, nlohmann::json(seconds_).dump(1) + "\n");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace socklab::harness
