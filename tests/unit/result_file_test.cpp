#include "result_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "base64.hpp"

using namespace socklab::harness;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> class_of(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("student" + std::to_string((i * 37) % n));
  return names;
}

std::set<std::string> share_names(const std::vector<std::string>& names, const Shard& s) {
  std::set<std::string> out;
  for (const auto i : shard_share(names, s)) out.insert(names[i]);
  return out;
}

}  // namespace

TEST(shards, every_submission_in_exactly_one_share_and_shares_differ_by_one_at_most) {
  const auto names = class_of(1000);
  std::set<std::string> seen;
  std::size_t smallest = names.size(), largest = 0;
  for (int k = 1; k <= 7; ++k) {
    const auto share = share_names(names, {k, 7});
    for (const auto& n : share) EXPECT_TRUE(seen.insert(n).second) << n << " is in two shares";
    smallest = std::min(smallest, share.size());
    largest = std::max(largest, share.size());
  }
  EXPECT_EQ(seen.size(), names.size());
  EXPECT_LE(largest - smallest, 1u);
}

TEST(shards, the_split_is_the_same_whatever_the_order_the_folders_are_given_in) {
  auto names = class_of(50);
  const auto first = share_names(names, {2, 3});
  std::reverse(names.begin(), names.end());
  EXPECT_EQ(share_names(names, {2, 3}), first);
  std::rotate(names.begin(), names.begin() + 17, names.end());
  EXPECT_EQ(share_names(names, {2, 3}), first);
}

TEST(shards, a_share_keeps_the_class_order) {
  const std::vector<std::string> names = {"e", "d", "c", "b", "a"};
  EXPECT_EQ(shard_share(names, {1, 2}), (std::vector<std::size_t>{0, 2, 4}));  // a c e
  EXPECT_EQ(shard_share(names, {2, 2}), (std::vector<std::size_t>{1, 3}));     // b d
  EXPECT_TRUE(shard_share({"only"}, {2, 3}).empty());
}

