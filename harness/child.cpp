#include "child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/process/v2/environment.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>

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

  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&, const char* const*) {
    ::setpgid(0, 0);
    auto set = [](int resource, long value) {
      rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
      ::setrlimit(resource, &r);
    };
    set(RLIMIT_CPU, limits.cpu_s);
    set(RLIMIT_DATA, limits.data_bytes);
    set(RLIMIT_NPROC, limits.processes);
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

std::vector<std::string> child_environment() {
  std::vector<std::string> env = {"PYTHONUNBUFFERED=1", "PYTHONIOENCODING=utf-8", "PYTHONINTMAXSTRDIGITS=0",
                                  "PYTHONDONTWRITEBYTECODE=1", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"};
  for (const char* keep : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "TERM"}) {
    if (const char* v = std::getenv(keep)) env.push_back(std::string(keep) + "=" + v);
  }
  return env;
}

}  // namespace

std::string ExitStatus::to_string() const {
  if (signal != 0) {
    std::string name = ::sigabbrev_np(signal) ? std::string("SIG") + ::sigabbrev_np(signal) : std::to_string(signal);
    return "killed by " + name + (sent_by_harness ? " (sent by socklab)" : "");
  }
  return "exit " + std::to_string(code);
}

Child::Child(asio::io_context& io, const std::vector<std::string>& argv, const std::string& dir, const Limits& limits,
             OutputHook hook)
    : io_(io), in_(io), out_pipe_(io), err_pipe_(io), cap_(limits.output_cap), hook_(std::move(hook)) {
  const bp::filesystem::path exe = argv.at(0).find('/') == std::string::npos
                                       ? bp::environment::find_executable(argv[0])
                                       : bp::filesystem::path(argv[0]);
  if (exe.empty()) throw std::runtime_error("no program '" + argv[0] + "' on PATH");
  const std::vector<std::string> args(argv.begin() + 1, argv.end());
  proc_.emplace(io.get_executor(), exe, args, bp::process_stdio{in_, out_pipe_, err_pipe_},
                bp::process_start_dir{dir}, bp::process_environment{child_environment()}, ChildSetup{limits});
  pid_ = proc_->id();
  ::setpgid(pid_, pid_);  // also from here, so the group exists before any signal is sent
  asio::co_spawn(io, read_loop(out_pipe_, out_, out_ended_, out_dropped_, "stdout"), asio::detached);
  asio::co_spawn(io, read_loop(err_pipe_, err_, err_ended_, err_dropped_, "stderr"), asio::detached);
  asio::co_spawn(io, wait_loop(), asio::detached);
}

Child::~Child() {
  kill_group();
  if (!status_ && proc_) {
    int raw = 0;
    ::waitpid(pid_, &raw, 0);  // always reaped, even when the loop is gone
  }
  if (proc_) proc_->detach();  // reaped above or by wait_loop: nothing left for its destructor to do
}

asio::awaitable<void> Child::read_loop(asio::readable_pipe& pipe, std::string& buf, bool& ended, std::size_t& dropped,
                                       const char* name) {
  char chunk[16384];
  for (;;) {
    auto [ec, n] = co_await pipe.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    std::string_view got(chunk, n);
    if (buf.size() < cap_) {
      const auto keep = std::min(got.size(), cap_ - buf.size());
      buf.append(got.substr(0, keep));
      if (hook_) hook_(name, got.substr(0, keep));
      dropped += got.size() - keep;
    } else {
      dropped += got.size();
    }
  }
  if (dropped > 0) {
    const std::string marker = "\n[truncated " + std::to_string(dropped) + " bytes]\n";
    buf += marker;
    if (hook_) hook_(name, marker);
  }
  ended = true;
}

asio::awaitable<void> Child::wait_loop() {
  auto [ec, code] = co_await proc_->async_wait(asio::as_tuple(asio::use_awaitable));
  const int raw = proc_->native_exit_code();
  ExitStatus s;
  if (WIFSIGNALED(raw)) {
    s.signal = WTERMSIG(raw);
    s.sent_by_harness = s.signal == last_signal_sent_ || (last_signal_sent_ != 0 && s.signal == SIGKILL);
  } else {
    s.code = ec ? -1 : code;
  }
  status_ = s;
  // The group may hold children the program left behind: they end with it.
  ::kill(-pid_, SIGKILL);
}

void Child::write_stdin(const std::string& data) {
  if (!in_.is_open()) return;
  boost::system::error_code ec;
  asio::write(in_, asio::buffer(data), ec);  // small, and the pipe holds 64 KiB: a program not reading is its fault
}

void Child::close_stdin() {
  boost::system::error_code ec;
  in_.close(ec);
}

void Child::kill_group() {
  if (pid_ > 0 && !status_) {
    if (last_signal_sent_ == 0) last_signal_sent_ = SIGKILL;
    ::kill(-pid_, SIGKILL);
  } else if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
  }
}

asio::awaitable<void> Child::stop(std::chrono::milliseconds grace) {
  asio::steady_timer timer(io_);
  close_stdin();
  for (int sig : {0, SIGINT, SIGTERM, SIGKILL}) {
    if (status_) break;
    if (sig != 0) {
      last_signal_sent_ = sig;
      ::kill(-pid_, sig);
    }
    const auto until = std::chrono::steady_clock::now() + grace;
    while (!status_ && std::chrono::steady_clock::now() < until) {
      timer.expires_after(std::chrono::milliseconds(2));
      co_await timer.async_wait(asio::use_awaitable);
    }
  }
  while (!status_) {  // SIGKILL cannot be refused: the exit comes
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace socklab::harness
