#include "wire.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <system_error>

#include "isolation.hpp"
#include "matcher.hpp"
#include "socket.hpp"

namespace socklab::harness {
namespace {

std::uint16_t be16(std::string_view b, std::size_t at) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(b[at]) << 8) | static_cast<unsigned char>(b[at + 1]));
}

std::string address(int family, const char* bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(family, bytes, text, sizeof text);
  return text;
}

// pcap is written in this machine's byte order, which its magic number tells the reader.
void put16(std::string& out, std::uint16_t v) { out.append(reinterpret_cast<const char*>(&v), 2); }
void put32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }

}  // namespace

bool parse_frame(std::string_view frame, Segment& out) {
  if (frame.size() < 14) return false;
  const std::uint16_t type = be16(frame, 12);
  std::string_view ip = frame.substr(14);
  std::uint8_t proto = 0;
  std::string_view l4;
  if (type == ETH_P_IP && ip.size() >= 20) {
    const std::size_t ihl = (static_cast<unsigned char>(ip[0]) & 0x0f) * 4u;
    const std::size_t total = be16(ip, 2);
    if (ihl < 20 || total < ihl || ip.size() < total) return false;
    proto = static_cast<std::uint8_t>(ip[9]);
    out.from_host = address(AF_INET, ip.data() + 12);
    out.to_host = address(AF_INET, ip.data() + 16);
    l4 = ip.substr(ihl, total - ihl);
  } else if (type == ETH_P_IPV6 && ip.size() >= 40) {
    proto = static_cast<std::uint8_t>(ip[6]);  // extension headers are not followed: loopback sends none
    out.from_host = address(AF_INET6, ip.data() + 8);
    out.to_host = address(AF_INET6, ip.data() + 24);
    l4 = ip.substr(40, std::min<std::size_t>(be16(ip, 4), ip.size() - 40));
  } else {
    return false;
  }
  if (proto == IPPROTO_TCP && l4.size() >= 20) {
    const std::size_t offset = (static_cast<unsigned char>(l4[12]) >> 4) * 4u;
    if (offset < 20 || offset > l4.size()) return false;
    const auto flags = static_cast<unsigned char>(l4[13]);
    out.tcp = true;
    out.fin = flags & 0x01;
    out.syn = flags & 0x02;
    out.rst = flags & 0x04;
    out.ack = flags & 0x10;
    out.payload.assign(l4.substr(offset));
  } else if (proto == IPPROTO_UDP && l4.size() >= 8) {
    out.tcp = false;
    out.payload.assign(l4.substr(8, std::min<std::size_t>(be16(l4, 4), l4.size()) - 8));
  } else {
    return false;
  }
  out.from_port = be16(l4, 0);
  out.to_port = be16(l4, 2);
  return true;
}

Event segment_event(const Segment& s) {
  constexpr std::size_t kKept = 200;  // of each segment's bytes, in the story (the pcap has them all)
  Event e;
  e.kind = EventKind::segment;
  e.tcp = s.tcp;
  e.syn = s.syn;
  e.ack = s.ack;
  e.fin = s.fin;
  e.rst = s.rst;
  e.size = s.payload.size();
  e.bytes = s.payload.substr(0, kKept);
  return e;
}

std::string describe(const Segment& s) { return describe_segment(segment_event(s)); }

Capture::Capture(boost::asio::io_context& io, const NetNamespace* ns, std::function<void(const Segment&)> on_segment,
                 std::size_t cap)
    : fd_(io), on_segment_(std::move(on_segment)), cap_(cap) {
  const int type = SOCK_RAW | SOCK_NONBLOCK;
  // The protocol is set by bind: a packet socket made in the link's far side takes it there too.
  const int s = ns != nullptr ? ns->socket(AF_PACKET, type) : ::socket(AF_PACKET, type | SOCK_CLOEXEC, 0);
  check_syscall("packet socket", s);
  sockaddr_ll where{};
  where.sll_family = AF_PACKET;
  where.sll_protocol = htons(ETH_P_ALL);
  where.sll_ifindex = 1;  // loopback is interface 1 in every network namespace
  if (::bind(s, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0) {
    const int e = errno;
    ::close(s);
    throw_system_error("bind the packet socket to lo", e);
  }
  const int on = 1;  // the kernel's time of each packet, not the time the loop read it
  ::setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on);
  // Room for a burst: loopback carries 64 KiB frames, and a 1 MiB page comes faster than the loop reads.
  const int room = 64 << 20;
  if (::setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room) != 0) {
    ::setsockopt(s, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
  }
  fd_.assign(s);
  arm();
}

Capture::~Capture() {
  // Closing a packet socket waits for an RCU grace period (15-25 ms): the socket is left to the exit of
  // the worker, which comes after the run's result is out.
  fd_.release();
}

void Capture::arm() {
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    read_queued();
    arm();
  });
}

void Capture::drain() {
  if (fd_.is_open()) read_queued();
}

void Capture::read_queued() {
  static thread_local std::string buf(65536 + 64, '\0');
  for (;;) {
    sockaddr_ll from{};
    iovec iov{buf.data(), buf.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timeval))];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd_.native_handle(), &msg, 0);
    if (n <= 0) return;
    timeval when{};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMP) std::memcpy(&when, CMSG_DATA(c), sizeof when);
    }
    if (when.tv_sec == 0) {
      const auto us =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      when = {static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    }
    // Loopback shows every packet twice: leaving, and arriving. It is kept once.
    if (from.sll_pkttype != PACKET_OUTGOING) continue;
    const std::string_view frame(buf.data(), static_cast<std::size_t>(n));
    ++packets_;
    if (records_.size() + frame.size() + 16 <= cap_) {
      put32(records_, static_cast<std::uint32_t>(when.tv_sec));
      put32(records_, static_cast<std::uint32_t>(when.tv_usec));
      put32(records_, static_cast<std::uint32_t>(frame.size()));
      put32(records_, static_cast<std::uint32_t>(frame.size()));
      records_.append(frame);
    } else {
      ++dropped_;
    }
    Segment s;
    if (on_segment_ && parse_frame(frame, s)) on_segment_(s);
  }
}

std::size_t Capture::lost() {
  tpacket_stats stats{};
  socklen_t len = sizeof stats;
  if (::getsockopt(fd_.native_handle(), SOL_PACKET, PACKET_STATISTICS, &stats, &len) != 0) return 0;
  lost_ += stats.tp_drops;  // the counters restart at each read
  return lost_;
}

std::string Capture::pcap() const {
  std::string out;
  put32(out, 0xa1b2c3d4);  // microsecond timestamps
  put16(out, 2);           // version 2.4
  put16(out, 4);
  put32(out, 0);           // GMT
  put32(out, 0);           // accuracy
  put32(out, 65535 + 64);  // snap length
  put32(out, 1);           // Ethernet: loopback's frames carry an Ethernet header
  return out + records_;
}

}  // namespace socklab::harness
