#include "proc_net.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <sstream>

namespace socklab::harness {

namespace {

bool hex_word(std::string_view hex, std::uint32_t& out) {
  if (hex.size() != 8) return false;
  const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), out, 16);
  return ec == std::errc() && end == hex.data() + hex.size();
}

constexpr std::string_view mapped_prefix = "::ffff:";

// An IPv4-mapped address as its IPv4 form; any other address as it is.
std::string_view as_ipv4(std::string_view address) {
  if (address.substr(0, mapped_prefix.size()) == mapped_prefix && address.find('.') != std::string_view::npos) {
    return address.substr(mapped_prefix.size());
  }
  return address;
}

bool is_ipv4(std::string_view host) {
  in_addr a{};
  return ::inet_pton(AF_INET, std::string(host).c_str(), &a) == 1;
}

}  // namespace

std::string BoundSocket::to_string() const {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string proc_net_address(std::string_view hex) {
  // The kernel prints each 32-bit word of the address as a number in the machine's byte order: copying
  // the number back into memory gives the address's bytes in network order, on any machine.
  std::array<unsigned char, 16> bytes{};
  if (hex.size() != 8 && hex.size() != 32) return "";
  for (std::size_t i = 0; i * 8 < hex.size(); ++i) {
    std::uint32_t word = 0;
    if (!hex_word(hex.substr(i * 8, 8), word)) return "";
    std::memcpy(bytes.data() + i * 4, &word, 4);
  }
  char text[INET6_ADDRSTRLEN] = {};
  const int family = hex.size() == 8 ? AF_INET : AF_INET6;
  if (::inet_ntop(family, bytes.data(), text, sizeof text) == nullptr) return "";
  return text;
}

std::vector<BoundSocket> parse_proc_net(std::string_view text, std::string_view table, ProcNetSockets which) {
  std::vector<BoundSocket> out;
  const bool tcp = table.substr(0, 3) == "tcp";
  std::istringstream in{std::string(text)};
  std::string line;
  std::getline(in, line);  // the column names
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
    if (tcp && state != "0A" && which == ProcNetSockets::bound) continue;  // LISTEN
    const auto colon = local.find(':');
    if (colon == std::string::npos) continue;
    unsigned port = 0;
    const std::string_view port_hex = std::string_view(local).substr(colon + 1);
    const auto [end, ec] = std::from_chars(port_hex.data(), port_hex.data() + port_hex.size(), port, 16);
    if (ec != std::errc() || end != port_hex.data() + port_hex.size() || port > 0xffff) continue;
    BoundSocket s;
    s.proto = tcp ? "tcp" : "udp";
    s.address = proc_net_address(std::string_view(local).substr(0, colon));
    if (s.address.empty()) continue;
    s.port = static_cast<std::uint16_t>(port);
    s.ipv6 = table.size() > 3 && table[3] == '6';
    s.inode = inode;
    out.push_back(std::move(s));
  }
  return out;
}

bool takes(const BoundSocket& s, std::string_view proto, std::string_view host, std::uint16_t port,
           bool v6_wildcard_takes_v4) {
  if (s.proto != proto || s.port != port) return false;
  if (host == "localhost") {
    return takes(s, proto, "127.0.0.1", port, v6_wildcard_takes_v4) ||
           takes(s, proto, "::1", port, v6_wildcard_takes_v4);
  }
  const std::string_view bound = as_ipv4(s.address);
  if (is_ipv4(host)) {
    return bound == host || bound == "0.0.0.0" || (s.address == "::" && v6_wildcard_takes_v4);
  }
  if (host == "::1") return s.address == "::1" || s.address == "::";
  return s.address == host;  // a name the scenario gives as it is
}

}  // namespace socklab::harness
