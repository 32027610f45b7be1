#include "python.hpp"

#include <gtest/gtest.h>

using namespace socklab;
using namespace socklab::py;

TEST(bytes_repr, matches_python) {
  EXPECT_EQ(bytes_repr("a"), "b'a'");
  EXPECT_EQ(bytes_repr(""), "b''");
  EXPECT_EQ(bytes_repr("it's"), "b\"it's\"");
  EXPECT_EQ(bytes_repr("'\""), "b'\\'\"'");
  EXPECT_EQ(bytes_repr("a\\b"), "b'a\\\\b'");
  EXPECT_EQ(bytes_repr(std::string("\t\n\r\x00\x7f\xff", 6)), "b'\\t\\n\\r\\x00\\x7f\\xff'");
  EXPECT_EQ(bytes_repr("你"), "b'\\xe4\\xbd\\xa0'");
}

TEST(str_repr, keeps_printable_unicode) {
  EXPECT_EQ(str_repr("abc"), "'abc'");
  EXPECT_EQ(str_repr("五\n"), "'五\\n'");
}

TEST(address_repr, is_a_python_tuple) {
  EXPECT_EQ(address_repr(Address("127.0.0.1", 53914)), "('127.0.0.1', 53914)");
  EXPECT_EQ(address_repr(Address("::1", 9999)), "('::1', 9999, 0, 0)");
}

TEST(socket_repr, matches_python_for_open_and_closed_sockets) {
  auto server = tcp_socket();
  server.bind({"127.0.0.1", 0});
  server.listen(1);
  auto client = tcp_socket();
  client.connect(server.getsockname());
  auto [conn, addr] = server.accept();
  EXPECT_EQ(socket_repr(conn), "<socket.socket fd=" + std::to_string(conn.fileno()) +
                                   ", family=2, type=1, proto=0, laddr=" + address_repr(server.getsockname()) +
                                   ", raddr=" + address_repr(addr) + ">");
  EXPECT_EQ(socket_repr(server).find(", raddr="), std::string::npos) << "no peer, no raddr";
  EXPECT_EQ(closed_socket_repr(2, 1), "<socket.socket [closed] fd=-1, family=2, type=1, proto=0>");
}

TEST(decode_utf8, replaces_each_invalid_sequence_as_python_does) {
  EXPECT_EQ(decode_utf8("héllo 你好"), "héllo 你好");
  EXPECT_EQ(decode_utf8("\xff"), "\uFFFD");
  EXPECT_EQ(decode_utf8("a\xe4\xbd"), "a\uFFFD") << "a character cut short is one U+FFFD";
  EXPECT_EQ(decode_utf8("\xe4\xbd"
                        "a"),
            "\uFFFD"
            "a");
  EXPECT_EQ(decode_utf8("\xed\xa0\x80"), "\uFFFD\uFFFD\uFFFD") << "a surrogate is three";
  EXPECT_EQ(decode_utf8("\xf0\x9f\x98"), "\uFFFD");
  EXPECT_EQ(decode_utf8("\xc0\xaf"), "\uFFFD\uFFFD") << "an overlong form";
  EXPECT_EQ(decode_utf8(std::string("\x00", 1)), std::string("\x00", 1));
}

TEST(parse_int, accepts_what_python_int_accepts) {
  EXPECT_EQ(parse_int("5"), Int(5));
  EXPECT_EQ(parse_int(" 7\n"), Int(7));
  EXPECT_EQ(parse_int("+5"), Int(5));
  EXPECT_EQ(parse_int("-3"), Int(-3));
  EXPECT_EQ(parse_int("0005"), Int(5));
  EXPECT_EQ(parse_int("5_000"), Int(5000));
  EXPECT_EQ(parse_int("５"), Int(5)) << "full-width digit";
  EXPECT_EQ(parse_int("\u3000１２\u3000"), Int(12)) << "ideographic spaces";
  EXPECT_EQ(parse_int("٣"), Int(3)) << "Arabic-Indic digit";
  EXPECT_EQ(parse_int("123456789012345678901234567890"), Int("123456789012345678901234567890"));
}

TEST(parse_int, refuses_what_python_int_refuses) {
  for (const char* bad : {"abc", "", " ", "+", "5_", "_5", "5__0", "1.5", "1e3", "- 5", "0x10", "５a", "\xff"}) {
    EXPECT_EQ(parse_int(bad), std::nullopt) << '"' << bad << '"';
  }
}
