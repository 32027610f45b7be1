#include "isolation.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>

#include "files.hpp"
#include "socket.hpp"

namespace socklab::harness {
namespace {

std::string g_hosts_file;  // the temporary file bound over /etc/hosts, when one was needed
bool g_wrapper = false;    // this process chose the wrapper

bool loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  if (ok && !(ifr.ifr_flags & IFF_UP)) {  // some sandboxes bring it up already
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    ok = ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  }
  ::close(fd);
  return ok;
}

// An /etc/hosts where the machine's name and the scenario's names are loopback, bound over the real one.
// Its content lives in an anonymous memory file: nothing to clean up, nothing another scenario sees.
void private_hosts(const std::vector<std::string>& hosts) {
  char name[HOST_NAME_MAX + 1] = {};
  ::gethostname(name, sizeof name - 1);
  std::string text = "127.0.0.1 localhost " + std::string(name);
  for (const auto& h : hosts) text += " " + h;
  text += "\n::1 localhost ip6-localhost ip6-loopback\n";
  const int fd = ::memfd_create("socklab-hosts", MFD_CLOEXEC);
  if (fd >= 0) {
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    const bool bound = written && ::mount(path.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) == 0;
    ::close(fd);
    if (bound) return;
  }
  // Where a memory file cannot be bound (some sandboxes), a temporary file, removed when the worker ends.
  char path[] = "/tmp/socklab-hosts-XXXXXX";
  const int tmp = ::mkstemp(path);
  if (tmp < 0) return;
  const bool written = ::write(tmp, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fchmod(tmp, 0644);
  ::close(tmp);
  if (written && ::mount(path, "/etc/hosts", nullptr, MS_BIND, nullptr) == 0) {
    g_hosts_file = path;
  } else {
    ::unlink(path);
  }
}

void remove_hosts_file() {
  if (g_hosts_file.empty()) return;
  ::umount2("/etc/hosts", MNT_DETACH);
  ::unlink(g_hosts_file.c_str());
}

// Enters the namespaces; sets `pid` when a PID namespace was made. False when none could be.
bool enter_namespaces(const std::vector<std::string>& hosts, bool& pid) {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  const int user = uid == 0 ? 0 : CLONE_NEWUSER;
  pid = true;
  if (::unshare(user | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID) != 0) {
    pid = false;
    if (::unshare(user | CLONE_NEWNET | CLONE_NEWNS) != 0) return false;
  }
  if (user != 0) {
    write_existing("/proc/self/setgroups", "deny");
    // The user keeps its own ids inside: the worker holds the namespace's capabilities without being
    // uid 0 there, and a program it starts has neither (it is not root, even in the namespace).
    if (!write_existing("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1") ||
        !write_existing("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1")) {
      return false;
    }
  }
  ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  if (!loopback_up()) return false;
  private_hosts(hosts);
  return true;
}

// Without a PID namespace: kill whatever this (sub-reaper) process still has below it.
void kill_descendants() {
  for (int round = 0; round < 50; ++round) {
    bool any = false;
    DIR* d = ::opendir("/proc");
    if (d == nullptr) return;
    while (const dirent* e = ::readdir(d)) {
      const int p = std::atoi(e->d_name);
      if (p <= 0) continue;
      std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
      std::string line;
      std::getline(stat, line);
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      int ppid = 0;
      char state = 0;
      if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
      if (ppid == ::getpid()) {
        any = true;
        ::kill(p, SIGKILL);
      }
    }
    ::closedir(d);
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!any) return;
    ::usleep(2000);
  }
}

void write_all(int fd, const std::string& s) {
  for (std::size_t off = 0; off < s.size();) {
    const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string IsolationSupport::describe(Lang lang) const {
  if (wrapper) return say(lang, "isolation.wrapper");
  if (!network) return say(lang, "isolation.none");
  return say(lang, pid ? "isolation.namespaces-pid" : "isolation.namespaces");
}

std::string isolation_text(const IsolationSupport& isolation, const Confinement* confinement, bool own_mounts,
                           Lang lang) {
  if (confinement == nullptr) return isolation.describe(lang);
  return say(lang, "isolation.programs",
             {{"isolation", isolation.describe(lang)}, {"confinement", confinement->describe(own_mounts, lang)}});
}

IsolationSupport probe_isolation() {
  IsolationSupport s;
  const pid_t child = ::fork();
  if (child == 0) {
    bool pid = false;
    const bool ok = enter_namespaces({}, pid);
    remove_hosts_file();
    ::_exit(ok ? (pid ? 0 : 3) : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (WIFEXITED(status)) {
    s.network = WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3;
    s.pid = WEXITSTATUS(status) == 0;
  }
  return s;
}

IsolationMode choose_isolation(const std::string& asked, char** argv) {
  if (asked == "none") return IsolationMode::none;
  if (asked == "auto" && !socket_wrapper_loaded() && probe_isolation().network) return IsolationMode::namespaces;
  const auto libs = find_wrapper_libraries();
  if (!libs) {
    if (asked == "auto") return IsolationMode::none;
    throw SaidError("isolation.wrapper-not-installed");
  }
  if (!socket_wrapper_loaded()) {
    if (std::getenv("SOCKLAB_WRAPPER_REEXEC") != nullptr) {
      throw SaidError("isolation.wrapper-not-loaded");
    }
    ::setenv("SOCKLAB_WRAPPER_REEXEC", "1", 1);
    std::fflush(stdout);
    std::fflush(stderr);
    reexec_with_socket_wrapper(argv, *libs);
    throw_system_error("exec socklab with socket_wrapper preloaded");
  }
  g_wrapper = true;
  return IsolationMode::wrapper;
}

bool wrapper_isolation() { return g_wrapper; }

Worker spawn_worker(bool isolate, const std::vector<std::string>& hosts,
                    const std::function<std::string(const WorkerContext&)>& body,
                    std::optional<SandboxLimits> sandbox) {
  int p[2];
  check_syscall("pipe", ::pipe2(p, O_CLOEXEC));
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  check_syscall("fork", pid);
  if (pid > 0) {
    ::close(p[1]);
    return {pid, p[0]};
  }
  // The worker. Its run's identity is taken while it still sees the machine as socklab does.
  ::close(p[0]);
  std::optional<RunIdentity> identity;
  if (sandbox) identity.emplace(sandbox->memory_bytes, sandbox->processes);
  bool in_pid_ns = false;
  std::optional<WrapperNetwork> net;
  if (isolate && g_wrapper) {
    // Programs under test may run as the run's own user: the folders are theirs, and the sockets of
    // socklab's peers and links must take their connections (the folder keeps other runs out).
    if (identity && identity->confinement().uid) {
      give_wrapper_networks_to(*identity->confinement().uid);
      ::umask(0);
    }
    net.emplace(hosts);
    net->enter();
  }
  const bool isolated = isolate && !net && enter_namespaces(hosts, in_pid_ns);
  const IsolationSupport got{isolated, in_pid_ns, net.has_value()};
  WorkerContext context{got, isolated, identity ? &identity->confinement() : nullptr};
  if (!in_pid_ns) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    write_all(p[1], body(context));
    kill_descendants();
    identity.reset();
    net.reset();
    remove_hosts_file();
    ::_exit(0);
  }
  // In a new PID namespace the next child is its init: a reaper, which runs the body in its own child
  // and, when that returns, exits, taking every process left in the namespace with it.
  const pid_t init = ::fork();
  if (init < 0) ::_exit(1);
  if (init > 0) {
    ::close(p[1]);  // the result comes from the runner: its end of the pipe is the end of the run
    int status = 0;
    while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
    identity.reset();  // everything in the namespace has ended: the uid and the cgroups are free again
    remove_hosts_file();
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // A /proc of this PID namespace, so that programs (and sanitizers) that read it see their own.
  ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  const pid_t runner = ::fork();
  if (runner < 0) ::_exit(1);
  if (runner == 0) {
    write_all(p[1], body(context));
    ::close(p[1]);  // the result is complete: the pool need not wait for this process's exit
    ::_exit(0);
  }
  ::close(p[1]);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, 0);
    if (done == runner) ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    if (done < 0 && errno == ECHILD) ::_exit(1);
  }
}

// Runs f with this thread in the namespace `fd`, then back in the one it was in.
template <class F>
auto NetNamespace::inside(F f) const {
  const int home = static_cast<int>(
      check_syscall("open /proc/thread-self/ns/net", ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)));
  if (::setns(fd_, CLONE_NEWNET) != 0) {
    const int e = errno;
    ::close(home);
    throw_system_error("setns (the link's far side)", e);
  }
  struct Back {
    int home;
    ~Back() {
      ::setns(home, CLONE_NEWNET);
      ::close(home);
    }
  } back{home};
  return f();
}

NetNamespace::NetNamespace() {
  if (in_wrapper_network()) {  // no namespaces here: a second folder of socket_wrapper's
    wrapper_ = std::make_unique<WrapperNetwork>();
    return;
  }
  const int home = static_cast<int>(
      check_syscall("open /proc/thread-self/ns/net", ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)));
  if (::unshare(CLONE_NEWNET) != 0) {
    const int e = errno;
    ::close(home);
    throw_system_error("unshare(CLONE_NEWNET) for a link's far side", e);
  }
  const bool up = loopback_up();
  fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int e = errno;
  ::setns(home, CLONE_NEWNET);
  ::close(home);
  if (fd_ < 0) throw_system_error("open the new network namespace", e);
  if (!up) {
    ::close(fd_);
    throw_system_error("loopback of a link's far side", EPERM);
  }
}

NetNamespace::~NetNamespace() {
  if (fd_ >= 0) ::close(fd_);
}

int NetNamespace::socket(int domain, int type) const {
  const int s = wrapper_ ? ::socket(domain, type | SOCK_CLOEXEC, 0)
                         : inside([&] { return ::socket(domain, type | SOCK_CLOEXEC, 0); });
  return static_cast<int>(check_syscall("socket (the link's far side)", s));
}

std::string NetNamespace::read_proc_net(const std::string& name) const {
  if (wrapper_) return "";  // no IP sockets behind the wrapper: its sockets are UNIX ones (wrapper()->bound())
  return inside([&] {
    std::ifstream in("/proc/thread-self/net/" + name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
  });
}

std::string NetNamespace::read_sysctl(const std::string& name) const {
  if (wrapper_) {
    std::ifstream in("/proc/sys/" + name);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  return inside([&] {
    std::ifstream in("/proc/sys/" + name);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
  });
}

std::string finish_worker(Worker& w) {
  std::string out = read_worker(w);
  int status = 0;
  while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

std::string read_worker(Worker& w) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(w.fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(w.fd);
  w.fd = -1;
  return out;
}

}  // namespace socklab::harness
