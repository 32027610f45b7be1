#include "faults.hpp"

#include <algorithm>
#include <cstdio>

namespace socklab::harness {

const char* to_string(Direction d) { return d == Direction::request ? "request" : "reply"; }

namespace {

std::string milliseconds(double s) { return std::to_string(static_cast<long>(s * 1000 + 0.5)) + " ms"; }

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

double seeded_draw(std::uint64_t seed, Direction d, int index) {
  const std::uint64_t key =
      splitmix64(seed) ^ (d == Direction::request ? 0x5245515545535431ULL : 0x5245504c59533231ULL);
  return static_cast<double>(splitmix64(key + static_cast<std::uint64_t>(index)) >> 11) * 0x1.0p-53;
}

std::vector<std::string> describe_faults(const LinkSpec& link) {
  std::vector<std::string> out;
  for (const auto& f : link.udp) {
    const std::string what = std::string(to_string(f.dir)) + " " + std::to_string(f.index);
    switch (f.kind) {
      case UdpFault::Kind::drop: out.push_back("drop " + what); break;
      case UdpFault::Kind::duplicate: out.push_back("duplicate " + what); break;
      case UdpFault::Kind::hold:
        out.push_back("hold " + what + " until " + to_string(f.dir) + " " + std::to_string(f.until) + " has passed");
        break;
      case UdpFault::Kind::delay: out.push_back("delay " + what + " by " + milliseconds(f.delay_s)); break;
    }
  }
  if (link.loss) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g%%", link.loss->rate * 100);
    const char* which = link.loss->requests && link.loss->replies ? "both ways"
                        : link.loss->requests                     ? "of requests"
                                                                  : "of replies";
    out.push_back(std::string("lose ") + rate + " " + which + ", at most " + std::to_string(link.loss->max_in_a_row) +
                  " in a row");
  }
  for (const auto& f : link.tcp) {
    const std::string way = f.dir == Direction::request ? "requests" : "replies";
    switch (f.kind) {
      case TcpFault::Kind::slice:
        out.push_back("slice " + way + " into writes of " + std::to_string(f.size) + " bytes, " +
                      milliseconds(f.pause_s) + " apart");
        break;
      case TcpFault::Kind::delay: out.push_back("delay " + way + " by " + milliseconds(f.delay_s)); break;
      case TcpFault::Kind::reset:
        out.push_back("reset the connection after " + std::to_string(f.after_bytes) + " bytes of " + way);
        break;
      case TcpFault::Kind::half_close:
        out.push_back("close the " + way + " side after " + std::to_string(f.after_bytes) + " bytes");
        break;
    }
    if (f.connection > 0) out.back() += " on connection " + std::to_string(f.connection);
  }
  return out;
}

FaultSchedule::FaultSchedule(std::vector<UdpFault> rules, std::optional<LossRule> loss, std::uint64_t seed)
    : rules_(std::move(rules)), loss_(loss), seed_(seed) {}

FaultSchedule::Decision FaultSchedule::next(Direction d) {
  const int dir = d == Direction::request ? 0 : 1;
  Decision out;
  out.index = ++count_[dir];
  const auto rule =
      std::find_if(rules_.begin(), rules_.end(), [&](const UdpFault& f) { return f.dir == d && f.index == out.index; });
  using Action = Decision::Action;
  if (rule != rules_.end()) {
    switch (rule->kind) {
      case UdpFault::Kind::drop: out.action = Action::drop; break;
      case UdpFault::Kind::duplicate: out.action = Action::duplicate; break;
      case UdpFault::Kind::hold:
        out.action = Action::hold;
        held_[dir].push_back({out.index, rule->until});
        break;
      case UdpFault::Kind::delay:
        out.action = Action::delay;
        out.delay_s = rule->delay_s;
        break;
    }
  } else if (loss_ && (d == Direction::request ? loss_->requests : loss_->replies) &&
             dropped_in_a_row_ < loss_->max_in_a_row && seeded_draw(seed_, d, out.index) < loss_->rate) {
    out.action = Action::drop;
    out.seeded = true;
  }
  if (out.action == Action::drop) {
    if (out.seeded) ++dropped_in_a_row_;
    return out;
  }
  if (d == Direction::reply && out.action != Action::hold) dropped_in_a_row_ = 0;
  if (out.action != Action::hold) {  // what waited for this datagram goes right after it
    auto& held = held_[dir];
    for (auto it = held.begin(); it != held.end();) {
      if (it->until <= out.index) {
        out.release.push_back(it->index);
        it = held.erase(it);
      } else {
        ++it;
      }
    }
  }
  return out;
}

}  // namespace socklab::harness
