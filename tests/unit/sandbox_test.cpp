#include "sandbox.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "child.hpp"
#include "files.hpp"
#include "isolation.hpp"

using namespace socklab::harness;
namespace fs = std::filesystem;

namespace {

// Runs a shell command as a run's program under test (its own user, its root file system) in a worker,
// and gives back what it printed.
std::string in_box(const std::string& script, const char* defences_off = "") {
  ::setenv("SOCKLAB_SANDBOX_OFF", defences_off, 1);
  Worker w = spawn_worker(
      true, {},
      [&](const WorkerContext& context) {
        std::string work_dir = (fs::temp_directory_path() / "socklab-test-XXXXXX").string();
        if (::mkdtemp(work_dir.data()) == nullptr) return std::string("mkdtemp failed");
        const fs::path work = fs::path(work_dir) / "work";
        fs::create_directory(work);
        if (context.confinement->uid) {
          if (::chown(work.c_str(), *context.confinement->uid, *context.confinement->uid) != 0)
            return std::string("chown");
        }
        std::string out;
        {
          std::optional<BoxRoot> box;
          if (context.confinement->defences.fs)
            box.emplace(fs::path(work_dir) / "root", work.string(), std::vector<std::string>{});
          boost::asio::io_context io;
          Child c(io, {"sh", "-c", script}, work.string(), Limits{}, nullptr, -1,
                  Child::Sandbox{context.confinement, box ? &*box : nullptr});
          c.close_stdin();
          const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (!(c.status() && c.out_ended() && c.err_ended()) && std::chrono::steady_clock::now() < until) {
            io.run_one_for(std::chrono::milliseconds(20));
          }
          out = c.out() + c.err();
        }
        fs::remove_all(work);
        ::rmdir((fs::path(work_dir) / "root").c_str());
        ::rmdir(work_dir.c_str());
        return out;
      },
      SandboxLimits{});
  ::unsetenv("SOCKLAB_SANDBOX_OFF");
  return finish_worker(w);
}

bool can_box() { return ::geteuid() == 0 && probe_isolation().network; }

}  // namespace

TEST(sandbox, a_box_shows_the_system_and_its_own_folder_only) {
  if (!can_box()) GTEST_SKIP() << "needs root and namespaces";
  const std::string secret = (fs::temp_directory_path() / ("socklab-secret-" + std::to_string(::getpid()))).string();
  std::ofstream(secret) << "secret";
  ::chmod(secret.c_str(), 0644);
  const std::string out =
      in_box("ls /; test -e " + secret +
             " && echo SEEN; test -e /root && echo ROOT; "
             "ls /tmp | grep -v '^socklab-' ; (echo x > /etc/socklab-test) 2>/dev/null && echo WROTE; "
             "cat /etc/shadow 2>/dev/null && echo SHADOW; echo done");
  fs::remove(secret);
  EXPECT_EQ(out, "bin\ndev\netc\nlib\nlib32\nlib64\nproc\nrun\nsbin\ntmp\nusr\nvar\ndone\n");
}

TEST(sandbox, a_program_sees_only_its_own_users_processes) {
  if (!can_box()) GTEST_SKIP() << "needs root and namespaces";
  // pid 1 is the reaper and 2 the worker, both socklab's, whose command lines name folders.
  EXPECT_EQ(in_box("test -r /proc/1/cmdline && echo SEEN1; test -e /proc/2 && echo SEEN2; echo done"), "done\n");
}

TEST(sandbox, its_tmp_is_its_own_and_gone_with_it) {
  if (!can_box()) GTEST_SKIP() << "needs root and namespaces";
  const std::string marker = "socklab-left-" + std::to_string(::getpid());
  EXPECT_EQ(in_box("touch /tmp/" + marker + " /dev/shm/" + marker + " /var/tmp/" + marker + " && echo made"), "made\n");
  for (const char* dir : {"/tmp/", "/dev/shm/", "/var/tmp/"}) {
    EXPECT_FALSE(fs::exists(dir + marker)) << dir << " is the machine's";
  }
}

