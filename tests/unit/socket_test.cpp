#include "socket.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

using namespace socklab;

namespace {

// A listening socket on a port the kernel chose, and its address.
std::pair<Socket, Address> listener() {
  auto s = tcp_socket();
  s.bind({"127.0.0.1", 0});
  s.listen(5);
  auto addr = s.getsockname();
  return {std::move(s), addr};
}

}  // namespace

TEST(socket, tcp_round_trip_mirrors_python_calls) {
  auto [server, addr] = listener();
  auto client = tcp_socket();
  client.connect(addr);
  auto [conn, peer] = server.accept();
  EXPECT_EQ(peer, client.getsockname());
  client.sendall("hello");
  EXPECT_EQ(conn.recv(1024), "hello");
  conn.send("back");
  EXPECT_EQ(client.recv(2), "ba");
  EXPECT_EQ(client.recv(1024), "ck");
  conn.close();
  EXPECT_EQ(client.recv(1024), "") << "a closed peer reads as empty, as in Python";
}

TEST(socket, udp_sendto_recvfrom_report_the_sender) {
  auto a = udp_socket();
  a.bind({"127.0.0.1", 0});
  auto b = udp_socket();
  b.bind({"127.0.0.1", 0});
  b.sendto("ping", a.getsockname());
  auto [data, from] = a.recvfrom(1024);
  EXPECT_EQ(data, "ping");
  EXPECT_EQ(from, b.getsockname());
  b.sendto("", a.getsockname());
  EXPECT_EQ(a.recvfrom(1024).first, "") << "an empty datagram is a datagram";
}

TEST(socket, recvfrom_truncates_like_python) {
  auto a = udp_socket();
  a.bind({"127.0.0.1", 0});
  auto b = udp_socket();
  b.sendto(std::string(2000, 'x'), a.getsockname());
  EXPECT_EQ(a.recvfrom(1024).first.size(), 1024u);
}

TEST(socket, errors_name_the_call_and_the_address) {
  auto [server, addr] = listener();
  server.close();  // nothing listens there any more
  auto client = tcp_socket();
  try {
    client.connect(addr);
    FAIL() << "connect to a closed port succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::connection_refused);
    EXPECT_EQ(std::string(e.what()), "connect " + addr.to_string() + ": Connection refused");
  }
}

TEST(socket, bind_to_a_taken_port_names_it) {
  auto [server, addr] = listener();
  auto other = tcp_socket();
  try {
    other.bind(addr);
    FAIL() << "second bind succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::address_in_use);
    EXPECT_NE(std::string(e.what()).find("bind 127.0.0.1:"), std::string::npos) << e.what();
  }
}

TEST(socket, settimeout_makes_recv_raise_timeout) {
  auto a = udp_socket();
  a.bind({"127.0.0.1", 0});
  a.settimeout(0.05);
  EXPECT_THROW(a.recvfrom(1024), SocketTimeout);
  a.settimeout(std::nullopt);
}

TEST(socket, send_to_a_vanished_peer_throws_instead_of_sigpipe) {
  std::signal(SIGPIPE, SIG_DFL);  // prove MSG_NOSIGNAL alone protects us
  auto [server, addr] = listener();
  auto client = tcp_socket();
  client.connect(addr);
  {
    auto conn = server.accept().first;
    conn.close_with_reset();
  }
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i) client.sendall(std::string(65536, 'x'));
      },
      std::system_error);
}

TEST(socket, is_move_only_and_closes_once) {
  auto a = udp_socket();
  const int fd = a.fileno();
  Socket b = std::move(a);
  EXPECT_EQ(a.fileno(), -1);
  EXPECT_EQ(b.fileno(), fd);
  static_assert(!std::is_copy_constructible_v<Socket>);
  b.close();
  b.close();  // a second close is harmless
  EXPECT_EQ(b.fileno(), -1);
}

TEST(socket, address_resolves_names_and_prints_ipv6_in_brackets) {
  EXPECT_EQ(Address("localhost", 80).host(), "127.0.0.1") << "IPv4 first, as AF_INET sockets";
  EXPECT_EQ(Address("::1", 9999).to_string(), "[::1]:9999");
  EXPECT_THROW(Address("no-such-host.invalid", 80), std::system_error);
}

TEST(socket, gethostname_is_not_empty) { EXPECT_FALSE(gethostname().empty()); }
