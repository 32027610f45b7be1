// The run of one scenario, start to end: its folder, its links, the steps followed on the event loop,
// the tear-down, the verdict and the transcript; the story's events and the waits every step shares.
// Each step kind's executor is in the file of its theme (runner_run.hpp says which).
#include "runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include "files.hpp"
#include "isolation.hpp"
#include "link.hpp"
#include "roles.hpp"
#include "runner_run.hpp"
#include "wrapper.hpp"

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

namespace runner {

bool RunFolder::make(const std::string& submission, const Confinement* confinement, std::error_code& ec) {
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
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks, ec);
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

void RunFolder::remove() {
  if (base.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(work, ec);
  std::filesystem::remove_all(tools, ec);
  ::rmdir((base / "root").c_str());
  ::rmdir(base.c_str());
  base.clear();
}

// The run, start to end. What it made (its folder, children, peers, links, the box) is its members'
// own: whichever way it returns or throws, their destructors undo it, in the reverse of their order.
Result Run::execute() {
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

// Why the scenario cannot be judged here, before anything starts (a skip), or nullopt.
std::optional<std::string> Run::reason_to_skip() const {
  if (sc_.needs_namespaces && opt_.isolation.rfind("none", 0) == 0) return say("runner.needs-namespaces");
  for (const auto& program : sc_.needs_installed) {
    if (const auto why = in_wrapper_network() ? beyond_wrapper(program, opt_.lang) : std::nullopt) return why;
    if (Child::find_program(program, false).empty()) return say("runner.needs-program", {{"program", program}});
  }
  return std::nullopt;
}

// The steps on the event loop, bounded as a whole whatever happens inside.
void Run::follow_steps() {
  asio::co_spawn(io_, body(), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const ParseError& pe) {
      failure_ = StepFailure{Verdict::error, pe.told(opt_.lang)};
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
void Run::tear_down() {
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
void Run::judge(Result& r) const {
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
void Run::write_transcript(Result& r) const {
  const auto path = std::filesystem::path(opt_.transcript_dir) / (sc_.name + ".log");
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::string text = "scenario " + sc_.name + " (" + sc_.path + ")\nverdict " + to_string(r.verdict) + "\nisolation " +
                     r.isolation + "\nseed " + std::to_string(r.seed) + "\n\n" + r.transcript;
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
void Run::open_links() {
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

bool Run::judges_wire() const {
  return std::any_of(sc_.steps.begin(), sc_.steps.end(), [](const Step& st) {
    const auto* order = st.as<steps::ExpectOrder>();
    return order != nullptr && (order->first.what == "wire" || order->second.what == "wire");
  });
}

// The far side `who` runs on, or nullptr when it runs here.
const NetNamespace* Run::side_of(const std::string& who) const {
  const auto it = behind_.find(who);
  return it == behind_.end() ? nullptr : far_.at(it->second).get();
}

// The next moment in the order of events.
std::uint64_t Run::next_seq() {
  seq_times_.push_back(seconds_since_start());
  return ++seq_;
}

std::string Run::time_of(std::uint64_t seq) const {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f s", seq >= 1 && seq <= seq_times_.size() ? seq_times_[seq - 1] : 0.0);
  return b;
}

void Run::arrived(const std::string& key, std::size_t n) {
  auto& log = arrivals_[key];
  log.emplace_back((log.empty() ? 0 : log.back().first) + n, seq_);
}

std::string Run::guard_text(const Step& step, double default_s) const {
  char b[32];
  std::snprintf(b, sizeof b, "%.0f", (step.within_s > 0 ? step.within_s : default_s) * opt_.time_scale);
  return say("runner.guard", {{"seconds", b}});
}

double Run::seconds_since_start() const { return std::chrono::duration<double>(clock_type::now() - start_).count(); }

// Whether the scenario waits for `name` to be killed by `sig` (wait ACTOR killed SIGNAME).
bool Run::expected_kill(const std::string& name, int sig) const {
  return std::any_of(sc_.steps.begin(), sc_.steps.end(), [&](const Step& st) {
    const auto* exited = st.as<steps::Exited>();
    return exited != nullptr && exited->killed_by == sig &&
           std::find(st.actors.begin(), st.actors.end(), name) != st.actors.end();
  });
}

bool Run::all_reaped() const {
  for (const auto& [n, c] : children_) {
    if (!c->status() || !c->out_ended() || !c->err_ended()) return false;
  }
  return true;
}

void Run::event(Event e) {
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

void Run::event(const std::string& actor, std::string text) { event(note(actor, std::move(text))); }

Event Run::data_event(std::string actor, EventKind kind, std::string bytes, std::string address) {
  Event e = note(std::move(actor), {});
  e.kind = kind;
  e.bytes = std::move(bytes);
  e.address = std::move(address);
  return e;
}

clock_type::time_point Run::deadline_for(const Step& step, double default_s) const {
  const double s = (step.within_s > 0 ? step.within_s : default_s) * opt_.time_scale;
  return clock_type::now() + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
}

// How long the most starved running program has waited for a CPU since its start.
clock_type::duration Run::cpu_waited() const {
  std::uint64_t most = 0;
  for (const auto& [name, c] : children_) {
    if (!c->status()) most = std::max(most, runqueue_wait_ns(c->pid()));
  }
  return std::chrono::duration_cast<clock_type::duration>(std::chrono::nanoseconds(most));
}

// Something happened: every wait looks again.
void Run::wake() {
  for (auto* t : sleepers_) t->cancel();
}

// A sentence of the catalogue in the run's language.
std::string Run::say(std::string_view id, MessageArgs args) const { return harness::say(opt_.lang, id, args); }

// How a program ended, in the run's language (the transcript keeps ExitStatus::to_string).
std::string Run::status_text(const ExitStatus& s) const {
  if (s.signal == 0) return say("status.exit", {{"code", std::to_string(s.code)}});
  const std::string full = s.to_string();  // "killed by SIGSEGV[ (sent by socklab)]": the name is its third word
  const std::string name = full.substr(10, full.find(' ', 10) - 10);
  return say(s.sent_by_harness ? "status.killed-by-socklab" : "status.killed", {{"signal", name}});
}

// A program's end as the transcript tells it.
Event Run::ended(const std::string& who, const ExitStatus& s) {
  if (s.signal == 0) return said_status(who, "status.exit", {{"code", std::to_string(s.code)}});
  const std::string full = s.to_string();  // "killed by SIGSEGV[ (sent by socklab)]": the name is its third word
  return said_status(who, s.sent_by_harness ? "status.killed-by-socklab" : "status.killed",
                     {{"signal", full.substr(10, full.find(' ', 10) - 10)}});
}

Child& Run::child(const Step& step, const std::string& name) {
  const auto it = children_.find(name);
  if (it == children_.end()) fail(step, Verdict::error, say("runner.not-a-program", {{"who", name}}));
  return *it->second;
}

bool Run::p_is_udp(const Step& step, const std::string& name) { return peer(step, name).is_udp; }

Peer& Run::peer(const Step& step, const std::string& name) {
  const auto it = peers_.find(name);
  if (it == peers_.end()) fail(step, Verdict::error, say("runner.not-a-peer", {{"who", name}}));
  return *it->second;
}

awaitable<void> Run::body() {
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
  // A pipe's last bytes may come after its program's exit (every program has ended here): what it died
  // of is in them.
  co_await until([&] { return all_reaped(); },
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
      const auto died = facts_in_stderr(child->second->err_before_stop());
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
awaitable<void> Run::run_step(const Step& step) {
  if (std::any_of(step.actors.begin(), step.actors.end(), [&](const std::string& a) { return absent_.count(a); }))
    co_return;     // a helper that is not installed here: its steps are left out (said when it was to start)
  noted_.clear();  // what an earlier step's messages showed is not this step's story
  co_await std::visit([&](const auto& kind) { return exec(step, kind); }, step.action);
  // Between two steps the loop reads what came: fifty `start`s in a row (a spawn takes 100 ms on a
  // loaded machine) must not leave the pipes and the capture unread for seconds, or a client's lines
  // come all at once and its segments after its end, when no process owns their port any more. The
  // reads make such a burst slower; an overlap asks only those connected (or started) when the first
  // conversation began (ask_at_once), so a slower start costs a correct server nothing.
  boost::asio::steady_timer between(io_, clock_type::now());
  co_await between.async_wait(boost::asio::use_awaitable);
}

// The actor a step acts on or judges ("harness" for a step of none).
std::string Run::who_of(const Step& step) { return step.actors.empty() ? std::string("harness") : step.actors[0]; }

// Without namespaces the tutorial's fixed ports are the machine's: a server whose side of a
// connection ends in TIME_WAIT could not bind again for a minute (it sets no SO_REUSEADDR), so
// socklab's peers answer a close with a reset.
bool Run::shared_network() const { return opt_.isolation.rfind("none", 0) == 0; }

}  // namespace runner

Result run_scenario(const Scenario& scenario, const RunOptions& options) {
  return runner::Run(scenario, options).execute();
}

}  // namespace socklab::harness
