// A run owns its staged folder: whatever way it ends (a skip before the first step, a failing step, an
// error starting a program, a pass), nothing of it is left in the temporary folder.
#include "runner.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "scenario.hpp"

using namespace socklab::harness;

namespace {

// Runs a scenario with the temporary folder pointed at a fresh one, and says what is left in it.
class staged_folder : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = (std::filesystem::temp_directory_path() / "socklab-runner-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
    tmp_ = name;
    const char* old = std::getenv("TMPDIR");
    if (old != nullptr) old_tmpdir_ = old;
    ::setenv("TMPDIR", tmp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      ::setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    std::error_code ec;
    std::filesystem::remove_all(tmp_, ec);
  }

  Result run(const std::string& body) {
    const Scenario s = parse_scenario("roles ex4.server\ntags core\n" + body, "scenarios/ex4/staged.scn");
    RunOptions o;  // isolation "none": a scenario that needs namespaces is skipped
    return run_scenario(s, o);
  }

  [[nodiscard]] std::string left_behind() const {
    std::string out;
    for (const auto& e : std::filesystem::directory_iterator(tmp_)) out += e.path().filename().string() + " ";
    return out;
  }

  std::filesystem::path tmp_;
  std::optional<std::string> old_tmpdir_;
};

}  // namespace

TEST_F(staged_folder, a_skipped_scenario_leaves_nothing_behind) {
  const auto r = run("requires namespaces\nrun a -- true\n");
  EXPECT_EQ(r.verdict, Verdict::skip) << r.message;
  EXPECT_EQ(left_behind(), "");
}

TEST_F(staged_folder, a_scenario_skipped_for_a_missing_program_leaves_nothing_behind) {
  const auto r = run("requires installed socklab-no-such-program\nrun a -- true\n");
  EXPECT_EQ(r.verdict, Verdict::skip) << r.message;
  EXPECT_EQ(left_behind(), "");
}

TEST_F(staged_folder, a_failing_step_leaves_nothing_behind) {
  const auto r = run("run a -- sh -c \"echo no\"\nexpect a stdout\n| yes\n");
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_EQ(left_behind(), "");
}

TEST_F(staged_folder, a_program_that_cannot_start_leaves_nothing_behind) {
  const auto r = run("run a -- /nonexistent/socklab-program\nwait a exit 0\n");
  EXPECT_NE(r.verdict, Verdict::pass) << r.message;
  EXPECT_EQ(left_behind(), "");
}

TEST_F(staged_folder, a_passing_scenario_leaves_nothing_behind) {
  const auto r = run("run a -- sh -c \"echo yes\"\nexpect a stdout\n| yes\nwait a exit 0\n");
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  EXPECT_EQ(left_behind(), "");
}
