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
  std::vector<Event> told;

  TcpBench(std::vector<TcpFault> faults, std::string answer) : reply(std::move(answer)) {
    LinkSpec spec;
    spec.name = "link";
    spec.proto = "tcp";
    spec.host = "127.0.0.1";
    tcp::acceptor probe(io, tcp::endpoint(loopback, 0));
    spec.port = probe.local_endpoint().port();
    probe.close();
    spec.tcp = std::move(faults);
    link = std::make_unique<Link>(io, spec, 1, nullptr, acceptor.local_endpoint().port(), [this](const Event& e) {
      events.push_back(render(e));
      told.push_back(e);
    });
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

// The link's events one way (`reply`: server to client), each as its act, its catalogue id, the names of
// its fields and its sentence in both languages; the link's port as PORT.
std::vector<std::string> told_way(const TcpBench& b, bool reply) {
  std::vector<std::string> out;
  const std::string port = std::to_string(b.link->spec().port);
  for (const Event& e : b.told) {
    if (e.reply_way != reply) continue;
    std::string names;
    for (const auto& [name, value] : e.fields) names += (names.empty() ? "" : ",") + name;
    std::string line = to_json(e).at("act").get<std::string>() + " " + e.said + " {" + names +
                       "}: " + render(e, Lang::en) + " | " + render(e, Lang::zh);
    for (auto at = line.find(port); at != std::string::npos; at = line.find(port))
      line.replace(at, port.size(), "PORT");
    out.push_back(line);
  }
  return out;
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

TEST(link, tells_each_tcp_fault_once_in_both_languages) {
  TcpBench b({{TcpFault::Kind::delay, Direction::reply, 1, 0, 0, 0.05},
              {TcpFault::Kind::slice, Direction::reply, 3, 0},
              {TcpFault::Kind::half_close, Direction::request, 1, 0, 3}},
             "Welcome!");
  tcp::socket c(b.io);
  c.connect(tcp::endpoint(loopback, b.link->spec().port));
  asio::write(c, asio::buffer(std::string("exit now")));
  b.io.run_for(200ms);
  asio::write(c, asio::buffer(std::string("more")));
  b.io.run_for(100ms);
  c.shutdown(tcp::socket::shutdown_send);
  b.io.run_for(100ms);
  ASSERT_EQ(b.conns.size(), 1u);
  asio::write(*b.conns[0], asio::buffer(std::string("bye")));  // only the first byte is delayed
  b.io.run_for(100ms);
  b.conns[0]->shutdown(tcp::socket::shutdown_send);
  Reader r;
  read_all(b.io, c, r, 100ms);
  EXPECT_EQ(r.got, "Welcome!bye");
  EXPECT_TRUE(r.ended);
  EXPECT_EQ(b.server_got, "exi");
  EXPECT_EQ(told_way(b, false),
            (std::vector<std::string>{
                "note link.relays {proto,at,faults,faults.zh}: relays tcp 127.0.0.1:PORT to the server's side: delay "
                "replies by 50 ms; slice replies into writes of 3 bytes, 0 ms apart; close the requests side after 3 "
                "bytes | 把 tcp 127.0.0.1:PORT 转发到服务器一侧：把回复延迟 50 毫秒; 把回复切成每次 3 字节的写入，间隔 "
                "0 毫秒; 3 字节之后关闭请求一侧",
                "relayed link.tcp-opened {conn,conn.zh,way,way.zh}: connection 1 opened: client→server | 连接 1 "
                "已建立：客户端→服务器",
                "relayed link.tcp-relayed {conn,conn.zh,payload,payload.zh}: connection 1 client→server \"exi\" | "
                "连接 1 客户端→服务器 转发了 \"exi\"",
                "note link.tcp-half-closed {conn,conn.zh,bytes}: closed connection 1 client→server after 3 bytes (the "
                "other way stays open) | 在 3 字节之后关闭了 连接 1 客户端→服务器（另一个方向仍然打开）",
                "relayed link.tcp-not-passed {conn,conn.zh,n}: connection 1 client→server: 4 bytes not passed on "
                "(that side is closed) | 连接 1 客户端→服务器：4 字节没有转发（那一侧已关闭）",
                "relayed link.tcp-closed {conn,conn.zh}: connection 1 client→server: closed (FIN passed on) | 连接 1 "
                "客户端→服务器：已关闭（FIN 已转发）",
            }));
  EXPECT_EQ(
      told_way(b, true),
      (std::vector<std::string>{
          "alarm link.delayed {what,what.zh,ms}: delayed connection 1 server→client by 50 ms | 把 连接 1 "
          "服务器→客户端 延迟了 50 毫秒",
          "relayed link.tcp-relayed-sliced {conn,conn.zh,payload,payload.zh,writes,piece}: connection 1 server→client "
          "\"Welcome!\" in 3 writes of 3 bytes | 连接 1 服务器→客户端 \"Welcome!\"，分 3 次写出，每次 3 字节",
          "relayed link.tcp-relayed {conn,conn.zh,payload,payload.zh}: connection 1 server→client \"bye\" | 连接 1 "
          "服务器→客户端 转发了 \"bye\"",
          "relayed link.tcp-closed {conn,conn.zh}: connection 1 server→client: closed (FIN passed on) | 连接 1 "
          "服务器→客户端：已关闭（FIN 已转发）",
      }));
}

TEST(link, tells_a_reset_it_makes_and_one_it_passes_on) {
  TcpBench made({{TcpFault::Kind::reset, Direction::request, 0, 0, 5}}, "");
  tcp::socket c(made.io);
  c.connect(tcp::endpoint(loopback, made.link->spec().port));
  asio::write(c, asio::buffer(std::string("Michael")));
  made.io.run_for(200ms);
  const auto request = told_way(made, false);
  ASSERT_EQ(request.size(), 4u);
  EXPECT_EQ(request[3],
            "alarm link.tcp-reset {n,bytes,way,way.zh}: reset both sides of connection 1 after 5 bytes client→server "
            "| 客户端→服务器 传了 5 字节之后，重置了连接 1 的两侧");
  EXPECT_EQ(told_way(made, true), std::vector<std::string>{});

  TcpBench passed({}, "");
  tcp::socket d(passed.io);
  d.connect(tcp::endpoint(loopback, passed.link->spec().port));
  passed.io.run_for(100ms);
  ASSERT_EQ(passed.conns.size(), 1u);
  reset_connection(*passed.conns[0]);
  Reader r;
  read_all(passed.io, d, r, 200ms);
  EXPECT_TRUE(r.reset);
  EXPECT_EQ(told_way(passed, true),
            std::vector<std::string>{"relayed link.tcp-reset-passed {conn,conn.zh,why}: connection 1 server→client: "
                                     "Connection reset by peer (reset passed on) | 连接 1 服务器→客户端：Connection "
                                     "reset by peer（重置已转发）"});
}
