// A scenario: one file under scenarios/<example>/, a list of steps (actions and expectations) in a
// small line-oriented language documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "facts.hpp"
#include "faults.hpp"
#include "roles.hpp"

namespace socklab::harness {

/// What a program under test may use (setrlimit), and how much of its output is kept.
struct Limits {
  long cpu_s = 30;
  long memory_bytes = 2L << 30;  // all the run's programs under test together (a cgroup, where there is one)
  long data_bytes = 16L << 30;   // RLIMIT_DATA counts thread stacks too (8 MiB each): room for 1000 threads
  // The run's own (a cgroup, and RLIMIT_NPROC of its own user): room for a thread-per-client server with
  // 1000 threads, while 8 runs at once stay far below the machine's pid_max (32768 by default).
  long processes = 1200;
  long file_bytes = 64L << 20;
  long open_files = 1024;
  std::size_t output_cap = 4u << 20;  // per stream
};

/// Where something stands in a scenario file (1-based line and column).
struct Location {
  std::string file;
  int line = 0;
  int col = 1;
  [[nodiscard]] std::string to_string() const;
};

/// A scenario file that cannot be read: reported as file:line:col: error: message.
class ParseError : public std::runtime_error {
 public:
  ParseError(Location where, const std::string& message);
  Location where;
};

/// One expected line: `| exact`, `~ regex` (with [[NAME:regex]] captures and [[NAME]] uses), `* glob`.
struct PatternLine {
  enum class Kind { exact, regex, glob };
  Kind kind = Kind::exact;
  std::string text;
  Location where;
};

/// A run of expected lines: in order, or (between `{` and `}`) in any order.
struct PatternGroup {
  std::vector<PatternLine> lines;
  bool unordered = false;
};

/// host:port as written in a scenario.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
  [[nodiscard]] std::string to_string() const { return host + ":" + std::to_string(port); }
};

/// A moment of a run named by what happened, for assertions on the order of events: a whole line on a
/// program's stdout or stderr, bytes a peer received, the other side closing a peer's connection, or a
/// segment on the wire (`wire "server → peer FIN"`: its ends and one thing it carried).
struct EventSpec {
  std::string actor;  // "wire" for a segment
  std::string what;   // "stdout", "stderr", "received", "closed" or "wire"
  std::string text;   // the line (stdout, stderr) or the bytes (received)
  [[nodiscard]] std::string to_string() const;
};

struct Step {
  enum class Kind {
    start,            // start ACTOR ROLE
    listening,        // wait ACTOR listening tcp|udp HOST:PORT
    exited,           // wait ACTOR... exit N|any
    type,             // type ACTOR [after "PROMPT"] "TEXT"
    close_stdin,      // close ACTOR stdin
    stop,             // stop ACTOR
    expect_output,    // expect ACTOR stdout|stderr + pattern lines
    connect,          // connect ACTOR tcp HOST:PORT
    send,             // send ACTOR "DATA" | send ACTOR random N
    recv,             // recv ACTOR "DATA"
    expect_closed,    // expect ACTOR closed
    close_peer,       // close ACTOR | reset ACTOR
    udp_open,         // udp ACTOR
    sendto,           // sendto ACTOR HOST:PORT "DATA"
    recvfrom,         // recvfrom ACTOR "DATA"
    sleep,            // sleep DURATION (a scripted pause, never a readiness wait)
    listen,           // listen ACTOR tcp HOST:PORT (socklab plays the server)
    accept,           // accept ACTOR
    run_tool,         // run ACTOR -- COMMAND ARGS... (a helper such as curl, not a role)
    recv_until,       // recv ACTOR until "DELIMITER"
    expect_received,  // expect ACTOR received + pattern lines (what recv until took)
    expect_file,      // expect file "PATH" DATA
    reply,            // reply ACTOR DATA (UDP: to whoever sent the last datagram)
    expect_silence,   // expect ACTOR nothing for D
    show_file,        // show file "PATH" [lines N]: its size and first lines, in the transcript
    keep_file,        // keep file "PATH": a file the helper tools made, kept beside the transcript
    expect_order,     // expect EVENT before EVENT
    expect_overlap,   // expect overlap [K of] ACTOR... from "A" to "B"
  };
  Kind kind = Kind::start;
  Location where;
  std::vector<std::string> actors;
  std::string role;                   // start
  std::vector<std::string> argv;      // run_tool
  bool if_installed = false;          // run_tool: run ACTOR if installed -- ...: left out where it is not
  std::size_t lines = 10;             // show_file: how many lines shown
  std::string path;                   // expect_file: relative to the scenario's folder
  std::optional<Endpoint> at;         // start ... at HOST:PORT ({host} {port}); udp ... bind HOST:PORT
  std::string hint;                   // advice shown when this step fails (hint "..." before it)
  std::optional<Fact> hint_fact;      // the known mistake its failure shows (hint FACT "...")
  std::string proto;                  // listening, connect
  Endpoint endpoint;                  // listening, connect, sendto
  std::string stream;                 // expect_output: "stdout" or "stderr"
  std::string data;                   // type, send, recv, sendto, recvfrom
  std::optional<std::string> prompt;  // type ... after "PROMPT"
  std::optional<int> exit_code;       // exited: nullopt = any
  int killed_by = 0;                  // exited: wait ACTOR killed SIGNAME (a signal number)
  bool reset = false;                 // close_peer: a reset instead of a FIN
  bool any_data = false;              // recvfrom ACTOR any: whatever datagram comes
  double within_s = 0;                // the deadline of a wait; 0 = the default
  std::optional<double> not_before_s;
  std::vector<PatternGroup> patterns;  // expect_output
  std::string behind;                  // start ... behind LINK: the program runs on the link's far side
  std::size_t slice = 0;               // send ... in slices of N [pause D]: writes of N bytes
  double slice_pause_s = 0;
  std::vector<EventSpec> order;  // expect_order: order[0] comes before order[1]
  std::string from, to;          // expect_overlap: where each conversation's middle begins and ends
  std::size_t at_least = 0;      // expect_overlap: how many at once (0: all the actors)
  double middle_s = 0;           // expect_overlap: a middle shorter than this is not judged (never scaled)
};

struct Scenario {
  std::string path;     // as given
  std::string example;  // ex1 … ex6: the folder
  std::string name;     // ex4/tutorial-run: example/file stem
  std::string title;
  std::vector<std::string> roles;
  std::vector<std::string> tags;
  int points = 1;
  std::vector<std::string> hosts;            // names that resolve to 127.0.0.1 inside the scenario (host NAME)
  std::vector<std::string> needs_installed;  // requires installed NAME: skipped where NAME is not on PATH
  Limits limits;                             // limit NAME VALUE
  bool needs_namespaces = false;             // requires namespaces (or a link): skipped where they are unavailable
  std::vector<LinkSpec> links;               // link NAME udp|tcp HOST:PORT, with its fault lines
  std::optional<std::uint64_t> seed;         // seed N: the loss generator's seed unless --seed gives another
  std::vector<Step> steps;
  /// Whether the scenario puts `role` to the test.
  [[nodiscard]] bool involves(std::string_view role) const;
};

/// The tags a scenario may carry: core (the tutorial's behaviour, whatever a correct program's style),
/// robustness (faults, inputs the tutorial does not describe), transcript (exact output, byte for byte
/// like the tutorial's Python).
const std::vector<std::string>& known_tags();

/// Parses a scenario file's text. Throws ParseError; never anything else on any input.
Scenario parse_scenario(std::string_view text, const std::string& path);
/// Reads and parses a file.
Scenario load_scenario(const std::string& path);

}  // namespace socklab::harness
