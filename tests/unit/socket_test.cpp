#include "socket.hpp"

#include <gtest/gtest.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <functional>
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

// Runs body in a child process (a stop handler changes the whole process) and tells how it ended:
// its exit code, or -1 when it was still running after 5 s (then it is killed): a call a stop left blocked.
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 3;
    try {
      code = body();
    } catch (...) {
      code = 4;
    }
    std::_Exit(code);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The calls a stop must end wherever it finds them: 0 when `call` threw StopRequested.
int stopped_by(int signo, const std::function<void()>& call) {
  install_stop_handler();
  ::raise(signo);  // the stop comes before the call begins to wait: the window a flag check leaves open
  try {
    call();
  } catch (const StopRequested&) {
    return 0;
  }
  return 5;
}

}  // namespace

TEST(socket, a_stop_that_came_just_before_a_blocking_call_still_ends_it) {
  EXPECT_EQ(in_child([] {
              return stopped_by(SIGINT, [] {
                auto u = udp_socket();
                u.bind({"127.0.0.1", 0});
                u.recvfrom(1024);
              });
            }),
            0)
      << "recvfrom";
  EXPECT_EQ(in_child([] {
              return stopped_by(SIGTERM, [] {
                auto [server, addr] = listener();
                server.accept();
              });
            }),
            0)
      << "accept";
  EXPECT_EQ(in_child([] {
              return stopped_by(SIGINT, [] {
                auto [server, addr] = listener();
                auto client = tcp_socket();
                client.connect(addr);
                client.recv(1024);
              });
            }),
            0)
      << "recv";
  EXPECT_EQ(in_child([] {
              return stopped_by(SIGINT, [] {
                auto [server, addr] = listener();
                auto client = tcp_socket();
                client.connect(addr);
                client.setsockopt(SOL_SOCKET, SO_SNDBUF, 4096);
                for (;;) client.sendall(std::string(65536, 'x'));  // the peer never reads: send must wait
              });
            }),
            0)
      << "sendall to a peer that does not read";
}

TEST(socket, a_stop_reaches_the_main_thread_while_a_worker_that_keeps_it_away_waits_too) {
  EXPECT_EQ(in_child([] {
              install_stop_handler();
              auto [server, addr] = listener();
              std::thread([&addr] {
                block_stop_signals();
                auto client = tcp_socket();
                client.connect(addr);
                try {
                  client.recv(1024);  // never answered: only the main thread may end
                } catch (...) {
                  std::_Exit(6);
                }
              }).detach();
              std::thread([] {
                block_stop_signals();
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                ::kill(::getpid(), SIGINT);
              }).detach();
              try {
                auto conn = server.accept().first;
                conn.recv(1024);
              } catch (const StopRequested&) {
                return 0;
              }
              return 5;
            }),
            0);
}

TEST(socket, connect_waits_for_room_in_a_unix_listeners_full_queue_as_a_blocking_connect_does) {
  // What the wrapper makes of a TCP server with listen(5) and fifty clients: AF_UNIX sockets.
  sockaddr_un name{};
  name.sun_family = AF_UNIX;
  const std::string path = "socklab-test-" + std::to_string(::getpid());
  std::memcpy(name.sun_path + 1, path.data(), path.size());  // abstract: nothing on the disk
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + path.size());
  const Address addr = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&name), len);
  Socket server(AF_UNIX, SOCK_STREAM);
  ASSERT_EQ(::bind(server.fileno(), addr.raw(), addr.size()), 0);
  ASSERT_EQ(::listen(server.fileno(), 0), 0);
  Socket first(AF_UNIX, SOCK_STREAM);
  first.connect(addr);  // the queue holds one: now it is full
  std::thread accepter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Socket(static_cast<int>(::accept(server.fileno(), nullptr, nullptr)));
  });
  Socket second(AF_UNIX, SOCK_STREAM);
  EXPECT_NO_THROW(second.connect(addr));
  accepter.join();
  Socket third(AF_UNIX, SOCK_STREAM);
  third.settimeout(0.05);  // nobody accepts now: settimeout bounds the wait
  EXPECT_THROW(third.connect(addr), SocketTimeout);
}

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
