#include "wire.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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

namespace {
// One record of socket_wrapper's pcap: its header in this machine's byte order, then the raw IP packet.
std::string wrapper_record(std::uint32_t sec, std::uint32_t usec, const std::string& ip) {
  std::string r;
  for (const std::uint32_t v :
       {sec, usec, static_cast<std::uint32_t>(ip.size()), static_cast<std::uint32_t>(ip.size())})
    r.append(reinterpret_cast<const char*>(&v), 4);
  return r + ip;
}
}  // namespace

TEST(wire, the_wrappers_records_become_frames_and_a_cut_one_waits_for_its_end) {
  const std::string syn = tcp_frame(43556, 9999, 0x02, "").substr(14),
                    data = tcp_frame(9999, 43556, 0x18, "Welcome!").substr(14);
  std::string bytes = wrapper_record(7, 250, syn) + wrapper_record(8, 5, data);
  const std::string whole = bytes;
  bytes.resize(bytes.size() - 3);  // the second record not yet whole
  std::vector<std::pair<std::int64_t, Segment>> got;
  auto take = [&](std::int64_t at, std::string_view frame) {
    Segment s;
    ASSERT_TRUE(parse_frame(frame, s)) << "an Ethernet frame, as loopback's";
    got.emplace_back(at, s);
  };
  ASSERT_TRUE(split_wrapper_records(bytes, take));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, 7000250);
  EXPECT_EQ(describe(got[0].second), "SYN");
  EXPECT_EQ(bytes.size(), 16 + data.size() - 3) << "the cut record is kept for the next read";
  bytes += whole.substr(whole.size() - 3);
  ASSERT_TRUE(split_wrapper_records(bytes, take));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].first, 8000005);
  EXPECT_EQ(got[1].second.payload, "Welcome!");
  EXPECT_TRUE(bytes.empty());
}

TEST(wire, a_record_that_cannot_be_one_stops_the_reading) {
  std::string bytes(16, '\xff');  // a length of 4 GiB
  EXPECT_FALSE(split_wrapper_records(bytes, [](std::int64_t, std::string_view) { FAIL() << "no frame"; }));
}
