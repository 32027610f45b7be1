#include "sandbox.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "files.hpp"
#include "socket.hpp"

// What Debian 12's kernel headers predate.
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

namespace socklab::harness {
namespace fs = std::filesystem;

namespace {

// The ruleset attribute as ABI 6 knows it (the header's may be shorter).
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;
  std::uint64_t scoped;
};

struct MountAttr {
  std::uint64_t attr_set, attr_clr, propagation, userns_fd;
};

constexpr const char* kSystemFolders[] = {"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};
// Folders of the box where its programs may write (the run's folder comes on top).
constexpr const char* kScratch[] = {"/tmp", "/var/tmp", "/dev/shm"};

int landlock_abi() {
  const long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return v < 0 ? 0 : static_cast<int>(v);
}

// The cgroup folder this process is in for `controller` ("" for the unified hierarchy), or "" when the
// machine does not mount it.
std::string own_cgroup(const std::string& controller) {
  std::string relative;
  std::istringstream lines(read_text("/proc/self/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const auto a = line.find(':');
    const auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string list = line.substr(a + 1, b - a - 1);
    bool match = controller.empty() ? list.empty() : false;
    for (std::size_t at = 0; !controller.empty() && at <= list.size();) {
      const auto comma = std::min(list.find(',', at), list.size());
      match |= list.substr(at, comma - at) == controller;
      at = comma + 1;
    }
    if (match) relative = line.substr(b + 1);
  }
  if (relative.empty()) return "";
  std::istringstream mounts(read_text("/proc/self/mountinfo"));
  for (std::string line; std::getline(mounts, line);) {
    // id parent major:minor root mount-point options [optional...] - type source super-options
    std::istringstream f(line);
    std::string id, parent, dev, root, point, options, field;
    f >> id >> parent >> dev >> root >> point >> options;
    while (f >> field && field != "-") {
    }
    std::string type, source, super;
    f >> type >> source >> super;
    const bool fits = controller.empty()
                          ? type == "cgroup2"
                          : type == "cgroup" && ("," + super + ",").find("," + controller + ",") != std::string::npos;
    if (!fits || relative.rfind(root, 0) != 0) continue;
    const std::string below = root == "/" ? relative : relative.substr(root.size());
    return point + below;
  }
  return "";
}

// Kills what is left in the cgroup `dir` and removes it (bounded: a second at most).
void remove_cgroup(const std::string& dir) {
  for (int round = 0; round < 100; ++round) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    std::istringstream procs(read_text(dir + "/cgroup.procs"));
    for (pid_t p = 0; procs >> p;) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A folder of the box: the lock files of the runs' users, root's alone.
int lock_folder() {
  for (const std::string& dir : {std::string("/run/socklab"), fs::temp_directory_path().string() + "/socklab-uids"}) {
    ::mkdir(dir.c_str(), 0700);
    const int fd = ::open(dir.c_str(), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_RDONLY);
    if (fd < 0) continue;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_uid == 0 && (st.st_mode & 077) == 0) return fd;
    ::close(fd);  // someone else's, or open to others: not a place to trust
  }
  return -1;
}

void mkdirs(const std::string& path, mode_t mode) {
  std::string at;
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      at = path.substr(0, i);
      ::mkdir(at.c_str(), mode);
    }
  }
}

// A system call that sets up the sandbox: its failure says so.
void must(std::string_view what, long result) { check_syscall("sandbox: " + std::string(what), result); }

// Binds `from` at `to` (made here: a folder, or an empty file for a file), read-only unless `writable`.
void bind(const std::string& from, const std::string& to, bool writable) {
  struct stat st {};
  must("stat " + from, ::stat(from.c_str(), &st));
  if (S_ISDIR(st.st_mode)) {
    mkdirs(to, 0755);
  } else {
    mkdirs(fs::path(to).parent_path().string(), 0755);
    const int fd = ::open(to.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);
  }
  must("bind " + from, ::mount(from.c_str(), to.c_str(), nullptr, MS_BIND | MS_REC, nullptr));
  const std::uint64_t set = MOUNT_ATTR_NOSUID | (writable ? 0u : MOUNT_ATTR_RDONLY) |
                            (S_ISDIR(st.st_mode) ? MOUNT_ATTR_NODEV : 0u);  // devices are bound one by one
  MountAttr attr{set, 0, 0, 0};
  if (::syscall(SYS_mount_setattr, AT_FDCWD, to.c_str(), AT_RECURSIVE, &attr, sizeof attr) == 0) return;
  // A kernel before 5.12: the top mount alone, keeping the flags a user namespace may not clear.
  const unsigned long flags = MS_REMOUNT | MS_BIND | MS_NOSUID | (writable ? 0 : MS_RDONLY);
  if (::mount(nullptr, to.c_str(), nullptr, flags, nullptr) == 0) return;
  must("make " + to + " read-only", ::mount(nullptr, to.c_str(), nullptr, flags | MS_NODEV | MS_NOEXEC, nullptr));
}

void tmpfs(const std::string& at, const char* options) {
  mkdirs(at, 0755);
  must("tmpfs on " + at, ::mount("tmpfs", at.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options));
}

void add_rule(int ruleset, const char* path, std::uint64_t access) {
  const int fd = ::open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return;  // a folder the box does not have
  landlock_path_beneath_attr rule{access, fd};
  ::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  ::close(fd);
}

// Landlock: the whole tree readable and runnable, the box's scratch folders and its run folder writable,
// no signal and no abstract socket out of the box. Returns 0 or an errno.
int apply_landlock(int abi, const char* work) {
  const std::uint64_t read = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
  std::uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
  if (abi >= 2) all |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) all |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  RulesetAttr attr{all, 0, abi >= 6 ? (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL) : 0};
  const std::size_t size = abi >= 6 ? sizeof attr : sizeof(std::uint64_t);
  const int ruleset = static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return errno;
  add_rule(ruleset, "/", read);
  const std::uint64_t devices = read | LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 5 ? LANDLOCK_ACCESS_FS_IOCTL_DEV : 0);
  add_rule(ruleset, "/dev", devices);
  for (const char* s : kScratch) add_rule(ruleset, s, all);
  add_rule(ruleset, work, all);
  const int rc = static_cast<int>(::syscall(SYS_landlock_restrict_self, ruleset, 0));
  const int e = errno;
  ::close(ruleset);
  return rc == 0 ? 0 : e;
}

}  // namespace

