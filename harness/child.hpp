// A program under test: its own process group, stdout and stderr read at once on the event loop,
// stdin scripted, resource limits, an output cap, and a stop ladder that always reaps.
#pragma once

#include <boost/asio.hpp>
#include <boost/process/v2/process.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox.hpp"
#include "scenario.hpp"

namespace socklab::harness {

/// How a child ended.
struct ExitStatus {
  int code = -1;                 // exit code, when it exited
  int signal = 0;                // the signal that killed it, otherwise
  bool sent_by_harness = false;  // the stop ladder sent that signal
  [[nodiscard]] std::string to_string() const;
};

class Child {
 public:
  /// Output events: stream ("stdout"/"stderr"), the bytes that came.
  using OutputHook = std::function<void(const std::string& stream, std::string_view bytes)>;

  /// How a program under test is confined: the run's identity, and its root file system (nullptr: the
  /// machine's, as socklab's own programs see it).
  struct Sandbox {
    const Confinement* confinement = nullptr;
    const BoxRoot* root = nullptr;
  };

  /// `netns_fd`: a network namespace to run in (the far side of a link), or -1 for the caller's.
  /// `sandbox`: for a program under test (enter_box between fork and exec); none for socklab's own.
  Child(boost::asio::io_context& io, const std::vector<std::string>& argv, const std::string& dir, const Limits& limits,
        OutputHook hook, int netns_fd = -1, std::optional<Sandbox> sandbox = std::nullopt);

  /// The file that argv[0] names, searched on PATH; `sandboxed`: only where a sandbox shows it (the
  /// system's folders) and an unprivileged user may run it ("" when none).
  static std::string find_program(const std::string& name, bool sandboxed);
  /// Whether a user with neither the owner's nor the group's rights can reach (and read, or run) `path`.
  static bool others_may(const std::string& path, bool execute);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void write_stdin(const std::string& data);
  void close_stdin();
  /// The stop ladder: close stdin (then grace/50), SIGINT, SIGTERM, SIGKILL to the whole group, `grace` apart.
  boost::asio::awaitable<void> stop(std::chrono::milliseconds grace);
  /// Kills the whole process group at once (the end of a scenario, or a timeout).
  void kill_group();

  [[nodiscard]] const std::string& out() const { return st_->out; }
  [[nodiscard]] const std::string& err() const { return st_->err; }
  /// What the program wrote on stderr before socklab began to stop it (all of it when it never did): what
  /// it says after, an EOFError at its closed stdin or a KeyboardInterrupt, is the stop's story.
  [[nodiscard]] std::string_view err_before_stop() const;
  [[nodiscard]] bool out_ended() const { return st_->out_ended; }
  /// How long after its end the program's pipes may stay open (held by what it left behind, outside its
  /// process group) before socklab reads no more of them.
  static constexpr std::chrono::milliseconds kOutputGrace{1000};
  /// The pipes stayed open that long after the end: what came after is not in out() and err().
  [[nodiscard]] bool output_abandoned() const { return st_->output_abandoned; }
  [[nodiscard]] bool err_ended() const { return st_->err_ended; }
  [[nodiscard]] const std::optional<ExitStatus>& status() const { return st_->status; }
  [[nodiscard]] int pid() const { return st_->pid; }
  /// Called when the program ends or one of its streams does (output calls the OutputHook).
  void on_change(std::function<void()> f) { st_->changed = std::move(f); }

 private:
  // Shared with the reading and waiting coroutines, which may finish after the Child is gone.
  struct State {
    explicit State(boost::asio::io_context& io) : in(io), out_pipe(io), err_pipe(io) {}
    boost::asio::writable_pipe in;
    boost::asio::readable_pipe out_pipe;
    boost::asio::readable_pipe err_pipe;
    std::optional<boost::process::v2::process> proc;
    std::string out, err;
    bool out_ended = false, err_ended = false;
    bool output_abandoned = false;
    std::size_t cap = 0;
    std::optional<ExitStatus> status;
    int last_signal_sent = 0;
    std::uint64_t signals_sent = 0;  // bit N: socklab sent signal N (a program may die of an earlier rung's)
    std::optional<std::size_t> err_before_stop;  // err's length then, with what its pipe still held
    int pid = -1;
    OutputHook hook;
    std::function<void()> changed;
    std::deque<std::string> pending_input;              // stdin not yet written, in order
    bool close_when_written = false;                    // close stdin once pending_input is written
    boost::asio::steady_timer* stopping = nullptr;      // the stop ladder's wait: the exit ends it at once
    boost::asio::steady_timer* output_grace = nullptr;  // the wait for pipes held open after the end
  };
  static void mark_stop(State& st);  // the moment socklab begins to stop the program
  static boost::asio::awaitable<void> read_loop(std::shared_ptr<State> st, bool is_out);
  static boost::asio::awaitable<void> wait_loop(std::shared_ptr<State> st);
  static boost::asio::awaitable<void> write_loop(std::shared_ptr<State> st);

  boost::asio::io_context& io_;
  std::shared_ptr<State> st_;
};

/// What a program run to its end said (stdout and stderr together, as they came: the last `keep` bytes)
/// and how it ended (nullopt: it was still running at the deadline, and was killed).
struct Ran {
  std::string output;
  std::optional<ExitStatus> status;
};

/// Runs `argv` in `dir` with stdin closed until it ends or `deadline` passes, on an event loop of its own:
/// a build, a version probe. Throws as Child's constructor does when the program cannot start.
Ran run_to_end(const std::vector<std::string>& argv, const std::string& dir, const Limits& limits,
               std::chrono::milliseconds deadline, std::size_t keep,
               std::optional<Child::Sandbox> sandbox = std::nullopt);

}  // namespace socklab::harness
