#include "faults.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace socklab::harness;
using Action = FaultSchedule::Decision::Action;

namespace {

std::vector<Action> actions(FaultSchedule& s, const std::vector<Direction>& traffic) {
  std::vector<Action> out;
  for (const auto d : traffic) out.push_back(s.next(d).action);
  return out;
}

constexpr auto req = Direction::request;
constexpr auto rep = Direction::reply;

}  // namespace

TEST(faults, index_rules_pick_one_datagram_of_one_direction) {
  FaultSchedule s({{UdpFault::Kind::drop, req, 1}, {UdpFault::Kind::duplicate, rep, 2}}, std::nullopt, 1);
  EXPECT_EQ(actions(s, {req, req, rep, req, rep, rep}),
            (std::vector{Action::drop, Action::pass, Action::pass, Action::pass, Action::duplicate, Action::pass}));
}

TEST(faults, a_held_datagram_is_released_right_after_the_one_it_waits_for) {
  UdpFault hold{UdpFault::Kind::hold, rep, 1, 2};
  FaultSchedule s({hold}, std::nullopt, 1);
  const auto first = s.next(rep);
  EXPECT_EQ(first.action, Action::hold);
  EXPECT_TRUE(s.next(req).release.empty());  // a request does not release a reply
  const auto second = s.next(rep);
  EXPECT_EQ(second.action, Action::pass);
  EXPECT_EQ(second.release, std::vector<int>{1});
  EXPECT_TRUE(s.next(rep).release.empty());  // released once
}

TEST(faults, a_held_datagram_waits_past_a_dropped_one) {
  FaultSchedule s({{UdpFault::Kind::hold, rep, 1, 2}, {UdpFault::Kind::drop, rep, 2}}, std::nullopt, 1);
  s.next(rep);
  EXPECT_TRUE(s.next(rep).release.empty());             // #2 is dropped: #1 still waits
  EXPECT_EQ(s.next(rep).release, std::vector<int>{1});  // #3 passes: #1 follows it
}

TEST(faults, the_seeded_loss_is_the_same_for_the_same_seed) {
  const std::vector<Direction> traffic(200, req);
  FaultSchedule a({}, LossRule{0.3, true, true, 1000}, 42), b({}, LossRule{0.3, true, true, 1000}, 42),
      c({}, LossRule{0.3, true, true, 1000}, 43);
  const auto x = actions(a, traffic);
  EXPECT_EQ(x, actions(b, traffic));
  EXPECT_NE(x, actions(c, traffic));
  const auto dropped = std::count(x.begin(), x.end(), Action::drop);
  EXPECT_GT(dropped, 200 * 0.2);  // about 30 %
  EXPECT_LT(dropped, 200 * 0.4);
}

TEST(faults, a_datagram_s_fate_depends_on_its_number_not_on_the_other_direction) {
  // The requests' draws do not move when replies come between them.
  FaultSchedule a({}, LossRule{0.5, true, false, 1000}, 9), b({}, LossRule{0.5, true, false, 1000}, 9);
  std::vector<Action> alone, mixed;
  for (int i = 0; i < 50; ++i) alone.push_back(a.next(req).action);
  for (int i = 0; i < 50; ++i) {
    mixed.push_back(b.next(req).action);
    EXPECT_EQ(b.next(rep).action, Action::pass);  // replies are not covered
  }
  EXPECT_EQ(alone, mixed);
}

TEST(faults, never_more_drops_in_a_row_than_the_cap_before_a_reply_passes) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    FaultSchedule s({}, LossRule{0.9, true, true, 2}, seed);
    int in_a_row = 0;
    // A stop-and-wait client: a request, and a reply when the request got through.
    for (int attempt = 0; attempt < 100; ++attempt) {
      const auto r = s.next(req);
      if (r.action == Action::drop) {
        ASSERT_LT(++in_a_row, 3) << "seed " << seed;
        continue;
      }
      if (s.next(rep).action == Action::drop) {
        ASSERT_LT(++in_a_row, 3) << "seed " << seed;
      } else {
        in_a_row = 0;
      }
    }
  }
}

TEST(faults, every_third_try_succeeds_with_a_cap_of_two) {
  FaultSchedule s({}, LossRule{1.0, true, true, 2}, 5);  // everything would be lost but for the cap
  EXPECT_EQ(actions(s, {req, req, req, rep}), (std::vector{Action::drop, Action::drop, Action::pass, Action::pass}));
  EXPECT_EQ(actions(s, {req, rep, req, rep}), (std::vector{Action::drop, Action::drop, Action::pass, Action::pass}));
}

TEST(faults, the_draws_are_uniform_enough) {
  int below[10] = {};
  for (int i = 1; i <= 10000; ++i) ++below[static_cast<int>(seeded_draw(7, req, i) * 10)];
  for (const int n : below) {
    EXPECT_GT(n, 850);
    EXPECT_LT(n, 1150);
  }
}

TEST(faults, each_fault_has_a_sentence) {
  LinkSpec l;
  l.udp = {{UdpFault::Kind::drop, req, 1}, {UdpFault::Kind::hold, rep, 1, 2}};
  l.loss = LossRule{0.3, true, true, 2};
  const auto s = describe_faults(l);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "drop request 1");
  EXPECT_EQ(s[1], "hold reply 1 until reply 2 has passed");
  EXPECT_EQ(s[2], "lose 30% both ways, at most 2 in a row");
}
