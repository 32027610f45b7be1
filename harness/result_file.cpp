#include "result_file.hpp"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include "base64.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace socklab::harness {

json to_json(const Result& r) {
  json events = json::array();
  for (const auto& e : r.events) events.push_back(to_json(e));
  json facts = json::array();
  for (const Fact f : r.facts) facts.push_back(to_string(f));
  return {{"scenario", r.scenario},
          {"role", r.role},
          {"tags", r.tags},
          {"verdict", to_string(r.verdict)},
          {"message", r.message},
          {"facts", std::move(facts)},
          {"duration_s", r.duration_s},
          {"points", r.points},
          {"isolation", r.isolation},
          {"events", std::move(events)},
          {"transcript", r.transcript},
          {"transcript_path", r.transcript_path},
          {"kept", r.kept_paths},
          {"seed", r.seed},
          {"infrastructure_failure", r.infrastructure_failure}};
}

Result result_from_json(const json& j) {
  Result r;
  r.scenario = j.at("scenario");
  r.role = j.at("role");
  r.tags = j.at("tags").get<std::vector<std::string>>();
  const std::string v = j.at("verdict");
  for (auto candidate :
       {Verdict::pass, Verdict::fail, Verdict::timeout, Verdict::crash, Verdict::error, Verdict::skip}) {
    if (v == to_string(candidate)) r.verdict = candidate;
  }
  r.message = j.at("message");
  for (const auto& f : j.value("facts", json::array())) {
    if (const auto fact = fact_named(f.get<std::string>())) r.facts.push_back(*fact);
  }
  r.duration_s = j.at("duration_s");
  r.points = j.at("points");
  r.isolation = j.at("isolation");
  for (const auto& e : j.value("events", json::array())) r.events.push_back(event_from_json(e));
  r.transcript = j.at("transcript");
  r.transcript_path = j.at("transcript_path");
  r.kept_paths = j.value("kept", std::vector<std::string>{});
  r.seed = j.at("seed");
  r.infrastructure_failure = j.value("infrastructure_failure", false);
  return r;
}

