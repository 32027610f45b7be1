// socklab's own cost, measured against the floor of doing the same work bare, in one run (so that the
// ratios hold on a noisy shared machine). Prints a table for the README.
//
//   1. per scenario: isolate (namespaces), start the reference ex5 server, wait until it is bound, stop
//      it -- bare (fork/exec, /proc polling, kill) and through socklab's runner with a scenario that does
//      exactly that. Target: socklab <= 1.5 x bare.
//   2. 200 concurrent ex4 peers on the one event loop against the reference server (--delay 1): time
//      against one peer's, and the worker's peak RSS. Targets: <= 1.1 x, <= 64 MiB.
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "isolation.hpp"
#include "runner.hpp"
#include "scenario.hpp"

using namespace socklab::harness;
using clock_type = std::chrono::steady_clock;

extern char** environ;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

bool udp_bound(int port) {
  std::ifstream in("/proc/net/udp");
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local;
    fields >> slot >> local;
    const auto colon = local.find(':');
    if (colon != std::string::npos && std::stoi(local.substr(colon + 1), nullptr, 16) == port) return true;
  }
  return false;
}

// The floor: what any harness must do for this scenario, written as plainly as possible.
std::string bare_run(const std::string& server) {
  const auto t0 = clock_type::now();
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>(server.c_str()), nullptr};
  if (::posix_spawn(&pid, server.c_str(), nullptr, nullptr, argv, environ) != 0) return "spawn failed";
  while (!udp_bound(9999)) ::usleep(500);
  ::kill(pid, SIGINT);
  ::waitpid(pid, nullptr, 0);
  return std::to_string(std::chrono::duration<double>(clock_type::now() - t0).count());
}

double timed_worker(const std::function<std::string(const std::string&)>& body, std::string* out = nullptr) {
  const auto t0 = clock_type::now();
  Worker w = spawn_worker(true, {}, body);
  const std::string result = finish_worker(w);
  if (out) *out = result;
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// The reference server with a backlog that 200 simultaneous connects fit in (the tutorial's 5 would
// measure the kernel's SYN retransmission back-off, not socklab).
std::string peers_scenario(const std::string& bin, int n) {
  std::string s = "roles ex4.server\ntags core\nrun server -- " + bin +
                  "/servers/ex4_hello_server --backlog 256\nwait server listening tcp 127.0.0.1:9999\n";
  s += "repeat " + std::to_string(n) + "\nconnect p{n} tcp 127.0.0.1:9999\nend\n";
  s += "repeat " + std::to_string(n) + "\nrecv p{n} \"Welcome!\" within 30s\nsend p{n} \"x{n}\"\nend\n";
  s += "repeat " + std::to_string(n) + "\nrecv p{n} \"Hello,x{n}!\" within 30s\nend\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string bin = std::filesystem::absolute(argc > 1 ? argv[1] : ".").string();
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::string server = bin + "/servers/ex5_echo_server";
  RunOptions options;
  options.program_dirs = {bin + "/servers", bin + "/clients"};
  if (!probe_isolation().network) {
    std::puts("bench: network namespaces are not available here; nothing measured");
    return 0;
  }

  // 1. Per-scenario cost.
  const Scenario minimal =
      parse_scenario("roles ex5.server\ntags core\nstart server ex5.server\nwait server listening udp 127.0.0.1:9999\n",
                     "bench/ex5/minimal.scn");
  std::vector<double> bare, harness, namespaces_only;
  std::string verdict;
  for (int i = 0; i < rounds; ++i) {
    namespaces_only.push_back(timed_worker([](const std::string&) { return std::string("ok"); }));
    bare.push_back(timed_worker([&](const std::string&) { return bare_run(server); }));
    harness.push_back(timed_worker(
        [&](const std::string& iso) {
          RunOptions o = options;
          o.isolation = iso;
          const Result r = run_scenario(minimal, o);
          return std::string(to_string(r.verdict)) + (r.verdict == Verdict::pass ? "" : " " + r.message);
        },
        &verdict));
    if (verdict != "pass") {
      std::printf("bench: the minimal scenario did not pass: %s\n", verdict.c_str());
      return 1;
    }
  }
  const double b = median(bare), h = median(harness), ns = median(namespaces_only);
  std::printf("| per-scenario cost (median of %d) | bare | socklab | ratio |\n|---|---|---|---|\n", rounds);
  std::printf("| namespaces + reaper only | %.1f ms | | |\n", ns * 1000);
  std::printf("| namespaces + start ex5 server + wait bound + stop | %.1f ms | %.1f ms | %.2f |\n", b * 1000, h * 1000,
              h / b);

  // 2. Concurrent peers against the reference ex4 server (1 s pause per reply).
  auto peers = [&](int n) {
    const Scenario sc = parse_scenario(peers_scenario(bin, n), "bench/ex4/peers.scn");
    std::string out;
    const double t = timed_worker(
        [&](const std::string& iso) {
          RunOptions o = options;
          o.isolation = iso;
          const Result r = run_scenario(sc, o);
          rusage ru{};
          ::getrusage(RUSAGE_SELF, &ru);
          return std::string(to_string(r.verdict)) + " " + std::to_string(ru.ru_maxrss / 1024) + " " +
                 (r.verdict == Verdict::pass ? "" : r.message.substr(0, 200));
        },
        &out);
    return std::make_pair(t, out);
  };
  const auto [t1, out1] = peers(1);
  const auto [t200, out200] = peers(200);
  std::printf("\n| concurrent ex4 peers | time | verdict, peak RSS (MiB) of the scenario's process |\n|---|---|---|\n");
  std::printf("| 1 | %.2f s | %s |\n| 200 | %.2f s | %s |\n", t1, out1.c_str(), t200, out200.c_str());
  std::printf("| ratio 200 / 1 | %.2f | |\n", t200 / t1);
  return 0;
}
