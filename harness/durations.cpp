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

Durations::Durations(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return;
  try {
    seconds_ = nlohmann::json::parse(in).get<std::map<std::string, double>>();
  } catch (const std::exception&) {
    seconds_.clear();
  }
}

double Durations::expected(const Scenario& s) const {
  const auto it = seconds_.find(s.name);
  return it != seconds_.end() ? it->second : estimated_seconds(s);
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
