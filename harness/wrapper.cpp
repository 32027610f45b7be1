#include "wrapper.hpp"

#include <arpa/inet.h>
#include <elf.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "files.hpp"
#include "socket.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

bool g_in_network = false;        // this process is a worker in a wrapper network
std::string g_hosts;              // its hosts file
std::optional<unsigned> g_owner;  // the run's own user, who owns its networks' folders
std::string g_capture_file;       // the pcap file of the programs started next

#if defined(__x86_64__)
constexpr const char* kMultiarch = "x86_64-linux-gnu";
#elif defined(__aarch64__)
constexpr const char* kMultiarch = "aarch64-linux-gnu";
#elif defined(__i386__)
constexpr const char* kMultiarch = "i386-linux-gnu";
#else
constexpr const char* kMultiarch = "";
#endif

// socket_wrapper's table of sockets, made at a process's first socket: its default of 65535 costs about
// 40 ms a process; 4096 is well above a program's 1024 descriptors and socklab's peers of one scenario.
constexpr const char* kMaxSockets = "4096";

std::string find_library(const std::string& name) {
  const std::string multi = kMultiarch;
  for (const std::string& dir : {"/usr/lib/" + multi, "/lib/" + multi, std::string("/usr/lib64"),
                                 std::string("/usr/lib"), std::string("/usr/local/lib")}) {
    const std::string path = dir + "/" + name;
    if (::access(path.c_str(), R_OK) == 0) return path;
  }
  return "";
}

// The interpreter a "#!" line names, found on PATH when it is /usr/bin/env's argument ("" when none).
std::string script_interpreter(const std::string& first_line) {
  std::istringstream words(first_line.substr(2));
  std::string program, arg;
  words >> program >> arg;
  if (fs::path(program).filename() != "env" || arg.empty()) return program;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + arg;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Whether an ELF image has a PT_INTERP program header (the dynamic loader runs it, and LD_PRELOAD works).
template <class Ehdr, class Phdr>
bool has_interpreter(std::ifstream& in) {
  Ehdr eh{};
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(&eh), sizeof eh)) return true;
  for (unsigned k = 0; k < eh.e_phnum; ++k) {
    Phdr ph{};
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + k * eh.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return true;
    if (ph.p_type == PT_INTERP) return true;
  }
  return false;
}

bool statically_linked_at(const std::string& path, int depth) {
  std::ifstream in(path, std::ios::binary);
  char head[EI_NIDENT] = {};
  if (!in.read(head, sizeof head)) return false;  // too short to be either: the exec will say what it is
  if (head[0] == '#' && head[1] == '!') {
    in.seekg(0);
    std::string line;
    std::getline(in, line);
    const std::string interpreter = script_interpreter(line);
    return depth < 4 && !interpreter.empty() && statically_linked_at(interpreter, depth + 1);
  }
  if (std::memcmp(head, ELFMAG, SELFMAG) != 0) return false;
  return head[EI_CLASS] == ELFCLASS64 ? !has_interpreter<Elf64_Ehdr, Elf64_Phdr>(in)
                                      : !has_interpreter<Elf32_Ehdr, Elf32_Phdr>(in);
}

// socklab's own library, beside the socklab command (the build tree) or where it is installed.
std::string find_dual_stack() {
  std::error_code ec;
  const fs::path bin = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return "";
  for (const fs::path& dir : {bin, bin / SOCKLAB_LIB_FROM_BIN}) {
    const fs::path path = dir / "libsocklab_dual_stack.so";
    if (::access(path.c_str(), R_OK) == 0) return fs::weakly_canonical(path, ec).string();
  }
  return "";
}

}  // namespace

std::optional<WrapperLibraries> find_wrapper_libraries() {
  WrapperLibraries libs{find_library("libsocket_wrapper.so"), find_library("libnss_wrapper.so"), find_dual_stack()};
  if (libs.socket.empty() || libs.nss.empty()) return std::nullopt;
  return libs;
}

bool socket_wrapper_loaded() {
  bool found = false;
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        if (info->dlpi_name != nullptr && std::strstr(info->dlpi_name, "libsocket_wrapper") != nullptr) {
          *static_cast<bool*>(data) = true;
        }
        return 0;
      },
      &found);
  return found;
}

