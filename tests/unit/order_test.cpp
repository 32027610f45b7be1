// The order assertions (expect A before B, expect overlap) judged on real programs: shell one-liners
// whose lines come in a known order, a few hundred milliseconds apart.
#include <gtest/gtest.h>

#include "isolation.hpp"
#include "runner.hpp"
#include "scenario.hpp"

using namespace socklab::harness;

namespace {

Result run(const std::string& body, double time_scale = 1.0) {
  const Scenario s = parse_scenario("roles ex4.server\ntags core\n" + body, "scenarios/ex4/order.scn");
  RunOptions o;
  o.time_scale = time_scale;
  return run_scenario(s, o);
}

// a prints "x" at once; b prints "y" 300 ms later.
const char* kTwo =
    "run a -- sh -c \"echo x; sleep 1\"\n"
    "run b -- sh -c \"sleep 0.3; echo y\"\n";

// Two conversations, each "begin" ... "end": at the same time, or one after the other. The first begins
// 0.3 s after its start, when the programs started with it have started too (an overlap asks only those).
const char* kTogether =
    "run a -- sh -c \"sleep 0.3; echo begin; sleep 0.6; echo end\"\n"
    "run b -- sh -c \"sleep 0.5; echo begin; sleep 0.6; echo end\"\n";
const char* kOneAfterAnother =
    "run a -- sh -c \"sleep 0.3; echo begin; sleep 0.2; echo end\"\n"
    "run b -- sh -c \"sleep 0.9; echo begin; sleep 0.2; echo end\"\n";

}  // namespace

TEST(order, before_holds_when_the_first_event_comes_first) {
  const auto r = run(std::string(kTwo) + "expect a stdout \"x\" before b stdout \"y\"\n");
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
}

TEST(order, before_fails_when_the_second_event_comes_first) {
  const auto r = run(std::string(kTwo) + "expect b stdout \"y\" before a stdout \"x\"\n");
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("a stdout \"x\" came first"), std::string::npos) << r.message;
}

TEST(order, a_deadline_that_passes_is_a_timeout_never_a_fail) {
  const auto r =
      run("run a -- sh -c \"sleep 3\"\nrun b -- sh -c \"sleep 3\"\n"
          "expect a stdout \"x\" before b stdout \"y\" within 200ms\n");
  EXPECT_EQ(r.verdict, Verdict::timeout) << r.message;
  EXPECT_NE(r.message.find("hang guard"), std::string::npos) << r.message;
}

TEST(order, overlap_holds_for_conversations_at_the_same_time) {
  const auto r = run(std::string(kTogether) + "expect overlap a b from \"begin\" to \"end\"\n");
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
}

TEST(order, overlap_fails_for_conversations_one_after_another_at_any_time_scale) {
  for (const double scale : {1.0, 10.0}) {
    const auto r = run(std::string(kOneAfterAnother) + "expect overlap a b from \"begin\" to \"end\"\n", scale);
    EXPECT_EQ(r.verdict, Verdict::fail) << scale;
    EXPECT_NE(r.message.find("a had \"end\""), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("one after another"), std::string::npos) << r.message;
    EXPECT_LT(r.duration_s, 3.0);  // decided at a's end, not at a deadline
  }
}

TEST(order, overlap_of_some_counts_the_most_at_once) {
  const std::string three = std::string(kTogether) + "run c -- sh -c \"sleep 1.5; echo begin; echo end\"\n";
  EXPECT_EQ(run(three + "expect overlap 2 of a b c from \"begin\" to \"end\"\n").verdict, Verdict::pass);
  const auto r = run(three + "expect overlap a b c from \"begin\" to \"end\"\n");
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.message.find("at most 2 were"), std::string::npos) << r.message;
}

// A pool of workers serves some clients at once, a serial server one: "K of" is decided as soon as a
// whole conversation went by while every other still waited for its beginning, not when the last ends.
TEST(order, overlap_of_some_fails_once_a_conversation_went_by_while_the_others_waited) {
  const std::string serial = std::string(kOneAfterAnother) +
                             "run c -- sh -c \"sleep 2.3; echo begin; sleep 0.2; echo end\"\n" +
                             "run d -- sh -c \"sleep 2.9; echo begin; sleep 0.2; echo end\"\n";
  const auto r = run(serial + "expect overlap 2 of a b c d from \"begin\" to \"end\"\n");
  EXPECT_EQ(r.verdict, Verdict::fail) << r.message;
  EXPECT_NE(r.message.find("one after another"), std::string::npos) << r.message;
  EXPECT_LT(r.duration_s, 2.0);  // decided at a's end, not once too few are left (c's end, 2.5 s)
  // Two of three at once, the third alone after them: that holds.
  const std::string pool = std::string(kTogether) + "run c -- sh -c \"sleep 1.3; echo begin; sleep 0.2; echo end\"\n";
  EXPECT_EQ(run(pool + "expect overlap 2 of a b c from \"begin\" to \"end\"\n").verdict, Verdict::pass);
}

