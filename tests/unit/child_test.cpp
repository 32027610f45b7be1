#include "child.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace socklab::harness;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// Runs the loop until `done` holds or `limit` passes; false on the limit.
template <class Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = 10s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    if (io.stopped()) io.restart();  // a loop that ran out of work stays stopped until restarted
    io.run_one_for(10ms);
  }
  return true;
}

struct Fixture : ::testing::Test {
  asio::io_context io;
  Limits limits;
  std::string dir = std::filesystem::temp_directory_path().string();

  std::unique_ptr<Child> start(std::vector<std::string> args) {
    args.insert(args.begin(), SOCKLAB_FIXTURE_CHILD);
    return std::make_unique<Child>(io, args, dir, limits, nullptr);
  }
  bool finished(const Child& c) { return c.status() && c.out_ended() && c.err_ended(); }
  void stop(Child& c, std::chrono::milliseconds grace = 100ms) {
    bool stopped = false;
    asio::co_spawn(io, c.stop(grace), [&](std::exception_ptr) { stopped = true; });
    ASSERT_TRUE(run_until(io, [&] { return stopped; })) << "the stop ladder did not finish";
  }
};

bool gone(int pid) {  // dead and reaped, or a zombie waiting for init
  for (int i = 0; i < 200; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    std::getline(stat, s);
    if (s.find(") Z") != std::string::npos) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

}  // namespace

TEST_F(Fixture, stdin_is_scripted_and_stdout_read_as_it_comes) {
  auto c = start({"echo"});
  c->write_stdin("hello\n");
  ASSERT_TRUE(run_until(io, [&] { return c->out() == "hello\n"; }));
  c->write_stdin("again\n");
  c->close_stdin();
  ASSERT_TRUE(run_until(io, [&] { return finished(*c); }));
  EXPECT_EQ(c->out(), "hello\nagain\n");
  EXPECT_EQ(c->status()->code, 0);
}

TEST_F(Fixture, exit_codes_and_crashes_are_told_apart) {
  auto exits = start({"exit", "3"});
  auto crashes = start({"crash"});
  ASSERT_TRUE(run_until(io, [&] { return finished(*exits) && finished(*crashes); }));
  EXPECT_EQ(exits->status()->code, 3);
  EXPECT_EQ(crashes->status()->signal, SIGSEGV);
  EXPECT_FALSE(crashes->status()->sent_by_harness) << "a crash, not a stop";
  EXPECT_EQ(crashes->status()->to_string(), "killed by SIGSEGV");
}

TEST_F(Fixture, the_stop_ladder_ends_a_program_that_ignores_signals) {
  auto c = start({"ignore-signals"});
  ASSERT_TRUE(run_until(io, [&] { return c->out() == "ignoring\n"; }));
  const auto began = std::chrono::steady_clock::now();
  stop(*c, 100ms);
  EXPECT_EQ(c->status()->signal, SIGKILL);
  EXPECT_TRUE(c->status()->sent_by_harness);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s) << "three grace periods of 100 ms, then SIGKILL";
}

TEST_F(Fixture, a_program_that_dies_of_an_earlier_rungs_signal_was_stopped_not_crashed) {
  // SIGINT handled slowly, SIGTERM ignored: the ladder has sent SIGTERM when SIGINT ends the program.
  auto c = std::make_unique<Child>(
      io,
      std::vector<std::string>{"/bin/sh", "-c",
                               "trap '' TERM; trap 'sleep 0.3; trap - INT; kill -INT $$' INT; echo ready; "
                               "while :; do sleep 0.05; done"},
      dir, limits, nullptr);
  ASSERT_TRUE(run_until(io, [&] { return c->out() == "ready\n"; }));
  stop(*c, 200ms);
  EXPECT_EQ(c->status()->signal, SIGINT);
  EXPECT_TRUE(c->status()->sent_by_harness) << "socklab sent SIGINT first: not a crash";
}

TEST_F(Fixture, sigint_reaches_a_program_that_does_not_ignore_it) {
  auto c = start({"sleep", "30"});
  stop(*c);
  EXPECT_EQ(c->status()->signal, SIGINT);
  EXPECT_TRUE(c->status()->sent_by_harness);
}

