// socklab's own cost, measured against the floor of doing the same work bare, in one run (so that the
// ratios hold on a noisy shared machine). Prints a table for the README.
//
//   1. per scenario: isolate (namespaces), start the reference ex5 server, wait until it is bound, stop
//      it -- bare (fork/exec, /proc polling, kill) and through socklab's runner with a scenario that does
//      exactly that. Target: socklab <= 1.5 x bare. The same again with the server as a program under
//      test, in its sandbox (own user, cgroups, root file system, Landlock): what the sandbox adds.
//   2. 200 concurrent ex4 peers on the one event loop against the reference server (--delay 1): time
//      against one peer's, and the worker's peak RSS. Targets: <= 1.1 x, <= 64 MiB.
//      The same scenario under --isolation wrapper (socket_wrapper, no namespaces), floor and socklab.
//   3. the link's relay, on loopback: the median round trip of one datagram to an echo server and back,
//      direct and through a link (target: <= 1 ms added), and the datagrams a link relays per second with
//      32 round trips in flight (target: >= 50,000/s).
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "files.hpp"
#include "isolation.hpp"
#include "link.hpp"
#include "proc_net.hpp"
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
  const auto bound = parse_proc_net(read_text("/proc/net/udp"), "udp");
  return std::any_of(bound.begin(), bound.end(), [&](const BoundSocket& s) { return s.port == port; });
}

// The floor: what any harness must do for this scenario, written as plainly as possible.
std::string bare_run(const std::string& server) {
  const auto t0 = clock_type::now();
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>(server.c_str()), nullptr};
  if (::posix_spawn(&pid, server.c_str(), nullptr, nullptr, argv, environ) != 0) return "spawn failed";
  while (!udp_bound(9999)) ::usleep(500);
  // The reference server ends at the first SIGINT (it waits only in ppoll, where a stop gets in); one
  // that did not is sent SIGINT again, as socklab's stop ladder goes on to its next rung.
  ::kill(pid, SIGINT);
  for (int polls = 1; ::waitpid(pid, nullptr, WNOHANG) == 0; ++polls) {  // seen within 50 µs, as a blocking wait
    ::usleep(50);
    if (polls % 400 == 0) ::kill(pid, SIGINT);  // every 20 ms
  }
  return std::to_string(std::chrono::duration<double>(clock_type::now() - t0).count());
}

// Where a run's time goes, from its transcript's clock (in ms): until the program starts, until it is seen
// bound, and from the stop to the transcript's last line (the stop ladder and the wire's end).
struct Phases {
  double start = 0, ready = 0, stop = 0, end = 0;
};

Phases transcript_phases(const std::string& transcript) {
  Phases p;
  std::istringstream in(transcript);
  std::string line;
  while (std::getline(in, line)) {
    double t = 0;
    if (std::sscanf(line.c_str(), "[ %lf]", &t) != 1) continue;
    if (line.find(" start (") != std::string::npos) p.start = t;
    if (line.find(" ready: ") != std::string::npos) p.ready = t;
    if (line.find(" stop (end of scenario)") != std::string::npos) p.stop = t;
    p.end = t;
  }
  return p;
}

// What parsing costs (the suite's files) and what the run's folders cost on this machine's <tmp>.
void print_phases(const std::vector<Phases>& phases, double whole, const std::string& scenario_dir) {
  std::vector<double> to_start, to_ready, stopping;
  for (const auto& p : phases) {
    to_start.push_back(p.start);
    to_ready.push_back(p.ready - p.start);
    stopping.push_back(p.end - p.stop);
  }
  std::vector<double> parse_us;
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(scenario_dir)) {
    if (e.path().extension() != ".scn") continue;
    std::ifstream in(e.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto t0 = clock_type::now();
    (void)parse_scenario(text, e.path().string());
    parse_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
    ++files;
  }
  std::vector<double> folders;
  for (int i = 0; i < 30; ++i) {
    const auto t0 = clock_type::now();
    std::string base = (std::filesystem::temp_directory_path() / "socklab-bench-XXXXXX").string();
    if (::mkdtemp(base.data()) == nullptr) break;
    std::filesystem::create_directory(base + "/work");
    std::filesystem::create_directory(base + "/tools");
    std::filesystem::remove_all(base);
    folders.push_back(std::chrono::duration<double>(clock_type::now() - t0).count());
  }
  std::printf("\n| where socklab's run goes (medians) | time |\n|---|---|\n");
  std::printf("| the whole run, as the pool sees it | %.1f ms |\n", whole * 1000);
  std::printf("| from the run's start to the program's start (its folders, the capture) | %.1f ms |\n",
              median(to_start) * 1000);
  std::printf("| from the program's start (spawn, load, bind) to seeing it bound | %.1f ms |\n",
              median(to_ready) * 1000);
  std::printf("| from the stop to the transcript's end (the stop ladder, the wire's end) | %.1f ms |\n",
              median(stopping) * 1000);
  std::printf("| parsing one scenario file (median of the suite's %zu) | %.0f µs |\n", files, median(parse_us));
  std::printf("| making and removing a run's three folders in %s | %.1f ms |\n",
              std::filesystem::temp_directory_path().c_str(), median(folders) * 1000);
}

