// Isolation without namespaces (`--isolation wrapper`): Samba's socket_wrapper and nss_wrapper, preloaded.
// Every IPv4/IPv6 socket of a wrapped process becomes a UNIX socket in the folder SOCKET_WRAPPER_DIR
// names, so each scenario's folder is a loopback of its own (two scenarios both bind 127.0.0.1:9999),
// and NSS_WRAPPER_HOSTS is its /etc/hosts. socklab's worker runs with socket_wrapper loaded too (socklab
// re-executes itself with it preloaded), so its peers and links sit on the same loopback; a link's far
// side is a second folder, chosen by switching SOCKET_WRAPPER_DIR around the calls that resolve an address.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages.hpp"
#include "proc_net.hpp"

namespace socklab::harness {

/// Where the two libraries are installed, and socklab's own preloaded before them.
struct WrapperLibraries {
  std::string socket;      // libsocket_wrapper.so
  std::string nss;         // libnss_wrapper.so
  std::string dual_stack;  // libsocklab_dual_stack.so ("" where it is not built): `::` and ::ffff:a.b.c.d
};
/// The installed libraries (Debian's libsocket-wrapper and libnss-wrapper), or nothing.
std::optional<WrapperLibraries> find_wrapper_libraries();

/// Whether socket_wrapper is loaded into this process.
bool socket_wrapper_loaded();

/// Re-executes socklab (same arguments) with socket_wrapper preloaded and no folder set yet, so that it
/// wraps nothing until a worker chooses its scenario's folder. Returns only when the exec failed.
void reexec_with_socket_wrapper(char** argv, const WrapperLibraries& libs);

/// One scenario's loopback under the wrapper: a folder of its own for the sockets and, for the scenario's
/// network (not a link's far side), its hosts file. Removed with everything in it when destroyed.
class WrapperNetwork {
 public:
  /// `hosts`: names that resolve to 127.0.0.1 (the machine's name always does); none: a link's far side.
  explicit WrapperNetwork(std::optional<std::vector<std::string>> hosts = std::nullopt);
  ~WrapperNetwork();
  WrapperNetwork(const WrapperNetwork&) = delete;
  WrapperNetwork& operator=(const WrapperNetwork&) = delete;

  [[nodiscard]] const std::string& dir() const { return dir_; }
  /// Makes this the network of this process and of the programs it starts from now on.
  void enter() const;
  /// Runs f with the wrapper resolving addresses in this network, then in the one it was in.
  template <class F>
  auto inside(F f) const {
    const Switch s(dir_);
    return f();
  }
  /// What is bound (UDP) or listening (TCP) here.
  [[nodiscard]] std::vector<BoundSocket> bound() const;

 private:
  struct Switch {
    explicit Switch(const std::string& dir);
    ~Switch();
    Switch(const Switch&) = delete;
    Switch& operator=(const Switch&) = delete;
    std::string before;
  };
  std::string dir_;
};

/// The networks this process makes from now on belong to `uid` (the run's own user, when socklab is
/// root): their folders are that user's alone, so no other run can reach a scenario's sockets.
void give_wrapper_networks_to(unsigned uid);

/// Whether this process is a worker in a wrapper network (set by WrapperNetwork::enter).
bool in_wrapper_network();
/// The sockets of the wrapper network this process is in now (empty when it is in none).
std::vector<BoundSocket> wrapper_bound_sockets();

/// The pcap file socket_wrapper is to write in the programs started from now on ("" none): each writes
/// its own account of its sockets, which the runner reads as the wire (WrapperCapture).
void set_wrapper_capture_file(std::string path);

/// The environment a child needs to run in this process's current wrapper network: LD_PRELOAD of both
/// libraries, SOCKET_WRAPPER_DIR, NSS_WRAPPER_HOSTS ... (empty when not in one).
std::vector<std::string> wrapper_environment();

/// The sockets that /proc/net/unix's text shows in the wrapper folder `dir`: socket_wrapper names each
/// file <T|U|X|Y><interface, 2 hex digits><port, 4 hex digits>; a TCP one counts once it listens.
std::vector<BoundSocket> parse_wrapper_sockets(std::string_view proc_net_unix, std::string_view dir);

/// The inodes ("socket:[N]", as /proc/PID/fd shows them) of the sockets /proc/net/unix's text shows on
/// `port` in the wrapper folder `dir` (a listening socket and those it accepted share its file).
std::vector<std::string> wrapper_socket_inodes(std::string_view proc_net_unix, std::string_view dir, bool tcp,
                                               std::uint16_t port);

/// Why `program` (a path, or a name found on PATH) cannot run under the wrapper, or nothing: it is
/// statically linked.
std::optional<std::string> beyond_wrapper(const std::string& program, Lang lang = Lang::en);

/// Whether `path` runs without the dynamic loader (an ELF file with no PT_INTERP, or a script whose
/// interpreter is one), so that LD_PRELOAD, and with it the wrapper, never reaches its sockets.
bool statically_linked(const std::string& path);

}  // namespace socklab::harness