TEST(shards, parsed_from_the_command_line_and_from_each_engine) {
  const std::map<std::string, std::string> none;
  EXPECT_EQ(parse_shard("2/3", none).to_string(), "2/3");
  // Slurm: --array=0-3 numbers tasks from 0, --array=1-4 from 1; both are shards 1..4 of 4.
  EXPECT_EQ(parse_shard("auto",
                        {{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_MIN", "0"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})
                .to_string(),
            "1/4");
  EXPECT_EQ(parse_shard("auto",
                        {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_MIN", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})
                .to_string(),
            "4/4");
  EXPECT_EQ(parse_shard("auto/5", {{"JOB_COMPLETION_INDEX", "0"}}).to_string(), "1/5");
  EXPECT_EQ(parse_shard("auto/3", {{"PARALLEL_SEQ", "3"}}).to_string(), "3/3");
  for (const char* bad : {"0/3", "4/3", "2", "a/3", "2/x", "2/3/4", "-1/3", "1/0", ""}) {
    EXPECT_THROW(parse_shard(bad, none), SaidError) << bad;
  }
  EXPECT_THROW(parse_shard("auto", none), SaidError);
  EXPECT_THROW(parse_shard("auto", {{"JOB_COMPLETION_INDEX", "0"}}), SaidError);  // no N
  EXPECT_THROW(parse_shard("auto/2", {{"JOB_COMPLETION_INDEX", "2"}}), SaidError);
}

namespace {

ResultFile sample_file() {
  ResultFile f;
  f.stamp.socklab_version = "0.1.0";
  f.stamp.suite_version = "64 scenarios, 4ddc89db0028";
  f.stamp.course_hash = "00ff";
  f.stamp.scenarios = {"ex5/tutorial-run", "ex5/big-datagram"};
  f.stamp.seed = 7;
  f.stamp.isolation = "network, mount and PID namespaces";
  f.stamp.lang = "zh";
  f.stamp.kernel = "Linux 6.18";
  f.stamp.cpus = 2;
  f.stamp.date = "2026-12-01 12:00 UTC";
  f.stamp.graded_at = 1.5e9;
  f.stamp.interpreters = {{"python3", "Python 3.11.2"}};
  f.stamp.shard = "2/3";
  f.stamp.class_names = {"alice", "bob"};
  f.source_hash = "1234";
  Submission& s = f.score.submission;
  s.name = "bob";
  s.dir = "/class/bob";
  s.staged = "/out/.staged/bob";
  s.roles["ex5.server"] = {{"python3", "server5.py"}, "server5.py"};
  s.source_advice = {{"crlf", "CRLF line ends"}};
  s.notes = {"built with make"};
  s.error = "";
  RoleScore r;
  r.role = "ex5.server";
  r.submitted = true;
  r.command = "python3 server5.py";
  r.reason = "";
  r.points = 2;
  r.max = 3.5;
  ScenarioScore ss;
  ss.title = "the tutorial's run";
  ss.points = 0;
  ss.max = 3.5;
  ss.advice = {{"space-after-comma", "no space"}};
  Result& res = ss.result;
  res.scenario = "ex5/tutorial-run";
  res.role = "ex5.server";
  res.tags = {"core"};
  res.points = 3;
  res.verdict = Verdict::timeout;
  res.message = "expected \"Hello,a\"";
  res.duration_s = 1.25;
  res.transcript = "[   0.001] server stdout \"你好\\n\"\n";
  res.transcript_path = "/out/bob/ex5.server/ex5/tutorial-run.log";
  res.kept_paths = {"/out/x.png"};
  res.isolation = "network";
  res.seed = 42;
  r.scenarios.push_back(ss);
  f.score.roles.push_back(r);
  return f;
}

}  // namespace

TEST(result_file, a_graded_submission_reads_back_whole_transcripts_included) {
  const ResultFile f = sample_file();
  const std::string text = result_file_text(f);
  const ResultFile back = parse_result_file(text);
  EXPECT_EQ(result_file_text(back), text);
  EXPECT_TRUE(back.stamp.differences(f.stamp).empty());
  EXPECT_EQ(back.stamp.kernel, "Linux 6.18");
  EXPECT_EQ(back.stamp.cpus, 2u);
  EXPECT_EQ(back.stamp.class_names, f.stamp.class_names);
  EXPECT_EQ(back.stamp.interpreters.at("python3"), "Python 3.11.2");
  EXPECT_EQ(back.source_hash, "1234");
  const Submission& s = back.score.submission;
  EXPECT_EQ(s.staged, "/out/.staged/bob");
  EXPECT_EQ(s.roles.at("ex5.server").argv, (std::vector<std::string>{"python3", "server5.py"}));
  EXPECT_EQ(s.source_advice.at(0).id, "crlf");
  EXPECT_EQ(s.notes.at(0), "built with make");
  const RoleScore& r = back.score.roles.at(0);
  EXPECT_EQ(r.command, "python3 server5.py");
  EXPECT_DOUBLE_EQ(r.max, 3.5);
  const ScenarioScore& ss = r.scenarios.at(0);
  EXPECT_EQ(ss.title, "the tutorial's run");
  EXPECT_EQ(ss.advice.at(0).id, "space-after-comma");
  const Result& res = ss.result;
  EXPECT_EQ(res.verdict, Verdict::timeout);
  EXPECT_EQ(res.transcript, f.score.roles[0].scenarios[0].result.transcript);
  EXPECT_EQ(res.kept_paths, (std::vector<std::string>{"/out/x.png"}));
  EXPECT_EQ(res.seed, 42u);
  EXPECT_DOUBLE_EQ(res.duration_s, 1.25);
  EXPECT_DOUBLE_EQ(back.score.points(), 2);
}

TEST(result_file, what_is_not_a_result_file_is_refused_with_a_reason) {
  EXPECT_THROW(parse_result_file("{}"), std::runtime_error);
  EXPECT_THROW(parse_result_file("not json"), std::runtime_error);
  std::string text = result_file_text(sample_file());
  text.replace(text.find("\"source_hash\""), 13, "\"source_hush\"");
  EXPECT_THROW(parse_result_file(text), std::runtime_error);
}

TEST(result_file, stamps_differ_in_what_makes_another_grade_and_not_in_where_it_ran) {
  const ResultStamp a = sample_file().stamp;
  auto differs = [&](auto change) {
    ResultStamp b = a;
    change(b);
    return b.differences(a).size();
  };
  EXPECT_EQ(differs([](ResultStamp& b) { b.socklab_version = "0.2.0"; }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.suite_version = "65 scenarios, 0"; }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.course_hash = "ff00"; }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.scenarios.pop_back(); }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.seed.reset(); }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.isolation = "none"; }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) { b.lang = "en"; }), 1u);
  EXPECT_EQ(differs([](ResultStamp& b) {
              b.kernel = "Linux 5.10";
              b.cpus = 64;
              b.date = "later";
              b.shard = "1/3";
              b.graded_at = 0;
            }),
            0u);
}

