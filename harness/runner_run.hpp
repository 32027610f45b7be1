// Inside the runner: `Run`, the context of one scenario's run, which owns its folder, programs, peers,
// links and captures (each undone by its destructor, whichever way the run ends) and follows the steps
// on one event loop. Its members are defined by theme: the run's life in runner.cpp, the step executors
// (exec) in runner_programs.cpp, runner_peers.cpp, runner_expect.cpp and runner_order.cpp, the wire in
// runner_wire.cpp, and what a failing step says in runner_failure.cpp.
#pragma once

#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "child.hpp"
#include "facts.hpp"
#include "isolation.hpp"
#include "link.hpp"
#include "matcher.hpp"
#include "runner.hpp"
#include "sandbox.hpp"
#include "scenario.hpp"
#include "story.hpp"
#include "wire.hpp"

namespace socklab::harness::runner {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using clock_type = std::chrono::steady_clock;

// The text of /proc/net/`table` ("tcp", "udp6", ...) in this network namespace, or in `ns` (a link's far side).
std::string proc_net_table(const std::string& table, const NetNamespace* ns);

// "127.0.0.1:9998, 0.0.0.0:8080": what is bound, for messages about a wrong address ("" when nothing).
// With no `proto`, each entry names its protocol.
std::string bound_summary(std::string_view proto = {}, const NetNamespace* ns = nullptr);

// One of socklab's own peers: a TCP client or server, or a UDP socket, and what has come to it.
struct Peer {
  explicit Peer(asio::io_context& io) : tcp(io), udp(io), acceptor(io) {}
  asio::ip::tcp::socket tcp;
  asio::ip::udp::socket udp;
  asio::ip::tcp::acceptor acceptor;
  bool accepted = false;
  bool connecting = false;  // connect started, outcome not known yet
  std::optional<std::string> connect_error;
  std::optional<asio::ip::udp::endpoint> last_from;  // the sender of the last datagram (reply goes there)
  bool is_udp = false;
  std::string in;         // TCP bytes received and not yet consumed
  std::string last_sent;  // the last bytes this peer sent (does the message end a line?)
  bool closed = false;
  std::string close_reason;
  std::vector<std::string> datagrams;  // UDP datagrams received and not yet consumed
  std::string all;                     // every TCP byte received (capped), for the order of events
  std::vector<std::pair<std::string, std::uint64_t>> all_datagrams;  // each with its event's number
  /// When the peer began its last write (before the bytes went out), cleared by a recv that consumes
  /// what came back: a lower bound (not before D) counts from it, so a late wake-up of socklab's own
  /// loop can only lengthen what it measures, never shorten it.
  std::optional<clock_type::time_point> sent_at;
};

// A step that did not hold: the verdict and what to say.
struct StepFailure {
  StepFailure(Verdict v, std::string m, std::vector<Fact> f = {})
      : verdict(v), message(std::move(m)), facts(std::move(f)) {}
  Verdict verdict;
  std::string message;
  std::vector<Fact> facts;  // what the failure shows about the program (advice is chosen from them)
};

// The scenario's folder: <tmp>/socklab-XXXXXX/ (root's, 0711) holding work/, the run's folder (a copy
// of the submission, owned by the run's user, mode 0700), and root/, where the box's root is mounted.
struct RunFolder {
  std::filesystem::path base, work, tools;

  bool make(const std::string& submission, const Confinement* confinement, std::error_code& ec);
  // The box's root must be unmounted first: what is below root/ is never walked.
  void remove();
  ~RunFolder() { remove(); }
};

class Run {
 public:
  Run(const Scenario& s, const RunOptions& o) : sc_(s), opt_(o), start_(clock_type::now()) {}
  // The run, start to end: its verdict, message, facts and transcript.
  Result execute();

 private:
  // A moment: the event's number, then the offset in its stream (two lines may come in one read).
  using Moment = std::pair<std::uint64_t, std::size_t>;
  // Where each conversation of an overlap stands: past its "A" (began), at its "B" (ended), or broken
  // off; and how many were in the middle at once at best.
  struct Middles {
    explicit Middles(std::size_t n) : began(n), ended(n), broken(n) {}
    std::vector<std::optional<Moment>> began, ended;
    std::vector<bool> broken;  // ended before its A: it can no longer be in the middle
    std::size_t best = 0, middle = 0, waiting = 0, lost = 0;
    std::size_t asked = 0;       // how many must be in the middle at once (ask_at_once)
    std::size_t started = 0;     // how many were connected (or started) when the first had its A
    std::size_t first = 0;       // the first to have its A
    bool one_at_a_time = false;  // a conversation reached its B while no other had begun, others waiting
    bool by_wire = false;        // began, ended and best are the wire's (middles_on_wire)
  };

