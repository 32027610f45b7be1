// The relay on loopback, in this namespace: the link on one port, the server on another.
#include "link.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <string>
#include <vector>

using namespace socklab::harness;
namespace asio = boost::asio;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

const auto loopback = asio::ip::make_address("127.0.0.1");

// A UDP server answering "Hello," + data, a link in front of it, and a client socket.
struct UdpBench {
  asio::io_context io;
  udp::socket server{io, udp::endpoint(loopback, 0)};
  udp::socket client{io, udp::endpoint(loopback, 0)};
  std::vector<std::string> events;
  std::unique_ptr<Link> link;

  explicit UdpBench(LinkSpec spec) {
    spec.name = "link";
    spec.proto = "udp";
    spec.host = "127.0.0.1";
    spec.port = 0;  // filled below
    udp::socket probe(io, udp::endpoint(loopback, 0));
    spec.port = probe.local_endpoint().port();
    probe.close();
    link = std::make_unique<Link>(io, spec, 1, nullptr, server.local_endpoint().port(),
                                  [this](const Event& e) { events.push_back(render(e)); });
    link->start();
    serve();
  }
  void serve() {
    auto buf = std::make_shared<std::array<char, 2048>>();
    auto from = std::make_shared<udp::endpoint>();
    server.async_receive_from(asio::buffer(*buf), *from,
                              [this, buf, from](boost::system::error_code ec, std::size_t n) {
                                if (ec) return;
                                server.send_to(asio::buffer("Hello," + std::string(buf->data(), n)), *from);
                                serve();
                              });
  }
  udp::endpoint near() const { return {loopback, link->spec().port}; }
  // Every datagram that comes to the client within `wait`.
  std::vector<std::string> receive(std::chrono::milliseconds wait) {
    std::vector<std::string> got;
    const auto end = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < end) {
      io.run_for(5ms);
      while (client.available() > 0) {
        std::array<char, 2048> b{};
        const auto n = client.receive(asio::buffer(b));
        got.emplace_back(b.data(), n);
      }
    }
    return got;
  }
};

}  // namespace

TEST(link, relays_both_ways) {
  UdpBench b({});
  b.client.send_to(asio::buffer(std::string("a")), b.near());
  EXPECT_EQ(b.receive(200ms), std::vector<std::string>{"Hello,a"});
  EXPECT_EQ(b.link->relayed(), 2u);
}

TEST(link, drops_duplicates_and_reorders_by_index) {
  LinkSpec spec;
  spec.udp = {{UdpFault::Kind::drop, Direction::request, 1},
              {UdpFault::Kind::duplicate, Direction::reply, 1},
              {UdpFault::Kind::hold, Direction::reply, 2, 3}};
  UdpBench b(spec);
  for (const char* m : {"a", "b", "c", "d"}) {
    b.client.send_to(asio::buffer(std::string(m)), b.near());
    b.io.run_for(30ms);
  }
  // a lost; b's reply twice; c's reply held until d's has passed.
  EXPECT_EQ(b.receive(200ms), (std::vector<std::string>{"Hello,b", "Hello,b", "Hello,d", "Hello,c"}));
  ASSERT_EQ(b.link->fired().size(), 4u);
  EXPECT_EQ(b.link->fired()[0].what, "dropped");
  EXPECT_EQ(b.link->fired()[0].payload, "a");
  EXPECT_EQ(b.events[1], "dropped request #1 \"a\" client→server");
}

TEST(link, each_client_gets_its_own_address_at_the_server) {
  UdpBench b({});
  udp::socket other(b.io, udp::endpoint(loopback, 0));
  b.client.send_to(asio::buffer(std::string("x")), b.near());
  other.send_to(asio::buffer(std::string("y")), b.near());
  EXPECT_EQ(b.receive(200ms), std::vector<std::string>{"Hello,x"});
  std::array<char, 64> buf{};
  ASSERT_GT(other.available(), 0u);
  EXPECT_EQ(std::string(buf.data(), other.receive(asio::buffer(buf))), "Hello,y");
  EXPECT_NE(std::find_if(b.events.begin(), b.events.end(),
                         [](const std::string& e) { return e.find("client 2→server") != std::string::npos; }),
            b.events.end());
}

namespace {

// A TCP server that sends `reply` to each connection and records what it reads, a link in front.
struct TcpBench {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(loopback, 0)};
  std::unique_ptr<Link> link;
  std::string server_got;
  bool server_saw_end = false;
  bool server_saw_reset = false;
  std::vector<std::shared_ptr<tcp::socket>> conns;
  std::string reply;
  std::vector<std::string> events;

