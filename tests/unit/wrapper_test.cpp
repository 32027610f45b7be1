#include "wrapper.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace socklab::harness {
namespace {

// /proc/net/unix as it shows socket_wrapper's folder: a TCP listener (flag 00010000), a TCP client's
// bound socket, a UDP socket on the wildcard (the default interface), an IPv6 listener, and others.
const char* const kUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 101 /tmp/socklab-net-a/T01270F\n"
    "0000000000000000: 00000003 00000000 00000000 0001 03 102 /tmp/socklab-net-a/T0196F7\n"
    "0000000000000000: 00000002 00000000 00000000 0002 01 103 /tmp/socklab-net-a/U01270E\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 104 /tmp/socklab-net-a/X0122B8\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 105 /tmp/socklab-net-b/T01270F\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 106 /tmp/socklab-net-a/hosts\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 107 @/tmp/.X11-unix/X0\n"
    "0000000000000000: 00000003 00000000 00000000 0001 03 108\n";

TEST(wrapper, reads_the_listeners_and_bound_datagram_sockets_of_its_own_folder) {
  const auto got = parse_wrapper_sockets(kUnix, "/tmp/socklab-net-a");
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].to_string(), "127.0.0.1:9999");
  EXPECT_EQ(got[0].proto, "tcp");
  EXPECT_EQ(got[1].to_string(), "127.0.0.1:9998");
  EXPECT_EQ(got[1].proto, "udp");
  EXPECT_TRUE(got[2].ipv6);
  EXPECT_EQ(got[2].port, 8888);
  EXPECT_EQ(got[2].address, "fd00::5357:5f01");
}

TEST(wrapper, the_sockets_of_a_port_are_found_by_their_file_in_its_own_folder) {
  EXPECT_EQ(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-a", true, 9999), std::vector<std::string>{"socket:[101]"});
  EXPECT_EQ(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-a", true, 0x96F7), std::vector<std::string>{"socket:[102]"})
      << "a client's socket, listening or not";
  EXPECT_EQ(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-a", false, 9998), std::vector<std::string>{"socket:[103]"});
  EXPECT_EQ(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-a", true, 8888), std::vector<std::string>{"socket:[104]"})
      << "IPv6";
  EXPECT_TRUE(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-a", false, 9999).empty()) << "TCP is not UDP";
  EXPECT_EQ(wrapper_socket_inodes(kUnix, "/tmp/socklab-net-b", true, 9999), std::vector<std::string>{"socket:[105]"})
      << "another scenario's folder";
}

TEST(wrapper, a_tcp_socket_that_does_not_listen_is_not_ready) {
  const auto got = parse_wrapper_sockets(kUnix, "/tmp/socklab-net-a");
  for (const auto& s : got) EXPECT_NE(s.port, 0x96F7);
}

TEST(wrapper, a_dynamic_program_and_a_script_are_not_static) {
  EXPECT_FALSE(statically_linked(SOCKLAB_FIXTURE_CHILD));
  const std::string script = testing::TempDir() + "/wrapper-script.py";
  std::ofstream(script) << "#!/usr/bin/env python3\nprint(1)\n";
  EXPECT_FALSE(statically_linked(script));
}

TEST(wrapper, a_statically_linked_program_and_a_script_it_interprets_are_static) {
  EXPECT_TRUE(statically_linked(SOCKLAB_FIXTURE_CHILD_STATIC));
  const std::string script = testing::TempDir() + "/wrapper-static-script";
  std::ofstream(script) << "#!" << SOCKLAB_FIXTURE_CHILD_STATIC << " echo\n";
  EXPECT_TRUE(statically_linked(script));
}

}  // namespace
}  // namespace socklab::harness
