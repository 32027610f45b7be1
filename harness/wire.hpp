// The wire: every packet on a scenario's loopback (and on a link's far side), read from a packet socket
// in the network namespace, kept for a pcap file that Wireshark and tshark open, and each TCP segment
// (SYN, SYN-ACK, data, FIN, RST) and UDP datagram told as an event between the actors that own its ports.
// Under --isolation wrapper there is no packet to see: socket_wrapper writes each process's own account of
// its sockets into a pcap file of that process's, and those files are read instead.
#pragma once

#include <boost/asio.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "story.hpp"

namespace socklab::harness {

/// Now, in microseconds by the system clock: the clock of a capture's timestamps.
std::int64_t wall_clock_us();

class NetNamespace;

/// One TCP segment or UDP datagram, as the capture saw it.
struct Segment {
  bool tcp = true;
  std::uint16_t from_port = 0, to_port = 0;
  std::string from_host, to_host;
  bool syn = false, ack = false, fin = false, rst = false;
  std::uint32_t seq = 0;  // TCP: the sequence number of its first byte
  std::string payload;
  std::int64_t at_us = 0;  // when it was sent: microseconds since the epoch, the capture's own clock
};

/// Parses an Ethernet frame (as loopback carries it) into a segment; false when it is no TCP or UDP over
/// IPv4 or IPv6.
bool parse_frame(std::string_view frame, Segment& out);

/// The segment as an event of the run's story (its ends' actors left for the caller to name).
Event segment_event(const Segment& s);

/// What a segment says, for the transcript: `SYN`, `SYN-ACK`, `"Welcome!" (8 bytes)`, `FIN`, `RST`, with
/// what its flags add; "" for a pure ACK (folded: the pcap has it).
std::string describe(const Segment& s);

/// The packets a capture keeps, as the records of a classic pcap file of Ethernet frames, up to a cap.
class PcapRecords {
 public:
  explicit PcapRecords(std::size_t cap) : cap_(cap) {}
  void add(std::int64_t at_us, std::string_view frame);
  /// The whole file: its header, then the records kept.
  [[nodiscard]] std::string file() const;
  [[nodiscard]] std::size_t packets() const { return packets_; }
  [[nodiscard]] std::size_t dropped() const { return dropped_; }  // past the cap: seen, not kept

 private:
  std::size_t cap_;
  std::string records_;
  std::size_t packets_ = 0, dropped_ = 0;
};

/// What socklab asks of a capture, whichever way it watches the wire.
class WireCapture {
 public:
  virtual ~WireCapture() = default;
  /// Reads what has come that the loop has not read yet (call before the end of a run).
  virtual void drain() = 0;
  /// The packets kept, as a classic pcap file.
  [[nodiscard]] virtual std::string pcap() const = 0;
  [[nodiscard]] virtual std::size_t packets() const = 0;
  [[nodiscard]] virtual std::size_t dropped() const = 0;
  /// Packets that came faster than the capture could keep them: never seen.
  [[nodiscard]] virtual std::size_t lost() = 0;
};

class Capture : public WireCapture {
 public:
  /// `ns`: the namespace whose loopback is captured (nullptr: the caller's). `on_segment` is called on the
  /// loop for each segment, in the order the kernel sent them. At most `cap` bytes of packets are kept.
  Capture(boost::asio::io_context& io, const NetNamespace* ns, std::function<void(const Segment&)> on_segment,
          std::size_t cap);
  ~Capture() override;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  void drain() override;
  [[nodiscard]] std::string pcap() const override { return kept_.file(); }
  [[nodiscard]] std::size_t packets() const override { return kept_.packets(); }
  [[nodiscard]] std::size_t dropped() const override { return kept_.dropped(); }
  /// Packets the kernel could not queue for the capture (its buffer was full).
  [[nodiscard]] std::size_t lost() override;

 private:
  void arm();
  void read_queued();
  boost::asio::posix::stream_descriptor fd_;
  std::function<void(const Segment&)> on_segment_;
  PcapRecords kept_;
  std::size_t lost_ = 0;
};

/// The wire under --isolation wrapper. socket_wrapper writes, in every process it is loaded into, what
/// that process's sockets did into the pcap file SOCKET_WRAPPER_PCAP_FILE names (raw IP packets): what it
/// sent, when it sent it, and also its own note of what it received (the same data again), of the peer's
/// end of a connection it closes, of an end-of-file as a reset. Each process writes a file of its own
/// (`file_for`), so that every record has a known writer; `keep` is asked, for each record, whether it is
/// the writer's own act (the caller knows which ports each writer holds), and only those are kept. TCP's
/// bytes and ends are the exception: the sender notes them after its send or close returns, by which
/// time the receiver may have read them and answered, so each byte is taken from the first record that
/// holds it, the sender's or the receiver's, and each way's end (FIN) from the sender's close or the
/// receiver's end of file (which socket_wrapper writes as a reset), whichever comes first (`keep` is
/// told so: `sure`). socket_wrapper writes no reset a program sends: there is none on this wire.
class WrapperCapture : public WireCapture {
 public:
  /// `sure`: a TCP segment's new bytes or its end, at their first record: told whoever wrote it.
  using Keep = std::function<bool(const std::string& writer, const Segment&, bool sure)>;
  /// Watches the files made by `file_for` in the folder `dir`. At most `cap` bytes of packets are kept.
  WrapperCapture(boost::asio::io_context& io, std::string dir, Keep keep, std::size_t cap);
  ~WrapperCapture() override;
  WrapperCapture(const WrapperCapture&) = delete;
  WrapperCapture& operator=(const WrapperCapture&) = delete;

  /// The file the process `writer` is to write (made empty now, so that no writer adds a file header).
  std::string file_for(const std::string& writer);

  void drain() override;
  [[nodiscard]] std::string pcap() const override { return kept_.file(); }
  [[nodiscard]] std::size_t packets() const override { return kept_.packets(); }
  [[nodiscard]] std::size_t dropped() const override { return kept_.dropped(); }
  [[nodiscard]] std::size_t lost() override { return 0; }  // a file keeps everything written to it

 private:
  struct File {
    std::string writer;
    int fd = -1;
    std::string pending;  // the start of a record not yet whole
    bool broken = false;  // a record that cannot be one (a program wrote into the file): read no further
  };
  struct Record {
    std::int64_t at_us;
    const std::string* writer;
    std::string frame;
  };
  void arm();
  void read_events();
  void read_new(File& f, std::vector<Record>& batch);
  void take(std::vector<Record>& batch);
  boost::asio::posix::stream_descriptor notify_;
  std::string dir_;
  Keep keep_;
  PcapRecords kept_;
  std::map<std::string, File> files_;  // by file name
  struct Stream {
    std::map<std::string, std::uint32_t> first_seq;  // by writer: its number for the first byte
    std::uint32_t upto = 0;                          // the bytes taken, from the first
  };
  std::map<std::string, Stream> told_;  // each direction of a connection
  std::set<std::string> ended_;         // the directions whose FIN is told
};

/// Splits records of socket_wrapper's pcap (raw IP packets, no file header) into the Ethernet frames a
/// packet socket would have seen and their times, from `bytes`; what is left (a record not yet whole)
/// stays in `bytes`. False when a record cannot be one.
bool split_wrapper_records(std::string& bytes,
                           const std::function<void(std::int64_t at_us, std::string_view frame)>& f);

}  // namespace socklab::harness