Defences Defences::from_environment() {
  Defences d;
  const char* env = std::getenv("SOCKLAB_SANDBOX_OFF");
  const std::string off = env != nullptr ? "," + std::string(env) + "," : "";
  d.uid = off.find(",uid,") == std::string::npos;
  d.fs = off.find(",fs,") == std::string::npos;
  d.cgroup = off.find(",cgroup,") == std::string::npos;
  d.landlock = off.find(",landlock,") == std::string::npos;
  d.caps = off.find(",caps,") == std::string::npos;
  return d;
}

std::string Defences::off() const {
  std::string out;
  for (const auto& [on, name] :
       {std::pair{uid, "uid"}, {fs, "fs"}, {cgroup, "cgroup"}, {landlock, "landlock"}, {caps, "caps"}}) {
    if (!on) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

UidRange UidRange::from_environment() {
  UidRange r;
  if (const char* env = std::getenv("SOCKLAB_UID_RANGE")) {
    unsigned first = 0, last = 0;
    if (std::sscanf(env, "%u-%u", &first, &last) == 2 && first > 0 && first <= last) r = {first, last};
  }
  return r;
}

std::string Confinement::describe(bool own_mounts, Lang lang) const {
  const UidRange range = UidRange::from_environment();
  std::string list;
  for (const auto& b : limited_by) list += (list.empty() ? "" : ", ") + b;
  const std::string limits =
      limited_by.size() == 2
          ? say(lang, "isolation.cgroup",
                {{"cgroups", list}, {"mib", std::to_string(memory_mib)}, {"processes", std::to_string(processes)}})
      : limited_by.empty() ? say(lang, "isolation.rlimits")
                           : say(lang, "isolation.cgroup-rlimits", {{"cgroups", list}});
  const std::string user = uid ? say(lang, "isolation.own-user",
                                     {{"first", std::to_string(range.first)}, {"last", std::to_string(range.last)}})
                               : say(lang, "isolation.socklab-user");
  const std::string landlock = landlock_abi > 0 && defences.landlock
                                   ? say(lang, "isolation.landlock", {{"abi", std::to_string(landlock_abi)}})
                                   : say(lang, "isolation.no-landlock");
  const std::string off = defences.off().empty() ? "" : say(lang, "isolation.defences-off", {{"off", defences.off()}});
  return fmt::format("{}{}{}{}{}", user,
                     say(lang, defences.fs && own_mounts ? "isolation.own-root" : "isolation.machine-fs"), limits,
                     landlock, off);
}

RunIdentity::RunIdentity(long memory_bytes, long processes) {
  c_.defences = Defences::from_environment();
  c_.landlock_abi = landlock_abi();
  if (::geteuid() == 0 && c_.defences.uid) {
    const UidRange range = UidRange::from_environment();
    const unsigned span = range.last - range.first + 1;
    const int dir = lock_folder();
    for (unsigned k = 0; dir >= 0 && k < span && k < 4096; ++k) {
      const unsigned uid = range.first + (static_cast<unsigned>(::getpid()) * 7919u + k) % span;
      if (::getpwuid(uid) != nullptr || ::getgrgid(uid) != nullptr) continue;  // an account's: never ours
      const std::string name = "uid-" + std::to_string(uid);
      const int fd = ::openat(dir, name.c_str(), O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        lock_fd_ = fd;
        c_.uid = uid;
        break;
      }
      ::close(fd);
    }
    if (dir >= 0) ::close(dir);
  }
  std::vector<std::string> by;
  if (c_.defences.cgroup) {
    const std::string name = "socklab-" + std::to_string(::getpid());
    auto make = [&](const std::string& parent, const std::string& file, const std::string& value) {
      if (parent.empty()) return false;
      const std::string dir = parent + "/" + name;
      if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return false;
      if (!write_existing(dir + "/" + file, value)) {
        ::rmdir(dir.c_str());
        return false;
      }
      if (std::find(cgroups_.begin(), cgroups_.end(), dir) == cgroups_.end()) {
        cgroups_.push_back(dir);
        c_.cgroup_procs.push_back(dir + "/cgroup.procs");
      }
      return true;
    };
    const std::string unified = own_cgroup("");
    const std::string memory = std::to_string(memory_bytes), pids = std::to_string(processes);
    if (make(unified, "memory.max", memory)) {
      by.push_back("memory");
    } else if (make(own_cgroup("memory"), "memory.limit_in_bytes", memory)) {
      by.push_back("memory (v1)");
    }
    if (make(unified, "pids.max", pids)) {
      by.push_back("pids");
    } else if (make(own_cgroup("pids"), "pids.max", pids)) {
      by.push_back("pids (v1)");
    }
  }
  c_.limited_by = by;
  c_.memory_mib = memory_bytes >> 20;
  c_.processes = processes;
}

RunIdentity::~RunIdentity() {
  for (const auto& dir : cgroups_) remove_cgroup(dir);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

bool own_tree(const fs::path& dir, uid_t uid) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (::lchown(it->path().c_str(), uid, uid) != 0) return false;
  }
  return !ec && ::lchown(dir.c_str(), uid, uid) == 0;
}

bool in_system_folders(const std::string& path) {
  for (const char* s : kSystemFolders) {
    const std::string_view f(s);
    if (path.rfind(f, 0) == 0 && (path.size() == f.size() || path[f.size()] == '/')) return true;
  }
  return false;
}

BoxRoot::BoxRoot(fs::path mount_point, const std::string& work, const std::vector<std::string>& read_only)
    : root_(mount_point.string()), work_(work) {
  mkdirs(root_, 0700);
  must("tmpfs root", ::mount("tmpfs", root_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755"));
  try {
    for (const char* s : kSystemFolders) {
      struct stat st {};
      if (::lstat(s, &st) != 0) continue;
      if (S_ISLNK(st.st_mode)) {  // merged /usr: /bin -> usr/bin
        char target[4096] = {};
        must(std::string("link ") + s, ::readlink(s, target, sizeof target - 1));
        must(std::string("link ") + s, ::symlink(target, (root_ + s).c_str()));
      } else {
        bind(s, root_ + s, false);
      }
    }
    mkdirs(root_ + "/dev", 0755);
    for (const char* d : {"null", "zero", "full", "random", "urandom"}) {
      bind(std::string("/dev/") + d, root_ + "/dev/" + d, true);
    }
    for (const auto& [name, target] : {std::pair{"fd", "/proc/self/fd"},
                                       {"stdin", "/proc/self/fd/0"},
                                       {"stdout", "/proc/self/fd/1"},
                                       {"stderr", "/proc/self/fd/2"}}) {
      ::symlink(target, (root_ + "/dev/" + name).c_str());
    }
    tmpfs(root_ + "/dev/shm", "size=256m,mode=1777");
    tmpfs(root_ + "/tmp", "size=256m,mode=1777");
    tmpfs(root_ + "/var/tmp", "size=64m,mode=1777");
    tmpfs(root_ + "/run", "size=16m,mode=0755");
    ::symlink("/run", (root_ + "/var/run").c_str());
    ::symlink("/run/lock", (root_ + "/var/lock").c_str());
    // Its own processes only: /proc/1/cmdline (socklab's, naming folders) is another user's.
    mkdirs(root_ + "/proc", 0555);
    const unsigned long proc_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    // Where a user namespace may not mount a proc of its own, the worker's is shown: its processes are
    // all the same user's then anyway.
    const std::string proc = root_ + "/proc";
    if (::mount("proc", proc.c_str(), "proc", proc_flags, "hidepid=invisible") != 0 &&
        ::mount("proc", proc.c_str(), "proc", proc_flags, "hidepid=2") != 0) {
      must("proc", ::mount("/proc", proc.c_str(), nullptr, MS_BIND | MS_REC, nullptr));
    }
    for (const auto& p : read_only) {
      if (!in_system_folders(p)) bind(p, root_ + p, false);
    }
    bind(work_, root_ + work_, true);
    // Nothing more may be made in the root itself.
    must("root read-only",
         ::mount(nullptr, root_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr));
  } catch (...) {
    ::umount2(root_.c_str(), MNT_DETACH);
    throw;
  }
}

BoxRoot::~BoxRoot() {
  ::umount2(root_.c_str(), MNT_DETACH);  // the whole tree at once; what is under it is never walked
  ::rmdir(root_.c_str());
}

int enter_box(const Confinement& c, const char* root, const char* work) noexcept {
  for (const auto& procs : c.cgroup_procs) {
    const int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, "0", 1) != 1) return errno != 0 ? errno : EIO;
    ::close(fd);
  }
  if (root != nullptr && root[0] != '\0') {
    if (::unshare(CLONE_NEWNS) != 0) return errno;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
    // pivot_root(".", "."): the old root ends up on top of the new one, and is detached at once.
    if (::chdir(root) != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0) return errno;
    if (::umount2(".", MNT_DETACH) != 0) return errno;
    if (::chdir("/") != 0) return errno;
  }
  if (::chdir(work) != 0) return errno;
  if (c.defences.caps) {
    // EPERM: no CAP_SETPCAP, an ordinary user's process without namespaces, which has no capability to
    // lose; no_new_privs below keeps it from gaining one.
    for (int cap = 0; cap <= 63; ++cap) {
      if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL && errno != EPERM) return errno;
    }
  }
  if (c.uid) {
    const auto id = static_cast<uid_t>(*c.uid);
    if (::setgroups(0, nullptr) != 0 || ::setresgid(id, id, id) != 0 || ::setresuid(id, id, id) != 0) return errno;
  }
  if (c.defences.caps && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  if (c.defences.landlock && c.landlock_abi > 0) {
    if (!c.defences.caps) ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);  // Landlock needs it
    if (const int e = apply_landlock(c.landlock_abi, work); e != 0) return e;
  }
  return 0;
}

}  // namespace socklab::harness
