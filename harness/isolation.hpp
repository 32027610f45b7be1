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

/// Reads everything the worker writes and reaps it.
std::string finish_worker(Worker& w);

}  // namespace socklab::harness