std::optional<std::string> kept_file(const Result& r, const std::string& path) {
  constexpr std::size_t kMax = 4u << 20;
  if (const auto it = r.kept_bytes.find(path); it != r.kept_bytes.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  std::string bytes(kMax + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.empty() || bytes.size() > kMax) return std::nullopt;
  return bytes;
}

namespace {

// A result as its file keeps it: what to_json gives, with the kept files' bytes, so that a merge on
// another machine still has the browser's screenshot.
json result_with_files(const Result& r) {
  json j = to_json(r);
  json files = json::object();
  for (const auto& path : r.kept_paths) {
    if (const auto bytes = kept_file(r, path)) files[path] = base64_encode(*bytes);
  }
  j["kept_files"] = std::move(files);
  return j;
}

Result result_with_files_from(const json& j) {
  Result r = result_from_json(j);
  const json files = j.value("kept_files", json::object());
  for (const auto& [path, text] : files.items()) {
    if (const auto bytes = base64_decode(text.get<std::string>())) r.kept_bytes[path] = *bytes;
  }
  return r;
}

}  // namespace

// ------------------------------------------------------------------------------------------- shards

namespace {

// `text` as a whole number; `variable`: the environment's variable it came from, or --shard's K or N.
int whole_number(const std::string& text, const std::string& variable) {
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw SaidError(variable.size() == 1 ? "shard.not-a-number" : "shard.variable-not-a-number",
                    {{"what", variable}, {"text", text}});
  return v;
}

// K (1-based) from the engine's environment, and N where it gives one (0 otherwise).
std::pair<int, int> shard_from_environment(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* name) {
    const auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  if (const auto id = get("SLURM_ARRAY_TASK_ID"); !id.empty()) {
    const auto min = get("SLURM_ARRAY_TASK_MIN"), count = get("SLURM_ARRAY_TASK_COUNT");
    const int k =
        whole_number(id, "SLURM_ARRAY_TASK_ID") - (min.empty() ? 0 : whole_number(min, "SLURM_ARRAY_TASK_MIN") - 1);
    return {k, count.empty() ? 0 : whole_number(count, "SLURM_ARRAY_TASK_COUNT")};
  }
  if (const auto index = get("JOB_COMPLETION_INDEX"); !index.empty())
    return {whole_number(index, "JOB_COMPLETION_INDEX") + 1, 0};
  if (const auto seq = get("PARALLEL_SEQ"); !seq.empty()) return {whole_number(seq, "PARALLEL_SEQ"), 0};
  throw SaidError("shard.no-environment");
}

}  // namespace

Shard parse_shard(const std::string& spec, const std::map<std::string, std::string>& environment) {
  const auto slash = spec.find('/');
  const std::string k_text = spec.substr(0, slash);
  Shard s;
  int env_n = 0;
  if (k_text == "auto") {
    std::tie(s.k, env_n) = shard_from_environment(environment);
  } else {
    if (slash == std::string::npos) throw SaidError("shard.form");
    s.k = whole_number(k_text, "K");
  }
  if (slash != std::string::npos) {
    s.n = whole_number(spec.substr(slash + 1), "N");
  } else if (env_n > 0) {
    s.n = env_n;
  } else {
    throw SaidError("shard.no-count");
  }
  if (s.n < 1 || s.k < 1 || s.k > s.n) throw SaidError("shard.out-of-range", {{"shard", s.to_string()}});
  return s;
}

std::vector<std::size_t> shard_share(const std::vector<std::string>& names, const Shard& s) {
  std::vector<std::size_t> order(names.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  std::vector<std::size_t> share;
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    if (rank % static_cast<std::size_t>(s.n) == static_cast<std::size_t>(s.k - 1)) share.push_back(order[rank]);
  }
  std::sort(share.begin(), share.end());  // in the class's own order
  return share;
}

// ------------------------------------------------------------------------------------------- stamps

std::vector<std::string> ResultStamp::differences(const ResultStamp& o, Lang in) const {
  std::vector<std::string> out;
  auto compare = [&](const char* what, const std::string& a, const std::string& b) {
    if (a != b) out.push_back(say(in, "merge.difference", {{"what", tr(what, in)}, {"here", a}, {"there", b}}));
  };
  auto joined = [](const std::vector<std::string>& v) {
    std::string s = std::to_string(v.size()) + " (";
    for (std::size_t i = 0; i < v.size() && i < 3; ++i) s += (i ? " " : "") + v[i];
    return s + (v.size() > 3 ? " ...)" : ")");
  };
  auto seed_text = [&](const std::optional<std::uint64_t>& s) {
    return s ? std::to_string(*s) : tr("each scenario's", in);
  };
  compare("socklab version", socklab_version, o.socklab_version);
  compare("suite version", suite_version, o.suite_version);
  compare("course", course_hash, o.course_hash);
  if (scenarios != o.scenarios) {
    compare("scenarios selected", joined(scenarios),
            say(in, "merge.other-scenarios", {{"scenarios", joined(o.scenarios)}}));
  }
  compare("seed", seed_text(seed), seed_text(o.seed));
  compare("isolation", isolation, o.isolation);
  compare("language", lang, o.lang);
  return out;
}

void stamp_machine(ResultStamp& stamp) {
  utsname u{};
  if (::uname(&u) == 0) stamp.kernel = std::string(u.sysname) + " " + u.release;
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  stamp.cpus = n > 0 ? static_cast<unsigned>(n) : 0;
}

namespace {

struct Fnv {
  std::uint64_t h = 1469598103934665603ULL;
  void mix(std::string_view bytes) {
    for (const unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;  // a field's end: "ab","c" differs from "a","bc"
  }
  [[nodiscard]] std::string hex() const {
    char b[24];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
    return b;
  }
};

}  // namespace

std::string course_hash(const Course& c) {
  Fnv f;
  for (const double w : {c.core_weight, c.robustness_weight, c.transcript_weight}) f.mix(format_points(w));
  for (const auto& [name, points] : c.points) {
    f.mix(name);
    f.mix(format_points(points));
  }
  return f.hex();
}

std::string folder_hash(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Fnv f;
  for (const auto& p : files) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) continue;
    f.mix(fs::relative(p, dir, ec).string());
    f.mix(std::to_string(st.st_mode & 07777) + (S_ISDIR(st.st_mode) ? "d" : S_ISLNK(st.st_mode) ? "l" : "f"));
    if (S_ISLNK(st.st_mode)) {
      f.mix(fs::read_symlink(p, ec).string());
    } else if (S_ISREG(st.st_mode)) {
      std::ifstream in(p, std::ios::binary);
      f.mix(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
    }
  }
  return f.hex();
}

// ------------------------------------------------------------------------------------------- files

namespace {

constexpr const char* kFormat = "socklab result 1";

json advice_json(const std::vector<Advice>& advice) {
  json a = json::array();
  for (const auto& x : advice) a.push_back({{"id", x.id}, {"text", x.text}});
  return a;
}

std::vector<Advice> advice_from(const json& j) {
  std::vector<Advice> out;
  for (const auto& a : j) out.push_back({a.at("id"), a.at("text")});
  return out;
}

json submission_json(const Submission& s) {
  json roles = json::object();
  for (const auto& [role, p] : s.roles) roles[role] = {{"argv", p.argv}, {"file", p.file}};
  return {{"name", s.name},     {"dir", s.dir},
          {"staged", s.staged}, {"roles", roles},
          {"notes", s.notes},   {"source_advice", advice_json(s.source_advice)},
          {"error", s.error},   {"infrastructure_failure", s.infrastructure_failure}};
}

Submission submission_from(const json& j) {
  Submission s;
  s.name = j.at("name");
  s.dir = j.at("dir");
  s.staged = j.at("staged");
  for (const auto& [role, p] : j.at("roles").items()) s.roles[role] = {p.at("argv"), p.at("file")};
  s.notes = j.at("notes").get<std::vector<std::string>>();
  s.source_advice = advice_from(j.at("source_advice"));
  s.error = j.at("error");
  s.infrastructure_failure = j.at("infrastructure_failure");
  return s;
}

json score_json(const SubmissionScore& s) {
  json roles = json::array();
  for (const auto& r : s.roles) {
    json scenarios = json::array();
    for (const auto& ss : r.scenarios) {
      scenarios.push_back({{"result", result_with_files(ss.result)},
                           {"title", ss.title},
                           {"points", ss.points},
                           {"max", ss.max},
                           {"advice", advice_json(ss.advice)}});
    }
    roles.push_back({{"role", r.role},
                     {"submitted", r.submitted},
                     {"command", r.command},
                     {"reason", r.reason},
                     {"points", r.points},
                     {"max", r.max},
                     {"scenarios", scenarios}});
  }
  return {{"submission", submission_json(s.submission)}, {"roles", roles}};
}

SubmissionScore score_from(const json& j) {
  SubmissionScore s;
  s.submission = submission_from(j.at("submission"));
  for (const auto& rj : j.at("roles")) {
    RoleScore r;
    r.role = rj.at("role");
    r.submitted = rj.at("submitted");
    r.command = rj.at("command");
    r.reason = rj.at("reason");
    r.points = rj.at("points");
    r.max = rj.at("max");
    for (const auto& sj : rj.at("scenarios")) {
      r.scenarios.push_back({result_with_files_from(sj.at("result")), sj.at("title"), sj.at("points"), sj.at("max"),
                             advice_from(sj.at("advice"))});
    }
    s.roles.push_back(std::move(r));
  }
  return s;
}

json stamp_json(const ResultStamp& s) {
  json j = {{"socklab_version", s.socklab_version},
            {"suite_version", s.suite_version},
            {"course_hash", s.course_hash},
            {"scenarios", s.scenarios},
            {"seed", s.seed ? json(*s.seed) : json(nullptr)},
            {"isolation", s.isolation},
            {"lang", s.lang},
            {"kernel", s.kernel},
            {"cpus", s.cpus},
            {"date", s.date},
            {"graded_at", s.graded_at},
            {"interpreters", s.interpreters},
            {"shard", s.shard},
            {"class", s.class_names}};
  return j;
}

ResultStamp stamp_from(const json& j) {
  ResultStamp s;
  s.socklab_version = j.at("socklab_version");
  s.suite_version = j.at("suite_version");
  s.course_hash = j.at("course_hash");
  s.scenarios = j.at("scenarios").get<std::vector<std::string>>();
  if (!j.at("seed").is_null()) s.seed = j.at("seed").get<std::uint64_t>();
  s.isolation = j.at("isolation");
  s.lang = j.at("lang");
  s.kernel = j.at("kernel");
  s.cpus = j.at("cpus");
  s.date = j.at("date");
  s.graded_at = j.at("graded_at");
  s.interpreters = j.at("interpreters").get<std::map<std::string, std::string>>();
  s.shard = j.at("shard");
  s.class_names = j.at("class").get<std::vector<std::string>>();
  return s;
}

}  // namespace

std::string result_file_text(const ResultFile& f) {
  const json j = {{"format", kFormat},
                  {"stamp", stamp_json(f.stamp)},
                  {"source_hash", f.source_hash},
                  {"score", score_json(f.score)}};
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

ResultFile parse_result_file(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (j.value("format", "") != kFormat)
      throw SaidError("merge.not-a-result-file", {{"format", std::string(kFormat)}});
    return {stamp_from(j.at("stamp")), j.at("source_hash"), score_from(j.at("score"))};
  } catch (const json::exception& e) {
    throw SaidError("merge.not-a-result-file-why", {{"why", e.what()}});
  }
}

std::string result_file_name(const std::string& submission_name) { return submission_name + ".json"; }

}  // namespace socklab::harness
