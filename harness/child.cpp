#include "child.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <filesystem>

#include "wrapper.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace asio = boost::asio;
namespace bp = boost::process::v2;

namespace socklab::harness {
namespace {

// Runs in the child between fork and exec: a process group of its own, limits, no inherited descriptor.
struct ChildSetup {
  Limits limits;
  int netns_fd = -1;
  std::optional<Child::Sandbox> sandbox;
  std::string dir;

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*) {
    ::setpgid(0, 0);
    // Under --isolation wrapper with a user per run the worker's umask is 0, so that socklab's own
    // programs' sockets take the run's connections; a program under test gets the usual one.
    if (sandbox) ::umask(022);
    if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) return {errno, boost::system::system_category()};
    if (sandbox && sandbox->confinement != nullptr) {  // last of what needs privileges
      const char* root = sandbox->root != nullptr ? sandbox->root->root().c_str() : nullptr;
      if (const int e = enter_box(*sandbox->confinement, root, dir.c_str()); e != 0) {
        return {e, boost::system::system_category()};
      }
    }
    auto set = [](int resource, long value) {
      rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
      ::setrlimit(resource, &r);
    };
    set(RLIMIT_CPU, limits.cpu_s);
#ifndef SOCKLAB_SANITIZED
    set(RLIMIT_DATA, limits.data_bytes);  // a sanitized build's programs reserve terabytes of shadow memory
#endif
    // RLIMIT_NPROC counts every process of the user: it is the run's own only when the run has a user
    // of its own; otherwise it must leave room for what the user already runs.
    const bool own_user = sandbox && sandbox->confinement != nullptr && sandbox->confinement->uid;
    set(RLIMIT_NPROC, own_user ? limits.processes : std::max(limits.processes, 4096L));
    set(RLIMIT_FSIZE, limits.file_bytes);
    set(RLIMIT_NOFILE, limits.open_files);
    set(RLIMIT_CORE, 0);
    // Everything but 0-2 closes at exec; close_range first, a loop where the kernel lacks it.
    if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    // Signals the harness ignores or blocks must not be ignored or blocked in the program.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    return {};
  }
};

// What a program under test sees: Python unbuffered and in UTF-8, its own folder as HOME and TMPDIR.
std::vector<std::string> child_environment(const std::string& dir) {
  std::vector<std::string> env = {"PYTHONUNBUFFERED=1",
                                  "PYTHONIOENCODING=utf-8",
                                  "PYTHONINTMAXSTRDIGITS=0",
                                  "PYTHONDONTWRITEBYTECODE=1",
                                  "LANG=C.UTF-8",
                                  "LC_ALL=C.UTF-8",
                                  "HOME=" + dir,
                                  "TMPDIR=" + dir};
  for (const char* keep : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TERM"}) {
    if (const char* v = std::getenv(keep)) env.push_back(std::string(keep) + "=" + v);
  }
  for (auto& v : wrapper_environment()) env.push_back(std::move(v));  // under --isolation wrapper
  return env;
}

}  // namespace

bool Child::others_may(const std::string& path, bool execute) {
  std::error_code ec;
  const auto real = std::filesystem::canonical(path, ec);
  if (ec) return false;
  struct stat st {};
  std::filesystem::path walked = "/";
  for (const auto& part : real.parent_path().relative_path()) {
    walked /= part;
    if (::stat(walked.c_str(), &st) != 0 || !(st.st_mode & S_IXOTH)) return false;
  }
  if (::stat(real.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) ? (st.st_mode & S_IXOTH) != 0 : (st.st_mode & (execute ? S_IXOTH : S_IROTH)) != 0;
}

std::string Child::find_program(const std::string& name, bool sandboxed) {
  if (name.find('/') != std::string::npos) return name;
  if (!sandboxed) return bp::environment::find_executable(name).string();
  // The first on PATH that a sandbox shows and its user may run: python3 under a home (pyenv) is not one.
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const auto end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && in_system_folders(candidate) && ::access(candidate.c_str(), X_OK) == 0 &&
        others_may(candidate, true)) {
      return candidate;
    }
    start = end + 1;
  }
  return "";
}

std::string ExitStatus::to_string() const {
  if (signal != 0) {
    const std::string name =
        ::sigabbrev_np(signal) ? fmt::format("SIG{}", ::sigabbrev_np(signal)) : std::to_string(signal);
    return fmt::format("killed by {}{}", name, sent_by_harness ? " (sent by socklab)" : "");
  }
  return fmt::format("exit {}", code);
}