// socklab starts programs one after another, and on a loaded machine the last of many may start after
// the first has had its whole conversation: one started after the first beginning cannot be asked to be
// in the middle with the others (an order of events: its start, and that beginning).
TEST(order, overlap_asks_only_those_started_before_the_first_beginning) {
  const std::string late_c = "sleep 700ms\nrun c -- sh -c \"sleep 0.6; echo begin; sleep 0.2; echo end\"\n";
  const auto r = run(std::string(kTogether) + late_c + "expect overlap a b c from \"begin\" to \"end\"\n");
  EXPECT_EQ(r.verdict, Verdict::pass) << r.message;
  EXPECT_NE(r.transcript.find("2 of a b c were connected (or started) when a had \"begin\""), std::string::npos)
      << r.transcript;
  // Started at once, c is asked too: the same three conversations fail.
  const auto at_once = run(std::string(kTogether) + "run c -- sh -c \"sleep 1.3; echo begin; sleep 0.2; echo end\"\n" +
                           "expect overlap a b c from \"begin\" to \"end\"\n");
  EXPECT_EQ(at_once.verdict, Verdict::fail) << at_once.message;
  // Two are always asked: a serial pair fails however late the second started.
  const auto serial = run(std::string(kOneAfterAnother) + late_c + "expect overlap a b c from \"begin\" to \"end\"\n");
  EXPECT_EQ(serial.verdict, Verdict::fail) << serial.message;
  const auto alone =
      run("run a -- sh -c \"echo begin; sleep 0.2; echo end\"\nsleep 100ms\n"
          "run b -- sh -c \"sleep 0.3; echo begin; sleep 0.2; echo end\"\n"
          "expect overlap a b from \"begin\" to \"end\"\n");
  EXPECT_EQ(alone.verdict, Verdict::fail) << alone.message;
}

TEST(order, a_conversation_that_breaks_off_is_left_to_the_later_steps) {
  const std::string broken =
      "run a -- sh -c \"echo begin; sleep 0.3; echo end\"\nrun b -- sh -c \"echo other\"\n"
      "expect overlap a b from \"begin\" to \"end\"\n";
  // No later step: the overlap's failure is the verdict, at the end.
  const auto alone = run(broken);
  EXPECT_EQ(alone.verdict, Verdict::fail);
  EXPECT_NE(alone.message.find("these ended before \"begin\": b"), std::string::npos) << alone.message;
  // A later step that says what went wrong gives the verdict and its message.
  const auto told = run(broken + "expect b stdout\n  | begin\n");
  EXPECT_EQ(told.verdict, Verdict::fail);
  EXPECT_NE(told.message.find("Actual:   \"other\""), std::string::npos) << told.message;
}

TEST(order, a_middle_too_short_to_show_anything_is_not_judged) {
  const std::string quick =
      "run a -- sh -c \"echo begin; echo end\"\nrun b -- sh -c \"sleep 0.3; echo begin; echo end\"\n";
  EXPECT_EQ(run(quick + "expect overlap a b from \"begin\" to \"end\"\n").verdict, Verdict::fail);
  EXPECT_EQ(run(quick + "expect overlap a b from \"begin\" to \"end\" lasting at least 100ms\n").verdict,
            Verdict::pass);
  // A middle long enough is judged.
  EXPECT_EQ(run(std::string(kOneAfterAnother) + "expect overlap a b from \"begin\" to \"end\" lasting at least 100ms\n")
                .verdict,
            Verdict::fail);
}

// "not before D" counts from the moment the peer began to send, not from when socklab's loop came back to
// the next step: a loop woken late (a loaded machine; here a sleep step in between) must not make a
// server's own 0.5 s pause look shorter than it was.
TEST(order, a_lower_bound_counts_from_the_send_not_from_a_late_next_step) {
  if (!probe_isolation().network) GTEST_SKIP() << "no network namespaces on this machine";
  const std::string server =
      R"scn(run srv -- python3 -c "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 9999))\ns.listen()\nc, _ = s.accept()\nc.recv(10)\ntime.sleep(0.5)\nc.sendall(b'y')\nc.recv(10)"
wait srv listening tcp 127.0.0.1:9999
connect peer tcp 127.0.0.1:9999
send peer "x"
)scn";
  const auto late = run(server + "sleep 300ms\nrecv peer \"y\" within 5s not before 0.45s\n");
  EXPECT_EQ(late.verdict, Verdict::pass) << late.message;
  // A reply that comes too early still fails: the same server has paused 0.5 s, not 0.8.
  const auto early = run(server + "sleep 300ms\nrecv peer \"y\" within 5s not before 0.8s\n");
  EXPECT_EQ(early.verdict, Verdict::fail) << early.message;
  EXPECT_NE(early.message.find("earlier than 0.800 s"), std::string::npos) << early.message;
}