void reexec_with_socket_wrapper(char** argv, const WrapperLibraries& libs) {
  const char* before = std::getenv("LD_PRELOAD");
  const std::string preload = libs.socket + (before != nullptr && *before != '\0' ? ":" + std::string(before) : "");
  ::setenv("LD_PRELOAD", preload.c_str(), 1);
  // No folder yet: socket_wrapper leaves every socket alone until a worker names its scenario's.
  for (const char* v : {"SOCKET_WRAPPER_DIR", "NSS_WRAPPER_HOSTS", "NSS_WRAPPER_HOSTNAME"}) ::unsetenv(v);
  ::setenv("SOCKET_WRAPPER_MAX_SOCKETS", kMaxSockets, 1);
#ifdef SOCKLAB_SANITIZED
  // A preloaded library comes before the sanitizer's runtime, and deep binding confuses its interceptors.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string options = (asan != nullptr ? std::string(asan) + ":" : "") + "verify_asan_link_order=0";
  ::setenv("ASAN_OPTIONS", options.c_str(), 1);
  ::setenv("SOCKET_WRAPPER_DISABLE_DEEPBIND", "1", 1);
  ::setenv("NSS_WRAPPER_DISABLE_DEEPBIND", "1", 1);
#endif
  ::execv("/proc/self/exe", argv);
}

WrapperNetwork::WrapperNetwork(std::optional<std::vector<std::string>> hosts) {
  // Under /tmp, not TMPDIR: a socket's path must fit in 108 bytes.
  char templ[] = "/tmp/socklab-net-XXXXXX";
  if (::mkdtemp(templ) == nullptr) throw_system_error("mkdtemp (a wrapper network's folder)");
  std::error_code ec;
  dir_ = fs::canonical(templ, ec).string();  // socket_wrapper names its sockets from the real path
  if (ec) dir_ = templ;
  // Only this run reaches it: socklab, and the run's own user when its programs run as one.
  if (g_owner)
    check_syscall("chown (a wrapper network's folder)", ::chown(dir_.c_str(), *g_owner, static_cast<gid_t>(-1)));
  if (!hosts) return;
  char name[HOST_NAME_MAX + 1] = {};
  ::gethostname(name, sizeof name - 1);
  std::string text = "127.0.0.1 localhost " + std::string(name);
  for (const auto& h : *hosts) text += " " + h;
  text += "\n::1 localhost ip6-localhost ip6-loopback\n";
  std::ofstream(dir_ + "/hosts") << text;
}

WrapperNetwork::~WrapperNetwork() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void WrapperNetwork::enter() const {
  ::setenv("SOCKET_WRAPPER_DIR", dir_.c_str(), 1);
  ::setenv("SOCKET_WRAPPER_DEFAULT_IFACE", "1", 1);  // 127.0.0.1: where a wildcard bind lands
  g_hosts = dir_ + "/hosts";
  g_in_network = true;
}

WrapperNetwork::Switch::Switch(const std::string& dir) {
  if (const char* d = std::getenv("SOCKET_WRAPPER_DIR")) before = d;
  ::setenv("SOCKET_WRAPPER_DIR", dir.c_str(), 1);
}

WrapperNetwork::Switch::~Switch() {
  if (before.empty()) {
    ::unsetenv("SOCKET_WRAPPER_DIR");
  } else {
    ::setenv("SOCKET_WRAPPER_DIR", before.c_str(), 1);
  }
}

std::vector<BoundSocket> WrapperNetwork::bound() const {
  return parse_wrapper_sockets(read_text("/proc/net/unix"), dir_);
}

void give_wrapper_networks_to(unsigned uid) { g_owner = uid; }

bool in_wrapper_network() { return g_in_network; }

std::vector<BoundSocket> wrapper_bound_sockets() {
  const char* dir = std::getenv("SOCKET_WRAPPER_DIR");
  if (!g_in_network || dir == nullptr) return {};
  return parse_wrapper_sockets(read_text("/proc/net/unix"), dir);
}