double timed_worker(const std::function<std::string(const WorkerContext&)>& body, std::string* out = nullptr,
                    std::optional<SandboxLimits> sandbox = std::nullopt) {
  const auto t0 = clock_type::now();
  Worker w = spawn_worker(true, {}, body, sandbox);
  const std::string result = read_worker(w);  // the result is out: the run is done, as the pool sees it
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  ::waitpid(w.pid, nullptr, 0);
  if (out) *out = result;
  return seconds;
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

// An echo server on its own thread (the program behind the link), until `stop` is sent to it.
struct EchoServer {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::thread t;
  EchoServer() {
    t = std::thread([this] {
      char buf[2048];
      for (;;) {
        boost::asio::ip::udp::endpoint from;
        const auto n = s.receive_from(boost::asio::buffer(buf), from);
        if (std::string_view(buf, n) == "stop") return;
        s.send_to(boost::asio::buffer(buf, n), from);
      }
    });
  }
  ~EchoServer() {
    boost::asio::ip::udp::socket c(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    c.send_to(boost::asio::buffer(std::string("stop")), s.local_endpoint());
    t.join();
  }
};

struct RelayNumbers {
  double direct_rtt_us, link_rtt_us, per_second;
};

RelayNumbers relay_bench(int round_trips) {
  namespace asio = boost::asio;
  using udp = asio::ip::udp;
  const auto lo = asio::ip::make_address("127.0.0.1");
  EchoServer echo;
  asio::io_context io;  // the link's loop, on a thread of its own as in socklab's process
  LinkSpec spec;
  spec.name = "link";
  spec.proto = "udp";
  spec.host = "127.0.0.1";
  {
    udp::socket probe(io, {lo, 0});
    spec.port = probe.local_endpoint().port();
  }
  std::string transcript;  // every datagram is an event, as in a scenario's transcript
  Link link(io, spec, 1, nullptr, echo.s.local_endpoint().port(),
            [&](const Event& e) { transcript += e.actor + " " + render(e) + "\n"; });
  link.start();
  auto guard = asio::make_work_guard(io);
  std::thread relay([&] { io.run(); });
  asio::io_context cio;
  udp::socket client(cio, {lo, 0});
  client.set_option(asio::socket_base::receive_buffer_size(1 << 20));
  char buf[64];
  auto rtt = [&](const udp::endpoint& to) {
    std::vector<double> t;
    for (int i = 0; i < round_trips; ++i) {
      const auto start = clock_type::now();
      client.send_to(asio::buffer("ping", 4), to);
      client.receive(asio::buffer(buf));
      t.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
    }
    return median(t);
  };
  const udp::endpoint via_link(lo, spec.port);
  RelayNumbers n{};
  n.direct_rtt_us = rtt(echo.s.local_endpoint());
  n.link_rtt_us = rtt(via_link);
  // Throughput: 32 round trips in flight through the link, 100,000 in all.
  const std::size_t before = link.relayed();
  const int total = 100000, window = 32;
  const auto start = clock_type::now();
  int sent = 0, got = 0;
  for (; sent < window; ++sent) client.send_to(asio::buffer("x", 1), via_link);
  client.non_blocking(false);
  while (got < total) {
    client.receive(asio::buffer(buf));
    ++got;
    if (sent < total) {
      client.send_to(asio::buffer("x", 1), via_link);
      ++sent;
    }
  }
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  n.per_second = static_cast<double>(link.relayed() - before) / seconds;
  guard.reset();
  link.close();
  io.stop();
  relay.join();
  return n;
}

}  // namespace

// The floor without namespaces: the server with socket_wrapper preloaded in a folder of its own, bound
// when its socket shows in /proc/net/unix.
std::string bare_wrapped_run(const std::string& server, const WrapperLibraries& libs) {
  const auto t0 = clock_type::now();
  const WrapperNetwork net;
  const std::string preload = "LD_PRELOAD=" + libs.socket + ":" + libs.nss, dir = "SOCKET_WRAPPER_DIR=" + net.dir();
  std::string max = "SOCKET_WRAPPER_MAX_SOCKETS=4096";  // as socklab gives its programs
  char* envp[] = {const_cast<char*>(preload.c_str()), const_cast<char*>(dir.c_str()), max.data(), nullptr};
  char* argv[] = {const_cast<char*>(server.c_str()), nullptr};
  // Signals as a program gets them from socklab: SIGINT ends it (a shell's system() ignores it).
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, server.c_str(), nullptr, &attr, argv, envp);
  ::posix_spawnattr_destroy(&attr);
  if (spawned != 0) return "spawn failed";
  for (;;) {
    const auto bound = net.bound();
    if (std::any_of(bound.begin(), bound.end(), [](const BoundSocket& b) { return b.port == 9999; })) break;
    ::usleep(500);
  }
  // Again until it ends: a SIGINT that comes between the program's check and its blocking call waits for
  // the next (the wrapper's work before each call makes that window wider).
  for (;;) {
    ::kill(pid, SIGINT);
    if (::waitpid(pid, nullptr, WNOHANG) == pid) break;
    ::usleep(200);
  }
  return std::to_string(std::chrono::duration<double>(clock_type::now() - t0).count());
}