TEST(result_file, a_course_hash_follows_the_points_not_the_file) {
  Course a, b;
  EXPECT_EQ(course_hash(a), course_hash(b));
  b.robustness_weight = 0.5;
  EXPECT_NE(course_hash(a), course_hash(b));
  Course c;
  c.points["ex4/fifty-clients"] = 4;
  EXPECT_NE(course_hash(a), course_hash(c));
}

TEST(result_file, a_folder_hash_changes_with_any_file_and_only_then) {
  const fs::path d = fs::temp_directory_path() / ("socklab-hash-test-" + std::to_string(::getpid()));
  fs::create_directories(d / "inner");
  std::ofstream(d / "server5.py") << "print('a')\n";
  std::ofstream(d / "inner" / "x") << "x";
  const std::string h0 = folder_hash(d.string());
  EXPECT_EQ(folder_hash(d.string()), h0);
  fs::last_write_time(d / "server5.py", fs::file_time_type::clock::now() - std::chrono::hours(1));
  EXPECT_EQ(folder_hash(d.string()), h0) << "a touched file is the same submission";
  std::ofstream(d / "inner" / "x") << "y";
  const std::string h1 = folder_hash(d.string());
  EXPECT_NE(h1, h0);
  ::chmod((d / "server5.py").c_str(), 0755);
  EXPECT_NE(folder_hash(d.string()), h1);
  fs::rename(d / "inner" / "x", d / "inner" / "z");
  EXPECT_NE(folder_hash(d.string()), h1);
  fs::remove_all(d);
}

TEST(result_file, a_kept_screenshot_travels_in_the_file_to_a_merge_on_another_machine) {
  const fs::path dir = fs::temp_directory_path() / ("socklab-kept-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string png("\x89PNG\r\n\x1a\n\0\xff shot", 16);
  const std::string path = (dir / "ex1-browser.page.png").string();
  std::ofstream(path, std::ios::binary) << png;
  ResultFile f = sample_file();
  f.score.roles[0].scenarios[0].result.kept_paths = {path, (dir / "gone.png").string()};
  const std::string text = result_file_text(f);
  fs::remove_all(dir);  // the machine that merges has no such folder
  const Result back = parse_result_file(text).score.roles.at(0).scenarios.at(0).result;
  EXPECT_EQ(kept_file(back, path), png);
  EXPECT_EQ(kept_file(back, (dir / "gone.png").string()), std::nullopt);  // never there: named, not shown
  EXPECT_EQ(back.kept_paths.size(), 2u);
}

TEST(base64, every_length_round_trips_and_what_is_not_base64_is_refused) {
  std::string bytes;
  for (int n = 0; n < 300; ++n) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << n;
    bytes += static_cast<char>(n * 7);
  }
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_EQ(base64_decode("TQ=="), "M");
  for (const char* bad : {"TWF", "TW=u", "T===", "TWE=TWFu", "TW\nu", "TWF*"})
    EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
}