TEST_F(Fixture, endless_output_is_capped_with_a_visible_marker) {
  limits.output_cap = 100000;
  auto c = start({"flood"});
  ASSERT_TRUE(run_until(io, [&] { return c->out().size() >= 100000; }));
  stop(*c);
  ASSERT_TRUE(run_until(io, [&] { return finished(*c); }));
  EXPECT_EQ(c->out().substr(0, 100000), std::string(100000, 'x'));
  EXPECT_NE(c->out().find("[truncated "), std::string::npos);
  EXPECT_LT(c->out().size(), 100100u);
}

TEST_F(Fixture, children_of_the_program_die_with_its_process_group) {
  auto c = start({"fork", "3"});
  ASSERT_TRUE(run_until(io, [&] { return std::count(c->out().begin(), c->out().end(), '\n') == 3; }));
  std::istringstream pids(c->out());
  stop(*c);
  int pid = 0;
  while (pids >> pid) EXPECT_TRUE(gone(pid)) << "child " << pid << " outlived the program";
}

TEST_F(Fixture, pipes_held_open_by_what_left_the_group_end_a_grace_after_the_program) {
  auto late = start({"leave-writer", "5"});
  const auto began = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(
      io, [&] { return finished(*late); }, 4s))
      << "waited on the pipe a detached child holds";
  EXPECT_GE(std::chrono::steady_clock::now() - began, Child::kOutputGrace);
  EXPECT_TRUE(late->output_abandoned());
  EXPECT_EQ(late->out().find("late"), std::string::npos);
  const int pid = std::atoi(late->out().c_str());
  ASSERT_GT(pid, 0) << "the program's own output was lost: " << late->out();
  ::kill(pid, SIGKILL);

  auto soon = start({"leave-writer", "0.2"});  // within the grace: still the program's output
  ASSERT_TRUE(run_until(io, [&] { return finished(*soon); }));
  EXPECT_FALSE(soon->output_abandoned());
  EXPECT_NE(soon->out().find("\nlate\n"), std::string::npos) << soon->out();
}

TEST_F(Fixture, the_environment_makes_python_unbuffered_and_utf8) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"PYTHONUNBUFFERED", "1"},
                                                                                    {"PYTHONIOENCODING", "utf-8"},
                                                                                    {"PYTHONINTMAXSTRDIGITS", "0"},
                                                                                    {"LANG", "C.UTF-8"}}) {
    auto c = start({"env", name});
    ASSERT_TRUE(run_until(io, [&] { return finished(*c); }));
    EXPECT_EQ(c->out(), value + "\n") << name;
  }
}

TEST_F(Fixture, no_descriptor_but_0_1_2_is_inherited) {
  const int leaked = ::dup(1);  // not close-on-exec: it would leak without socklab's closing
  auto c = start({"fds"});
  ASSERT_TRUE(run_until(io, [&] { return finished(*c); }));
  ::close(leaked);
  EXPECT_EQ(c->out(), "0\n1\n2\n");
}

TEST_F(Fixture, a_missing_program_is_a_clear_error) {
  EXPECT_THROW(Child(io, {"no-such-program-socklab"}, dir, limits, nullptr), std::exception);
}

TEST_F(Fixture, run_to_end_gives_both_streams_and_the_exit) {
  const Ran ran = run_to_end({SOCKLAB_FIXTURE_CHILD, "no-such-mode"}, dir, limits, 10s, 4096);
  ASSERT_TRUE(ran.status);
  EXPECT_EQ(ran.status->code, 2);
  EXPECT_EQ(ran.output, "fixture_child: unknown mode no-such-mode\n");  // stderr
}

TEST_F(Fixture, run_to_end_closes_stdin) {
  const Ran ran = run_to_end({SOCKLAB_FIXTURE_CHILD, "echo"}, dir, limits, 10s, 4096);
  ASSERT_TRUE(ran.status);  // echo ends at the end of its input
  EXPECT_EQ(ran.status->code, 0);
}

TEST_F(Fixture, run_to_end_stops_at_the_deadline_keeping_the_last_bytes) {
  const Ran ran = run_to_end({SOCKLAB_FIXTURE_CHILD, "flood"}, dir, limits, 300ms, 100);
  EXPECT_FALSE(ran.status);
  EXPECT_EQ(ran.output, std::string(100, 'x'));
}