// Section 1's scenario under --isolation wrapper (this process re-executed with socket_wrapper loaded):
// table rows beside the namespaces' figure.
int wrapper_rows(char** argv, const std::string& server, const Scenario& minimal, const RunOptions& options,
                 int rounds) {
  const auto libs = find_wrapper_libraries();
  if (!libs) {
    std::puts("| --isolation wrapper | libsocket-wrapper and libnss-wrapper are not installed | | |");
    return 0;
  }
  choose_isolation("wrapper", argv);  // re-executes this program with socket_wrapper preloaded
  std::vector<double> bare, harness, harness_unwired;
  std::string verdict;
  for (int i = 0; i < rounds; ++i) {
    std::string seconds;
    timed_worker([&](const WorkerContext&) { return bare_wrapped_run(server, *libs); }, &seconds);
    bare.push_back(std::atof(seconds.c_str()));
    for (const bool wire : {true, false}) {
      (wire ? harness : harness_unwired)
          .push_back(timed_worker(
              [&](const WorkerContext& context) {
                RunOptions o = options;
                o.isolation = context.isolation.describe();
                o.wire = wire;
                const Result r = run_scenario(minimal, o);
                return std::string(to_string(r.verdict)) + (r.verdict == Verdict::pass ? "" : " " + r.message);
              },
              &verdict));
      if (verdict != "pass") {
        std::printf("bench: the minimal scenario did not pass under the wrapper: %s\n", verdict.c_str());
        return 1;
      }
    }
  }
  const double b = median(bare), h = median(harness), hu = median(harness_unwired);
  std::printf("| wrapper (no namespaces) + start ex5 server + wait bound + stop | %.1f ms | %.1f ms | %.2f |\n",
              b * 1000, h * 1000, h / b);
  std::printf("| the same without the wrapper's record of the wire | %.1f ms | %.1f ms | %.2f |\n", b * 1000, hu * 1000,
              hu / b);
  std::printf("| what the record adds to socklab's own cost (socklab - bare) | | %.1f ms | %.2f |\n", (h - hu) * 1000,
              (h - b) / (hu - b));
  return 0;
}

