#include "wire.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace socklab::harness;

namespace {

// An Ethernet frame as loopback carries it: IPv4 127.0.0.1 -> 127.0.0.1, then TCP with `flags` and `payload`.
std::string tcp_frame(std::uint16_t from, std::uint16_t to, unsigned char flags, const std::string& payload) {
  std::string f(12, '\0');
  f += std::string("\x08\x00", 2);  // IPv4
  const std::size_t total = 20 + 20 + payload.size();
  std::string ip = {0x45,
                    0,
                    static_cast<char>(total >> 8),
                    static_cast<char>(total & 0xff),
                    0,
                    0,
                    0,
                    0,
                    64,
                    6,
                    0,
                    0,
                    127,
                    0,
                    0,
                    1,
                    127,
                    0,
                    0,
                    1};
  std::string tcp(20, '\0');
  tcp[0] = static_cast<char>(from >> 8);
  tcp[1] = static_cast<char>(from & 0xff);
  tcp[2] = static_cast<char>(to >> 8);
  tcp[3] = static_cast<char>(to & 0xff);
  tcp[12] = 0x50;  // 5 words: no options
  tcp[13] = static_cast<char>(flags);
  return f + ip + tcp + payload;
}

}  // namespace

TEST(wire, a_segment_is_told_by_its_flags_and_bytes) {
  Segment s;
  ASSERT_TRUE(parse_frame(tcp_frame(43556, 9999, 0x02, ""), s));
  EXPECT_TRUE(s.tcp);
  EXPECT_EQ(s.from_port, 43556);
  EXPECT_EQ(s.to_port, 9999);
  EXPECT_EQ(s.from_host, "127.0.0.1");
  EXPECT_EQ(describe(s), "SYN");
  ASSERT_TRUE(parse_frame(tcp_frame(9999, 43556, 0x12, ""), s));
  EXPECT_EQ(describe(s), "SYN-ACK");
  ASSERT_TRUE(parse_frame(tcp_frame(9999, 43556, 0x18, "Welcome!"), s));
  EXPECT_EQ(describe(s), "\"Welcome!\" (8 bytes)");
  ASSERT_TRUE(parse_frame(tcp_frame(9999, 43556, 0x19, "x"), s));
  EXPECT_EQ(describe(s), "\"x\" (1 byte) FIN") << "data and the close in one segment";
  ASSERT_TRUE(parse_frame(tcp_frame(9999, 43556, 0x14, ""), s));
  EXPECT_EQ(describe(s), "RST");
  ASSERT_TRUE(parse_frame(tcp_frame(9999, 43556, 0x10, ""), s));
  EXPECT_EQ(describe(s), "") << "a pure ACK is folded";
}

TEST(wire, what_is_not_tcp_or_udp_over_ip_is_no_segment) {
  Segment s;
  EXPECT_FALSE(parse_frame("", s));
  EXPECT_FALSE(parse_frame(std::string(14, '\0'), s)) << "not IP";
  std::string truncated = tcp_frame(1, 2, 0x02, "abc");
  truncated.resize(30);
  EXPECT_FALSE(parse_frame(truncated, s)) << "cut short";
}