  TcpBench(std::vector<TcpFault> faults, std::string answer) : reply(std::move(answer)) {
    LinkSpec spec;
    spec.name = "link";
    spec.proto = "tcp";
    spec.host = "127.0.0.1";
    tcp::acceptor probe(io, tcp::endpoint(loopback, 0));
    spec.port = probe.local_endpoint().port();
    probe.close();
    spec.tcp = std::move(faults);
    link = std::make_unique<Link>(io, spec, 1, nullptr, acceptor.local_endpoint().port(),
                                  [this](const Event& e) { events.push_back(render(e)); });
    link->start();
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<tcp::socket>(std::move(s));
      conns.push_back(c);
      asio::write(*c, asio::buffer(reply));
      read(c);
    });
  }
  void read(std::shared_ptr<tcp::socket> c) {
    auto buf = std::make_shared<std::array<char, 4096>>();
    c->async_read_some(asio::buffer(*buf), [this, c, buf](boost::system::error_code ec, std::size_t n) {
      server_got.append(buf->data(), n);
      if (ec == asio::error::eof) server_saw_end = true;
      if (ec && ec != asio::error::eof) server_saw_reset = true;
      if (!ec) read(c);
    });
  }
};

// Reads from the client side until the end, counting the reads.
struct Reader {
  std::string got;
  int reads = 0;
  bool reset = false;
  bool ended = false;
};

void read_all(asio::io_context& io, tcp::socket& s, Reader& r, std::chrono::milliseconds wait) {
  std::function<void()> next = [&] {
    auto buf = std::make_shared<std::array<char, 4096>>();
    s.async_read_some(asio::buffer(*buf), [&, buf](boost::system::error_code ec, std::size_t n) {
      if (n > 0) {
        r.got.append(buf->data(), n);
        ++r.reads;
      }
      if (ec == asio::error::eof) r.ended = true;
      if (ec && ec != asio::error::eof) r.reset = true;
      if (!ec) next();
    });
  };
  next();
  io.run_for(wait);
}

}  // namespace

TEST(link, slices_a_stream_into_small_writes) {
  TcpBench b({{TcpFault::Kind::slice, Direction::reply, 1, 0.005}}, "Welcome!");
  tcp::socket c(b.io);
  c.connect(tcp::endpoint(loopback, b.link->spec().port));
  Reader r;
  read_all(b.io, c, r, 300ms);
  EXPECT_EQ(r.got, "Welcome!");
  EXPECT_GT(r.reads, 1);  // 8 on a quiet machine; a busy one may read two slices at once
  EXPECT_NE(std::find_if(b.events.begin(), b.events.end(),
                         [](const std::string& e) { return e.find("in 8 writes of 1 bytes") != std::string::npos; }),
            b.events.end());
}

TEST(link, resets_both_sides_after_so_many_bytes) {
  TcpBench b({{TcpFault::Kind::reset, Direction::request, 0, 0, 5}}, "Welcome!");
  tcp::socket c(b.io);
  c.connect(tcp::endpoint(loopback, b.link->spec().port));
  asio::write(c, asio::buffer(std::string("Michael")));
  Reader r;
  read_all(b.io, c, r, 300ms);
  EXPECT_TRUE(r.reset);
  EXPECT_EQ(b.server_got, "Micha");
  EXPECT_TRUE(b.server_saw_reset);
  ASSERT_EQ(b.link->fired().size(), 1u);
  EXPECT_EQ(b.link->fired()[0].what, "reset");
}

TEST(link, half_closes_one_direction) {
  TcpBench b({{TcpFault::Kind::half_close, Direction::request, 0, 0, 3}}, "");
  tcp::socket c(b.io);
  c.connect(tcp::endpoint(loopback, b.link->spec().port));
  asio::write(c, asio::buffer(std::string("exit now")));
  b.io.run_for(200ms);
  EXPECT_EQ(b.server_got, "exi");
  EXPECT_TRUE(b.server_saw_end);
  // The other way stays open: the server can still write to the client.
  ASSERT_EQ(b.conns.size(), 1u);
  asio::write(*b.conns[0], asio::buffer(std::string("bye")));
  Reader r;
  b.conns[0]->shutdown(tcp::socket::shutdown_send);
  read_all(b.io, c, r, 200ms);
  EXPECT_EQ(r.got, "bye");
  EXPECT_TRUE(r.ended);
}
