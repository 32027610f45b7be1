// The sandbox of the programs under test (SPEC §5; the models are IOI's isolate and nsjail): a user of
// its own for each run, a file system of its own (the system's folders read-only, fresh tmpfs on /tmp,
// /var/tmp, /dev/shm and /run, the run's folder read-write, nothing else of the machine), memory and
// process limits per run (cgroups), no capabilities, no new privileges, and Landlock as a second wall.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "messages.hpp"

namespace socklab::harness {

/// The defences that can be switched off one by one ($SOCKLAB_SANDBOX_OFF=uid,fs,cgroup,landlock,caps), so
/// that the hostile tests show each of them matters. A report names every defence that was off.
struct Defences {
  bool uid = true;       // a user of the run's own (root only)
  bool fs = true;        // a root file system of the run's own
  bool cgroup = true;    // memory and process limits per run
  bool landlock = true;  // Landlock: read-only system, read-write own folders
  bool caps = true;      // no capabilities, no new privileges
  static Defences from_environment();
  [[nodiscard]] std::string off() const;  // "uid,fs" or ""
};

/// The range the runs' users are taken from: uids (and gids of the same number) that no account uses.
/// $SOCKLAB_UID_RANGE=FIRST-LAST changes it; a uid that names an account or a group is never taken.
struct UidRange {
  unsigned first = 1900000000;
  unsigned last = 1900065535;
  static UidRange from_environment();
};

/// What confines one run's programs under test, handed from the worker to the run and on to each program.
struct Confinement {
  std::optional<unsigned> uid;            // uid = gid of the run's own user; none when socklab is not root
  std::vector<std::string> cgroup_procs;  // the run's cgroup.procs files, which each program joins
  std::vector<std::string> limited_by;    // the cgroup controllers that hold the limits: "memory", "pids (v1)"
  long memory_mib = 0, processes = 0;     // the limits they hold
  int landlock_abi = 0;                   // 0: the kernel has no Landlock
  Defences defences;
  /// "a user of its own per run, own root file system, cgroup ..., Landlock ABI 7"; `own_mounts`: the
  /// worker has a mount namespace of its own, where the root file system is laid out.
  [[nodiscard]] std::string describe(bool own_mounts, Lang lang = Lang::en) const;
};

/// A run's identity, held by its worker from before the run starts until everything in it has ended:
/// the lock on its uid and its cgroups. Closing it kills what is left in the cgroups and removes them.
class RunIdentity {
 public:
  /// `memory_bytes` and `processes` bound the run's programs under test together.
  RunIdentity(long memory_bytes, long processes);
  ~RunIdentity();
  RunIdentity(const RunIdentity&) = delete;
  RunIdentity& operator=(const RunIdentity&) = delete;
  [[nodiscard]] const Confinement& confinement() const { return c_; }

 private:
  Confinement c_;
  int lock_fd_ = -1;
  std::vector<std::string> cgroups_;  // folders made here, removed when the run ends
};

/// A root file system for a run's programs under test, laid out on a tmpfs mounted at `mount_point`
/// (in the worker's own mount namespace): /usr /etc /bin /sbin /lib* read-only, /dev with its harmless
/// devices, a /proc that shows a program its own user's processes only, fresh size-capped tmpfs on /tmp
/// /var/tmp /dev/shm /run, `work` read-write at its own path, and `read_only` paths at theirs.
class BoxRoot {
 public:
  BoxRoot(std::filesystem::path mount_point, const std::string& work, const std::vector<std::string>& read_only);
  ~BoxRoot();  // unmounts it all; the mount point is left empty
  BoxRoot(const BoxRoot&) = delete;
  BoxRoot& operator=(const BoxRoot&) = delete;
  [[nodiscard]] const std::string& root() const { return root_; }
  [[nodiscard]] const std::string& work() const { return work_; }

 private:
  std::string root_, work_;
};

/// Gives the folder `dir` and everything in it to `uid` (gid the same), links as links: a run's folder to
/// its user, and back to socklab's afterwards. False when any of it could not be given.
bool own_tree(const std::filesystem::path& dir, uid_t uid);

/// Whether `path` lies in one of the system folders every box shows read-only.
bool in_system_folders(const std::string& path);

/// Confines the calling process (between fork and exec, single-threaded, as root or as the owner of its
/// namespaces): joins the cgroups, enters `root` (pivot_root, the old root detached) at `work`, drops every
/// capability, becomes the run's user, sets no_new_privs and applies Landlock. Returns 0 or an errno.
int enter_box(const Confinement& c, const char* root, const char* work) noexcept;

}  // namespace socklab::harness