Child::Child(asio::io_context& io, const std::vector<std::string>& argv, const std::string& dir, const Limits& limits,
             OutputHook hook, int netns_fd, std::optional<Sandbox> sandbox)
    : io_(io), st_(std::make_shared<State>(io)) {
  // Writing to the stdin of a program that has ended must be an error, not the harness's death.
  static const bool sigpipe_ignored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;
  st_->cap = limits.output_cap;
  st_->hook = std::move(hook);
  const bool sandboxed = sandbox && sandbox->confinement != nullptr;
  const bp::filesystem::path exe = find_program(argv.at(0), sandboxed);
  if (exe.empty()) {
    throw std::runtime_error(
        "no program '" + argv[0] + "' on PATH" +
        (sandboxed ? std::string(" in the system's folders that an unprivileged user may run") : std::string()));
  }
  const std::vector<std::string> args(argv.begin() + 1, argv.end());
  st_->proc.emplace(io.get_executor(), exe, args, bp::process_stdio{st_->in, st_->out_pipe, st_->err_pipe},
                    bp::process_start_dir{dir}, bp::process_environment{child_environment(dir)},
                    ChildSetup{limits, netns_fd, sandbox, dir});
  st_->pid = st_->proc->id();
  ::setpgid(st_->pid, st_->pid);  // also from here, so the group exists before any signal is sent
  asio::co_spawn(io, read_loop(st_, true), asio::detached);
  asio::co_spawn(io, read_loop(st_, false), asio::detached);
  asio::co_spawn(io, wait_loop(st_), asio::detached);
}

Child::~Child() {
  kill_group();
  if (st_->output_grace != nullptr) st_->output_grace->cancel();
  boost::system::error_code ec;
  st_->in.close(ec);
  st_->out_pipe.close(ec);
  st_->err_pipe.close(ec);
  if (!st_->status && st_->proc) {
    int raw = 0;
    if (::waitpid(st_->pid, &raw, 0) == st_->pid) {  // always reaped, even when the loop is gone
      st_->status = ExitStatus{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, WIFSIGNALED(raw) ? WTERMSIG(raw) : 0, true};
    }
  }
  if (st_->proc) st_->proc->detach();  // reaped: nothing left for its destructor to do
}

asio::awaitable<void> Child::read_loop(std::shared_ptr<State> st, bool is_out) {
  auto& pipe = is_out ? st->out_pipe : st->err_pipe;
  auto& buf = is_out ? st->out : st->err;
  const char* name = is_out ? "stdout" : "stderr";
  std::size_t dropped = 0;
  char chunk[16384];
  auto take = [&](std::string_view got) {
    const auto keep = buf.size() < st->cap ? std::min(got.size(), st->cap - buf.size()) : std::size_t{0};
    buf.append(got.substr(0, keep));
    if (st->hook && keep > 0) st->hook(name, got.substr(0, keep));
    dropped += got.size() - keep;
  };
  for (;;) {
    auto [ec, n] = co_await pipe.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted && st->output_abandoned) {
      // What the program wrote before it ended is all in the pipe by now: take it, then read no more.
      const int fd = pipe.native_handle();
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
      for (ssize_t got = 0; (got = ::read(fd, chunk, sizeof chunk)) > 0;) take({chunk, static_cast<std::size_t>(got)});
      boost::system::error_code ignored;
      pipe.close(ignored);
      break;
    }
    if (ec) break;
    take({chunk, n});
  }
  if (dropped > 0) {
    const std::string marker = fmt::format("\n[truncated {} bytes]\n", dropped);
    buf += marker;
    if (st->hook) st->hook(name, marker);
  }
  (is_out ? st->out_ended : st->err_ended) = true;
  if (st->changed) st->changed();
}

asio::awaitable<void> Child::wait_loop(std::shared_ptr<State> st) {
  auto [ec, code] = co_await st->proc->async_wait(asio::as_tuple(asio::use_awaitable));
  if (st->status) co_return;  // reaped by the destructor already
  const int raw = st->proc->native_exit_code();
  ExitStatus s;
  if (!ec && WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
    s.sent_by_harness = (s.signal < 64 && (st->signals_sent >> s.signal & 1U) != 0) ||
                        (st->last_signal_sent != 0 && s.signal == SIGKILL);
  } else {
    s.code = ec ? -1 : code;
  }
  st->status = s;
  // The group may hold children the program left behind: they end with it.
  ::kill(-st->pid, SIGKILL);
  if (st->stopping != nullptr) st->stopping->cancel();
  if (st->changed) st->changed();
  // One that left the group (setsid: a browser's crash reporter) may hold the pipes open for as long as
  // it likes, where no PID namespace ends it with the run: its output is not the program's.
  if (st->out_ended && st->err_ended) co_return;
  asio::steady_timer grace(co_await asio::this_coro::executor, kOutputGrace);
  st->output_grace = &grace;
  auto [waited] = co_await grace.async_wait(asio::as_tuple(asio::use_awaitable));
  st->output_grace = nullptr;
  if (waited || (st->out_ended && st->err_ended)) co_return;
  st->output_abandoned = true;
  boost::system::error_code ignored;
  if (!st->out_ended) st->out_pipe.cancel(ignored);
  if (!st->err_ended) st->err_pipe.cancel(ignored);
}