TEST(sandbox, landlock_keeps_writes_in_the_runs_own_folders_even_without_the_box) {
  if (!can_box()) GTEST_SKIP() << "needs root and namespaces";
  if (RunIdentity(1L << 30, 64).confinement().landlock_abi == 0) GTEST_SKIP() << "no Landlock in this kernel";
  // A folder anyone may write, outside the run's folders: only Landlock stands between it and the program
  // when the box's own root is switched off.
  const fs::path open_dir = "/run/socklab-landlock-" + std::to_string(::getpid());
  fs::create_directories(open_dir);
  ::chmod(open_dir.c_str(), 0777);
  const std::string script =
      "(echo x > " + open_dir.string() + "/f) 2>/dev/null && echo WROTE; echo x > ./own && echo own";
  EXPECT_EQ(in_box(script, "fs"), "own\n");
  EXPECT_EQ(in_box(script, "fs,landlock"), "WROTE\nown\n") << "the test shows nothing without Landlock";
  fs::remove_all(open_dir);
}

TEST(sandbox, run_identities_held_at_once_have_distinct_users) {
  if (::geteuid() != 0) GTEST_SKIP() << "a user of its own per run needs root";
  const RunIdentity a(1L << 30, 64), b(1L << 30, 64);
  ASSERT_TRUE(a.confinement().uid && b.confinement().uid);
  EXPECT_NE(*a.confinement().uid, *b.confinement().uid);
  const UidRange range = UidRange::from_environment();
  EXPECT_GE(*a.confinement().uid, range.first);
  EXPECT_LE(*a.confinement().uid, range.last);
}

// A hang guard does not count a program's wait for a CPU: the kernel's count of it, per thread.
TEST(files, a_process_wait_for_a_cpu_is_read_from_its_threads) {
  EXPECT_EQ(schedstat_wait_ns("176911 11179160 2\n"), 11179160u);
  EXPECT_EQ(schedstat_wait_ns("176911"), 0u);
  EXPECT_EQ(schedstat_wait_ns(""), 0u);
  EXPECT_EQ(runqueue_wait_ns(-1), 0u);
  // More threads spinning than there are CPUs: some of them wait, whatever else the machine does.
  const std::uint64_t before = runqueue_wait_ns(::getpid());
  const unsigned n = std::thread::hardware_concurrency() + 2;
  std::atomic<bool> stop{false};
  std::vector<std::thread> spinners;
  for (unsigned i = 0; i < n; ++i) {
    spinners.emplace_back([&] {
      while (!stop.load()) {
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::uint64_t during = runqueue_wait_ns(::getpid());
  stop = true;
  for (auto& t : spinners) t.join();
  EXPECT_GT(during, before);
}

TEST(files, an_atomic_write_replaces_a_planted_link_and_never_follows_it) {
  const fs::path dir = fs::temp_directory_path() / ("socklab-files-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "victim") << "keep";
  fs::create_symlink(dir / "victim", dir / "report.json");
  write_file_atomically((dir / "report.json").string(), "{}\n");
  std::ifstream victim(dir / "victim");
  std::string kept;
  victim >> kept;
  EXPECT_EQ(kept, "keep");
  EXPECT_FALSE(fs::is_symlink(dir / "report.json"));
  EXPECT_EQ(read_beneath(dir.string(), "report.json", 100).value_or("?"), "{}\n");
  fs::remove_all(dir);
}

TEST(files, reading_beneath_a_folder_follows_no_link_and_does_not_leave_it) {
  const fs::path dir = fs::temp_directory_path() / ("socklab-beneath-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "page.html") << "page";
  fs::create_symlink("/etc/passwd", dir / "link.html");
  fs::create_directory_symlink("/etc", dir / "etc");
  EXPECT_EQ(read_beneath(dir.string(), "sub/page.html", 100).value_or("?"), "page");
  EXPECT_EQ(read_beneath(dir.string(), "sub/page.html", 2).value_or("?"), "pa");
  EXPECT_FALSE(read_beneath(dir.string(), "link.html", 100));
  EXPECT_FALSE(read_beneath(dir.string(), "etc/passwd", 100));
  EXPECT_FALSE(read_beneath(dir.string(), "../" + dir.filename().string() + "/sub/page.html", 100));
  EXPECT_FALSE(read_beneath(dir.string(), "sub", 100)) << "a folder is not a file";
  fs::remove_all(dir);
}
