// The wire: each loopback's capture (or the wrapper's record) told as events between the actors that own
// the ports, and the pcap files beside the transcript.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "files.hpp"
#include "isolation.hpp"
#include "proc_net.hpp"
#include "runner_run.hpp"
#include "wire.hpp"
#include "wrapper.hpp"

namespace socklab::harness::runner {

// Captures the loopback of `ns` (nullptr: the scenario's own): each segment becomes an event of `actor`
// between the actors that own its ports. Where the kernel refuses a packet socket, the run goes on and
// the transcript says so.
void Run::capture(const std::string& actor, const NetNamespace* ns) {
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
void Run::told(const std::string& actor, const Segment& seg, std::string from, std::string to) {
  Event e = segment_event(seg);
  if (describe_segment(e).empty()) return;  // a pure ACK: in the pcap, folded here
  e.actor = actor;
  e.from = std::move(from);
  e.to = std::move(to);
  wire_log_.push_back(WireEntry{e, next_seq(), seg.at_us});
  if (e.tcp && e.syn && e.ack) connected_.try_emplace(e.to, Stamp{seq_, seg.at_us});
  event(std::move(e));
}

// The wrapper's record of the wire, where it is kept.
WrapperCapture* Run::wrapper_wire() const {
  const auto it = wires_.find("wire");
  return it == wires_.end() ? nullptr : dynamic_cast<WrapperCapture*>(it->second.get());
}

// Under the wrapper: socklab (its peers) and each program write their own record of their sockets
// (WrapperCapture); a link's two sides would share socklab's one record, so a scenario with a link has
// no wire here.
void Run::capture_wrapper() {
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
bool Run::own_act(const std::string& writer, const Segment& seg, bool sure) {
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

void Run::write_captures(const std::string& base) {
  for (const auto& [actor, c] : wires_) {
    c->drain();  // what the end of the run sent: the peers' closes
    MessageFields fields = {{"packets", std::to_string(c->packets())}};
    auto part = [&](const char* name, const char* id, const MessageFields& f) {
      const auto both = said_field(name, id, f);
      fields.insert(fields.end(), both.begin(), both.end());
    };
    if (const std::size_t lost = c->lost(); lost > 0) part("lost", "note.capture-lost", {{"n", std::to_string(lost)}});
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
std::string Run::owner_key(bool tcp, std::uint16_t port, const NetNamespace* ns) {
  return std::string(tcp ? "tcp" : "udp") + ":" + std::to_string(port) + (ns ? "far" : "");
}

std::string Run::owner_of(bool tcp, std::uint16_t port, const NetNamespace* ns) {
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

std::string Run::process_holding(bool tcp, std::uint16_t port, const NetNamespace* ns) {
  std::set<std::string> inodes;
  if (in_wrapper_network()) {  // the wrapper's UNIX socket files: one per port
    const char* dir = std::getenv("SOCKET_WRAPPER_DIR");
    const std::string folder = ns != nullptr ? ns->wrapper()->dir() : dir != nullptr ? dir : "";
    for (auto& i : wrapper_socket_inodes(read_text("/proc/net/unix"), folder, tcp, port)) inodes.insert(i);
  }
  for (const char* table : {tcp ? "tcp" : "udp", tcp ? "tcp6" : "udp6"}) {
    if (in_wrapper_network()) break;
    for (const auto& s : parse_proc_net(proc_net_table(table, ns), table, ProcNetSockets::every)) {
      if (s.port == port) inodes.insert("socket:[" + s.inode + "]");
    }
  }
  if (inodes.empty()) return "";
  auto holds = [&](const std::filesystem::path& proc) {
    std::error_code fd_ec;
    for (const auto& fd : std::filesystem::directory_iterator(proc / "fd", fd_ec)) {
      if (inodes.count(std::filesystem::read_symlink(fd.path(), fd_ec).string())) return true;
    }
    return false;
  };
  // The programs themselves first, the newest first (almost always the holder: a port is new when a
  // program just started uses it; fifty clients' start is then a look at one or two programs' descriptors
  // each, not at all of them), then every process (what a program started holds it, or socklab's relay).
  std::vector<std::pair<std::uint64_t, const std::string*>> newest;
  for (const auto& [name, st] : started_) newest.emplace_back(st.seq, &name);
  std::sort(newest.begin(), newest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [seq, name] : newest) {
    const auto c = children_.find(*name);
    if (c != children_.end() && !c->second->status() && holds("/proc/" + std::to_string(c->second->pid())))
      return *name;
  }
  std::error_code ec;
  for (const auto& proc : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = proc.path().filename().string();
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0])) || !holds(proc.path())) continue;
    if (std::stoi(pid) == ::getpid()) return links_.size() == 1 ? links_.begin()->first : "socklab";  // a relay
    return group_owner(read_text((proc.path() / "stat").string()));
  }
  return "";
}

// The actor whose process group a process is in (its program, or what that program started), from
// /proc/PID/stat: "pid (name) state ppid pgrp ...".
std::string Run::group_owner(const std::string& stat) const {
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

}  // namespace socklab::harness::runner
