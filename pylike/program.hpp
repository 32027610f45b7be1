// The one shape of every reference program's main: parse options (usage error: exit 2), run,
// SIGINT/SIGTERM: exit 0 with output flushed, any other failure: one line on stderr, exit 1.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

#include "socket.hpp"

namespace socklab {

/// Thrown by a program for input it cannot use (exit 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses argv into app, then runs body() (which returns the exit code).
template <class Body>
int run_program(CLI::App& app, int argc, char** argv, Body body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const std::string name = app.get_name();
  try {
    install_stop_handler();
    return body();
  } catch (const StopRequested&) {
    // The body's sockets are closed by now; worker threads (ex4) must not outlive the flush.
    std::fflush(stdout);
    std::fflush(stderr);
    std::_Exit(0);
  } catch (const UsageError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: %s\n", name.c_str(), e.what());
    return 1;
  }
}

/// --host and --port with the tutorial's values as defaults.
inline void add_address_options(CLI::App& app, std::string& host, std::uint16_t& port) {
  app.add_option("--host", host, "address to use")->capture_default_str();
  app.add_option("--port", port, "port to use")->capture_default_str()->check(CLI::Range(1, 65535));
}

/// --timeout and --retries of the UDP clients that resend a lost request.
inline void add_retry_options(CLI::App& app, double& timeout, int& retries) {
  app.add_option("--timeout", timeout, "seconds to wait for each reply")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  app.add_option("--retries", retries, "resends after a timeout")->capture_default_str()->check(CLI::Range(0, 1000));
}

}  // namespace socklab
