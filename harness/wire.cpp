#include "wire.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <system_error>

#include "isolation.hpp"
#include "matcher.hpp"
#include "socket.hpp"

namespace socklab::harness {

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
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

// Leaves out the first `n` bytes of a TCP segment's payload, in the segment and in its Ethernet frame
// (socket_wrapper writes no checksums: there is none to mend).
// Where the TCP header of a parsed frame starts.
std::size_t tcp_header_at(const std::string& frame) {
  return 14 + (be16(frame, 12) == ETH_P_IPV6 ? 40 : (static_cast<unsigned char>(frame[14]) & 0x0f) * 4u);
}

void trim_front(std::string& frame, Segment& s, std::uint32_t n) {
  const bool v6 = be16(frame, 12) == ETH_P_IPV6;
  const std::size_t ip = 14;
  const std::size_t tcp = tcp_header_at(frame);
  const std::size_t payload = tcp + (static_cast<unsigned char>(frame[tcp + 12]) >> 4) * 4u;
  frame.erase(payload, n);
  const std::size_t length_at = v6 ? ip + 4 : ip + 2;
  const std::size_t length = be16(frame, length_at) - n;
  frame[length_at] = static_cast<char>(length >> 8);
  frame[length_at + 1] = static_cast<char>(length & 0xff);
  s.seq += n;
  for (int k = 0; k < 4; ++k) frame[tcp + 4 + static_cast<std::size_t>(k)] = static_cast<char>(s.seq >> (24 - 8 * k));
  s.payload.erase(0, n);
}

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
    out.seq = (std::uint32_t{be16(l4, 4)} << 16) | be16(l4, 6);
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
    : fd_(io), on_segment_(std::move(on_segment)), kept_(cap) {
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
      const auto us = wall_clock_us();
      when = {static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    }
    // Loopback shows every packet twice: leaving, and arriving. It is kept once.
    if (from.sll_pkttype != PACKET_OUTGOING) continue;
    const std::string_view frame(buf.data(), static_cast<std::size_t>(n));
    const std::int64_t at_us = std::int64_t{when.tv_sec} * 1000000 + when.tv_usec;
    kept_.add(at_us, frame);
    Segment s;
    s.at_us = at_us;
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

void PcapRecords::add(std::int64_t at_us, std::string_view frame) {
  ++packets_;
  if (records_.size() + frame.size() + 16 > cap_) {
    ++dropped_;
    return;
  }
  put32(records_, static_cast<std::uint32_t>(at_us / 1000000));
  put32(records_, static_cast<std::uint32_t>(at_us % 1000000));
  put32(records_, static_cast<std::uint32_t>(frame.size()));
  put32(records_, static_cast<std::uint32_t>(frame.size()));
  records_.append(frame);
}

std::string PcapRecords::file() const {
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

bool split_wrapper_records(std::string& bytes,
                           const std::function<void(std::int64_t at_us, std::string_view frame)>& f) {
  constexpr std::size_t kLargest = 65535 + 64;  // socket_wrapper's packets are one MTU (at most 32 KiB)
  std::size_t at = 0;
  std::string frame;
  while (bytes.size() - at >= 16) {
    std::uint32_t head[4];
    std::memcpy(head, bytes.data() + at, sizeof head);  // written in the writer's, this machine's, byte order
    const std::size_t len = head[2];
    if (len > kLargest || len != head[3] || head[1] >= 1000000) return false;
    if (bytes.size() - at - 16 < len) break;
    const std::string_view ip(bytes.data() + at + 16, len);
    if (!ip.empty()) {
      // An Ethernet header, as loopback's frames have: one parser and one pcap link type for both captures.
      const bool v6 = (static_cast<unsigned char>(ip[0]) >> 4) == 6;
      frame.assign(12, '\0');
      frame += v6 ? std::string("\x86\xdd", 2) : std::string("\x08\x00", 2);
      frame += ip;
      f(std::int64_t{head[0]} * 1000000 + head[1], frame);
    }
    at += 16 + len;
  }
  bytes.erase(0, at);
  return true;
}

WrapperCapture::WrapperCapture(boost::asio::io_context& io, std::string dir, Keep keep, std::size_t cap)
    : notify_(io), dir_(std::move(dir)), keep_(std::move(keep)), kept_(cap) {
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1 (the wrapper's pcap files)");
  notify_.assign(fd);
  if (::inotify_add_watch(fd, dir_.c_str(), IN_MODIFY) < 0) {
    throw std::system_error(errno, std::generic_category(), "inotify_add_watch " + dir_);
  }
  arm();
}

WrapperCapture::~WrapperCapture() {
  for (auto& [name, f] : files_) ::close(f.fd);
}

std::string WrapperCapture::file_for(const std::string& writer) {
  const std::string name = "wire-" + writer + ".pcap";
  const std::string path = dir_ + "/" + name;
  if (files_.count(name)) return path;
  const int w = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (w < 0) throw std::system_error(errno, std::generic_category(), "create " + path);
  // The folder is the run's alone; its programs may run as the run's own user, who must write here.
  ::fchmod(w, 0666);
  ::close(w);
  const int r = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (r < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
  files_[name] = File{writer, r, {}, false};
  return path;
}

void WrapperCapture::arm() {
  notify_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    read_events();
    arm();
  });
}

void WrapperCapture::read_events() {
  alignas(inotify_event) char buf[4096];
  std::vector<Record> batch;
  for (;;) {
    const ssize_t n = ::read(notify_.native_handle(), buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
      if (e->len > 0) {
        if (const auto it = files_.find(e->name); it != files_.end()) read_new(it->second, batch);
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
    }
  }
  take(batch);
}

void WrapperCapture::drain() {
  read_events();
  std::vector<Record> batch;
  for (auto& [name, f] : files_) read_new(f, batch);
  take(batch);
}

void WrapperCapture::read_new(File& f, std::vector<Record>& batch) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n <= 0) break;
    if (!f.broken) f.pending.append(buf, static_cast<std::size_t>(n));
  }
  if (f.broken) return;
  f.broken = !split_wrapper_records(f.pending, [&](std::int64_t at_us, std::string_view frame) {
    batch.push_back(Record{at_us, &f.writer, std::string(frame)});
  });
  if (f.broken) f.pending.clear();
}

// What several writers wrote since the last read, in the order they wrote it (each file alone is in order).
void WrapperCapture::take(std::vector<Record>& batch) {
  std::stable_sort(batch.begin(), batch.end(), [](const Record& a, const Record& b) { return a.at_us < b.at_us; });
  for (auto& r : batch) {
    Segment s;
    if (!parse_frame(r.frame, s)) continue;
    s.at_us = r.at_us;
    const std::string way =
        s.from_host + ":" + std::to_string(s.from_port) + ">" + s.to_host + ":" + std::to_string(s.to_port);
    bool sure = false;
    if (s.tcp && !s.payload.empty()) {
      // The two sides number the bytes each its own way (they may differ by the SYN): each side's
      // records are counted from its own first byte of this way.
      Stream& st = told_[way];
      const std::uint32_t base = st.first_seq.try_emplace(*r.writer, s.seq).first->second;
      const std::uint32_t start = s.seq - base, end = start + static_cast<std::uint32_t>(s.payload.size());
      if (end <= st.upto) continue;  // all of it taken already, from the other side's record
      if (start < st.upto) trim_front(r.frame, s, st.upto - start);
      st.upto = end;
      sure = true;
    } else if (s.tcp && (s.fin || s.rst)) {
      if (ended_.count(way)) continue;  // this way's end is told already
      if (s.rst) {
        // Only the receiving side writes a reset: its recv saw the end of the stream (0, or an error).
        // The sender's own record of its close comes after that close, when the receiver may have
        // answered it already: the end is told here, as the FIN that brought it.
        s.rst = false;
        s.fin = s.ack = true;
        r.frame[tcp_header_at(r.frame) + 13] = 0x11;
        sure = true;
      }
    }
    const bool kept = keep_(*r.writer, s, sure);
    if (kept && s.tcp && s.fin) ended_.insert(way);
    if (kept) kept_.add(r.at_us, r.frame);
  }
}

}  // namespace socklab::harness