int main(int argc, char** argv) {
  const std::string bin = std::filesystem::absolute(argc > 1 ? argv[1] : ".").string();
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 30;
  const std::string server = bin + "/servers/ex5_echo_server";
  const std::string scenario_dir = argc > 3 ? argv[3] : SOCKLAB_SOURCE_SCENARIOS;
  RunOptions options;
  options.program_dirs = {bin + "/servers", bin + "/clients"};
  const Scenario minimal =
      parse_scenario("roles ex5.server\ntags core\nstart server ex5.server\nwait server listening udp 127.0.0.1:9999\n",
                     "bench/ex5/minimal.scn");
  if (argc > 3 && std::string(argv[3]) == "wrapper") return wrapper_rows(argv, server, minimal, options, rounds);
  if (!probe_isolation().network) {
    std::puts("bench: network namespaces are not available here; nothing measured");
    return 0;
  }

  // 1. Per-scenario cost.
  std::vector<double> bare, harness, namespaces_only, harness_boxed, harness_unwired;
  std::vector<Phases> phases;
  std::string verdict;
  RunOptions under_test = options;  // the same server, as a program under test: in its sandbox
  under_test.impls["ex5.server"] = {server};
  for (int i = 0; i < rounds; ++i) {
    harness_unwired.push_back(timed_worker(
        [&](const WorkerContext& context) {
          RunOptions o = options;
          o.isolation = context.isolation.describe();
          o.wire = false;
          return std::string(to_string(run_scenario(minimal, o).verdict));
        },
        &verdict));
    harness_boxed.push_back(timed_worker(
        [&](const WorkerContext& context) {
          RunOptions o = under_test;
          o.isolation = context.isolation.describe();
          o.confinement = context.confinement;
          o.own_mounts = context.own_mounts;
          const Result r = run_scenario(minimal, o);
          return std::string(to_string(r.verdict)) + (r.verdict == Verdict::pass ? "" : " " + r.message);
        },
        &verdict, SandboxLimits{}));
    if (verdict != "pass") {
      std::printf("bench: the minimal scenario did not pass in the sandbox: %s\n", verdict.c_str());
      return 1;
    }
    namespaces_only.push_back(timed_worker([](const WorkerContext&) { return std::string("ok"); }));
    bare.push_back(timed_worker([&](const WorkerContext&) { return bare_run(server); }));
    harness.push_back(timed_worker(
        [&](const WorkerContext& context) {
          RunOptions o = options;
          o.isolation = context.isolation.describe();
          const Result r = run_scenario(minimal, o);
          return std::string(to_string(r.verdict)) + (r.verdict == Verdict::pass ? "" : " " + r.message) + '\x1f' +
                 r.transcript;
        },
        &verdict));
    const auto cut = verdict.find('\x1f');
    const std::string transcript = verdict.substr(cut + 1);
    verdict.resize(cut);
    phases.push_back(transcript_phases(transcript));
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
  const double hu = median(harness_unwired);
  std::printf("| the same without capturing the wire | %.1f ms | %.1f ms | %.2f |\n", b * 1000, hu * 1000, hu / b);
  std::printf("| what the capture adds to socklab's own cost (socklab - bare) | | %.1f ms | %.2f |\n", (h - hu) * 1000,
              (h - b) / (hu - b));
  const double hb = median(harness_boxed);
  std::printf("| the same, the server as a program under test in its sandbox | %.1f ms | %.1f ms | %.2f |\n", b * 1000,
              hb * 1000, hb / b);
  std::printf("| what the sandbox adds to socklab's run | | %.1f ms | %.2f |\n", (hb - h) * 1000, hb / h);
  print_phases(phases, h, scenario_dir);
  std::fflush(stdout);
  // The same scenario under the wrapper, in a process of its own (socket_wrapper loaded from its start).
  const std::string again = "'" + std::filesystem::read_symlink("/proc/self/exe").string() + "' '" + bin + "' " +
                            std::to_string(rounds) + " wrapper";
  if (std::system(again.c_str()) != 0) std::puts("bench: the wrapper's rows failed");

  // 2. Concurrent peers against the reference ex4 server (1 s pause per reply).
  auto peers = [&](int n) {
    const Scenario sc = parse_scenario(peers_scenario(bin, n), "bench/ex4/peers.scn");
    std::string out;
    const double t = timed_worker(
        [&](const WorkerContext& context) {
          RunOptions o = options;
          o.isolation = context.isolation.describe();
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

  // 3. The link's relay.
  const RelayNumbers relay = relay_bench(2000);
  std::printf("\n| UDP relay (a link, loopback) | value |\n|---|---|\n");
  std::printf("| round trip direct (median of 2000) | %.0f µs |\n", relay.direct_rtt_us);
  std::printf("| round trip through a link | %.0f µs |\n", relay.link_rtt_us);
  std::printf("| added by the link | %.0f µs |\n", relay.link_rtt_us - relay.direct_rtt_us);
  std::printf("| datagrams relayed per second (32 in flight) | %.0f |\n", relay.per_second);
  return 0;
}