void Child::write_stdin(const std::string& data) {
  if (!st_->in.is_open()) return;
  // Written on the loop, never blocking it: a program that does not read its stdin fills the pipe and
  // the rest waits (in order, one write at a time) while every other peer and timer goes on.
  st_->pending_input.push_back(data);
  if (st_->pending_input.size() == 1) asio::co_spawn(io_, write_loop(st_), asio::detached);
}

asio::awaitable<void> Child::write_loop(std::shared_ptr<State> st) {
  while (!st->pending_input.empty()) {
    auto [ec, n] = co_await asio::async_write(st->in, asio::buffer(st->pending_input.front()),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) {  // the program closed its stdin, or it was closed: what is left cannot be delivered
      st->pending_input.clear();
      co_return;
    }
    st->pending_input.pop_front();
  }
  if (st->close_when_written) {
    boost::system::error_code ignored;
    st->in.close(ignored);
  }
}

void Child::close_stdin() {
  if (!st_->pending_input.empty()) {  // what was typed goes first, then the end of input
    st_->close_when_written = true;
    return;
  }
  boost::system::error_code ec;
  st_->in.close(ec);
}

void Child::mark_stop(State& st) {
  if (st.err_before_stop) return;
  int unread = 0;  // what the pipe holds was written before this moment
  if (st.err_pipe.is_open()) ::ioctl(st.err_pipe.native_handle(), FIONREAD, &unread);
  st.err_before_stop = st.err.size() + static_cast<std::size_t>(std::max(unread, 0));
}

void Child::kill_group() {
  if (st_->pid <= 0) return;
  mark_stop(*st_);
  if (!st_->status && st_->last_signal_sent == 0) st_->last_signal_sent = SIGKILL;
  st_->signals_sent |= std::uint64_t{1} << SIGKILL;
  ::kill(-st_->pid, SIGKILL);
}

std::string_view Child::err_before_stop() const {
  const std::string_view err = st_->err;
  return st_->err_before_stop ? err.substr(0, std::min(err.size(), *st_->err_before_stop)) : err;
}

asio::awaitable<void> Child::stop(std::chrono::milliseconds grace) {
  auto st = st_;
  asio::steady_timer timer(io_);
  // Each rung waits until its grace ends or the exit comes (wait_loop cancels the timer), never polling.
  st->stopping = &timer;
  struct Forget {
    State& st;
    ~Forget() { st.stopping = nullptr; }
  } forget{*st};
  // Output that the loop has read but not yet handed over is handed over first: then what the pipe
  // still holds is all that was written before this moment and is not yet in err.
  co_await asio::post(io_, asio::use_awaitable);
  mark_stop(*st);
  const bool stdin_was_open = st->in.is_open();
  close_stdin();
  for (int sig : {0, SIGINT, SIGTERM, SIGKILL}) {
    if (st->status) break;
    if (sig == 0 && !stdin_was_open) continue;  // that rung was climbed before: its end of input is old news
    if (sig != 0) {
      st->last_signal_sent = sig;
      st->signals_sent |= std::uint64_t{1} << sig;
      ::kill(-st->pid, sig);
    }
    // Closing stdin ends a program that reads it at once; a server never notices, so that rung is short.
    const auto until = std::chrono::steady_clock::now() + (sig == 0 ? grace / 50 : grace);
    while (!st->status && std::chrono::steady_clock::now() < until) {
      timer.expires_at(until);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  while (!st->status) {  // SIGKILL cannot be refused: the exit comes
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

Ran run_to_end(const std::vector<std::string>& argv, const std::string& dir, const Limits& limits,
               std::chrono::milliseconds deadline, std::size_t keep, std::optional<Child::Sandbox> sandbox) {
  asio::io_context io;
  Ran ran;
  Child child(
      io, argv, dir, limits,
      [&](const std::string&, std::string_view bytes) {
        ran.output.append(bytes);
        if (ran.output.size() > 4 * keep) ran.output.erase(0, ran.output.size() - 2 * keep);
      },
      -1, sandbox);
  child.close_stdin();
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!(child.status() && child.out_ended() && child.err_ended()) && std::chrono::steady_clock::now() < until) {
    io.run_one_for(std::chrono::milliseconds(50));
  }
  if (child.status()) {
    ran.status = child.status();
  } else {
    child.kill_group();
  }
  if (ran.output.size() > keep) ran.output.erase(0, ran.output.size() - keep);
  return ran;
}

}  // namespace socklab::harness
