// Isolation of one scenario: a worker process in new network, mount and PID namespaces (through a user
// namespace when not root), loopback only, its own /etc/hosts, and a reaper as the PID
// namespace's init, so that nothing a scenario starts outlives it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace socklab::harness {

/// What the namespaces give on this machine, probed once in a throw-away child process.
struct IsolationSupport {
  bool network = false;  // network + mount namespaces: fixed ports in parallel
  bool pid = false;      // a PID namespace: detached grandchildren die with the scenario
  [[nodiscard]] std::string describe() const;
};
IsolationSupport probe_isolation();

/// A running worker: its pid and the read end of the pipe its body's output comes through.
struct Worker {
  pid_t pid = -1;
  int fd = -1;
};

/// Forks a worker that isolates itself (when `isolate`), then runs body(isolation description) in a
/// process whose leftovers are all killed when it returns; the string body returns is written to the pipe.
/// `hosts` are names that resolve to 127.0.0.1 inside (gethostname() always does).
Worker spawn_worker(bool isolate, const std::vector<std::string>& hosts,
                    const std::function<std::string(const std::string& isolation)>& body);

/// A network namespace of its own beside the caller's, with loopback up: the far side of a link, where a
/// server binds the tutorial's address while the link holds that address on the near side. Made by a
/// single-threaded process that may create namespaces (inside the worker).
class NetNamespace {
 public:
  NetNamespace();  // throws std::system_error
  ~NetNamespace();
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  /// A descriptor of the namespace (setns(fd, CLONE_NEWNET) enters it).
  [[nodiscard]] int fd() const { return fd_; }
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
};

/// Reads everything the worker writes and reaps it.
std::string finish_worker(Worker& w);

}  // namespace socklab::harness
