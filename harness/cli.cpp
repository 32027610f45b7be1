#include "cli.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <linux/limits.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "hints.hpp"
#include "isolation.hpp"
#include "pool.hpp"
#include "sandbox.hpp"

namespace fs = std::filesystem;

namespace socklab::harness {
namespace {

fs::path self_dir() {
  char buf[PATH_MAX] = {};
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? fs::path(std::string(buf, static_cast<std::size_t>(n))).parent_path() : fs::current_path();
}

std::vector<std::string> program_dirs() {
  const auto d = self_dir();
  return {d.string(), (d.parent_path() / "servers").string(), (d.parent_path() / "clients").string()};
}

std::vector<fs::path> scenario_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".scn") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

// Installed: <prefix>/bin/socklab and <prefix>/share/socklab/scenarios. Build tree: the source's scenarios/.
fs::path default_scenario_dir() {
  if (const char* env = std::getenv("SOCKLAB_SCENARIOS")) return env;
  const auto installed = self_dir().parent_path() / "share" / "socklab" / "scenarios";
  if (fs::is_directory(installed)) return installed;
  return SOCKLAB_SOURCE_SCENARIOS;
}

Suite load_suite(const fs::path& dir) {
  Suite l;
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a over every file's name and bytes
  auto mix = [&](const std::string& bytes) {
    for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  };
  for (const auto& f : scenario_files(dir)) {
    std::ifstream in(f, std::ios::binary);
    mix(fs::relative(f, dir).string());
    mix(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    try {
      l.scenarios.push_back(load_scenario(f.string()));
    } catch (const ParseError& e) {
      l.errors.push_back(e);
    }
  }
  l.version = fmt::format("{} scenarios, {:012x}", l.scenarios.size(), hash & 0xffffffffffffULL);
  return l;
}

Lang session_lang(const SessionOptions& s) {
  return s.lang_name.empty() ? lang_from_environment() : s.lang_name == "zh" ? Lang::zh : Lang::en;
}

void add_lang_option(CLI::App& sub, SessionOptions& s) {
  sub.add_option("--lang", s.lang_name, "en or zh: every sentence of the report (default: from LANG)")
      ->check(CLI::IsMember({"en", "zh"}));
}

void add_session_options(CLI::App& sub, SessionOptions& s, const std::string& out_help) {
  sub.add_option("--seed", s.seed,
                 "the seed of the links' loss generator (every report prints the one used; give it back to "
                 "replay a run)");
  sub.add_option("--isolation", s.isolation_mode,
                 "auto: namespaces where the machine allows them, else wrapper where it is installed; "
                 "wrapper: socket_wrapper and nss_wrapper (LD_PRELOAD), no namespaces; none: run on the "
                 "machine's own network, one scenario at a time")
      ->check(CLI::IsMember({"auto", "none", "wrapper"}))
      ->capture_default_str();
  sub.add_option("--out", s.out_dir, out_help)->capture_default_str();
}

void add_jobs_option(CLI::App& sub, int& jobs) {
  jobs = default_jobs();
  sub.add_option("-j,--jobs", jobs, "scenarios run at once (they mostly wait: 4 per CPU by default)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

void add_report_options(CLI::App& sub, ReportPaths& reports) {
  sub.add_option("--json", reports.json, "write every result and score as JSON");
  sub.add_option("--junit", reports.junit, "write JUnit XML (a test suite per submission)");
  sub.add_option("--csv", reports.csv, "write the score table as CSV");
  sub.add_option("--gradescope", reports.gradescope, "write Gradescope's results.json (one submission)");
  sub.add_option("--html", reports.html,
                 "write an HTML page per submission: FILE for one submission, a folder for several");
}

double time_scale_from_environment() {
  const char* scale = std::getenv("SOCKLAB_TIME_SCALE");
  return scale != nullptr && std::atof(scale) > 0 ? std::atof(scale) : 1.0;
}

RunOptions session_run_options(const SessionOptions& s, bool transcripts) {
  RunOptions options;
  options.program_dirs = program_dirs();
  if (transcripts) options.transcript_dir = fs::absolute(s.out_dir).string();
  options.time_scale = s.time_scale;
  options.seed = s.seed;
  options.lang = session_lang(s);
  return options;
}

std::string isolation_summary(bool isolated, Lang lang) {
  const Limits defaults;
  const RunIdentity probe(defaults.memory_bytes, defaults.processes);
  const bool ns = isolated && !wrapper_isolation();
  return isolation_text(IsolationSupport{ns, ns, isolated && !ns}, &probe.confinement(), ns, lang);
}

bool selected_by(const Scenario& s, const std::string& glob, const std::vector<std::string>& tags) {
  if (::fnmatch(glob.c_str(), s.name.c_str(), 0) != 0) return false;
  return tags.empty() || std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
           return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
         });
}

}  // namespace socklab::harness
