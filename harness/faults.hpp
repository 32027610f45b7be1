// What a link between a client and a server does to their traffic: the faults a scenario asks for,
// and the schedule that decides, datagram by datagram, which of them fire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages.hpp"

namespace socklab::harness {

/// Toward the server (the client's requests) or back to the client (the server's replies).
enum class Direction { request, reply };
const char* to_string(Direction d);  // "request", "reply"

/// A fault on one UDP datagram, chosen by its direction and its number in that direction (from 1).
struct UdpFault {
  enum class Kind {
    drop,       // never delivered
    duplicate,  // delivered twice
    hold,       // delivered right after datagram `until` of the same direction (a reordering)
    delay,      // delivered `delay_s` after it came
  };
  Kind kind = Kind::drop;
  Direction dir = Direction::request;
  int index = 1;
  int until = 0;
  double delay_s = 0;
};

/// Seeded loss: each datagram of the chosen directions is dropped with probability `rate`, but never
/// more than `max_in_a_row` drops before a reply gets through, so that a client that resends succeeds.
struct LossRule {
  double rate = 0;
  bool requests = true;
  bool replies = true;
  int max_in_a_row = 2;
};

/// A fault on a TCP stream, in one direction.
struct TcpFault {
  enum class Kind {
    slice,       // writes of `size` bytes, `pause_s` apart
    delay,       // the first byte held back `delay_s`
    reset,       // after `after_bytes` bytes, both connections reset
    half_close,  // after `after_bytes` bytes, the link stops writing that way (the reader sees the end)
  };
  Kind kind = Kind::slice;
  Direction dir = Direction::reply;
  std::size_t size = 1;
  double pause_s = 0.01;
  std::size_t after_bytes = 0;
  double delay_s = 0;
  int connection = 0;  // only the connection with this number (from 1); 0: every connection
};

/// What the scenario says about one link (link NAME udp|tcp HOST:PORT, fault NAME ...).
struct LinkSpec {
  std::string name;
  std::string proto;  // "udp" or "tcp"
  std::string host;
  std::uint16_t port = 0;
  std::vector<UdpFault> udp;
  std::optional<LossRule> loss;
  std::vector<TcpFault> tcp;
};

/// One sentence per fault ("drop request 1", "loss 30% both ways, at most 2 in a row").
std::vector<std::string> describe_faults(const LinkSpec& link, Lang lang = Lang::en);

/// Decides what happens to each datagram, from the order datagrams come in, the rules and the seed
/// only: the same traffic gives the same decisions, run after run. Index rules win over the seeded loss.
class FaultSchedule {
 public:
  struct Decision {
    enum class Action { pass, drop, duplicate, hold, delay };
    Action action = Action::pass;
    int index = 0;             // this datagram's number in its direction, from 1
    double delay_s = 0;        // Action::delay
    bool seeded = false;       // a drop of the seeded loss, not of an index rule
    std::vector<int> release;  // held datagrams of this direction to deliver right after this one
  };

  FaultSchedule(std::vector<UdpFault> rules, std::optional<LossRule> loss, std::uint64_t seed);
  Decision next(Direction d);

 private:
  struct Held {
    int index;
    int until;
  };
  std::vector<UdpFault> rules_;
  std::optional<LossRule> loss_;
  std::uint64_t seed_;
  int count_[2] = {0, 0};
  int dropped_in_a_row_ = 0;
  std::vector<Held> held_[2];
};

/// The seeded generator's draw for datagram `index` of direction `d`: a number in [0, 1) that depends
/// on the three only (no state, so a schedule can be replayed from any point).
double seeded_draw(std::uint64_t seed, Direction d, int index);

}  // namespace socklab::harness
