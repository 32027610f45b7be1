// A link: socklab between a client and a server, relaying their traffic and injecting the scenario's
// faults. The link holds the server's address (say udp 127.0.0.1:9999) on the near side, where clients
// and socklab's peers are; the server binds the same address on the far side, a network namespace of
// its own; the link relays between the two, so both programs keep the tutorial's fixed addresses.
#pragma once

#include <boost/asio.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "faults.hpp"
#include "story.hpp"

namespace socklab::harness {

class NetNamespace;

class Link {
 public:
  /// Each relayed datagram or chunk and each fault, as an event of the run's story (the link its actor).
  using EventHook = std::function<void(Event)>;

  /// A fault that fired, for the hints of a failing step.
  struct Fired {
    std::string what;  // "dropped", "duplicated", "held back", "delayed", "reset", ...
    Direction dir = Direction::request;
    int index = 0;        // the datagram's number in its direction (UDP)
    std::string payload;  // the datagram (UDP)
    bool seeded = false;
    /// A datagram that did not arrive when it was due (dropped, or held back for later).
    [[nodiscard]] bool withheld() const { return what == "dropped" || what == "held back"; }
  };

  /// `far`: the server's side (nullptr: this namespace, the server at `far_port`, for tests and benchmarks).
  Link(boost::asio::io_context& io, LinkSpec spec, std::uint64_t seed, const NetNamespace* far, std::uint16_t far_port,
       EventHook hook);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  /// Binds the near side and starts relaying. Throws std::system_error when the address is taken.
  void start();
  /// Stops relaying and closes every socket.
  void close();

  [[nodiscard]] const LinkSpec& spec() const { return spec_; }
  [[nodiscard]] const std::vector<Fired>& fired() const { return fired_; }
  [[nodiscard]] std::size_t relayed() const { return relayed_; }

 private:
  struct UdpClient;
  struct TcpPair;
  boost::asio::awaitable<void> udp_near_loop();
  boost::asio::awaitable<void> udp_far_loop(std::shared_ptr<UdpClient> c);
  void udp_deliver(Direction d, const std::shared_ptr<UdpClient>& c, std::string payload);
  void udp_send(Direction d, UdpClient& c, const std::string& payload);
  boost::asio::awaitable<void> tcp_accept_loop();
  boost::asio::awaitable<void> tcp_connection(std::shared_ptr<TcpPair> pair);
  struct TcpWay;
  /// Where a chunk was cut: a reset or a half-close is due after it.
  struct Cut {
    bool reset = false, half = false;
  };
  /// Relays one direction of a connection until it ends, with the faults that apply to it.
  boost::asio::awaitable<void> tcp_pump(std::shared_ptr<TcpPair> pair, Direction d);
  /// The read end of a direction: a FIN passed on, or a reset passed on to both sides.
  void tcp_ended(TcpWay& w, boost::system::error_code ec);
  void reset_both(TcpWay& w);
  /// Holds the first byte back; false when the connection is gone or reset meanwhile.
  boost::asio::awaitable<bool> tcp_delay(TcpWay& w);
  /// Cuts `data` where a reset or a half-close is due (which it says), or to nothing once half-closed.
  Cut tcp_cut(TcpWay& w, std::string_view& data);
  /// Passes `data` on, in slices when the link slices it; false when the connection is gone or reset.
  boost::asio::awaitable<bool> tcp_write(TcpWay& w, std::string_view data);
  /// Which way a datagram goes, in both languages: the fields `way` and `way.zh`.
  [[nodiscard]] static MessageFields way(Direction d, const UdpClient* c);
  /// A datagram as the link's events name it, in both languages: `what` and `what.zh`.
  [[nodiscard]] static MessageFields datagram(Direction d, int index, std::string_view payload, const UdpClient* c);
  void tell(LinkAct act, Direction d, int client, const char* id, MessageFields fields);
  void fire(Fired f, LinkAct act, int client, const char* id, MessageFields fields);

  boost::asio::io_context& io_;
  LinkSpec spec_;
  const NetNamespace* far_;
  std::uint16_t far_port_;
  EventHook hook_;
  FaultSchedule schedule_;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<UdpClient>> clients_;
  std::vector<std::weak_ptr<TcpPair>> pairs_;
  std::map<std::pair<int, int>, std::pair<std::shared_ptr<UdpClient>, std::string>> held_;
  std::vector<Fired> fired_;
  std::size_t relayed_ = 0;
  std::shared_ptr<bool> alive_;
};

/// Connects `s` (opened here when it is not yet) to `to` on `side` (nullptr: this network). Under the
/// wrapper a listener whose backlog is full refuses a UNIX connect at once where TCP's would wait: it is
/// tried again every 10 ms, as a client's SYN would be, until it connects, fails otherwise, or `s` closes.
boost::asio::awaitable<boost::system::error_code> connect_tcp(boost::asio::ip::tcp::socket& s,
                                                              boost::asio::ip::tcp::endpoint to,
                                                              const NetNamespace* side = nullptr);

/// Closes a TCP connection with a reset (SO_LINGER 0) instead of a FIN; errors are ignored.
void reset_connection(boost::asio::ip::tcp::socket& s);

/// The bytes as a transcript shows them: quoted, escaped, cut after 60 bytes with the full size.
std::string preview(std::string_view bytes, Lang lang = Lang::en);

}  // namespace socklab::harness
