#include "pool.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <system_error>

#include "isolation.hpp"
#include "result_file.hpp"
#include "socket.hpp"

using json = nlohmann::json;

namespace socklab::harness {

int default_jobs() {
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  return static_cast<int>(std::clamp(4 * (cpus > 0 ? cpus : 1), 4L, 64L));
}

namespace {

struct Job {
  std::size_t index = 0;
  pid_t pid = -1;
  int fd = -1;
  std::string output;
};

}  // namespace

std::vector<Result> run_tasks(const std::vector<Task>& tasks, int jobs, bool isolated,
                              const std::function<void(std::size_t, const Result&)>& done) {
  std::vector<Result> results(tasks.size());
  std::vector<std::size_t> order(tasks.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (tasks[a].group != tasks[b].group) return tasks[a].group < tasks[b].group;
    return tasks[a].expected_s > tasks[b].expected_s;
  });
  std::vector<Job> running;
  std::size_t next = 0;  // in `order`
  std::size_t finished = 0;
  std::vector<pid_t> ending;  // workers whose run is done, not yet reaped
  while (finished < tasks.size()) {
    std::erase_if(ending, [](pid_t p) { return ::waitpid(p, nullptr, WNOHANG) != 0; });
    while (static_cast<int>(running.size()) < jobs && next < tasks.size()) {
      const Task& t = tasks[order[next]];
      const Worker w = spawn_worker(
          isolated, t.scenario->hosts,
          [&](const WorkerContext& context) {
            RunOptions o = t.options;
            o.isolation = isolation_text(context.isolation, context.confinement, context.own_mounts, Lang::en);
            o.confinement = context.confinement;
            o.own_mounts = context.own_mounts;
            Result r = run_scenario(*t.scenario, o);
            r.isolation = isolation_text(context.isolation, context.confinement, context.own_mounts, o.lang);
            return to_json(r).dump(-1, ' ', false, json::error_handler_t::replace);
          },
          !t.options.impls.empty() ? std::optional<SandboxLimits>(
                                         SandboxLimits{t.scenario->limits.memory_bytes, t.scenario->limits.processes})
                                   : std::nullopt);
      running.push_back({order[next], w.pid, w.fd, {}});
      ++next;
    }
    std::vector<pollfd> fds;
    for (const auto& j : running) fds.push_back({j.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) throw_system_error("poll");
    for (std::size_t k = 0; k < running.size();) {
      Job& j = running[k];
      char buf[65536];
      const ssize_t n = (fds.size() > k && fds[k].revents) ? ::read(j.fd, buf, sizeof buf) : -2;
      if (n > 0) {
        j.output.append(buf, static_cast<std::size_t>(n));
        ++k;
        continue;
      }
      if (n == -2 || (n < 0 && errno == EINTR)) {
        ++k;
        continue;
      }
      // End of the pipe: the run is done. Its worker may still be ending (closing a packet socket waits
      // for the kernel): it is reaped later, while the next runs go on.
      int status = 0;
      ::close(j.fd);
      const Scenario& sc = *tasks[j.index].scenario;
      Result r;
      try {
        r = result_from_json(json::parse(j.output));
        if (::waitpid(j.pid, &status, WNOHANG) == 0) ending.push_back(j.pid);
      } catch (const std::exception&) {
        ::waitpid(j.pid, &status, 0);
        r.scenario = sc.name;
        r.tags = sc.tags;
        r.points = sc.points;
        r.verdict = Verdict::error;
        r.message = "the worker running this scenario died (status " + std::to_string(status) + ")";
        r.infrastructure_failure = true;
      }
      results[j.index] = r;
      done(j.index, r);
      ++finished;
      fds.erase(fds.begin() + static_cast<long>(k));
      running.erase(running.begin() + static_cast<long>(k));
    }
  }
  for (const pid_t p : ending) ::waitpid(p, nullptr, 0);
  return results;
}

}  // namespace socklab::harness
