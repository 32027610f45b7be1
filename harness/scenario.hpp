// A scenario: one file under scenarios/<example>/, a list of steps (actions and expectations) in a
// small line-oriented language documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "facts.hpp"
#include "faults.hpp"
#include "messages.hpp"
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

/// A scenario file that cannot be read: reported as file:line:col: error: message, the message `id` of
/// the catalogue with its fields (told in either language).
class ParseError : public SaidError {
 public:
  ParseError(Location where, const std::string& id, const MessageFields& fields = {});
  /// The field `what`, a phrase of the catalogue ("a byte count"), in both languages.
  static MessageFields noun(const char* what);
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

// The step kinds: one type each, with what that kind of step needs (its actors, deadline and hint are
// the Step's). Their words are in scenarios/README.md.
namespace steps {
struct Start {  // start ACTOR ROLE [at HOST:PORT] [behind LINK]
  std::string role;
  std::optional<Endpoint> at;  // {host} {port} of the command
  std::string behind;          // the program runs on the link's far side
};
struct RunTool {  // run ACTOR [if installed] -- COMMAND ARGS... (a helper such as curl, not a role)
  std::vector<std::string> argv;
  bool if_installed = false;  // left out where it is not installed
};
struct Listening {  // wait ACTOR listening tcp|udp HOST:PORT
  std::string proto;
  Endpoint endpoint;
};
struct Exited {                  // wait ACTOR... exit N|any, or wait ACTOR... killed SIGNAME
  std::optional<int> exit_code;  // nullopt = any
  int killed_by = 0;             // a signal number
};
struct Type {  // type ACTOR [after "PROMPT"] "TEXT"
  std::string data;
  std::optional<std::string> prompt;
};
struct CloseStdin {};  // close ACTOR stdin
struct Stop {};        // stop ACTOR
struct ExpectOutput {  // expect ACTOR stdout|stderr + pattern lines
  std::string stream;  // "stdout" or "stderr"
  std::vector<PatternGroup> patterns;
};
struct Connect {  // connect ACTOR tcp HOST:PORT
  Endpoint endpoint;
};
struct Send {  // send ACTOR DATA [in slices of N [pause D]]
  std::string data;
  std::size_t slice = 0;  // writes of N bytes
  double slice_pause_s = 0;
};
struct Recv {  // recv ACTOR DATA
  std::string data;
};
struct RecvUntil {  // recv ACTOR until "DELIMITER"
  std::string delimiter;
};
struct ExpectReceived {  // expect ACTOR received + pattern lines (what recv until took)
  std::vector<PatternGroup> patterns;
};
struct ExpectClosed {};  // expect ACTOR closed
struct ClosePeer {       // close ACTOR | reset ACTOR
  bool reset = false;    // a reset instead of a FIN
};
struct UdpOpen {  // udp ACTOR [bind HOST:PORT]
  std::optional<Endpoint> at;
};
struct SendTo {  // sendto ACTOR HOST:PORT DATA
  Endpoint endpoint;
  std::string data;
};
struct RecvFrom {  // recvfrom ACTOR DATA | recvfrom ACTOR any
  std::string data;
  bool any_data = false;  // whatever datagram comes
};
struct Reply {  // reply ACTOR DATA (UDP: to whoever sent the last datagram)
  std::string data;
};
struct ExpectSilence {  // expect ACTOR nothing for D
  double for_s = 0;     // never scaled, like `not before`
};
struct Sleep {  // sleep DURATION (a scripted pause, never a readiness wait)
  double seconds = 0;
};
struct Listen {  // listen ACTOR tcp HOST:PORT (socklab plays the server)
  Endpoint endpoint;
};
struct Accept {};    // accept ACTOR
struct ExpectFile {  // expect file "PATH" DATA
  std::string path;  // relative to the scenario's folder
  std::string data;
};
struct ShowFile {  // show file "PATH" [lines N]: its size and first lines, in the transcript
  std::string path;
  std::size_t lines = 10;
};
struct KeepFile {  // keep file "PATH": a file the helper tools made, kept beside the transcript
  std::string path;
};
struct ExpectOrder {  // expect EVENT before EVENT
  EventSpec first, second;
};
struct ExpectOverlap {       // expect overlap [K of] ACTOR... from "A" to "B" [lasting at least D]
  std::string from, to;      // where each conversation's middle begins and ends
  std::size_t at_least = 0;  // how many at once (0: all the actors)
  double middle_s = 0;       // a middle shorter than this is not judged (never scaled)
};
}  // namespace steps

using StepAction =
    std::variant<steps::Start, steps::RunTool, steps::Listening, steps::Exited, steps::Type, steps::CloseStdin,
                 steps::Stop, steps::ExpectOutput, steps::Connect, steps::Send, steps::Recv, steps::RecvUntil,
                 steps::ExpectReceived, steps::ExpectClosed, steps::ClosePeer, steps::UdpOpen, steps::SendTo,
                 steps::RecvFrom, steps::Reply, steps::ExpectSilence, steps::Sleep, steps::Listen, steps::Accept,
                 steps::ExpectFile, steps::ShowFile, steps::KeepFile, steps::ExpectOrder, steps::ExpectOverlap>;

/// One step of a scenario: what every kind shares, and the kind's own.
struct Step {
  Location where;
  std::vector<std::string> actors;     // the first is the one it acts on or judges
  std::string hint;                    // advice shown when this step fails (hint "..." before it)
  std::string hint_zh;                 // the hint in Chinese (hint.zh "..." after it); "": only the English
  std::optional<Fact> hint_fact;       // the known mistake its failure shows (hint FACT "...")
  double within_s = 0;                 // the deadline of a wait; 0 = the default
  std::optional<double> not_before_s;  // a reply that comes sooner fails
  StepAction action;

  /// The kind's own, or nullptr when the step is of another kind.
  template <class Kind>
  [[nodiscard]] const Kind* as() const {
    return std::get_if<Kind>(&action);
  }
  /// The longest the step may take by its own words: its deadline, a sleep or a silence.
  [[nodiscard]] double longest_s() const;
  /// The hint in `lang`: its Chinese where the scenario gives one, else the English.
  [[nodiscard]] const std::string& hint_in(Lang lang) const;
};

struct Scenario {
  std::string path;     // as given
  std::string example;  // ex1 … ex6: the folder
  std::string name;     // ex4/tutorial-run: example/file stem
  std::string title;
  std::string title_zh;  // title.zh TEXT; "": only the English
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
  /// The title in `lang`: its Chinese where the scenario gives one, else the English.
  [[nodiscard]] const std::string& title_in(Lang lang) const;
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