  // Waits until `ready` holds or the deadline passes; true when it held. Every event (output, a byte or
  // datagram, a fault) and every end of a program wakes the wait at once; between them it polls what
  // sends no event (/proc/net), every 0.5 ms at first (a program binds a few ms after its start: each
  // poll too few is a delay), growing by a quarter to 50 ms, so that a long wait costs little.
  // A guard of more than a second counts only the time the programs could run: when it passes, it is
  // lengthened by as long as the most starved running program has waited for a CPU (a loaded machine,
  // -j 16; counted from its start, and read only then, so that a wait costs nothing while it holds), up
  // to twice itself, so that load alone makes no timeout.
  template <class Pred>
  awaitable<bool> until(Pred ready, clock_type::time_point deadline) {
    asio::steady_timer timer(io_);
    std::chrono::microseconds interval(500);
    const auto guard = deadline - clock_type::now();
    const bool lengthens = guard > std::chrono::seconds(1);
    clock_type::duration granted{};
    for (;;) {
      if (ready()) co_return true;
      const auto now = clock_type::now();
      if (now >= deadline && lengthens) {
        const auto owed = std::min(cpu_waited(), 2 * guard) - granted;
        if (owed > std::chrono::milliseconds(1)) {
          deadline += owed;
          granted += owed;
          event(
              said_note("harness", "note.guard-lengthened",
                        {{"ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(owed).count())}}));
          continue;
        }
      }
      if (now >= deadline) co_return false;
      timer.expires_at(std::min(deadline, now + interval));
      sleepers_.insert(&timer);
      co_await timer.async_wait(asio::as_tuple(use_awaitable));
      sleepers_.erase(&timer);
      interval = std::min<std::chrono::microseconds>(interval * 5 / 4, std::chrono::milliseconds(50));
    }
  }

  // The run's life (runner.cpp)
  [[nodiscard]] std::optional<std::string> reason_to_skip() const;
  void follow_steps();
  void tear_down();
  void judge(Result& r) const;
  void write_transcript(Result& r) const;
  void open_links();
  [[nodiscard]] bool judges_wire() const;
  [[nodiscard]] const NetNamespace* side_of(const std::string& who) const;
  std::uint64_t next_seq();
  [[nodiscard]] std::string time_of(std::uint64_t seq) const;
  void arrived(const std::string& key, std::size_t n);
  [[nodiscard]] std::string guard_text(const Step& step, double default_s = 10.0) const;
  [[nodiscard]] double seconds_since_start() const;
  [[nodiscard]] bool expected_kill(const std::string& name, int sig) const;
  [[nodiscard]] bool all_reaped() const;
  void event(Event e);
  void event(const std::string& actor, std::string text);
  static Event data_event(std::string actor, EventKind kind, std::string bytes, std::string address = {});
  [[nodiscard]] clock_type::time_point deadline_for(const Step& step, double default_s = 10.0) const;
  [[nodiscard]] clock_type::duration cpu_waited() const;
  void wake();
  [[nodiscard]] std::string say(std::string_view id, MessageArgs args = {}) const;
  [[nodiscard]] std::string status_text(const ExitStatus& s) const;
  static Event ended(const std::string& who, const ExitStatus& s);
  Child& child(const Step& step, const std::string& name);
  bool p_is_udp(const Step& step, const std::string& name);
  Peer& peer(const Step& step, const std::string& name);
  awaitable<void> body();
  awaitable<void> run_step(const Step& step);
  static std::string who_of(const Step& step);
  [[nodiscard]] bool shared_network() const;

  // What a failing step says (runner_failure.cpp)
  [[nodiscard]] bool network_lost() const;
  [[nodiscard]] std::string network_story(Verdict v, const std::optional<std::string>& actual_line = {});
  [[nodiscard]] std::string ended_mark(const std::string& who) const;
  [[nodiscard]] std::string network_head() const;
  [[nodiscard]] std::string fault_text(const std::string& what) const;
  [[nodiscard]] std::string dir_text(Direction d) const;
  [[nodiscard]] std::string close_text(const Peer& p) const;
  [[noreturn]] void fail(const Step& step, Verdict v, const std::string& message);
  void defer(const Step& step, const std::string& message);
  StepFailure failure(const Step& step, Verdict v, const std::string& message);
  void noted(Fact f);
  [[nodiscard]] bool under_test_running() const;
  std::vector<Fact> facts_of(const Step& step, Verdict v);
  std::string program_tail(const std::string& name);
  [[nodiscard]] bool went_on_talking(const std::string& who) const;
  std::string hint_buffered(const std::string& who, const Child& c);
  [[nodiscard]] std::string browser_saw(const std::string& out, const std::string& err) const;
  std::string mismatch(const PatternLine& expected, const std::optional<std::string>& actual, const Captures& c);
  std::string hint_for_line(const std::string& expected, const std::string& actual);

  // Programs (runner_programs.cpp)
  Child::Sandbox sandbox_for(const std::vector<std::string>& argv);
  static bool readable_by_others(const std::string& path, bool execute);
  awaitable<void> exec(const Step& step, const steps::Listening& l);
  awaitable<void> exec(const Step& step, const steps::Type& t);
  awaitable<void> wait_for_prompt(const Step& step, const std::string& who, const Child& c, const std::string& prompt);
  awaitable<void> exec(const Step& step, const steps::CloseStdin&);
  awaitable<void> exec(const Step& step, const steps::Stop&);
  awaitable<void> exec(const Step&, const steps::Sleep& s);
  awaitable<void> exec(const Step& step, const steps::Start& s);
  awaitable<void> exec(const Step& step, const steps::RunTool& r);
  std::vector<std::string> program_argv(const Step& step, const std::string& who, const steps::Start& s);
  void launch(const Step& step, const std::string& who, const std::vector<std::string>& argv, const std::string& role,
              const std::string& behind, const std::filesystem::path& folder);
  awaitable<void> exec(const Step& step, const steps::Exited& x);

  // socklab's peers (runner_peers.cpp)
  awaitable<void> exec(const Step& step, const steps::UdpOpen& u);
  awaitable<void> exec(const Step& step, const steps::Send& s);
  awaitable<void> exec(const Step& step, const steps::SendTo& s);
  awaitable<void> exec(const Step& step, const steps::ClosePeer& c);
  awaitable<void> exec(const Step& step, const steps::Listen& l);
  awaitable<void> exec(const Step& step, const steps::Accept&);
  awaitable<void> exec(const Step& step, const steps::Reply& r);
  awaitable<void> exec(const Step& step, const steps::Connect& c);
  awaitable<void> connect_in_background(Peer& p, std::string who, asio::ip::tcp::endpoint to, std::string shown);
  awaitable<Peer*> ready_peer(const Step& step, const std::string& who);
  awaitable<void> exit_seen();
  awaitable<void> tcp_reader(Peer& p, std::string who);
  awaitable<void> accept_one(Peer& p, std::string who);
  awaitable<void> udp_reader(Peer& p, std::string who);

  // Expectations (runner_expect.cpp)
  awaitable<void> exec(const Step& step, const steps::ExpectClosed&);
  awaitable<void> exec(const Step& step, const steps::RecvUntil& r);
  awaitable<void> exec(const Step& step, const steps::ExpectReceived& e);
  awaitable<void> exec(const Step&, const steps::KeepFile& k);
  awaitable<void> exec(const Step& step, const steps::ExpectSilence& s);
  awaitable<void> exec(const Step&, const steps::ShowFile& f);
  awaitable<void> exec(const Step& step, const steps::ExpectFile& f);
  awaitable<void> exec(const Step& step, const steps::ExpectOutput& o);
  void check_not_before(const Step& step, clock_type::time_point began, const std::string& what);
  awaitable<void> exec(const Step& step, const steps::Recv& r);
  awaitable<void> exec(const Step& step, const steps::RecvFrom& r);

  // The order of events and overlaps (runner_order.cpp)
  [[nodiscard]] std::uint64_t arrival_of(const std::string& key, std::size_t offset) const;
  [[nodiscard]] std::optional<Moment> moment(const EventSpec& e) const;
  static bool wire_matches(const Event& seg, const std::string& spec);
  [[nodiscard]] bool can_come(const EventSpec& e) const;
  [[nodiscard]] Moment end_of(const EventSpec& e) const;
  awaitable<void> exec(const Step& step, const steps::ExpectOrder& o);
  void look_at_middles(const std::vector<EventSpec>& from, const std::vector<EventSpec>& to, Middles& m) const;
  void middles_on_wire(const std::vector<std::string>& actors, const std::string& a, const std::string& b, Middles& m,
                       bool drain = true);
  void ask_at_once(const std::vector<std::string>& actors, std::size_t k, Middles& m) const;
  [[nodiscard]] std::int64_t sent_us_of(std::uint64_t seq) const;
  static std::string overlap_names(const std::vector<std::string>& actors);
  awaitable<void> exec(const Step& step, const steps::ExpectOverlap& o);
  void one_after_another(const Step& step, const steps::ExpectOverlap& o, const Middles& m, const std::string& what);

  // The wire (runner_wire.cpp)
  void capture(const std::string& actor, const NetNamespace* ns);
  void told(const std::string& actor, const Segment& seg, std::string from, std::string to);
  [[nodiscard]] WrapperCapture* wrapper_wire() const;
  void capture_wrapper();
  bool own_act(const std::string& writer, const Segment& seg, bool sure);
  void write_captures(const std::string& base);
  static std::string owner_key(bool tcp, std::uint16_t port, const NetNamespace* ns = nullptr);
  std::string owner_of(bool tcp, std::uint16_t port, const NetNamespace* ns);
  std::string process_holding(bool tcp, std::uint16_t port, const NetNamespace* ns);
  std::string group_owner(const std::string& stat) const;

  const Scenario& sc_;
  const RunOptions& opt_;
  clock_type::time_point start_;
  RunFolder folder_;              // first made, last gone: the children and the box are gone before it
  std::unique_ptr<BoxRoot> box_;  // the programs under test's root file system, once one has started
  asio::io_context io_;
  std::filesystem::path dir_;  // the run's own folder (folder_.work), {dir} of the commands
  std::map<std::string, std::unique_ptr<Child>> children_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;
  std::map<std::string, ExitStatus> final_status_;
  std::map<std::string, std::size_t> cursors_;
  std::map<std::string, std::size_t> typed_upto_;
  std::map<std::string, std::string> received_;  // what each peer's last recv until took
  std::set<std::string> under_test_;             // actors running an --impl command
  Captures captures_;
  static constexpr std::size_t kCaptureCap = 16u << 20;        // bytes of packets kept per capture
  static constexpr const char* kSocklab = "socklab";           // the writer of socklab's own wrapper record
  std::map<std::string, std::unique_ptr<WireCapture>> wires_;  // "wire", "wire.<link>": what each loopback carried
  std::map<std::string, std::string> owners_;                  // "tcp:9999" -> the actor holding that port
  struct WireEntry {
    Event segment;
    std::uint64_t seq;     // its moment in the run's order
    std::int64_t sent_us;  // when it was sent, by the capture's clock (the kernel's, or socket_wrapper's)
  };
  std::vector<WireEntry> wire_log_;     // each segment
  Story story_{sc_.limits.output_cap};  // every event of the run, typed
  std::set<Fact> noted_;                // what the step's failure shows so far
  std::string no_wire_why_;             // why the wire is not captured, where it is not
  std::uint64_t seed_ = 1;
  std::map<std::string, std::unique_ptr<NetNamespace>> far_;  // each link's far side
  std::map<std::string, std::unique_ptr<Link>> links_;
  std::map<std::string, std::string> behind_;              // actor -> the link it runs behind
  std::map<std::string, std::string> roles_;               // actor -> the role it plays
  std::set<std::string> absent_;                           // helpers not installed here (run ... if installed)
  std::vector<std::pair<std::string, std::string>> kept_;  // keep file: name, bytes
  std::optional<StepFailure> failure_;
  std::set<asio::steady_timer*> sleepers_;  // the waits in progress (wake() cuts them short)
  // The order of events: every event has a number (seq_, one up each time); a stream's bytes are
  // numbered by the event that brought them, and its end by the moment it was seen to end.
  std::uint64_t seq_ = 0;
  std::vector<double> seq_times_;  // seconds since the start, of each numbered moment
  std::map<std::string, std::vector<std::pair<std::size_t, std::uint64_t>>>
      arrivals_;                                    // "c1.stdout" -> (bytes so far, event)
  std::map<std::string, std::uint64_t> ended_at_;   // "c1.stdout", "peer.received" -> when it ended
  std::map<std::string, std::uint64_t> closed_at_;  // peer -> when the other side closed its connection
  struct Stamp {
    std::uint64_t seq;   // the event's moment
    std::int64_t at_us;  // when, by the system clock (the capture's)
  };
  std::map<std::string, Stamp> started_;    // each program socklab started
  std::map<std::string, Stamp> connected_;  // each actor a SYN-ACK went to, at the first (its sending)
  // An order assertion whose event can no longer come (its program ended): later steps say what went
  // wrong; if none does, this is the verdict at the end.
  std::optional<StepFailure> deferred_;
  bool finished_ = false;
};

}  // namespace socklab::harness::runner
