#include "runner.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "files.hpp"
#include "isolation.hpp"
#include "link.hpp"
#include "matcher.hpp"
#include "proc_net.hpp"
#include "roles.hpp"
#include "socket.hpp"
#include "wire.hpp"
#include "wrapper.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using clock_type = std::chrono::steady_clock;

namespace socklab::harness {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::timeout: return "timeout";
    case Verdict::crash: return "crash";
    case Verdict::error: return "error";
    case Verdict::skip: return "skip";
  }
  return "error";
}

std::string reference_program(const std::string& role, const std::vector<std::string>& dirs) {
  const Role* r = find_role(role);
  if (r == nullptr) return "";
  for (const auto& d : dirs) {
    const auto p = std::filesystem::path(d) / r->reference;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

namespace {

// Where the tutorial's program for `role` listens or connects.
Endpoint tutorial_address(const std::string& role) {
  const Role* r = find_role(role);
  if (r == nullptr) return {"127.0.0.1", 9999};
  return {*r->host != '\0' ? std::string(r->host) : socklab::gethostname(), r->port};
}

// Sockets bound (UDP) or listening (TCP) in this network namespace (or `ns`, a link's far side), from
// /proc/net; `only` limits the reading to "tcp" or "udp".
// Under the wrapper, the sockets of its folder (this scenario's, or the far side's).
std::vector<BoundSocket> bound_sockets(std::string_view only = {}, const NetNamespace* ns = nullptr) {
  std::vector<BoundSocket> out;
  if (in_wrapper_network()) {
    for (auto& s : ns != nullptr ? ns->wrapper()->bound() : wrapper_bound_sockets()) {
      if (only.empty() || s.proto == only) out.push_back(s);
    }
    return out;
  }
  for (const char* table : {"tcp", "udp", "tcp6", "udp6"}) {
    if (!only.empty() && std::string_view(table).substr(0, 3) != only) continue;
    const auto found =
        parse_proc_net(ns != nullptr ? ns->read_proc_net(table) : read_text(std::string("/proc/net/") + table), table);
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// Whether a socket bound to `::` takes IPv4 too. /proc does not show a socket's IPV6_V6ONLY; the
// namespace's default (net.ipv6.bindv6only, 0 on Linux unless changed) is what a program gets unless it
// sets the option, so a `::` socket of a program that turned dual-stack off counts as ready too early.
bool v6_wildcard_takes_v4(const NetNamespace* ns) {
  const std::string v =
      ns != nullptr ? ns->read_sysctl("net/ipv6/bindv6only") : read_text("/proc/sys/net/ipv6/bindv6only");
  return v.empty() || v[0] == '0';
}

// "127.0.0.1:9998, 0.0.0.0:8080": what is bound, for messages about a wrong address ("" when nothing).
// With no `proto`, each entry names its protocol.
std::string bound_summary(std::string_view proto = {}, const NetNamespace* ns = nullptr) {
  std::string out;
  for (const auto& s : bound_sockets(proto, ns)) {
    out += (out.empty() ? "" : ", ") + (proto.empty() ? s.proto + " " : std::string()) + s.to_string();
  }
  return out;
}

// The IPv4 table first, the IPv6 one only when the address is not found there, the sysctl only for a `::`
// socket: each read of a /proc/net table walks the kernel's whole hash table of its protocol.
bool is_bound(const std::string& proto, const Endpoint& e, const NetNamespace* ns = nullptr) {
  if (in_wrapper_network()) {  // the wrapper's sockets, from its folder
    const bool dual_stack = v6_wildcard_takes_v4(ns);
    for (const auto& s : bound_sockets(proto, ns)) {
      if (takes(s, proto, e.host, e.port, dual_stack)) return true;
    }
    return false;
  }
  // The IPv4 table first: a server found there needs no look at the IPv6 one.
  std::optional<bool> dual_stack;
  for (const std::string& table : {proto, proto + "6"}) {
    for (const auto& s :
         parse_proc_net(ns != nullptr ? ns->read_proc_net(table) : read_text("/proc/net/" + table), table)) {
      if (s.ipv6 && s.address == "::" && !dual_stack) dual_stack = v6_wildcard_takes_v4(ns);
      if (takes(s, proto, e.host, e.port, dual_stack.value_or(false))) return true;
    }
  }
  return false;
}

std::string substitute(std::string arg, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values) {
    for (auto pos = arg.find(key); pos != std::string::npos; pos = arg.find(key, pos + value.size())) {
      arg.replace(pos, key.size(), value);
    }
  }
  return arg;
}

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

  bool make(const std::string& submission, const Confinement* confinement, std::error_code& ec) {
    std::string name = (std::filesystem::temp_directory_path() / "socklab-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {  // 0700, a name no other run has
      ec.assign(errno, std::generic_category());
      return false;
    }
    base = name;
    // Others may pass through (not list) to work/, which is the run's user's alone: without the box's
    // own root (SOCKLAB_SANDBOX_OFF=fs) its programs still reach their folder.
    ::chmod(base.c_str(), 0711);
    work = base / "work";
    // The helper tools' own (curl, the browser): they run as socklab's user, so a folder that a program
    // under test may write to (and plant links in) is not where they write.
    tools = base / "tools";
    if (::mkdir(tools.c_str(), 0700) != 0) {
      ec.assign(errno, std::generic_category());
      return false;
    }
    if (submission.empty()) {
      std::filesystem::create_directory(work, ec);
    } else {  // links are copied as links, never followed
      std::filesystem::copy(submission, work,
                            std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks,
                            ec);
    }
    if (ec) return false;
    if (confinement != nullptr && confinement->uid) {  // the programs under test write their files here
      if (!own_tree(work, static_cast<uid_t>(*confinement->uid)) || ::chmod(work.c_str(), 0700) != 0) {
        ec.assign(errno, std::generic_category());
        return false;
      }
    }
    return true;
  }

  // The box's root must be unmounted first: what is below root/ is never walked.
  void remove() {
    if (base.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
    std::filesystem::remove_all(tools, ec);
    ::rmdir((base / "root").c_str());
    ::rmdir(base.c_str());
    base.clear();
  }
  ~RunFolder() { remove(); }
};

class Run {
 public:
  Run(const Scenario& s, const RunOptions& o) : sc_(s), opt_(o), start_(clock_type::now()) {}

  // The run, start to end. What it made (its folder, children, peers, links, the box) is its members'
  // own: whichever way it returns or throws, their destructors undo it, in the reverse of their order.
  Result execute() {
    Result r;
    r.scenario = sc_.name;
    r.tags = sc_.tags;
    r.points = sc_.points;
    r.isolation = opt_.isolation;
    r.role = "reference";
    for (const auto& role : sc_.roles) {
      if (opt_.impls.count(role)) r.role = role;
    }
    std::error_code ec;
    if (!folder_.make(opt_.submission_dir, opt_.confinement, ec)) {
      r.verdict = Verdict::error;
      r.message = say("runner.no-folder", {{"why", ec.message()}});
      return r;
    }
    dir_ = folder_.work;
    if (const auto why = reason_to_skip()) {
      r.verdict = Verdict::skip;
      r.message = *why;
      return r;
    }
    // Never the machine's loopback (none); under the wrapper, what its programs' sockets record.
    if (opt_.wire && in_wrapper_network()) {
      capture_wrapper();
    } else if (opt_.wire && opt_.isolation.rfind("none", 0) != 0) {
      capture("wire", nullptr);
    } else if (opt_.wire) {
      no_wire_why_ = say("runner.wire-none");
    }
    // What the wire decides cannot be decided without it: a skip that says why, never a pass.
    if (judges_wire() && wires_.empty()) {
      r.verdict = Verdict::skip;
      r.message = say("runner.wire-skip", {{"why", no_wire_why_}});
      return r;
    }
    seed_ = opt_.seed ? *opt_.seed : sc_.seed ? *sc_.seed : 1;
    r.seed = seed_;
    try {
      open_links();
    } catch (const std::exception& e) {
      r.verdict = Verdict::error;
      r.message = say("runner.no-link", {{"why", e.what()}});
      links_.clear();
      return r;
    }
    follow_steps();
    tear_down();
    judge(r);
    r.duration_s = seconds_since_start();
    const std::string pcap_base =
        opt_.transcript_dir.empty() ? "" : (std::filesystem::path(opt_.transcript_dir) / sc_.name).string();
    write_captures(pcap_base);
    r.events = story_.events();
    r.transcript = render_transcript(r.events);
    if (!opt_.transcript_dir.empty()) write_transcript(r);
    return r;
  }

 private:
  // Why the scenario cannot be judged here, before anything starts (a skip), or nullopt.
  [[nodiscard]] std::optional<std::string> reason_to_skip() const {
    if (sc_.needs_namespaces && opt_.isolation.rfind("none", 0) == 0) return say("runner.needs-namespaces");
    for (const auto& program : sc_.needs_installed) {
      if (const auto why = in_wrapper_network() ? beyond_wrapper(program) : std::nullopt) return why;
      if (Child::find_program(program, false).empty()) return say("runner.needs-program", {{"program", program}});
    }
    return std::nullopt;
  }

  // The steps on the event loop, bounded as a whole whatever happens inside.
  void follow_steps() {
    asio::co_spawn(io_, body(), [&](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const ParseError& pe) {
        failure_ = StepFailure{Verdict::error, pe.what()};
      } catch (const std::exception& ex) {
        failure_ = StepFailure{Verdict::error, say("runner.could-not-run", {{"why", ex.what()}})};
      }
      finished_ = true;
    });
    // Every wait inside has its own deadline; this one bounds the whole run whatever happens.
    const auto hard_stop = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                                   std::chrono::duration<double>(300 * opt_.time_scale));
    while (!finished_ && clock_type::now() < hard_stop) io_.run_one_for(std::chrono::milliseconds(50));
    if (!finished_) failure_ = StepFailure{Verdict::timeout, say("runner.hard-limit")};
  }

  // Ends what the run started, in order: the programs (their exits and last output let in, bounded),
  // the peers, the box's root, then the folder.
  void tear_down() {
    for (auto& [name, child] : children_) child->kill_group();
    const auto drain = clock_type::now() + std::chrono::milliseconds(500);
    while (clock_type::now() < drain && !all_reaped()) io_.run_one_for(std::chrono::milliseconds(10));
    for (auto& [actor, c] : wires_) c->drain();
    children_.clear();
    if (shared_network()) {
      for (auto& [name, p] : peers_) reset_connection(p->tcp);
    }
    peers_.clear();
    box_.reset();
    folder_.remove();
  }

  // The verdict: the step that failed, else a program killed by a signal nobody expected, else a pass.
  void judge(Result& r) const {
    r.verdict = failure_ ? failure_->verdict : Verdict::pass;
    r.message = failure_ ? failure_->message : "";
    if (failure_) {
      r.facts = failure_->facts;
      return;
    }
    for (const auto& [name, status] : final_status_) {
      if (status.signal != 0 && !status.sent_by_harness && !expected_kill(name, status.signal)) {
        r.verdict = Verdict::crash;
        r.message = say("runner.unexpected-signal", {{"who", name}, {"status", status_text(status)}});
      }
    }
  }

  // <dir>/<example>/<name>.log, and the files kept beside it (ex1/browser.page.png).
  void write_transcript(Result& r) const {
    const auto path = std::filesystem::path(opt_.transcript_dir) / (sc_.name + ".log");
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::string text = "scenario " + sc_.name + " (" + sc_.path + ")\nverdict " + to_string(r.verdict) +
                       "\nisolation " + r.isolation + "\nseed " + std::to_string(r.seed) + "\n\n" + r.transcript;
    if (!r.message.empty()) text += "\n" + r.message + "\n";
    try {
      write_file_atomically(path.string(), text);
      r.transcript_path = path.string();
    } catch (const std::system_error&) {
    }
    for (const auto& [name, bytes] : kept_) {
      const auto beside = std::filesystem::path(opt_.transcript_dir) / (sc_.name + "." + name);
      try {
        write_file_atomically(beside.string(), bytes);
        r.kept_paths.push_back(beside.string());
      } catch (const std::system_error&) {
      }
    }
  }

  // Each link's far side and relay, before the first step: the server started behind it binds the
  // tutorial's address there while the link holds it here.
  void open_links() {
    for (LinkSpec spec : sc_.links) {
      if (opt_.loss && spec.proto == "udp") {
        LossRule rule = spec.loss.value_or(LossRule{});
        rule.rate = *opt_.loss;
        spec.loss = rule;
      }
      if (spec.loss) event(said_note("harness", "note.seed", {{"seed", std::to_string(seed_)}}));
      auto far = std::make_unique<NetNamespace>();
      auto link =
          std::make_unique<Link>(io_, spec, seed_, far.get(), spec.port, [this](Event e) { event(std::move(e)); });
      link->start();
      if (opt_.wire) capture("wire." + spec.name, far.get());
      far_[spec.name] = std::move(far);
      links_[spec.name] = std::move(link);
    }
  }

  [[nodiscard]] bool judges_wire() const {
    return std::any_of(sc_.steps.begin(), sc_.steps.end(), [](const Step& st) {
      const auto* order = st.as<steps::ExpectOrder>();
      return order != nullptr && (order->first.what == "wire" || order->second.what == "wire");
    });
  }

  // The far side `who` runs on, or nullptr when it runs here.
  [[nodiscard]] const NetNamespace* side_of(const std::string& who) const {
    const auto it = behind_.find(who);
    return it == behind_.end() ? nullptr : far_.at(it->second).get();
  }

  // Whether a link lost or held back a datagram: then silence is the network's doing, not buffering.
  [[nodiscard]] bool network_lost() const {
    return std::any_of(links_.begin(), links_.end(), [](const auto& kv) {
      return std::any_of(kv.second->fired().begin(), kv.second->fired().end(),
                         [](const Link::Fired& f) { return f.withheld(); });
    });
  }

  // What the links did, when a step fails with faults fired: the faults, and a hint when the failure
  // is what a fault shows (waiting for ever after a loss; taking a duplicate or a late reply for a new one).
  [[nodiscard]] std::string network_story(Verdict v, const std::optional<std::string>& actual_line = {}) {
    std::string out, facts;
    const Link::Fired* lost = nullptr;
    const Link::Fired* extra = nullptr;
    int shown = 0;
    for (const auto& [name, link] : links_) {
      for (const auto& f : link->fired()) {
        if (f.what == "released") continue;
        if (++shown <= 8) {
          facts += "  " + fault_text(f.what) + " " +
                   (f.index > 0 ? dir_text(f.dir) + " #" + std::to_string(f.index) + " " + preview(f.payload, opt_.lang)
                                : say(f.dir == Direction::request ? "link.to-server" : "link.to-client", {{"n", ""}})) +
                   "\n";
        }
        if (!lost && f.withheld()) lost = &f;
        if (actual_line && !extra && (f.what == "duplicated" || f.what == "held back") &&
            (f.payload == *actual_line || f.payload == *actual_line + "\n")) {
          extra = &f;
        }
      }
    }
    if (shown == 0) return "";
    out = network_head() + facts;
    if (shown > 8) out += say("runner.network-more", {{"count", std::to_string(shown - 8)}});
    std::string waiting;   // a client under test still running: it waits for the reply that was lost
    bool gave_up = false;  // a client under test that ended by itself after the loss
    for (const auto& name : under_test_) {
      const auto it = children_.find(name);
      const auto role = roles_.find(name);
      const bool client = role != roles_.end() && !role->second.empty() && !plays_server(role->second);
      if (it != children_.end() && !it->second->status() && client) waiting = name;
      if (it != children_.end() && it->second->status() && !it->second->status()->sent_by_harness && client)
        gave_up = true;
    }
    if (extra != nullptr) {
      noted(Fact::took_stale_reply);
      out += say(extra->what == "duplicated" ? "runner.hint-duplicate" : "runner.hint-late",
                 {{"payload", preview(extra->payload)},
                  {"dir", dir_text(extra->dir)},
                  {"index", std::to_string(extra->index)}});
    } else if (v == Verdict::timeout && lost != nullptr && !waiting.empty()) {
      noted(Fact::waited_after_loss);
      out += say("runner.hint-lost", {{"who", waiting},
                                      {"fault", fault_text(lost->what)},
                                      {"dir", dir_text(lost->dir)},
                                      {"index", std::to_string(lost->index)},
                                      {"payload", preview(lost->payload)}});
    } else if (lost != nullptr && gave_up) {
      noted(Fact::gave_up_after_loss);
    }
    return out;
  }

  // The sandbox of a program under test: its root file system is laid out when the first one starts,
  // showing, besides the system's folders and the run's own, what the commands name outside them (check
  // --impl "python3 ~/hw/server4.py": that file's folder, read-only). grade's commands may name nothing
  // outside the submission. Throws when a command names what the sandbox will not show.
  Child::Sandbox sandbox_for(const std::vector<std::string>& argv) {
    for (std::size_t k = 0; k < argv.size(); ++k) {
      const std::string& a = argv[k];
      if (a.empty() || a[0] != '/' || in_system_folders(a) || a.rfind(dir_.string() + "/", 0) == 0 ||
          !std::filesystem::exists(a)) {
        continue;
      }
      if (!opt_.submission_dir.empty()) {
        throw std::runtime_error(say("runner.outside-submission", {{"path", a}}));
      }
      if (opt_.confinement->uid && !readable_by_others(a, k == 0)) {
        throw std::runtime_error(say("runner.unreadable", {{"path", a}, {"mode", k == 0 ? "o+rx" : "o+r"}}));
      }
    }
    if (!box_ && opt_.own_mounts && opt_.confinement->defences.fs) {
      std::set<std::string> shown;
      for (const auto& [role, words] : opt_.impls) {
        for (const auto& a : words) {
          std::error_code ec;
          if (a.empty() || a[0] != '/' || !std::filesystem::exists(a, ec)) continue;
          shown.insert(std::filesystem::is_directory(a, ec) ? a : std::filesystem::path(a).parent_path().string());
        }
      }
      box_ = std::make_unique<BoxRoot>(folder_.base / "root", dir_.string(),
                                       std::vector<std::string>(shown.begin(), shown.end()));
    }
    return {opt_.confinement, box_.get()};
  }

  // The file's own mode lets others read it (and run it, for the program itself): through the sandbox's
  // bind of its folder, the folders above it need not be open to others.
  static bool readable_by_others(const std::string& path, bool execute) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    const mode_t need = S_ISDIR(st.st_mode) ? (S_IROTH | S_IXOTH) : execute ? (S_IROTH | S_IXOTH) : S_IROTH;
    return (st.st_mode & need) == need;
  }

  // The next moment in the order of events.
  std::uint64_t next_seq() {
    seq_times_.push_back(seconds_since_start());
    return ++seq_;
  }
  [[nodiscard]] std::string time_of(std::uint64_t seq) const {
    char b[32];
    std::snprintf(b, sizeof b, "%.3f s", seq >= 1 && seq <= seq_times_.size() ? seq_times_[seq - 1] : 0.0);
    return b;
  }

  void arrived(const std::string& key, std::size_t n) {
    auto& log = arrivals_[key];
    log.emplace_back((log.empty() ? 0 : log.back().first) + n, seq_);
  }

  // The event that brought byte `offset` of a stream.
  [[nodiscard]] std::uint64_t arrival_of(const std::string& key, std::size_t offset) const {
    const auto it = arrivals_.find(key);
    if (it == arrivals_.end()) return seq_;
    const auto& log = it->second;
    const auto at = std::upper_bound(log.begin(), log.end(), offset,
                                     [](std::size_t o, const auto& entry) { return o < entry.first; });
    return at == log.end() ? seq_ : at->second;
  }

  // A moment: the event's number, then the offset in its stream (two lines may come in one read).
  using Moment = std::pair<std::uint64_t, std::size_t>;

  // When the event happened, or nullopt while it has not.
  [[nodiscard]] std::optional<Moment> moment(const EventSpec& e) const {
    if (e.what == "wire") {
      for (const auto& [seg, at, sent_us] : wire_log_) {
        if (wire_matches(seg, e.text)) return Moment{at, 0};
      }
      return std::nullopt;
    }
    if (e.what == "closed") {
      const auto it = closed_at_.find(e.actor);
      if (it == closed_at_.end()) return std::nullopt;
      return Moment{it->second, 0};
    }
    const std::string key = e.actor + "." + e.what;
    if (e.what == "received") {
      const Peer& p = *peers_.at(e.actor);
      for (const auto& [d, at] : p.all_datagrams) {
        if (d == e.text) return Moment{at, 0};
      }
      const auto at = p.all.find(e.text);
      if (at == std::string::npos) return std::nullopt;
      return Moment{arrival_of(key, at + e.text.size() - 1), at};
    }
    const Child& c = *children_.at(e.actor);
    const std::string& text = e.what == "stdout" ? c.out() : c.err();
    const bool ended = e.what == "stdout" ? c.out_ended() : c.err_ended();
    for (std::size_t pos = 0; pos < text.size();) {
      const auto nl = text.find('\n', pos);
      if (nl == std::string::npos && !ended) return std::nullopt;  // a line is whole at its newline
      const std::size_t end = nl == std::string::npos ? text.size() : nl;
      if (std::string_view(text).substr(pos, end - pos) == e.text) {
        if (nl != std::string::npos) return Moment{arrival_of(key, nl), pos};
        const auto it = ended_at_.find(key);  // the last line, whole when the stream ended
        return Moment{it == ended_at_.end() ? seq_ : it->second, pos};
      }
      pos = end + 1;
    }
    return std::nullopt;
  }

  // "server → peer FIN" names a segment by its ends and one thing it carried: a flag (SYN, SYN-ACK, FIN,
  // RST, udp), or the start of its bytes as the transcript shows them ("server → peer \"HTTP/1.1").
  static bool wire_matches(const Event& seg, const std::string& spec) {
    const auto arrow = spec.find(" → ");
    const auto space = arrow == std::string::npos ? std::string::npos : spec.find(' ', arrow + 5);
    if (space == std::string::npos) return false;
    const std::string from = spec.substr(0, arrow), to = spec.substr(arrow + 5, space - arrow - 5);
    const std::string word = spec.substr(space + 1);
    if (seg.from != from || seg.to != to) return false;
    if (!word.empty() && word[0] == '"') return seg.size > 0 && visible(seg.bytes).rfind(word, 0) == 0;
    return (word == "SYN" && seg.syn && !seg.ack) || (word == "SYN-ACK" && seg.syn && seg.ack) ||
           (word == "FIN" && seg.fin) || (word == "RST" && seg.rst) || (word == "udp" && !seg.tcp);
  }

  // Whether the event may still happen: its stream is open, its connection not closed.
  [[nodiscard]] bool can_come(const EventSpec& e) const {
    if (e.what == "wire") return !wires_.empty();  // the wire is watched until the run ends
    if (e.what == "closed" || e.what == "received") return !peers_.at(e.actor)->closed;
    return !ended_at_.count(e.actor + "." + e.what);
  }

  // When the stream that would bring the event ended (it can no longer come).
  [[nodiscard]] Moment end_of(const EventSpec& e) const {
    const auto it = ended_at_.find(e.actor + "." + (e.what == "closed" ? std::string("received") : e.what));
    return {it == ended_at_.end() ? seq_ : it->second, std::numeric_limits<std::size_t>::max()};
  }

  [[nodiscard]] std::string guard_text(const Step& step, double default_s = 10.0) const {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", (step.within_s > 0 ? step.within_s : default_s) * opt_.time_scale);
    return say("runner.guard", {{"seconds", b}});
  }

  // expect A before B: decided by the order of the two events, never by the clock (the deadline only
  // ends a run in which neither comes: timeout).
  awaitable<void> exec(const Step& step, const steps::ExpectOrder& o) {
    const EventSpec& a = o.first;
    const EventSpec& b = o.second;
    for (const auto* e : {&a, &b}) {
      if (e->what == "wire") continue;  // a scenario that judges the wire runs only where it is captured
      if (e->what == "stdout" || e->what == "stderr")
        child(step, e->actor);
      else
        peer(step, e->actor);
    }
    std::optional<Moment> at_a, at_b;
    const bool decided = co_await until(
        [&] {
          at_a = moment(a);
          at_b = moment(b);
          return at_a || at_b || !can_come(a);
        },
        deadline_for(step));
    if (at_a && (!at_b || *at_a < *at_b)) {
      event(said_note("harness", "note.in-order", {{"a", a.to_string()}, {"b", b.to_string()}}));
      co_return;
    }
    if (at_b) {
      fail(step, Verdict::fail,
           say("runner.order-first", {{"a", a.to_string()},
                                      {"b", b.to_string()},
                                      {"at", time_of(at_b->first)},
                                      {"rest", at_a ? say("runner.order-other-after", {{"at", time_of(at_a->first)}})
                                                    : say("runner.order-other-not-yet")}}));
    }
    if (!decided) {
      fail(step, Verdict::timeout,
           say("runner.order-neither", {{"a", a.to_string()}, {"b", b.to_string()}, {"guard", guard_text(step)}}));
    }
    defer(step, a.what == "closed" || a.what == "received"
                    ? say("runner.order-closed-without", {{"a", a.to_string()}, {"b", b.to_string()}, {"who", a.actor}})
                    : say("runner.order-ended-without",
                          {{"a", a.to_string()}, {"b", b.to_string()}, {"who", a.actor}, {"stream", a.what}}));
  }

  // Where each conversation of an overlap stands: past its "A" (began), at its "B" (ended), or broken
  // off; and how many were in the middle at once at best.
  struct Middles {
    explicit Middles(std::size_t n) : began(n), ended(n), broken(n) {}
    std::vector<std::optional<Moment>> began, ended;
    std::vector<bool> broken;  // ended before its A: it can no longer be in the middle
    std::size_t best = 0, middle = 0, waiting = 0, lost = 0;
    bool one_at_a_time = false;  // a conversation reached its B while no other had begun, others waiting
    bool by_wire = false;        // began, ended and best are the wire's (middles_on_wire)
  };

  void look_at_middles(const std::vector<EventSpec>& from, const std::vector<EventSpec>& to, Middles& m) const {
    const std::size_t n = from.size();
    for (std::size_t i = 0; i < n; ++i) {
      m.began[i] = moment(from[i]);
      m.ended[i] = m.began[i] ? moment(to[i]) : std::nullopt;
      if (m.began[i] && !m.ended[i] && !can_come(to[i])) m.ended[i] = end_of(to[i]);  // its end is the middle's end
      if (m.began[i] && m.ended[i] && *m.ended[i] < *m.began[i]) m.ended[i] = m.began[i];  // B before A: no middle
      m.broken[i] = !m.began[i] && !can_come(from[i]);
    }
    m.best = m.middle = m.waiting = m.lost = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!m.began[i]) {
        (m.broken[i] ? m.lost : m.waiting) += 1;
        continue;
      }
      if (!m.ended[i]) ++m.middle;
      std::size_t at_once = 0;  // in the middle at the moment i's began
      for (std::size_t j = 0; j < n; ++j) {
        if (m.began[j] && *m.began[j] <= *m.began[i] && (!m.ended[j] || *m.ended[j] > *m.began[i])) ++at_once;
      }
      m.best = std::max(m.best, at_once);
    }
    m.one_at_a_time = false;
    for (std::size_t i = 0; i < n && m.waiting > 0; ++i) {
      if (!m.ended[i] || !moment(to[i])) continue;
      bool alone = true;
      for (std::size_t j = 0; j < n; ++j) alone = alone && (j == i || !m.began[j] || *m.began[j] > *m.ended[i]);
      m.one_at_a_time = m.one_at_a_time || alone;
    }
  }

  // Where the wire was captured, its clock decides: a program's stdout may come late (a loaded machine, a
  // buffer), the segments that brought each actor its A and its B do not. Their moments (the order they
  // were sent in) replace stdout's, and how many were in the middle at once is counted again; nothing
  // changes where the wire does not tell every actor's A and B that stdout told (no capture, a link that
  // slices the lines).
  void middles_on_wire(const std::vector<std::string>& actors, const std::string& a, const std::string& b, Middles& m) {
    if (wires_.empty()) return;
    for (auto& [actor, c] : wires_) c->drain();
    auto brought = [&](const std::string& who, const std::string& text, std::uint64_t after) -> std::optional<Moment> {
      for (const auto& w : wire_log_) {
        if (w.seq > after && w.segment.to == who && w.segment.bytes.find(text) != std::string::npos)
          return Moment{w.seq, 0};
      }
      return std::nullopt;
    };
    const std::size_t n = actors.size();
    std::vector<std::optional<Moment>> began(n), ended(n);
    for (std::size_t i = 0; i < n; ++i) {
      began[i] = brought(actors[i], a, 0);
      if (m.began[i] && !began[i]) return;
      if (began[i]) ended[i] = brought(actors[i], b, began[i]->first);
      if (m.ended[i] && !ended[i]) return;  // its end is not on the wire
    }
    std::size_t best = 0;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t at_once = 0;
      for (std::size_t j = 0; j < n && began[i]; ++j) {
        if (began[j] && *began[j] <= *began[i] && (!ended[j] || *ended[j] > *began[i])) ++at_once;
      }
      best = std::max(best, at_once);
    }
    m.began = std::move(began);
    m.ended = std::move(ended);
    m.best = best;
    m.by_wire = true;
  }

  // When the segment told at moment `seq` was sent (microseconds, the capture's clock).
  [[nodiscard]] std::int64_t sent_us_of(std::uint64_t seq) const {
    const auto it = std::lower_bound(wire_log_.begin(), wire_log_.end(), seq,
                                     [](const WireEntry& w, std::uint64_t s) { return w.seq < s; });
    return it != wire_log_.end() && it->seq == seq ? it->sent_us : 0;
  }

  // c1 c2 c3, or c1 c2 c3 ... c50 for many
  static std::string overlap_names(const std::vector<std::string>& actors) {
    std::string names;
    for (std::size_t i = 0; i < actors.size(); ++i) {
      if (actors.size() > 6 && i >= 3 && i + 1 < actors.size()) {
        if (i == 3) names += " ...";
        continue;
      }
      names += (names.empty() ? "" : " ") + actors[i];
    }
    return names;
  }

  // expect overlap [K of] ACTOR... from "A" to "B": K of the conversations in their middle at once (past
  // A, not yet at B). Decided by the order of the events: it holds at the first moment K are in the
  // middle, and fails at the first moment that can no longer be, or once a whole conversation went by
  // while every other still waited for its A (served one at a time), whatever the clock says.
  awaitable<void> exec(const Step& step, const steps::ExpectOverlap& o) {
    const std::size_t k = o.at_least > 0 ? o.at_least : step.actors.size();
    std::vector<EventSpec> from, to;
    for (const auto& name : step.actors) {
      const bool is_peer = peers_.count(name) > 0;
      if (!is_peer) child(step, name);
      const std::string what = is_peer ? "received" : "stdout";
      from.push_back({name, what, o.from});
      to.push_back({name, what, o.to});
    }
    const std::size_t n = step.actors.size();
    Middles m(n);
    const bool decided = co_await until(
        [&] {
          look_at_middles(from, to, m);
          return m.best >= k || m.middle + m.waiting < k || m.one_at_a_time;
        },
        deadline_for(step));
    middles_on_wire(step.actors, o.from, o.to, m);
    const std::string names = overlap_names(step.actors);
    if (m.best >= k) {
      event(said_note("harness", m.by_wire ? "note.overlap-on-wire" : "note.overlap",
                      {{"best", std::to_string(m.best)}, {"names", names}}));
      co_return;
    }
    const std::string what = say(k == n ? "runner.overlap-all" : "runner.overlap-some", {{"k", std::to_string(k)},
                                                                                         {"n", std::to_string(n)},
                                                                                         {"names", names},
                                                                                         {"from", visible(o.from)},
                                                                                         {"to", visible(o.to)}});
    if (!decided)
      fail(step, Verdict::timeout, say("runner.overlap-undecided", {{"what", what}, {"guard", guard_text(step)}}));
    if (m.lost > 0 && m.middle + m.waiting + m.lost >= k && !m.one_at_a_time) {  // one broke off: its output tells more
      std::string ended_early;
      for (std::size_t i = 0; i < n; ++i) {
        if (m.broken[i]) ended_early += " " + step.actors[i];
      }
      defer(step, say("runner.overlap-broken", {{"what", what}, {"from", visible(o.from)}, {"names", ended_early}}));
      co_return;
    }
    one_after_another(step, o, m, what);
  }

  // The conversations came one after another (too few at once): fails, with a witness (the first
  // conversation to end, and one that had not begun by then), unless the middles were too short to judge.
  void one_after_another(const Step& step, const steps::ExpectOverlap& o, const Middles& m, const std::string& what) {
    const std::size_t n = step.actors.size();
    std::size_t first_end = n, late = n;
    for (std::size_t i = 0; i < n; ++i) {
      if (m.ended[i] && (first_end == n || *m.ended[i] < *m.ended[first_end])) first_end = i;
    }
    for (std::size_t i = 0; i < n && first_end < n; ++i) {
      if (!m.began[i] || *m.began[i] > *m.ended[first_end]) {
        late = i;
        break;
      }
    }
    if (first_end < n && o.middle_s > 0) {  // too short a middle: nothing to see (the pause's own scenario)
      const auto b0 = m.began[first_end]->first, e0 = m.ended[first_end]->first;
      const double lasted = m.by_wire ? static_cast<double>(sent_us_of(e0) - sent_us_of(b0)) / 1e6
                                      : seq_times_[e0 - 1] - seq_times_[b0 - 1];
      if (lasted < o.middle_s) {
        event(said_note("harness", "note.overlap-not-judged",
                        {{"who", step.actors[first_end]},
                         {"lasted", fmt::format("{:.3f}", lasted)},
                         {"least", fmt::format("{:.3f}", o.middle_s)}}));
        return;
      }
    }
    std::string msg = say(m.best == 1 ? "runner.overlap-at-most-one" : "runner.overlap-at-most",
                          {{"what", what}, {"best", std::to_string(m.best)}});
    if (first_end < n && late < n) {
      msg += say(m.began[late] ? "runner.overlap-witness" : "runner.overlap-witness-not-yet",
                 {{"first", step.actors[first_end]},
                  {"to", visible(o.to)},
                  {"ended", time_of(m.ended[first_end]->first)},
                  {"late", step.actors[late]},
                  {"from", visible(o.from)},
                  {"began", m.began[late] ? time_of(m.began[late]->first) : std::string()}});
    }
    if (m.best <= 1) {
      noted(Fact::served_serially);
      msg += say("runner.served-serially");
    }
    fail(step, Verdict::fail, msg);
  }

  [[nodiscard]] double seconds_since_start() const {
    return std::chrono::duration<double>(clock_type::now() - start_).count();
  }

  // Whether the scenario waits for `name` to be killed by `sig` (wait ACTOR killed SIGNAME).
  [[nodiscard]] bool expected_kill(const std::string& name, int sig) const {
    return std::any_of(sc_.steps.begin(), sc_.steps.end(), [&](const Step& st) {
      const auto* exited = st.as<steps::Exited>();
      return exited != nullptr && exited->killed_by == sig &&
             std::find(st.actors.begin(), st.actors.end(), name) != st.actors.end();
    });
  }

  [[nodiscard]] bool all_reaped() const {
    for (const auto& [n, c] : children_) {
      if (!c->status() || !c->out_ended() || !c->err_ended()) return false;
    }
    return true;
  }

  void event(Event e) {
    next_seq();
    wake();
    e.t = seconds_since_start();
    if (opt_.live && (opt_.live_wire || e.actor.rfind("wire", 0) != 0)) {
      const std::string line = render_line(e, opt_.lang);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fflush(stdout);
    }
    story_.add(std::move(e));
  }
  void event(const std::string& actor, std::string text) { event(note(actor, std::move(text))); }
  static Event data_event(std::string actor, EventKind kind, std::string bytes, std::string address = {}) {
    Event e = note(std::move(actor), {});
    e.kind = kind;
    e.bytes = std::move(bytes);
    e.address = std::move(address);
    return e;
  }

  // Captures the loopback of `ns` (nullptr: the scenario's own): each segment becomes an event of `actor`
  // between the actors that own its ports. Where the kernel refuses a packet socket, the run goes on and
  // the transcript says so.
  void capture(const std::string& actor, const NetNamespace* ns) {
    try {
      wires_[actor] = std::make_unique<Capture>(
          io_, ns,
          [this, actor, ns](const Segment& seg) {
            told(actor, seg, owner_of(seg.tcp, seg.from_port, ns), owner_of(seg.tcp, seg.to_port, ns));
          },
          kCaptureCap);
    } catch (const std::system_error& e) {
      no_wire_why_ = e.what();
      event(said_note("harness", "note.no-capture", {{"why", no_wire_why_}}));
    }
  }

  // A segment as an event of `actor` between the actors `from` and `to`.
  void told(const std::string& actor, const Segment& seg, std::string from, std::string to) {
    Event e = segment_event(seg);
    if (describe_segment(e).empty()) return;  // a pure ACK: in the pcap, folded here
    e.actor = actor;
    e.from = std::move(from);
    e.to = std::move(to);
    wire_log_.push_back(WireEntry{e, next_seq(), seg.at_us});
    event(std::move(e));
  }

  // The wrapper's record of the wire, where it is kept.
  [[nodiscard]] WrapperCapture* wrapper_wire() const {
    const auto it = wires_.find("wire");
    return it == wires_.end() ? nullptr : dynamic_cast<WrapperCapture*>(it->second.get());
  }

  // Under the wrapper: socklab (its peers) and each program write their own record of their sockets
  // (WrapperCapture); a link's two sides would share socklab's one record, so a scenario with a link has
  // no wire here.
  void capture_wrapper() {
    if (!sc_.links.empty()) {
      no_wire_why_ = say("runner.wire-wrapper-link");
      event(said_note("harness", "note.no-capture", {{"why", no_wire_why_}}));
      return;
    }
    try {
      const char* dir = std::getenv("SOCKET_WRAPPER_DIR");
      auto c = std::make_unique<WrapperCapture>(
          io_, dir != nullptr ? dir : "",
          [this](const std::string& writer, const Segment& seg, bool sure) { return own_act(writer, seg, sure); },
          kCaptureCap);
      // socket_wrapper reads the variable at this process's first packet, which is still to come.
      ::setenv("SOCKET_WRAPPER_PCAP_FILE", c->file_for(kSocklab).c_str(), 1);
      wires_["wire"] = std::move(c);
    } catch (const std::system_error& e) {
      no_wire_why_ = e.what();
      event(said_note("harness", "note.no-capture", {{"why", no_wire_why_}}));
    }
  }

  // Whether a record that `writer` made is its own act (tells it, and keeps it for the pcap) rather than
  // its note of what another did: what it received, the peer's end of a connection it closed. One end of
  // each record is the writer's; the other's owner is looked up, and an end whose owner is gone is the
  // writer's when the other end is not. The handshake is one exception: the connecting side records all
  // three segments when connect returns, which is when TCP sends them; the accepting side's record comes
  // whenever it accepts, and is not kept. A TCP stream's new bytes and its end are the other (`sure`):
  // told from whichever record holds them first.
  bool own_act(const std::string& writer, const Segment& seg, bool sure) {
    auto mine = [&](const std::string& who) {
      if (writer != kSocklab) return who == writer;
      return who == kSocklab || peers_.count(who) > 0;
    };
    std::string from = owner_of(seg.tcp, seg.from_port, nullptr), to = owner_of(seg.tcp, seg.to_port, nullptr);
    const bool known_from = from[0] != ':', known_to = to[0] != ':';
    if (!known_from && known_to && !mine(to) && writer != kSocklab)
      from = owners_[owner_key(seg.tcp, seg.from_port)] = writer;
    if (!known_to && known_from && !mine(from) && writer != kSocklab)
      to = owners_[owner_key(seg.tcp, seg.to_port)] = writer;
    const bool sent = sure || (seg.tcp && seg.syn && seg.ack ? mine(to) : mine(from) || (!known_from && !mine(to)));
    if (sent) told("wire", seg, from, to);
    return sent;
  }

  void write_captures(const std::string& base) {
    for (const auto& [actor, c] : wires_) {
      c->drain();  // what the end of the run sent: the peers' closes
      MessageFields fields = {{"packets", std::to_string(c->packets())}};
      auto part = [&](const char* name, const char* id, const MessageFields& f) {
        const auto both = said_field(name, id, f);
        fields.insert(fields.end(), both.begin(), both.end());
      };
      if (const std::size_t lost = c->lost(); lost > 0)
        part("lost", "note.capture-lost", {{"n", std::to_string(lost)}});
      if (c->dropped() > 0) {
        part("cut", "note.capture-cut",
             {{"mib", std::to_string(kCaptureCap >> 20)}, {"n", std::to_string(c->dropped())}});
      }
      if (!base.empty()) {
        const std::string path = base + (actor == "wire" ? "" : actor.substr(4)) + ".pcap";
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
        try {
          write_file_atomically(path, c->pcap());
          part("file", "note.capture-file", {{"file", std::filesystem::path(path).filename().string()}});
        } catch (const std::system_error& e) {
          part("file", "note.capture-no-pcap", {{"why", e.what()}});
        }
      }
      for (const char* name : {"lost", "cut", "file"}) {
        if (std::none_of(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name; })) {
          fields.emplace_back(name, "");
        }
      }
      event(said_note(actor, "note.capture", std::move(fields)));
    }
  }

  // Which actor holds the local `port` (in `ns`, or here): socklab's own peers, else the process whose
  // descriptor is that socket (found through /proc: the scenario's PID namespace holds only its own).
  static std::string owner_key(bool tcp, std::uint16_t port, const NetNamespace* ns = nullptr) {
    return std::string(tcp ? "tcp" : "udp") + ":" + std::to_string(port) + (ns ? "far" : "");
  }

  std::string owner_of(bool tcp, std::uint16_t port, const NetNamespace* ns) {
    const std::string key = owner_key(tcp, port, ns);
    if (const auto it = owners_.find(key); it != owners_.end()) return it->second;
    std::string owner;
    for (const auto& [name, p] : peers_) {
      boost::system::error_code ec;
      const bool mine = tcp ? (p->tcp.is_open() && p->tcp.local_endpoint(ec).port() == port && !ec) ||
                                  (p->acceptor.is_open() && p->acceptor.local_endpoint(ec).port() == port && !ec)
                            : p->udp.is_open() && p->udp.local_endpoint(ec).port() == port && !ec;
      if (mine) owner = name;
    }
    if (owner.empty()) owner = process_holding(tcp, port, ns);
    if (owner.empty()) return ":" + std::to_string(port);  // gone before it was looked at
    owners_[key] = owner;
    return owner;
  }

  std::string process_holding(bool tcp, std::uint16_t port, const NetNamespace* ns) {
    std::set<std::string> inodes;
    if (in_wrapper_network()) {  // the wrapper's UNIX socket files: one per port
      const char* dir = std::getenv("SOCKET_WRAPPER_DIR");
      const std::string folder = ns != nullptr ? ns->wrapper()->dir() : dir != nullptr ? dir : "";
      for (auto& i : wrapper_socket_inodes(read_text("/proc/net/unix"), folder, tcp, port)) inodes.insert(i);
    }
    for (const char* table : {tcp ? "tcp" : "udp", tcp ? "tcp6" : "udp6"}) {
      if (in_wrapper_network()) break;
      std::istringstream in(ns != nullptr ? ns->read_proc_net(table) : read_text(std::string("/proc/net/") + table));
      std::string line;
      std::getline(in, line);
      while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        f >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        const auto colon = local.rfind(':');
        if (colon != std::string::npos && std::stoul(local.substr(colon + 1), nullptr, 16) == port) {
          inodes.insert("socket:[" + inode + "]");
        }
      }
    }
    if (inodes.empty()) return "";
    std::error_code ec;
    for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
      const std::string pid = proc.path().filename().string();
      if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
      std::error_code fd_ec;
      for (const auto& fd : std::filesystem::directory_iterator(proc.path() / "fd", fd_ec)) {
        if (!inodes.count(std::filesystem::read_symlink(fd.path(), fd_ec).string())) continue;
        if (std::stoi(pid) == ::getpid()) return links_.size() == 1 ? links_.begin()->first : "socklab";  // a relay
        return group_owner(read_text((proc.path() / "stat").string()));
      }
    }
    return "";
  }

  // The actor whose process group a process is in (its program, or what that program started), from
  // /proc/PID/stat: "pid (name) state ppid pgrp ...".
  std::string group_owner(const std::string& stat) const {
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return "";
    std::istringstream rest(stat.substr(close + 1));
    std::string state, ppid, pgrp;
    rest >> state >> ppid >> pgrp;
    for (const auto& [name, c] : children_) {
      if (std::to_string(c->pid()) == pgrp) return name;
    }
    return "";
  }

  [[nodiscard]] clock_type::time_point deadline_for(const Step& step, double default_s = 10.0) const {
    const double s = (step.within_s > 0 ? step.within_s : default_s) * opt_.time_scale;
    return clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
  }

  // Waits until `ready` holds or the deadline passes; true when it held. Every event (output, a byte or
  // datagram, a fault) and every end of a program wakes the wait at once; between them it polls what
  // sends no event (/proc/net), every 0.5 ms at first (a program binds a few ms after its start: each
  // poll too few is a delay), growing by a quarter to 50 ms, so that a long wait costs little.
  template <class Pred>
  // A guard of more than a second counts only the time the programs could run: when it passes, it is
  // lengthened by as long as the most starved running program waited for a CPU meanwhile (a loaded
  // machine, -j 16), up to twice itself, so that load alone makes no timeout.
  awaitable<bool> until(Pred ready, clock_type::time_point deadline) {
    asio::steady_timer timer(io_);
    std::chrono::microseconds interval(500);
    const auto guard = deadline - clock_type::now();
    const bool lengthens = guard > std::chrono::seconds(1);
    const auto waits_before = lengthens ? cpu_waits() : std::map<int, std::uint64_t>{};
    clock_type::duration granted{};
    for (;;) {
      if (ready()) co_return true;
      const auto now = clock_type::now();
      if (now >= deadline && lengthens) {
        const auto owed = std::min(cpu_wait_since(waits_before), 2 * guard) - granted;
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

  // Each running program's wait for a CPU so far, by pid.
  [[nodiscard]] std::map<int, std::uint64_t> cpu_waits() const {
    std::map<int, std::uint64_t> waits;
    for (const auto& [name, c] : children_) {
      if (!c->status()) waits[c->pid()] = runqueue_wait_ns(c->pid());
    }
    return waits;
  }
  // How much longer the most starved running program has waited for a CPU than it had at `before` (from
  // its start, for one started since).
  [[nodiscard]] clock_type::duration cpu_wait_since(const std::map<int, std::uint64_t>& before) const {
    std::uint64_t most = 0;
    for (const auto& [pid, ns] : cpu_waits()) {
      const auto it = before.find(pid);
      const std::uint64_t base = it == before.end() ? 0 : it->second;
      most = std::max(most, ns > base ? ns - base : 0);
    }
    return std::chrono::duration_cast<clock_type::duration>(std::chrono::nanoseconds(most));
  }

  // Something happened: every wait looks again.
  void wake() {
    for (auto* t : sleepers_) t->cancel();
  }

  // A sentence of the catalogue in the run's language.
  [[nodiscard]] std::string say(std::string_view id, MessageArgs args = {}) const {
    return harness::say(opt_.lang, id, args);
  }
  // How a program ended, in the run's language (the transcript keeps ExitStatus::to_string).
  [[nodiscard]] std::string status_text(const ExitStatus& s) const {
    if (s.signal == 0) return say("status.exit", {{"code", std::to_string(s.code)}});
    const std::string full = s.to_string();  // "killed by SIGSEGV[ (sent by socklab)]": the name is its third word
    const std::string name = full.substr(10, full.find(' ', 10) - 10);
    return say(s.sent_by_harness ? "status.killed-by-socklab" : "status.killed", {{"signal", name}});
  }
  // A program's end as the transcript tells it.
  static Event ended(const std::string& who, const ExitStatus& s) {
    if (s.signal == 0) return said_status(who, "status.exit", {{"code", std::to_string(s.code)}});
    const std::string full = s.to_string();  // "killed by SIGSEGV[ (sent by socklab)]": the name is its third word
    return said_status(who, s.sent_by_harness ? "status.killed-by-socklab" : "status.killed",
                       {{"signal", full.substr(10, full.find(' ', 10) - 10)}});
  }
  // "c1 ended: ", the mark that a program's end was told once.
  [[nodiscard]] std::string ended_mark(const std::string& who) const { return say("runner.ended", {{"who", who}}); }
  [[nodiscard]] std::string network_head() const { return say("runner.network", {{"seed", std::to_string(seed_)}}); }
  [[nodiscard]] std::string fault_text(const std::string& what) const {
    return has_message("runner.fault." + what) ? say("runner.fault." + what) : what;
  }
  [[nodiscard]] std::string dir_text(Direction d) const { return say(std::string("runner.dir.") + to_string(d)); }
  // Why a peer's connection closed: socklab's own words translated, the system's kept.
  [[nodiscard]] std::string close_text(const Peer& p) const {
    if (p.close_reason == "closed by the other side") return say("runner.closed-by-other-side");
    if (p.close_reason == "never opened") return say("runner.never-opened");
    return p.close_reason;
  }

  [[noreturn]] void fail(const Step& step, Verdict v, const std::string& message) { throw failure(step, v, message); }

  // A failure kept for the end of the run, unless a later step fails first.
  void defer(const Step& step, const std::string& message) {
    event(said_note("harness", "note.not-decided", {{"message", message.substr(0, message.find('\n'))}}));
    if (!deferred_) deferred_ = failure(step, Verdict::fail, message);
  }

  StepFailure failure(const Step& step, Verdict v, const std::string& message) {
    std::string text = say("runner.step-error", {{"where", step.where.to_string()}, {"message", message}});
    if (!text.empty() && text.back() != '\n') text += '\n';
    // A program under test that has already ended is often the whole story: say how, once.
    for (const auto& name : under_test_) {
      const auto it = children_.find(name);
      if (it != children_.end() && it->second->status() && text.find(ended_mark(name)) == std::string::npos) {
        text += program_tail(name);
      }
    }
    if (text.find(network_head()) == std::string::npos) text += network_story(v);
    if (!step.hint.empty()) text += say("runner.hint", {{"hint", step.hint_in(opt_.lang)}});
    return StepFailure{v, text, facts_of(step, v)};
  }

  void noted(Fact f) { noted_.insert(f); }
  [[nodiscard]] bool under_test_running() const {
    return std::any_of(under_test_.begin(), under_test_.end(), [&](const std::string& n) {
      const auto it = children_.find(n);
      return it != children_.end() && !it->second->status();
    });
  }
  // The facts the current step's failure has shown, its scenario's own among them: the mistake a hint
  // names is what a wrong answer shows, not a hang (timeout).
  std::vector<Fact> facts_of(const Step& step, Verdict v) {
    if (step.hint_fact && v == Verdict::fail) noted(*step.hint_fact);
    return {noted_.begin(), noted_.end()};
  }

  Child& child(const Step& step, const std::string& name) {
    const auto it = children_.find(name);
    if (it == children_.end()) fail(step, Verdict::error, say("runner.not-a-program", {{"who", name}}));
    return *it->second;
  }

  bool p_is_udp(const Step& step, const std::string& name) { return peer(step, name).is_udp; }

  Peer& peer(const Step& step, const std::string& name) {
    const auto it = peers_.find(name);
    if (it == peers_.end()) fail(step, Verdict::error, say("runner.not-a-peer", {{"who", name}}));
    return *it->second;
  }

  std::string program_tail(const std::string& name) {
    const Child& c = *children_.at(name);
    std::string s;
    if (c.status()) s += ended_mark(name) + status_text(*c.status()) + "\n";
    if (c.status() && c.status()->signal != 0) noted(Fact::crashed);
    const auto facts = facts_in_stderr(c.err());
    for (const Fact f : facts) noted(f);
    const auto role = roles_.find(name);  // a server that loops for ever, ended by itself without dying
    const Role* row = role == roles_.end() ? nullptr : find_role(role->second);
    if (row && row->serves_forever && under_test_.count(name) && c.status() && !c.status()->sent_by_harness &&
        c.status()->signal == 0 && std::find(facts.begin(), facts.end(), Fact::crashed) == facts.end())
      noted(Fact::server_ended);
    if (!c.err().empty()) {
      const std::string_view err = before_the_stop(c.err());
      s += say("runner.stderr-tail",
               {{"who", name}, {"text", visible(err.substr(err.size() > 600 ? err.size() - 600 : 0))}});
    }
    if (c.err().find("Connection refused") != std::string::npos ||
        c.err().find("ConnectionRefused") != std::string::npos) {
      const std::string listening = bound_summary();
      s += say(listening.empty() ? "runner.hint-refused" : "runner.hint-refused-listening",
               {{"who", name}, {"listening", listening}});
    }
    return s;
  }

  awaitable<void> body() {
    try {
      for (const auto& step : sc_.steps) co_await run_step(step);
      if (deferred_) failure_ = deferred_;
    } catch (const StepFailure& f) {
      failure_ = f;
    }
    // Stop what is still running: its exit status is not judged.
    for (auto& [name, c] : children_) {
      if (!c->status()) {
        event(said_status(name, "status.stop-end"));
        co_await c->stop(std::chrono::milliseconds(static_cast<long>(500 * opt_.time_scale)));
      }
      if (c->status()) final_status_[name] = *c->status();
    }
    for (auto& [name, link] : links_) link->close();
    // A pipe's last bytes may come after its program's exit: what it died of is in them.
    co_await until(
        [&] {
          return std::all_of(children_.begin(), children_.end(),
                             [](const auto& c) { return c.second->out_ended() && c.second->err_ended(); });
        },
        clock_type::now() + std::chrono::milliseconds(static_cast<long>(200 * opt_.time_scale)));
    // A program under test that ended by itself, or died of an error while the failing step went on,
    // seen only after that step: say so too. Whether socklab saw its exit before stopping it depends on
    // timing; a traceback in its stderr does not.
    if (failure_) {
      for (const auto& name : under_test_) {
        const auto it = final_status_.find(name);
        const bool by_itself = it != final_status_.end() && !it->second.sent_by_harness;
        const auto child = children_.find(name);
        if (child == children_.end()) continue;
        const auto died = facts_in_stderr(child->second->err());
        if ((by_itself || std::find(died.begin(), died.end(), Fact::crashed) != died.end()) &&
            failure_->message.find(ended_mark(name)) == std::string::npos) {
          noted_.clear();
          failure_->message += program_tail(name);
          for (const Fact f : noted_) {  // what it died of is part of the failure's story too
            if (std::find(failure_->facts.begin(), failure_->facts.end(), f) == failure_->facts.end())
              failure_->facts.push_back(f);
          }
        }
      }
    }
    finished_ = true;
  }

  // One step: its kind's own executor (exec), after what every step shares.
  awaitable<void> run_step(const Step& step) {
    if (std::any_of(step.actors.begin(), step.actors.end(), [&](const std::string& a) { return absent_.count(a); }))
      co_return;     // a helper that is not installed here: its steps are left out (said when it was to start)
    noted_.clear();  // what an earlier step's messages showed is not this step's story
    co_await std::visit([&](const auto& kind) { return exec(step, kind); }, step.action);
  }

  // The actor a step acts on or judges ("harness" for a step of none).
  static std::string who_of(const Step& step) { return step.actors.empty() ? std::string("harness") : step.actors[0]; }

  awaitable<void> exec(const Step& step, const steps::Listening& l) {
    const std::string who = who_of(step);
    event(said_note(who, "note.waiting-bound", {{"proto", l.proto}, {"at", l.endpoint.to_string()}}));
    const NetNamespace* side = side_of(who);
    bool bound = false;
    const bool ok = co_await until(
        [&] { return (bound = is_bound(l.proto, l.endpoint, side)) || children_.at(who)->status().has_value(); },
        deadline_for(step));
    if (ok && bound) {
      event(said_status(who, "status.ready", {{"proto", l.proto}, {"at", l.endpoint.to_string()}}));
      co_return;
    }
    noted(Fact::nothing_listens);
    std::string msg = say("runner.nothing-listens", {{"proto", l.proto}, {"at", l.endpoint.to_string()}});
    const std::string others = bound_summary(l.proto, side);
    if (!others.empty()) msg += say("runner.server-listens-on", {{"others", others}});
    msg += "\n" + program_tail(who);
    fail(step, children_.at(who)->status() ? Verdict::fail : Verdict::timeout, msg);
  }

  awaitable<void> exec(const Step& step, const steps::Type& t) {
    const std::string who = who_of(step);
    Child& c = child(step, who);
    if (t.prompt) co_await wait_for_prompt(step, who, c, *t.prompt);
    event(data_event(who, EventKind::input, t.data + "\n"));
    c.write_stdin(t.data + "\n");
  }

  // type ... after "PROMPT": the prompt, printed since the last one typed after.
  awaitable<void> wait_for_prompt(const Step& step, const std::string& who, const Child& c, const std::string& prompt) {
    auto& seen = typed_upto_[who];
    const bool ok = co_await until([&] { return c.out().find(prompt, seen) != std::string::npos || c.out_ended(); },
                                   deadline_for(step));
    const auto at = c.out().find(prompt, seen);
    if (ok && at != std::string::npos) {
      seen = at + prompt.size();
      co_return;
    }
    noted(Fact::no_prompt);
    if (c.status()) {  // it ended before prompting: its exit and stderr are the story, not the prompt
      const std::string told = program_tail(who);
      throw StepFailure{
          Verdict::fail,
          say("runner.step-error",
              {{"where", step.where.to_string()},
               {"message",
                say("runner.ended-before-prompt",
                    {{"who", who}, {"prompt", visible(prompt)}, {"printed", visible(c.out().substr(seen))}})}}) +
              told,
          facts_of(step, Verdict::fail)};
    }
    fail(step, ok ? Verdict::fail : Verdict::timeout,
         say("runner.waited-prompt",
             {{"prompt", visible(prompt)}, {"who", who}, {"printed", visible(c.out().substr(seen))}}) +
             (c.out().size() == seen && under_test_.count(who) && !network_lost() ? hint_buffered(who, c) : "") + "\n" +
             program_tail(who));
  }

  awaitable<void> exec(const Step& step, const steps::CloseStdin&) {
    const std::string who = who_of(step);
    event(said_note(who, "note.stdin-closed"));
    child(step, who).close_stdin();
    co_return;
  }

  awaitable<void> exec(const Step& step, const steps::Stop&) {
    const std::string who = who_of(step);
    event(said_status(who, "status.stop-ladder"));
    co_await child(step, who).stop(std::chrono::milliseconds(static_cast<long>(1000 * opt_.time_scale)));
    event(ended(who, *child(step, who).status()));
  }

  awaitable<void> exec(const Step& step, const steps::UdpOpen& u) {
    const std::string who = who_of(step);
    auto p = std::make_unique<Peer>(io_);
    p->is_udp = true;
    p->udp.open(asio::ip::udp::v4());
    boost::system::error_code ec;
    const asio::ip::udp::endpoint at(asio::ip::make_address(u.at ? u.at->host : "127.0.0.1"), u.at ? u.at->port : 0);
    p->udp.bind(at, ec);
    if (ec)
      fail(step, Verdict::error,
           say("runner.cannot-bind-udp", {{"at", u.at ? u.at->to_string() : ""}, {"why", ec.message()}}));
    event(said_note(who, "note.udp-socket", {{"port", std::to_string(p->udp.local_endpoint().port())}}));
    asio::co_spawn(io_, udp_reader(*p, who), asio::detached);
    peers_[who] = std::move(p);
    co_return;
  }

  awaitable<void> exec(const Step& step, const steps::Send& s) {
    const std::string who = who_of(step);
    Peer& p = *co_await ready_peer(step, who);
    const std::size_t piece = s.slice > 0 ? s.slice : s.data.size();
    p.last_sent = s.data;
    Event sent = data_event(who, EventKind::send, s.data.substr(0, 80));
    sent.size = s.data.size();
    sent.slice = s.slice;
    event(std::move(sent));
    boost::system::error_code ignored;
    if (s.slice > 0) p.tcp.set_option(asio::ip::tcp::no_delay(true), ignored);  // one segment per write
    asio::steady_timer pause(io_);
    for (std::size_t off = 0; off < s.data.size() || off == 0; off += piece) {
      if (off > 0 && s.slice_pause_s > 0) {
        pause.expires_after(std::chrono::microseconds(static_cast<long>(s.slice_pause_s * 1e6)));
        co_await pause.async_wait(asio::as_tuple(use_awaitable));
      }
      p.sent_at = clock_type::now();
      auto [ec, n] = co_await asio::async_write(p.tcp, asio::buffer(std::string_view(s.data).substr(off, piece)),
                                                asio::as_tuple(use_awaitable));
      if (ec) {
        event(said_note(who, "note.send-failed", {{"n", std::to_string(off + n)}, {"why", ec.message()}}));
        break;
      }
      if (s.data.empty()) break;
    }
  }

  awaitable<void> exec(const Step& step, const steps::SendTo& s) {
    const std::string who = who_of(step);
    Peer& p = peer(step, who);
    const asio::ip::udp::endpoint to(asio::ip::make_address(s.endpoint.host), s.endpoint.port);
    event(data_event(who, EventKind::sendto, s.data, s.endpoint.to_string()));
    boost::system::error_code ec;
    p.sent_at = clock_type::now();
    p.udp.send_to(asio::buffer(s.data), to, 0, ec);
    if (ec)
      fail(step, Verdict::error, say("runner.sendto-failed", {{"at", s.endpoint.to_string()}, {"why", ec.message()}}));
    co_return;
  }

  awaitable<void> exec(const Step& step, const steps::ExpectClosed&) {
    const std::string who = who_of(step);
    Peer& p = *co_await ready_peer(step, who);
    const bool ok = co_await until([&] { return p.closed; }, deadline_for(step));
    if (!ok) {  // the deadline only guards a hang: a connection left open is a timeout
      noted(Fact::kept_open);
      fail(step, Verdict::timeout,
           say(p.in.empty() ? "runner.still-open" : "runner.still-open-sent",
               {{"guard", guard_text(step)}, {"sent", visible(p.in)}}));
    }
  }

  awaitable<void> exec(const Step& step, const steps::ClosePeer& c) {
    const std::string who = who_of(step);
    Peer& p = p_is_udp(step, who) ? peer(step, who) : *co_await ready_peer(step, who);
    boost::system::error_code ec;
    event(said_status(who, c.reset ? "status.reset" : "status.close"));
    if (p.is_udp) {
      p.udp.close(ec);
    } else if (c.reset) {
      reset_connection(p.tcp);
    } else {
      p.tcp.close(ec);
    }
  }

  awaitable<void> exec(const Step& step, const steps::Listen& l) {
    const std::string who = who_of(step);
    auto p = std::make_unique<Peer>(io_);
    const asio::ip::tcp::endpoint at(asio::ip::make_address(l.endpoint.host), l.endpoint.port);
    boost::system::error_code ec;
    p->acceptor.open(at.protocol(), ec);
    if (!ec) p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) p->acceptor.bind(at, ec);
    if (!ec) p->acceptor.listen(5, ec);
    if (ec)
      fail(step, Verdict::error, say("runner.cannot-listen", {{"at", l.endpoint.to_string()}, {"why", ec.message()}}));
    event(data_event(who, EventKind::listen, "", l.endpoint.to_string()));
    Peer& ref = *p;
    peers_[who] = std::move(p);
    asio::co_spawn(io_, accept_one(ref, who), asio::detached);
    co_return;
  }

  awaitable<void> exec(const Step& step, const steps::Accept&) {
    const std::string who = who_of(step);
    Peer& p = peer(step, who);
    auto all_ended = [&] {
      return !children_.empty() && std::all_of(children_.begin(), children_.end(),
                                               [](const auto& kv) { return kv.second->status().has_value(); });
    };
    co_await until([&] { return p.accepted || all_ended(); }, deadline_for(step));
    if (!p.accepted) {
      noted(Fact::no_client_came);
      std::string msg = say("runner.no-client", {{"who", who}});
      for (const auto& [name, c] : children_) {
        if (c->status()) msg += program_tail(name);
      }
      fail(step, all_ended() ? Verdict::fail : Verdict::timeout, msg);
    }
  }

  awaitable<void> exec(const Step& step, const steps::RecvUntil& r) {
    const std::string who = who_of(step);
    Peer& p = *co_await ready_peer(step, who);
    const bool ok =
        co_await until([&] { return p.in.find(r.delimiter) != std::string::npos || p.closed; }, deadline_for(step));
    const auto at = p.in.find(r.delimiter);
    if (at == std::string::npos) {
      fail(step, ok ? Verdict::fail : Verdict::timeout,
           say(p.closed ? "runner.recv-until-closed" : "runner.recv-until",
               {{"who", who}, {"data", visible(r.delimiter)}, {"got", visible(p.in)}, {"reason", close_text(p)}}));
    }
    received_[who] = p.in.substr(0, at + r.delimiter.size());
    p.in.erase(0, at + r.delimiter.size());
  }

  awaitable<void> exec(const Step& step, const steps::ExpectReceived& e) {
    const std::string who = who_of(step);
    Captures trial = captures_;
    const auto m = match_groups(e.patterns, complete_lines(received_[who], true), 0, true, trial);
    if (m.status != MatchResult::Status::matched) {
      fail(step, Verdict::fail,
           say("runner.received-mismatch", {{"who", who},
                                            {"mismatch", mismatch(*m.failed, m.actual, trial)},
                                            {"received", visible(received_[who])}}));
    }
    captures_ = trial;
    co_return;
  }

  awaitable<void> exec(const Step&, const steps::KeepFile& k) {
    constexpr std::size_t kMax = 16u << 20;
    auto bytes = read_beneath(folder_.tools.string(), k.path, kMax);
    if (!bytes) {
      event(said_note("harness", "note.nothing-to-keep", {{"path", k.path}}));
      co_return;
    }
    const std::string name = std::filesystem::path(k.path).filename().string();
    event(said_note("harness", opt_.transcript_dir.empty() ? "note.kept" : "note.kept-in",
                    {{"path", k.path},
                     {"bytes", std::to_string(bytes->size())},
                     {"to", (std::filesystem::path(opt_.transcript_dir) / (sc_.name + "." + name)).string()}}));
    kept_.emplace_back(name, std::move(*bytes));
  }

  awaitable<void> exec(const Step& step, const steps::Reply& r) {
    const std::string who = who_of(step);
    Peer& p = peer(step, who);
    if (!p.last_from) fail(step, Verdict::error, say("runner.no-datagram-to-reply", {{"who", who}}));
    event(data_event(who, EventKind::reply, r.data,
                     p.last_from->address().to_string() + ":" + std::to_string(p.last_from->port())));
    boost::system::error_code ec;
    p.sent_at = clock_type::now();
    p.udp.send_to(asio::buffer(r.data), *p.last_from, 0, ec);
    if (ec) fail(step, Verdict::error, say("runner.reply-failed", {{"why", ec.message()}}));
    co_return;
  }

  awaitable<void> exec(const Step& step, const steps::ExpectSilence& s) {
    Peer& p = peer(step, who_of(step));
    const std::size_t before = p.is_udp ? p.datagrams.size() : p.in.size();
    // A window in which nothing may come, like `not before`: never scaled, so that no --time-scale
    // makes it stricter.
    const auto window =
        clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.for_s));
    co_await until([&] { return (p.is_udp ? p.datagrams.size() : p.in.size()) > before; }, window);
    if (p.is_udp && p.datagrams.size() > before) {
      fail(step, Verdict::fail, say("runner.nothing-expected-datagram", {{"data", visible(p.datagrams.back())}}));
    }
    if (!p.is_udp && p.in.size() > before) {
      fail(step, Verdict::fail, say("runner.nothing-expected-bytes", {{"data", visible(p.in.substr(before))}}));
    }
  }

  awaitable<void> exec(const Step&, const steps::Sleep& s) {
    asio::steady_timer t(io_);
    t.expires_after(
        std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.seconds * opt_.time_scale)));
    co_await t.async_wait(use_awaitable);
  }

  // Without namespaces the tutorial's fixed ports are the machine's: a server whose side of a
  // connection ends in TIME_WAIT could not bind again for a minute (it sets no SO_REUSEADDR), so
  // socklab's peers answer a close with a reset.
  [[nodiscard]] bool shared_network() const { return opt_.isolation.rfind("none", 0) == 0; }

  // A program that went on talking on the wire after something reached it has done what follows its
  // prints: if they did not come, they wait in a buffer. One that only waits (in recv for bytes that
  // do not come, in readline for a line end that is not sent) is not buffering. Without the wire to
  // look at, the guess stands.
  [[nodiscard]] bool went_on_talking(const std::string& who) const {
    if (wires_.empty()) return true;
    bool reached = false;
    for (const auto& [seg, at, sent_us] : wire_log_) {
      if (seg.size == 0 && seg.tcp) continue;
      if (seg.to == who) reached = true;
      if (seg.from == who && reached) return true;
    }
    return false;
  }

  std::string hint_buffered(const std::string& who, const Child& c) {
    if (c.status()) return "";  // it ended: its exit and stderr say more than a guess
    if (!went_on_talking(who)) return "";
    noted(Fact::block_buffered);
    return say("runner.hint-buffered");
  }

  // A file the program wrote, as its reader would look at it: its size and first lines, in the transcript.
  awaitable<void> exec(const Step&, const steps::ShowFile& f) {
    const auto bytes = read_beneath(dir_.string(), f.path, static_cast<std::size_t>(sc_.limits.file_bytes));
    if (!bytes) {
      event(said_note("harness", "note.no-file", {{"path", f.path}}));
      co_return;
    }
    event(said_note("harness", "note.file-lines", {{"path", f.path}, {"bytes", std::to_string(bytes->size())}}));
    std::size_t at = 0;
    for (std::size_t k = 0; k < f.lines && at < bytes->size(); ++k) {
      const auto nl = bytes->find('\n', at);
      const auto end = nl == std::string::npos ? bytes->size() : nl + 1;
      event("harness", "  | " + visible(std::string_view(*bytes).substr(at, std::min<std::size_t>(end - at, 200))));
      at = end;
    }
  }

  awaitable<void> exec(const Step& step, const steps::ExpectFile& f) {
    std::string got;
    bool exists = false;
    // The file is final once every program has ended; before that the deadline only guards a hang.
    auto all_ended = [&] {
      return std::all_of(children_.begin(), children_.end(),
                         [](const auto& kv) { return kv.second->status().has_value(); });
    };
    const bool final = co_await until(
        [&] {  // the program may have put a link there: it is never followed
          const bool ended = all_ended();
          const auto bytes = read_beneath(dir_.string(), f.path, f.data.size() + 4096);
          exists = bytes.has_value();
          got = bytes.value_or("");
          return got == f.data || ended;
        },
        deadline_for(step, 1.0));
    if (got == f.data) co_return;
    if (!final) {
      fail(step, Verdict::timeout,
           say("runner.file-not-yet",
               {{"path", f.path}, {"bytes", std::to_string(f.data.size())}, {"guard", guard_text(step, 1.0)}}));
    }
    if (!exists) fail(step, Verdict::fail, say("runner.file-missing", {{"path", f.path}}));
    std::size_t i = 0;
    while (i < got.size() && i < f.data.size() && got[i] == f.data[i]) ++i;
    std::string msg = say("runner.file-differs", {{"path", f.path},
                                                  {"got", std::to_string(got.size())},
                                                  {"bytes", std::to_string(f.data.size())},
                                                  {"at", std::to_string(i)},
                                                  {"expected_label", say("match.expected")},
                                                  {"expected", visible(f.data.substr(i, 40))},
                                                  {"actual_label", say("match.actual")},
                                                  {"actual", visible(got.substr(i, 40))}});
    std::string ascii_only;  // what is left of the expected bytes when everything from 0x80 up is lost
    std::copy_if(f.data.begin(), f.data.end(), std::back_inserter(ascii_only),
                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (got.rfind("HTTP/", 0) == 0) {
      noted(Fact::header_in_file);
      msg += say("runner.file-http-header");
    } else if (!got.empty() && got == ascii_only && ascii_only.size() < f.data.size()) {
      noted(Fact::file_decoded);
      msg += say("runner.file-high-bytes");
    } else if (got.size() < f.data.size() && f.data.compare(0, got.size(), got) == 0) {
      noted(Fact::cut_by_one_recv);
      msg += say("runner.file-short", {{"got", std::to_string(got.size())}});
    } else {
      noted(Fact::file_decoded);
      msg += say("runner.file-changed");
    }
    fail(step, Verdict::fail, msg);
  }

  // start ACTOR ROLE: the command under test (--impl) or the reference program.
  awaitable<void> exec(const Step& step, const steps::Start& s) {
    const std::string who = who_of(step);
    launch(step, who, program_argv(step, who, s), s.role, s.behind, dir_);
    co_return;
  }

  // run ACTOR -- COMMAND: a helper tool, in the tools' folder; left out where it is not installed.
  awaitable<void> exec(const Step& step, const steps::RunTool& r) {
    const std::string who = who_of(step);
    if (r.if_installed && Child::find_program(r.argv.at(0), false).empty()) {
      event(said_note(who, "note.not-installed", {{"program", r.argv[0]}}));
      absent_.insert(who);
      co_return;
    }
    if (const auto why = in_wrapper_network() && r.if_installed ? beyond_wrapper(r.argv.at(0)) : std::nullopt) {
      event(said_note(who, "note.left-out", {{"why", *why}}));
      absent_.insert(who);
      co_return;
    }
    launch(step, who, r.argv, "", "", folder_.tools);
  }

  // The command that plays `s.role`. A role the scenario does not put to the test (the clients of a
  // server scenario) is always played by the reference program.
  std::vector<std::string> program_argv(const Step& step, const std::string& who, const steps::Start& s) {
    std::vector<std::string> argv;
    const auto impl = sc_.involves(s.role) ? opt_.impls.find(s.role) : opt_.impls.end();
    if (impl != opt_.impls.end()) {
      under_test_.insert(who);
      // {host} {port}: the address the scenario gives, or else the tutorial's own for the role.
      const Endpoint address = s.at ? *s.at : tutorial_address(s.role);
      const std::map<std::string, std::string> values = {
          {"{dir}", dir_.string()}, {"{host}", address.host}, {"{port}", std::to_string(address.port)}};
      bool placeholders = false;
      for (const auto& a : impl->second) {
        placeholders |= a.find("{host}") != std::string::npos || a.find("{port}") != std::string::npos;
        argv.push_back(substitute(a, values));
      }
      if (s.at && !placeholders) {
        throw StepFailure{Verdict::skip, say("runner.no-placeholders", {{"role", s.role}})};
      }
    } else {
      const auto p = reference_program(s.role, opt_.program_dirs);
      if (p.empty()) fail(step, Verdict::error, say("runner.no-reference", {{"role", s.role}}));
      argv.push_back(p);
      if (s.at) {
        argv.insert(argv.end(), {"--host", s.at->host, "--port", std::to_string(s.at->port)});
      }
    }
    return argv;
  }

  // Starts `who` (playing `role`, "" for a helper tool) in `folder`, on the far side of `behind` if given.
  void launch(const Step& step, const std::string& who, const std::vector<std::string>& argv, const std::string& role,
              const std::string& behind, const std::filesystem::path& folder) {
    std::string shown;
    for (const auto& a : argv) shown += (shown.empty() ? "" : " ") + a;
    Event started = note(who, shown);
    started.kind = EventKind::start;
    started.role = role;
    event(std::move(started));
    if (const auto why = in_wrapper_network() ? beyond_wrapper(Child::find_program(argv.at(0), false)) : std::nullopt)
      throw StepFailure{Verdict::skip, *why};
    try {
      if (!behind.empty()) behind_[who] = behind;
      roles_[who] = role;
      std::optional<Child::Sandbox> sandbox;
      if (under_test_.count(who) && opt_.confinement != nullptr) sandbox = sandbox_for(argv);
      const NetNamespace* side = behind.empty() ? nullptr : far_.at(behind).get();
      auto make = [&] {
        return std::make_unique<Child>(
            io_, argv, folder.string(), sc_.limits,
            [this, who](const std::string& stream, std::string_view bytes) {
              Event out = data_event(who, EventKind::output, std::string(bytes));
              out.stream = stream;
              event(std::move(out));
              arrived(who + "." + stream, bytes.size());
            },
            side != nullptr ? side->fd() : -1, sandbox);
      };
      if (auto* w = wrapper_wire()) set_wrapper_capture_file(w->file_for(who));
      children_[who] = side != nullptr ? side->addressed(make) : make();
      set_wrapper_capture_file("");
      children_[who]->on_change([this, who] {
        const Child& c = *children_.at(who);
        if (c.out_ended() && !ended_at_.count(who + ".stdout")) ended_at_[who + ".stdout"] = next_seq();
        if (c.err_ended() && !ended_at_.count(who + ".stderr")) ended_at_[who + ".stderr"] = next_seq();
        wake();
      });
    } catch (const std::exception& e) {
      fail(step, Verdict::error, say("runner.cannot-start", {{"command", shown}, {"why", e.what()}}));
    }
    // A program the scenario never types to reads an empty input, as with < /dev/null.
    const bool typed_to = std::any_of(sc_.steps.begin(), sc_.steps.end(), [&](const Step& s) {
      return (s.as<steps::Type>() != nullptr || s.as<steps::CloseStdin>() != nullptr) && !s.actors.empty() &&
             s.actors[0] == who;
    });
    if (!typed_to) children_[who]->close_stdin();
  }

  awaitable<void> exec(const Step& step, const steps::Exited& x) {
    const auto deadline = deadline_for(step);
    for (const auto& name : step.actors) child(step, name);
    co_await until(
        [&] {
          for (const auto& name : step.actors) {
            const Child& c = *children_.at(name);
            if (!c.status() || !c.out_ended() || !c.err_ended()) return false;
          }
          return true;
        },
        deadline);
    std::vector<std::string> done, running;
    for (const auto& name : step.actors) {
      (children_.at(name)->status() ? done : running).push_back(name);
    }
    if (!running.empty()) {
      auto joined = [](const std::vector<std::string>& names) {
        std::string out;
        for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
        return out;
      };
      // A guard says nothing about why: the order of events does (expect overlap).
      std::string msg = say(done.empty() ? "runner.still-running" : "runner.still-running-while",
                            {{"running", joined(running)}, {"guard", guard_text(step)}, {"done", joined(done)}});
      for (std::size_t k = 0; k < running.size() && k < 3; ++k) {
        msg += say("runner.has-printed", {{"who", running[k]}, {"out", visible(children_.at(running[k])->out())}});
      }
      for (const auto& n : running) {  // a server whose conversation ends it, still serving
        const auto role = roles_.find(n);
        const Role* row = role == roles_.end() ? nullptr : find_role(role->second);
        if (row && row->server && !row->serves_forever && under_test_.count(n)) noted(Fact::kept_running);
      }
      for (const auto& n : running) {  // a guess about buffering is for the program under test only, once
        if (done.empty() && under_test_.count(n) && children_.at(n)->out().empty() && !network_lost()) {
          msg += hint_buffered(n, *children_.at(n));
          break;
        }
      }
      fail(step, Verdict::timeout, msg);
    }
    for (const auto& name : step.actors) {
      const auto& s = *children_.at(name)->status();
      event(ended(name, s));
      final_status_[name] = s;
      if (x.killed_by != 0) {
        if (s.signal != x.killed_by) {
          ExitStatus want;
          want.signal = x.killed_by;
          fail(step, Verdict::fail,
               say("runner.killed-expected", {{"who", name}, {"want", status_text(want)}, {"status", status_text(s)}}) +
                   program_tail(name));
        }
        continue;  // the signal was the expected end: neither a crash nor a failure
      }
      if (s.signal != 0 && !s.sent_by_harness) {
        fail(step, Verdict::crash,
             say("runner.crashed", {{"who", name}, {"status", status_text(s)}}) + program_tail(name));
      }
      if (x.exit_code && s.code != *x.exit_code) {
        if (*x.exit_code != 0 && s.code == 0 && under_test_.count(name)) noted(Fact::exit_zero_on_error);
        fail(step, Verdict::fail,
             say("runner.exit-code",
                 {{"who", name}, {"code", std::to_string(*x.exit_code)}, {"status", status_text(s)}}) +
                 program_tail(name));
      }
    }
  }

  awaitable<void> exec(const Step& step, const steps::ExpectOutput& o) {
    const std::string who = who_of(step);
    Child& c = child(step, who);
    const bool is_out = o.stream == "stdout";
    auto& cursor = cursors_[who + "." + o.stream];
    MatchResult m;
    Captures trial;
    const bool decided = co_await until(
        [&] {
          trial = captures_;
          const auto& text = is_out ? c.out() : c.err();
          const bool ended = is_out ? c.out_ended() : c.err_ended();
          m = match_groups(o.patterns, complete_lines(text, ended), cursor, ended, trial);
          return m.status != MatchResult::Status::need_more;
        },
        deadline_for(step));
    if (decided && m.status == MatchResult::Status::matched) {
      captures_ = trial;
      cursor += m.consumed;
      co_return;
    }
    const bool timed_out = !decided;
    if (timed_out) {  // say what is there so far, as if the output had ended
      trial = captures_;
      const auto& text = is_out ? c.out() : c.err();
      m = match_groups(o.patterns, complete_lines(text, true), cursor, true, trial);
    }
    std::string msg;
    if (m.failed) {
      msg = mismatch(*m.failed, m.actual, trial);
      msg += say("runner.note-expected", {{"where", m.failed->where.to_string()}});
      msg += say("runner.note-scanning",
                 {{"who", who}, {"stream", o.stream}, {"line", std::to_string(m.actual_index + 1)}});
      if (m.actual && m.failed->kind == PatternLine::Kind::exact) msg += hint_for_line(m.failed->text, *m.actual);
      if (m.actual) msg += network_story(Verdict::fail, *m.actual);
    } else {
      msg = say("runner.no-match-in-time");
    }
    if (timed_out && under_test_.count(who) && (is_out ? c.out() : c.err()).empty() && !network_lost()) {
      msg += hint_buffered(who, c);
    }
    if (roles_[who].empty()) msg += browser_saw(c.out(), c.err());
    msg += program_tail(who);
    fail(step, timed_out ? Verdict::timeout : Verdict::fail,
         say("runner.expected-output", {{"who", who}, {"stream", o.stream}}) + msg);
  }

  // What a browser made of the page, when a helper that is a headless Chromium failed an expectation:
  // its own word for a load that failed (on stderr), or an empty page in its DOM.
  [[nodiscard]] std::string browser_saw(const std::string& out, const std::string& err) const {
    const auto failed = err.find("Page load failed: net::");
    if (failed != std::string::npos) {
      const auto from = failed + std::string_view("Page load failed: ").size();
      const std::string code = err.substr(from, err.find_first_of("\r\n ", from) - from);
      std::string why;
      if (code == "net::ERR_INVALID_HTTP_RESPONSE")
        why = say("runner.browser-invalid-response");
      else if (code == "net::ERR_EMPTY_RESPONSE")
        why = say("runner.browser-empty-response");
      else if (code == "net::ERR_CONNECTION_RESET")
        why = say("runner.browser-reset");
      else if (code == "net::ERR_CONNECTION_REFUSED")
        why = say("runner.browser-refused");
      return say(why.empty() ? "runner.browser-no-page" : "runner.browser-no-page-why", {{"code", code}, {"why", why}});
    }
    if (out.find("<html><head></head><body></body></html>") != std::string::npos) {
      return say("runner.browser-empty-page");
    }
    return "";
  }

  // A sentence of advice where a mismatch is a known mistake.
  // describe_mismatch, noting what the mismatch shows: a banner expected first and not there (a line cut
  // short to its "W" is one recv's story instead, and a banner glued to what came after it is there: a
  // client that read it together with the first reply).
  std::string mismatch(const PatternLine& expected, const std::optional<std::string>& actual, const Captures& c) {
    const bool banner_there = actual && (*actual == "W" || actual->rfind("Welcome!", 0) == 0);
    if (expected.text == "Welcome!" && !banner_there) noted(Fact::missing_banner);
    if (expected.kind == PatternLine::Kind::exact && actual) {
      for (const Fact f : facts_in_mismatch(expected.text, *actual)) noted(f);
    }
    return describe_mismatch(expected, actual, c, opt_.lang);
  }

  std::string hint_for_line(const std::string& expected, const std::string& actual) {
    auto strip = [](std::string s) {
      s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
      return s;
    };
    if (expected != actual && strip(expected) == strip(actual)) {
      noted(Fact::spaces_differ);
      return say("runner.hint-spaces");
    }
    if (expected == "Welcome!" && !(actual.size() < expected.size() && expected.rfind(actual, 0) == 0))
      return say("runner.hint-welcome");
    if (actual + "\r" == expected) return say("runner.hint-crlf");
    return "";
  }

  // Connecting goes on in the background, so that twenty clients can wait in a listen backlog at once;
  // the next step that uses the connection waits for it (ready_peer).
  awaitable<void> exec(const Step& step, const steps::Connect& c) {
    const std::string who = who_of(step);
    auto p = std::make_unique<Peer>(io_);
    const asio::ip::tcp::endpoint to(asio::ip::make_address(c.endpoint.host), c.endpoint.port);
    event(said_status(who, "status.connect", {{"at", c.endpoint.to_string()}}));
    p->connecting = true;
    Peer& ref = *p;
    peers_[who] = std::move(p);
    asio::co_spawn(io_, connect_in_background(ref, who, to, c.endpoint.to_string()), asio::detached);
    co_return;
  }

  awaitable<void> connect_in_background(Peer& p, std::string who, asio::ip::tcp::endpoint to, std::string shown) {
    const auto ec = co_await connect_tcp(p.tcp, to);
    p.connecting = false;
    if (ec) {
      const std::string others = bound_summary("tcp");
      const char* id = others.empty() ? "runner.connect-failed" : "runner.connect-failed-elsewhere";
      const MessageArgs fields = {{"at", shown}, {"why", ec.message()}, {"others", others}};
      p.connect_error = say(id, fields);
      p.closed = true;
      p.close_reason = "never opened";
      event(said_status(who, id, MessageFields(fields.begin(), fields.end())));
      co_return;
    }
    event(said_status(who, "status.connected-from", {{"port", std::to_string(p.tcp.local_endpoint().port())}}));
    co_await tcp_reader(p, who);
  }

  // The peer, once its connection is made (or known to have failed: then the step fails).
  awaitable<Peer*> ready_peer(const Step& step, const std::string& who) {
    Peer& p = peer(step, who);
    const bool ok = co_await until([&] { return !p.connecting; }, deadline_for(step, 10.0));
    if (!ok) fail(step, Verdict::timeout, say("runner.not-accepted"));
    if (p.connect_error) {
      co_await exit_seen();  // a refused connection usually means the server died
      fail(step, Verdict::fail, *p.connect_error);
    }
    co_return &p;
  }

  // A connection refused or closed before its bytes came usually means the program died: give its exit
  // (and what it died of) a moment to be seen, so that the failure tells it.
  awaitable<void> exit_seen() {
    co_await until(
        [&] {
          return std::any_of(under_test_.begin(), under_test_.end(), [&](const std::string& n) {
            return children_.count(n) && children_.at(n)->status().has_value();
          });
        },
        clock_type::now() + std::chrono::milliseconds(300));
  }

  awaitable<void> tcp_reader(Peer& p, std::string who) {
    char buf[16384];
    for (;;) {
      auto [ec, n] = co_await p.tcp.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
      if (n > 0) {
        event(data_event(who, EventKind::recv, std::string(buf, n)));
        if (p.in.size() < sc_.limits.output_cap) p.in.append(buf, n);
        if (p.all.size() < sc_.limits.output_cap) {
          p.all.append(buf, n);
          arrived(who + ".received", n);
        }
      }
      if (ec) {
        p.closed = true;
        p.close_reason = ec == asio::error::eof ? "closed by the other side" : ec.message();
        if (shared_network() && ec == asio::error::eof) reset_connection(p.tcp);
        const bool by_us = ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
        if (!by_us) {
          event(said_status(
              who, "status.connection",
              said_field("reason",
                         p.close_reason == "closed by the other side" ? "runner.closed-by-other-side" : "runner.why",
                         {{"why", p.close_reason}})));
          closed_at_[who] = seq_;
        }
        ended_at_[who + ".received"] = by_us ? next_seq() : seq_;
        co_return;
      }
    }
  }

  awaitable<void> accept_one(Peer& p, std::string who) {
    auto [ec, sock] = co_await p.acceptor.async_accept(asio::as_tuple(use_awaitable));
    if (ec) co_return;
    p.tcp = std::move(sock);
    p.accepted = true;
    boost::system::error_code ignored;
    const auto from = p.tcp.remote_endpoint(ignored);
    event(said_status(who, "status.accepted",
                      {{"from", from.address().to_string() + ":" + std::to_string(from.port())}}));
    co_await tcp_reader(p, who);
  }

  awaitable<void> udp_reader(Peer& p, std::string who) {
    std::string buf(65536, '\0');
    for (;;) {
      asio::ip::udp::endpoint from;
      auto [ec, n] = co_await p.udp.async_receive_from(asio::buffer(buf), from, asio::as_tuple(use_awaitable));
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      if (ec) continue;  // ICMP port unreachable from an earlier send: not a datagram
      event(data_event(who, EventKind::recvfrom, std::string(buf.data(), n),
                       from.address().to_string() + ":" + std::to_string(from.port())));
      p.datagrams.emplace_back(buf.data(), n);
      p.all_datagrams.emplace_back(std::string(buf.data(), n), seq_);
      p.last_from = from;
    }
  }

  void check_not_before(const Step& step, clock_type::time_point began, const std::string& what) {
    if (!step.not_before_s) return;
    const double took = std::chrono::duration<double>(clock_type::now() - began).count();
    if (took < *step.not_before_s) {  // a lower bound on the program's own pause: never scaled
      noted(Fact::replied_early);
      char a[32], b[32];
      std::snprintf(a, sizeof a, "%.3f", took);
      std::snprintf(b, sizeof b, "%.3f", *step.not_before_s);
      fail(step, Verdict::fail, say("runner.too-early", {{"what", what}, {"took", a}, {"least", b}}));
    }
  }

  awaitable<void> exec(const Step& step, const steps::Recv& r) {
    const std::string who = who_of(step);
    Peer& p = *co_await ready_peer(step, who);
    const auto began = p.sent_at.value_or(clock_type::now());
    const bool ok = co_await until(  // decided as soon as the bytes differ: "Tracy" for "Michael"
        [&] { return p.in.size() >= r.data.size() || p.closed || r.data.compare(0, p.in.size(), p.in) != 0; },
        deadline_for(step));
    if (p.in.compare(0, r.data.size(), r.data) == 0 && p.in.size() >= r.data.size()) {
      check_not_before(step, began, visible(r.data));
      p.in.erase(0, r.data.size());
      p.sent_at.reset();
      co_return;
    }
    if (p.closed) co_await exit_seen();
    PatternLine expected{PatternLine::Kind::exact, r.data, step.where};
    std::string msg = say("runner.expected-bytes", {{"who", who}}) +
                      mismatch(expected, p.in.empty() && p.closed ? std::nullopt : std::optional(p.in), {});
    if (p.closed) msg += say("runner.connection-was", {{"reason", close_text(p)}});
    if (!p.in.empty()) msg += hint_for_line(r.data, p.in);
    // Silent after a message without a line end, and still running: it waits for one (readline).
    if (!ok && p.in.empty() && !p.last_sent.empty() && p.last_sent.back() != '\n' && under_test_running())
      noted(Fact::waited_for_more);
    fail(step, ok ? Verdict::fail : Verdict::timeout, msg);
  }

  awaitable<void> exec(const Step& step, const steps::RecvFrom& r) {
    Peer& p = peer(step, who_of(step));
    const auto began = p.sent_at.value_or(clock_type::now());
    const bool ok = co_await until([&] { return !p.datagrams.empty(); }, deadline_for(step));
    if (!ok) {
      noted(Fact::no_datagram);
      fail(step, Verdict::timeout,
           say(r.any_data ? "runner.no-datagram" : "runner.no-datagram-data", {{"data", visible(r.data)}}));
    }
    const std::string got = p.datagrams.front();
    p.datagrams.erase(p.datagrams.begin());
    if (!r.any_data && got != r.data) {
      if (got.size() < r.data.size() && r.data.compare(0, got.size(), got) == 0) noted(Fact::datagram_cut);
      PatternLine expected{PatternLine::Kind::exact, r.data, step.where};
      fail(step, Verdict::fail,
           say("runner.expected-datagram") + mismatch(expected, got, {}) + hint_for_line(r.data, got));
    }
    check_not_before(step, began, say("runner.the-datagram"));
    p.sent_at.reset();
  }

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
  // An order assertion whose event can no longer come (its program ended): later steps say what went
  // wrong; if none does, this is the verdict at the end.
  std::optional<StepFailure> deferred_;
  bool finished_ = false;
};

}  // namespace

Result run_scenario(const Scenario& scenario, const RunOptions& options) { return Run(scenario, options).execute(); }

}  // namespace socklab::harness