std::vector<std::string> wrapper_environment() {
  static const auto libs = find_wrapper_libraries();
  const char* dir = std::getenv("SOCKET_WRAPPER_DIR");
  if (!g_in_network || !libs || dir == nullptr) return {};
  const std::string own = libs->dual_stack.empty() ? "" : libs->dual_stack + ":";  // before socket_wrapper
  std::vector<std::string> env = {"LD_PRELOAD=" + own + libs->socket + ":" + libs->nss,
                                  std::string("SOCKET_WRAPPER_DIR=") + dir, "SOCKET_WRAPPER_DEFAULT_IFACE=1",
                                  "NSS_WRAPPER_HOSTS=" + g_hosts,
                                  std::string("SOCKET_WRAPPER_MAX_SOCKETS=") + kMaxSockets};
  for (const char* deepbind : {"SOCKET_WRAPPER_DISABLE_DEEPBIND", "NSS_WRAPPER_DISABLE_DEEPBIND"}) {
    if (std::getenv(deepbind) != nullptr) env.push_back(std::string(deepbind) + "=1");
  }
  if (!g_capture_file.empty()) env.push_back("SOCKET_WRAPPER_PCAP_FILE=" + g_capture_file);
  return env;
}

void set_wrapper_capture_file(std::string path) { g_capture_file = std::move(path); }

namespace {

// One socket of the wrapper's folder as /proc/net/unix lists it: its file's name (kind, interface and
// port: "T0F270F"), its flags and its inode.
struct WrapperEntry {
  std::string name, flags, inode;
};

std::vector<WrapperEntry> wrapper_entries(std::string_view proc_net_unix, std::string_view dir) {
  std::vector<WrapperEntry> out;
  std::istringstream in{std::string(proc_net_unix)};
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string num, refs, protocol, flags, type, state, inode, path;
    if (!(f >> num >> refs >> protocol >> flags >> type >> state >> inode >> path)) continue;
    if (path.size() != dir.size() + 8 || path.compare(0, dir.size(), dir) != 0 || path[dir.size()] != '/') continue;
    out.push_back({path.substr(dir.size() + 1), flags, inode});
  }
  return out;
}

}  // namespace

std::vector<std::string> wrapper_socket_inodes(std::string_view proc_net_unix, std::string_view dir, bool tcp,
                                               std::uint16_t port) {
  char tail[8];
  std::snprintf(tail, sizeof tail, "%04X", port);
  std::vector<std::string> out;
  for (const auto& e : wrapper_entries(proc_net_unix, dir)) {
    const char kind = e.name[0];
    const bool kind_fits = tcp ? (kind == 'T' || kind == 'X') : (kind == 'U' || kind == 'Y');
    if (kind_fits && strcasecmp(e.name.c_str() + 3, tail) == 0) out.push_back("socket:[" + e.inode + "]");
  }
  return out;
}

std::vector<BoundSocket> parse_wrapper_sockets(std::string_view proc_net_unix, std::string_view dir) {
  constexpr unsigned long kAcceptCon = 0x10000;  // __SO_ACCEPTCON: the socket listens
  std::vector<BoundSocket> out;
  for (const auto& e : wrapper_entries(proc_net_unix, dir)) {
    const std::string& name = e.name;
    const char kind = name[0];
    if (std::string_view("TUXY").find(kind) == std::string_view::npos) continue;
    // The name is KIIPPPP: kind, interface and port in hex, every digit of them.
    auto hex_field = [&](std::size_t at, std::size_t len, unsigned long& v) {
      const char* first = name.data() + at;
      const auto [end, ec] = std::from_chars(first, first + len, v, 16);
      return ec == std::errc{} && end == first + len;
    };
    unsigned long iface = 0, port = 0;
    if (!hex_field(1, 2, iface) || !hex_field(3, 4, port) || port == 0) continue;
    const bool tcp = kind == 'T' || kind == 'X';
    if (tcp && (std::strtoul(e.flags.c_str(), nullptr, 16) & kAcceptCon) == 0) continue;  // a client's, or not yet
    BoundSocket s;
    s.proto = tcp ? "tcp" : "udp";
    s.ipv6 = kind == 'X' || kind == 'Y';
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02lx", iface);
    s.address = s.ipv6 ? "fd00::5357:5f" + std::string(hex) : "127.0.0." + std::to_string(iface);
    s.port = static_cast<std::uint16_t>(port);
    out.push_back(s);
  }
  return out;
}

bool statically_linked(const std::string& path) { return statically_linked_at(path, 0); }

std::optional<std::string> beyond_wrapper(const std::string& program, Lang lang) {
  if (statically_linked(program)) return say(lang, "wrapper.static", {{"program", program}});
  return std::nullopt;
}

}  // namespace socklab::harness
