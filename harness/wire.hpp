// The wire: every packet on a scenario's loopback (and on a link's far side), read from a packet socket
// in the network namespace, kept for a pcap file that Wireshark and tshark open, and each TCP segment
// (SYN, SYN-ACK, data, FIN, RST) and UDP datagram told as an event between the actors that own its ports.
#pragma once

#include <boost/asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "story.hpp"

namespace socklab::harness {

class NetNamespace;

/// One TCP segment or UDP datagram, as the capture saw it.
struct Segment {
  bool tcp = true;
  std::uint16_t from_port = 0, to_port = 0;
  std::string from_host, to_host;
  bool syn = false, ack = false, fin = false, rst = false;
  std::string payload;
};

/// Parses an Ethernet frame (as loopback carries it) into a segment; false when it is no TCP or UDP over
/// IPv4 or IPv6.
bool parse_frame(std::string_view frame, Segment& out);

/// The segment as an event of the run's story (its ends' actors left for the caller to name).
Event segment_event(const Segment& s);

/// What a segment says, for the transcript: `SYN`, `SYN-ACK`, `"Welcome!" (8 bytes)`, `FIN`, `RST`, with
/// what its flags add; "" for a pure ACK (folded: the pcap has it).
std::string describe(const Segment& s);

class Capture {
 public:
  /// `ns`: the namespace whose loopback is captured (nullptr: the caller's). `on_segment` is called on the
  /// loop for each segment, in the order the kernel sent them. At most `cap` bytes of packets are kept.
  Capture(boost::asio::io_context& io, const NetNamespace* ns, std::function<void(const Segment&)> on_segment,
          std::size_t cap);
  ~Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  /// Reads what the kernel has queued that the loop has not read yet (call before the end of a run).
  void drain();
  /// The packets kept, as a classic pcap file.
  [[nodiscard]] std::string pcap() const;
  [[nodiscard]] std::size_t packets() const { return packets_; }
  [[nodiscard]] std::size_t dropped() const { return dropped_; }  // past the cap: seen, not kept
  /// Packets the kernel could not queue for the capture (its buffer was full): never seen.
  [[nodiscard]] std::size_t lost();

 private:
  void arm();
  void read_queued();
  boost::asio::posix::stream_descriptor fd_;
  std::function<void(const Segment&)> on_segment_;
  std::size_t cap_;
  std::string records_;  // pcap records, header apart
  std::size_t packets_ = 0, dropped_ = 0;
  std::size_t lost_ = 0;
};

}  // namespace socklab::harness