TEST_F(Fixture, a_program_that_never_reads_stdin_cannot_block_the_loop) {
  auto c = start({"sleep", "30"});
  c->write_stdin(std::string(1 << 20, 'x'));  // far more than a pipe holds
  bool fired = false;
  asio::steady_timer t(io, 50ms);
  t.async_wait([&](boost::system::error_code) { fired = true; });
  EXPECT_TRUE(run_until(
      io, [&] { return fired; }, 2s))
      << "the event loop was blocked by the write";
  stop(*c);
  EXPECT_TRUE(c->status().has_value());
}

TEST_F(Fixture, typed_lines_arrive_before_the_end_of_input) {
  auto c = start({"echo"});
  c->write_stdin("one\n");
  c->write_stdin("two\n");
  c->close_stdin();  // right after: the lines still come first
  ASSERT_TRUE(run_until(io, [&] { return finished(*c); }));
  EXPECT_EQ(c->out(), "one\ntwo\n");
}

TEST_F(Fixture, a_program_under_test_runs_as_its_runs_own_user_without_capabilities) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root can run a program as another user";
  Confinement confinement;
  confinement.uid = 1900000123;
  Child c(io, {"sh", "-c", "id -u; id -g; id -G; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status"}, dir, limits,
          nullptr, -1, Child::Sandbox{&confinement, nullptr});
  ASSERT_TRUE(run_until(io, [&] { return finished(c); }));
  EXPECT_EQ(c.out(),
            "1900000123\n1900000123\n1900000123\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\n"
            "NoNewPrivs:\t1\n");
}

TEST(child_paths, what_others_may_reach) {
  EXPECT_TRUE(Child::others_may("/usr/bin/env", true));
  const auto private_dir = std::filesystem::temp_directory_path() / ("socklab-private-" + std::to_string(::getpid()));
  std::filesystem::create_directories(private_dir);
  std::ofstream(private_dir / "tool") << "#!/bin/sh\n";
  std::filesystem::permissions(private_dir / "tool", std::filesystem::perms::all);
  std::filesystem::permissions(private_dir, std::filesystem::perms::owner_all);  // 0700, as /root
  EXPECT_FALSE(Child::others_may((private_dir / "tool").string(), true));
  EXPECT_FALSE(Child::others_may((private_dir / "missing").string(), false));
  std::filesystem::remove_all(private_dir);
  // Searched as an unprivileged user, a program is one that user may run.
  const auto env = Child::find_program("env", true);
  ASSERT_FALSE(env.empty());
  EXPECT_TRUE(Child::others_may(env, true));
}

// What a program says once socklab begins to stop it is the stop's story (its EOFError at a closed stdin,
// its KeyboardInterrupt): what it wrote on stderr before is told apart, even bytes still unread in the pipe.
TEST_F(Fixture, stderr_before_the_stop_is_told_apart_from_what_the_stop_made_it_say) {
  // The shells ignore the stop's signals, so that what ends them is the end of their input however long
  // a loaded machine takes to let them see it (the ladder's first rung is a fiftieth of its grace).
  Child read(io, {"/bin/sh", "-c", "trap '' INT TERM; echo before >&2; read x; echo after >&2"}, dir, limits, nullptr);
  ASSERT_TRUE(run_until(io, [&] { return read.err() == "before\n"; }));
  stop(read, 2s);
  ASSERT_TRUE(run_until(io, [&] { return finished(read); }));
  EXPECT_EQ(read.err(), "before\nafter\n");
  EXPECT_EQ(read.err_before_stop(), "before\n");

  const auto flag = std::filesystem::temp_directory_path() / ("socklab-early-" + std::to_string(::getpid()));
  Child unread(
      io, {"/bin/sh", "-c", "trap '' INT TERM; echo early >&2; touch " + flag.string() + "; read x; echo late >&2"},
      dir, limits, nullptr);
  for (int i = 0; i < 1000 && !std::filesystem::exists(flag); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(std::filesystem::exists(flag));  // "early" waits in the pipe: the loop has not read it
  std::filesystem::remove(flag);
  stop(unread, 2s);
  ASSERT_TRUE(run_until(io, [&] { return finished(unread); }));
  EXPECT_EQ(unread.err(), "early\nlate\n");
  EXPECT_EQ(unread.err_before_stop(), "early\n");

  Child never(io, {"/bin/sh", "-c", "echo all >&2"}, dir, limits, nullptr);
  ASSERT_TRUE(run_until(io, [&] { return finished(never); }));
  EXPECT_EQ(never.err_before_stop(), "all\n");
}
