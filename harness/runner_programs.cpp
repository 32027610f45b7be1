// The programs of a run: starting one (the command under test or the reference, in its sandbox, behind a
// link), waiting until it listens, typing to it, stopping it, judging how it ended; and a pause (sleep).
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "files.hpp"
#include "isolation.hpp"
#include "matcher.hpp"
#include "proc_net.hpp"
#include "roles.hpp"
#include "runner_run.hpp"
#include "socket.hpp"
#include "wrapper.hpp"

namespace socklab::harness::runner {

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
    const auto found = parse_proc_net(proc_net_table(table, ns), table);
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
    for (const auto& s : parse_proc_net(proc_net_table(table, ns), table)) {
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

}  // namespace

std::string proc_net_table(const std::string& table, const NetNamespace* ns) {
  return ns != nullptr ? ns->read_proc_net(table) : read_text("/proc/net/" + table);
}

// "127.0.0.1:9998, 0.0.0.0:8080": what is bound, for messages about a wrong address ("" when nothing).
// With no `proto`, each entry names its protocol.
std::string bound_summary(std::string_view proto, const NetNamespace* ns) {
  std::string out;
  for (const auto& s : bound_sockets(proto, ns)) {
    out += (out.empty() ? "" : ", ") + (proto.empty() ? s.proto + " " : std::string()) + s.to_string();
  }
  return out;
}

// The sandbox of a program under test: its root file system is laid out when the first one starts,
// showing, besides the system's folders and the run's own, what the commands name outside them (check
// --impl "python3 ~/hw/server4.py": that file's folder, read-only). grade's commands may name nothing
// outside the submission. Throws when a command names what the sandbox will not show.
Child::Sandbox Run::sandbox_for(const std::vector<std::string>& argv) {
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
bool Run::readable_by_others(const std::string& path, bool execute) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const mode_t need = S_ISDIR(st.st_mode) ? (S_IROTH | S_IXOTH) : execute ? (S_IROTH | S_IXOTH) : S_IROTH;
  return (st.st_mode & need) == need;
}

awaitable<void> Run::exec(const Step& step, const steps::Listening& l) {
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

awaitable<void> Run::exec(const Step& step, const steps::Type& t) {
  const std::string who = who_of(step);
  Child& c = child(step, who);
  if (t.prompt) co_await wait_for_prompt(step, who, c, *t.prompt);
  event(data_event(who, EventKind::input, t.data + "\n"));
  c.write_stdin(t.data + "\n");
}

// type ... after "PROMPT": the prompt, printed since the last one typed after.
awaitable<void> Run::wait_for_prompt(const Step& step, const std::string& who, const Child& c,
                                     const std::string& prompt) {
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

awaitable<void> Run::exec(const Step& step, const steps::CloseStdin&) {
  const std::string who = who_of(step);
  event(said_note(who, "note.stdin-closed"));
  child(step, who).close_stdin();
  co_return;
}

awaitable<void> Run::exec(const Step& step, const steps::Stop&) {
  const std::string who = who_of(step);
  event(said_status(who, "status.stop-ladder"));
  co_await child(step, who).stop(std::chrono::milliseconds(static_cast<long>(1000 * opt_.time_scale)));
  event(ended(who, *child(step, who).status()));
}

awaitable<void> Run::exec(const Step&, const steps::Sleep& s) {
  asio::steady_timer t(io_);
  t.expires_after(
      std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.seconds * opt_.time_scale)));
  co_await t.async_wait(use_awaitable);
}

// start ACTOR ROLE: the command under test (--impl) or the reference program.
awaitable<void> Run::exec(const Step& step, const steps::Start& s) {
  const std::string who = who_of(step);
  launch(step, who, program_argv(step, who, s), s.role, s.behind, dir_);
  co_return;
}

// run ACTOR -- COMMAND: a helper tool, in the tools' folder; left out where it is not installed.
awaitable<void> Run::exec(const Step& step, const steps::RunTool& r) {
  const std::string who = who_of(step);
  if (r.if_installed && Child::find_program(r.argv.at(0), false).empty()) {
    event(said_note(who, "note.not-installed", {{"program", r.argv[0]}}));
    absent_.insert(who);
    co_return;
  }
  if (const auto why = in_wrapper_network() && r.if_installed ? beyond_wrapper(r.argv.at(0)) : std::nullopt) {
    event(said_note(who, "note.left-out", {{"why", *why}, {"why.zh", *beyond_wrapper(r.argv.at(0), Lang::zh)}}));
    absent_.insert(who);
    co_return;
  }
  launch(step, who, r.argv, "", "", folder_.tools);
}

// The command that plays `s.role`. A role the scenario does not put to the test (the clients of a
// server scenario) is always played by the reference program.
std::vector<std::string> Run::program_argv(const Step& step, const std::string& who, const steps::Start& s) {
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
void Run::launch(const Step& step, const std::string& who, const std::vector<std::string>& argv,
                 const std::string& role, const std::string& behind, const std::filesystem::path& folder) {
  std::string shown;
  for (const auto& a : argv) shown += (shown.empty() ? "" : " ") + a;
  Event started = note(who, shown);
  started.kind = EventKind::start;
  started.role = role;
  event(std::move(started));
  if (const auto why =
          in_wrapper_network() ? beyond_wrapper(Child::find_program(argv.at(0), false), opt_.lang) : std::nullopt)
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
    started_[who] = Stamp{seq_, wall_clock_us()};
    children_[who]->on_change([this, who] {
      const Child& c = *children_.at(who);
      for (const char* stream : {"stdout", "stderr"}) {
        const bool ended = std::string_view(stream) == "stdout" ? c.out_ended() : c.err_ended();
        if (!ended || ended_at_.count(who + "." + stream)) continue;
        ended_at_[who + "." + stream] = next_seq();
        if (c.output_abandoned()) {
          event(said_note("harness", "note.output-abandoned",
                          {{"who", who}, {"stream", stream}, {"ms", std::to_string(Child::kOutputGrace.count())}}));
        }
      }
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

awaitable<void> Run::exec(const Step& step, const steps::Exited& x) {
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
      fail(
          step, Verdict::fail,
          say("runner.exit-code", {{"who", name}, {"code", std::to_string(*x.exit_code)}, {"status", status_text(s)}}) +
              program_tail(name));
    }
  }
}

}  // namespace socklab::harness::runner
