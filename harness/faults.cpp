#include "faults.hpp"

#include <algorithm>
#include <cstdio>

namespace socklab::harness {

const char* to_string(Direction d) { return d == Direction::request ? "request" : "reply"; }

namespace {

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

std::vector<std::string> describe_faults(const LinkSpec& link, Lang lang) {
  std::vector<std::string> out;
  auto ms = [](double s) { return std::to_string(static_cast<long>(s * 1000 + 0.5)); };
  auto dir = [&](Direction d) {
    return lang == Lang::en ? std::string(to_string(d))
                            : say(lang, d == Direction::request ? "runner.dir.request" : "runner.dir.reply");
  };
  for (const auto& f : link.udp) {
    const MessageFields what = {{"dir", dir(f.dir)}, {"index", std::to_string(f.index)}};
    auto with = [&](const char* id, MessageFields more) {
      more.insert(more.begin(), what.begin(), what.end());
      out.push_back(say(lang, id, more));
    };
    switch (f.kind) {
      case UdpFault::Kind::drop: with("fault.drop", {}); break;
      case UdpFault::Kind::duplicate: with("fault.duplicate", {}); break;
      case UdpFault::Kind::hold: with("fault.hold", {{"until", std::to_string(f.until)}}); break;
      case UdpFault::Kind::delay: with("fault.delay", {{"ms", ms(f.delay_s)}}); break;
    }
  }
  if (link.loss) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g%%", link.loss->rate * 100);
    const char* which = link.loss->requests && link.loss->replies ? "fault.lose-both"
                        : link.loss->requests                     ? "fault.lose-requests"
                                                                  : "fault.lose-replies";
    out.push_back(say(lang, which, {{"rate", rate}, {"most", std::to_string(link.loss->max_in_a_row)}}));
  }
  for (const auto& f : link.tcp) {
    const std::string way = say(lang, f.dir == Direction::request ? "fault.requests" : "fault.replies");
    switch (f.kind) {
      case TcpFault::Kind::slice:
        out.push_back(
            say(lang, "fault.slice", {{"way", way}, {"size", std::to_string(f.size)}, {"ms", ms(f.pause_s)}}));
        break;
      case TcpFault::Kind::delay:
        out.push_back(say(lang, "fault.tcp-delay", {{"way", way}, {"ms", ms(f.delay_s)}}));
        break;
      case TcpFault::Kind::reset:
        out.push_back(say(lang, "fault.reset", {{"way", way}, {"bytes", std::to_string(f.after_bytes)}}));
        break;
      case TcpFault::Kind::half_close:
        out.push_back(say(lang, "fault.half-close", {{"way", way}, {"bytes", std::to_string(f.after_bytes)}}));
        break;
    }
    if (f.connection > 0) {
      out.back() = say(lang, "fault.on-connection", {{"fault", out.back()}, {"n", std::to_string(f.connection)}});
    }
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
