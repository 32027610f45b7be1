// What /proc/net/{tcp,udp,tcp6,udp6} say is bound, and whether a socket bound there takes connections or
// datagrams sent to an address: readiness, and "the server listens on ..." in failures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace socklab::harness {

struct BoundSocket {
  std::string proto;    // "tcp" or "udp"
  std::string address;  // as written: "127.0.0.1", "0.0.0.0", "::", "::1", "::ffff:127.0.0.1"
  std::uint16_t port = 0;
  bool ipv6 = false;  // from tcp6/udp6: an AF_INET6 socket
  std::string inode;  // "12345": the socket's inode, as a process's descriptor names it (socket:[12345])
  /// "127.0.0.1:9999", "[::ffff:127.0.0.1]:9999".
  [[nodiscard]] std::string to_string() const;
};

/// The address in a /proc/net table's hex form: 8 digits (IPv4) or 32 (IPv6, four 32-bit words), each
/// word in the machine's byte order as the kernel prints it. "" when it is neither.
std::string proc_net_address(std::string_view hex);

/// Which sockets of a table parse_proc_net gives: the listening (TCP, state 0A) or bound (UDP) ones, or
/// every one, a connection's too (which process holds a port).
enum class ProcNetSockets { bound, every };

/// The sockets of one table's text; `table` is "tcp", "udp", "tcp6" or "udp6".
std::vector<BoundSocket> parse_proc_net(std::string_view text, std::string_view table,
                                        ProcNetSockets which = ProcNetSockets::bound);

/// Whether `s` takes what is sent to host:port. An IPv4-mapped address counts as its IPv4 form,
/// 0.0.0.0 as every IPv4 address, `::` as ::1 and, when `v6_wildcard_takes_v4` (the socket is
/// dual-stack: net.ipv6.bindv6only is 0 and the program did not set IPV6_V6ONLY, which /proc does not
/// show), as every IPv4 address too. "localhost" is 127.0.0.1 or ::1.
bool takes(const BoundSocket& s, std::string_view proto, std::string_view host, std::uint16_t port,
           bool v6_wildcard_takes_v4);

}  // namespace socklab::harness
