#include "proc_net.hpp"

#include <gtest/gtest.h>

using namespace socklab::harness;

namespace {

// The header and one row of /proc/net/tcp6 as Linux writes them (little-endian words).
std::string tcp6_table(const std::string& local, const std::string& state = "0A") {
  return "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
         "tm->when retrnsmt   uid  timeout inode\n"
         "   0: " +
         local + " 00000000000000000000000000000000:0000 " + state +
         " 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0\n";
}

BoundSocket bound(std::string proto, std::string address, bool ipv6) {
  return BoundSocket{std::move(proto), std::move(address), 9999, ipv6, ""};
}

}  // namespace

TEST(proc_net, reads_ipv4_addresses) {
  EXPECT_EQ(proc_net_address("0100007F"), "127.0.0.1");
  EXPECT_EQ(proc_net_address("00000000"), "0.0.0.0");
}

TEST(proc_net, reads_ipv6_addresses_as_four_words) {
  EXPECT_EQ(proc_net_address("00000000000000000000000000000000"), "::");
  EXPECT_EQ(proc_net_address("00000000000000000000000001000000"), "::1");
  EXPECT_EQ(proc_net_address("0000000000000000FFFF00000100007F"), "::ffff:127.0.0.1");
  EXPECT_EQ(proc_net_address("0000000000000000FFFF00000000000"), "");  // 31 digits
  EXPECT_EQ(proc_net_address("B80D0120000000000000000001000000"), "2001:db8::1");
}

TEST(proc_net, a_mapped_listener_is_read_with_its_port) {
  const auto found = parse_proc_net(tcp6_table("0000000000000000FFFF00000100007F:270F"), "tcp6");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].proto, "tcp");
  EXPECT_EQ(found[0].address, "::ffff:127.0.0.1");
  EXPECT_EQ(found[0].port, 9999);
  EXPECT_TRUE(found[0].ipv6);
  EXPECT_EQ(found[0].to_string(), "[::ffff:127.0.0.1]:9999");
}

TEST(proc_net, tcp_counts_only_listening_sockets_udp_every_bound_one) {
  EXPECT_TRUE(parse_proc_net(tcp6_table("00000000000000000000000001000000:270F", "01"), "tcp6").empty());
  const auto udp = parse_proc_net(tcp6_table("00000000000000000000000001000000:270F", "07"), "udp6");
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(udp[0].proto, "udp");
  EXPECT_EQ(udp[0].address, "::1");
  const auto v4 = parse_proc_net(
      "  sl  local_address rem_address   st\n   0: 0100007F:270F 00000000:0000 07 00000000:00000000\n", "udp");
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0].to_string(), "127.0.0.1:9999");
  EXPECT_FALSE(v4[0].ipv6);
}

TEST(proc_net, every_socket_of_a_table_comes_with_its_inode) {
  const std::string connected = tcp6_table("00000000000000000000000001000000:B5A2", "01");
  EXPECT_TRUE(parse_proc_net(connected, "tcp6").empty());
  const auto every = parse_proc_net(connected, "tcp6", ProcNetSockets::every);
  ASSERT_EQ(every.size(), 1u);
  EXPECT_EQ(every[0].port, 46498);
  EXPECT_EQ(every[0].inode, "12345");
  EXPECT_EQ(parse_proc_net(tcp6_table("00000000000000000000000001000000:270F"), "tcp6").at(0).inode, "12345");
}

TEST(proc_net, a_mapped_address_takes_its_ipv4_form) {
  const auto s = bound("tcp", "::ffff:127.0.0.1", true);
  EXPECT_TRUE(takes(s, "tcp", "127.0.0.1", 9999, false));
  EXPECT_FALSE(takes(s, "tcp", "127.0.0.2", 9999, true));
  EXPECT_FALSE(takes(s, "tcp", "::1", 9999, true));
  EXPECT_FALSE(takes(s, "udp", "127.0.0.1", 9999, true));
  EXPECT_FALSE(takes(s, "tcp", "127.0.0.1", 9998, true));
}

TEST(proc_net, the_ipv6_wildcard_takes_ipv4_only_when_dual_stack) {
  const auto s = bound("udp", "::", true);
  EXPECT_TRUE(takes(s, "udp", "127.0.0.1", 9999, true));
  EXPECT_FALSE(takes(s, "udp", "127.0.0.1", 9999, false));
  EXPECT_TRUE(takes(s, "udp", "::1", 9999, false));
}

TEST(proc_net, the_ipv4_wildcard_takes_ipv4_only) {
  const auto s = bound("tcp", "0.0.0.0", false);
  EXPECT_TRUE(takes(s, "tcp", "127.0.0.1", 9999, true));
  EXPECT_FALSE(takes(s, "tcp", "::1", 9999, true));
}

TEST(proc_net, loopback_addresses_take_only_themselves) {
  EXPECT_TRUE(takes(bound("tcp", "::1", true), "tcp", "::1", 9999, true));
  EXPECT_FALSE(takes(bound("tcp", "::1", true), "tcp", "127.0.0.1", 9999, true));
  EXPECT_FALSE(takes(bound("tcp", "127.0.0.1", false), "tcp", "::1", 9999, true));
  EXPECT_TRUE(takes(bound("tcp", "::1", true), "tcp", "localhost", 9999, false));
  EXPECT_TRUE(takes(bound("tcp", "127.0.0.1", false), "tcp", "localhost", 9999, false));
}
