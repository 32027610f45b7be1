// Isolation of one scenario: a worker process in new network, mount and PID namespaces (through a user
// namespace when not root), loopback only, its own /etc/hosts, and a reaper as the PID
// namespace's init, so that nothing a scenario starts outlives it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "wrapper.hpp"

namespace socklab::harness {

/// What the namespaces give on this machine, probed once in a throw-away child process.
struct IsolationSupport {
  bool network = false;  // network + mount namespaces: fixed ports in parallel
  bool pid = false;      // a PID namespace: detached grandchildren die with the scenario
  bool wrapper = false;  // no namespaces: socket_wrapper and nss_wrapper give each scenario its loopback
  [[nodiscard]] std::string describe(Lang lang = Lang::en) const;
};
IsolationSupport probe_isolation();

/// How socklab isolates this run's scenarios (--isolation auto|none|wrapper).
enum class IsolationMode { none, namespaces, wrapper };
/// Chooses the mode for `asked`: auto takes namespaces where the machine allows them, else the wrapper
/// where its libraries are installed, else none. The wrapper needs socket_wrapper loaded into socklab
/// itself (its workers' peers and links use it): where it is not, socklab re-executes itself with it
/// preloaded (`argv`), and this call does not return. Throws std::runtime_error when `asked` cannot be had.
IsolationMode choose_isolation(const std::string& asked, char** argv);
/// Whether this process chose the wrapper (its workers then isolate through it).
bool wrapper_isolation();

/// How the scenarios are isolated and (with a `confinement`) their programs under test confined, as every
/// report tells it: "network, mount and PID namespaces; programs under test: a user of its own per run, ...".
std::string isolation_text(const IsolationSupport& isolation, const Confinement* confinement, bool own_mounts,
                           Lang lang);

/// A running worker: its pid and the read end of the pipe its body's output comes through.
struct Worker {
  pid_t pid = -1;
  int fd = -1;
};

/// What a worker's body is given: how it is isolated, and the sandbox of its programs under test.
struct WorkerContext {
  IsolationSupport isolation;                // for the reports
  bool own_mounts = false;                   // in a mount namespace of its own: a BoxRoot may be laid out
  const Confinement* confinement = nullptr;  // the run's identity; nullptr when no sandbox was asked for
};

/// The limits of one run's sandbox (its programs under test together).
struct SandboxLimits {
  long memory_bytes = 2L << 30;
  long processes = 1200;
};

/// Forks a worker that isolates itself (when `isolate`: in namespaces, or a wrapper network when this
/// process chose the wrapper), then runs body(context) in a process whose
/// leftovers are all killed when it returns; the string body returns is written to the pipe.
/// `hosts` are names that resolve to 127.0.0.1 inside (gethostname() always does). With `sandbox`, the
/// worker takes a run identity (a user of its own, cgroups) before it isolates itself and gives it back
/// once everything the run started has ended.
Worker spawn_worker(bool isolate, const std::vector<std::string>& hosts,
                    const std::function<std::string(const WorkerContext&)>& body,
                    std::optional<SandboxLimits> sandbox = std::nullopt);

/// A network namespace of its own beside the caller's, with loopback up: the far side of a link, where a
/// server binds the tutorial's address while the link holds that address on the near side. Made by a
/// single-threaded process that may create namespaces (inside the worker).
class NetNamespace {
 public:
  NetNamespace();  // throws std::system_error
  ~NetNamespace();
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  /// A descriptor of the namespace (setns(fd, CLONE_NEWNET) enters it); -1 under the wrapper.
  [[nodiscard]] int fd() const { return fd_; }
  /// The wrapper network that stands for the namespace where there are none (nullptr in a namespace).
  [[nodiscard]] const WrapperNetwork* wrapper() const { return wrapper_.get(); }
  /// Runs f where this side's addresses are resolved: a socket made in a namespace belongs to it already,
  /// but under the wrapper a bind, connect or send_to finds its address in the folder in force at the call,
  /// and a program started in f runs in this side's network.
  template <class F>
  auto addressed(F f) const {
    return wrapper_ ? wrapper_->inside(f) : f();
  }
  /// A socket(domain, type | SOCK_CLOEXEC) in the namespace: its binds and connects happen there.
  [[nodiscard]] int socket(int domain, int type) const;
  /// Reads a file of /proc/net (tcp, udp, ...) as the namespace sees it.
  [[nodiscard]] std::string read_proc_net(const std::string& name) const;
  /// Reads a setting of /proc/sys/net ("net/ipv6/bindv6only") as the namespace has it.
  [[nodiscard]] std::string read_sysctl(const std::string& name) const;

 private:
  template <class F>
  auto inside(F f) const;
  int fd_ = -1;
  std::unique_ptr<WrapperNetwork> wrapper_;
};

/// Reads everything the worker writes and reaps it.
std::string finish_worker(Worker& w);
/// Reads everything the worker writes, up to the end of its result (the worker may still be ending).
std::string read_worker(Worker& w);

}  // namespace socklab::harness
