// A program under test: its own process group, stdout and stderr read at once on the event loop,
// stdin scripted, resource limits, an output cap, and a stop ladder that always reaps.
#pragma once

#include <boost/asio.hpp>
#include <boost/process/v2/process.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace socklab::harness {

struct Limits {
  long cpu_s = 30;
  long data_bytes = 1L << 30;  // RLIMIT_DATA, not RLIMIT_AS: thread stacks must not count
  long processes = 256;
  long file_bytes = 64L << 20;
  long open_files = 1024;
  std::size_t output_cap = 4u << 20;  // per stream
};

/// How a child ended.
struct ExitStatus {
  int code = -1;    // exit code, when it exited
  int signal = 0;   // the signal that killed it, otherwise
  bool sent_by_harness = false;  // the stop ladder sent that signal
  [[nodiscard]] std::string to_string() const;
};

class Child {
 public:
  /// Output events: stream ("stdout"/"stderr"), the bytes that came.
  using OutputHook = std::function<void(const std::string& stream, std::string_view bytes)>;

  Child(boost::asio::io_context& io, const std::vector<std::string>& argv, const std::string& dir,
        const Limits& limits, OutputHook hook);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void write_stdin(const std::string& data);
  void close_stdin();
  /// The stop ladder: close stdin, SIGINT, SIGTERM, SIGKILL to the whole group, `grace` apart.
  boost::asio::awaitable<void> stop(std::chrono::milliseconds grace);
  /// Kills the whole process group at once (the end of a scenario, or a timeout).
  void kill_group();

  [[nodiscard]] const std::string& out() const { return out_; }
  [[nodiscard]] const std::string& err() const { return err_; }
  [[nodiscard]] bool out_ended() const { return out_ended_; }
  [[nodiscard]] bool err_ended() const { return err_ended_; }
  [[nodiscard]] const std::optional<ExitStatus>& status() const { return status_; }
  [[nodiscard]] int pid() const { return pid_; }

 private:
  boost::asio::awaitable<void> read_loop(boost::asio::readable_pipe& pipe, std::string& buf, bool& ended,
                                         std::size_t& dropped, const char* name);
  boost::asio::awaitable<void> wait_loop();

  boost::asio::io_context& io_;
  boost::asio::writable_pipe in_;
  boost::asio::readable_pipe out_pipe_;
  boost::asio::readable_pipe err_pipe_;
  std::optional<boost::process::v2::process> proc_;
  std::string out_, err_;
  bool out_ended_ = false, err_ended_ = false;
  std::size_t out_dropped_ = 0, err_dropped_ = 0;
  std::size_t cap_;
  std::optional<ExitStatus> status_;
  int last_signal_sent_ = 0;
  int pid_ = -1;
  OutputHook hook_;
};

}  // namespace socklab::harness
