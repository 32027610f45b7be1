#include "scenario.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "durations.hpp"

using namespace socklab::harness;

namespace {

const char* kGood = R"(# a comment
title   the tutorial's run
roles   ex4.server ex4.client
tags    core
points  3
host    www.baidu.com.cn
limit   processes 64

start server ex4.server
wait server listening tcp 127.0.0.1:9999 within 5s
start client ex4.client
type client after "客户端说:" "hi\x21"   # escapes work
wait client exit 0 within 10s
expect server stdout within 2s
  | Waiting for connection...
  ~ Accept [[PORT:\d+]]
  {
  * Hello,*
  | Hello,b!
  }
connect peer tcp 127.0.0.1:9999
recv peer "Hello,Tracy!" within 3s not before 0.9s
expect peer closed
)";

std::string error_of(std::string_view text) {
  try {
    parse_scenario(text, "scenarios/ex4/x.scn");
  } catch (const ParseError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string with_header(const std::string& body) { return "roles ex4.server\ntags core\n" + body; }

}  // namespace

TEST(scenario, parses_every_kind_of_line) {
  const Scenario s = parse_scenario(kGood, "scenarios/ex4/tutorial-run.scn");
  EXPECT_EQ(s.name, "ex4/tutorial-run");
  EXPECT_EQ(s.example, "ex4");
  EXPECT_EQ(s.title, "the tutorial's run");
  EXPECT_EQ(s.roles, (std::vector<std::string>{"ex4.server", "ex4.client"}));
  EXPECT_EQ(s.points, 3);
  EXPECT_EQ(s.hosts, std::vector<std::string>{"www.baidu.com.cn"});
  EXPECT_EQ(s.limits.processes, 64);
  ASSERT_EQ(s.steps.size(), 9u);
  ASSERT_NE(s.steps[1].as<steps::Listening>(), nullptr);
  EXPECT_EQ(s.steps[1].as<steps::Listening>()->endpoint.port, 9999);
  EXPECT_DOUBLE_EQ(s.steps[1].within_s, 5.0);
  ASSERT_NE(s.steps[3].as<steps::Type>(), nullptr);
  EXPECT_EQ(s.steps[3].as<steps::Type>()->data, "hi!");
  EXPECT_EQ(*s.steps[3].as<steps::Type>()->prompt, "客户端说:");
  ASSERT_NE(s.steps[4].as<steps::Exited>(), nullptr);
  EXPECT_EQ(s.steps[4].as<steps::Exited>()->exit_code, 0);
  ASSERT_NE(s.steps[5].as<steps::ExpectOutput>(), nullptr);
  const auto& expect = *s.steps[5].as<steps::ExpectOutput>();
  ASSERT_EQ(expect.patterns.size(), 3u);
  EXPECT_EQ(expect.patterns[0].lines[0].kind, PatternLine::Kind::exact);
  EXPECT_EQ(expect.patterns[1].lines[0].kind, PatternLine::Kind::regex);
  EXPECT_TRUE(expect.patterns[2].unordered);
  EXPECT_EQ(expect.patterns[2].lines.size(), 2u);
  EXPECT_EQ(expect.patterns[2].lines[0].where.line, 18);
  EXPECT_DOUBLE_EQ(*s.steps[7].not_before_s, 0.9);
}

TEST(scenario, errors_say_file_line_and_column) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {with_header("frobnicate x"), "x.scn:3:1: error: unknown directive 'frobnicate'"},
      {"roles ex9.server\ntags core", "x.scn:1:7: error: unknown role 'ex9.server'"},
      {with_header("start s ex4.server\nwait s exit 0 within soon"), "x.scn:4:22: error: expected a duration"},
      {with_header("start s ex4.server\ntype s \"abc"), "x.scn:4:8: error: string not closed"},
      {with_header("start s ex4.server\ntype s \"\\q\""), "x.scn:4:9: error: unknown escape \\q"},
      {with_header("  | Hello"), "x.scn:3:3: error: an expected line"},
      {with_header("type nobody \"x\""), "x.scn:3:6: error: no actor 'nobody' was started"},
      {with_header("start s ex4.server\nstart s ex4.server"), "x.scn:4:7: error: actor 's' is already started"},
      {"tags core\n", "x.scn:1:1: error: the scenario names no roles"},
      {"roles ex4.server\n", "x.scn:1:1: error: the scenario has no tags"},
      {"roles ex4.server\ntags exact\n", "x.scn:1:1: error: the scenario's tags include none of"},
      {with_header("start s ex4.server\nexpect s stdout\n  {\n  | a\n"), "unordered group not closed"},
      {with_header("start s ex4.server\nexpect s stdout\n  {\n  {\n"),
       "x.scn:6:3: error: unordered groups do not nest"},
      {with_header("start s ex4.server\nexpect s stdout\n"),
       "x.scn:4:1: error: 'expect ... stdout' is followed by no expected line"},
      {with_header("connect p tcp 127.0.0.1:99999"), "x.scn:3:15: error: expected HOST:PORT"},
      {with_header("points many"), "x.scn:3:8: error: expected points"},
      {with_header("hint one-rcv \"read it all\""), "x.scn:3:6: error: unknown fact 'one-rcv' (facts: "},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_NE(error_of(text).find(expected), std::string::npos) << "input:\n" << text << "\ngot: " << error_of(text);
  }
}

TEST(scenario, never_crashes_on_any_input) {
  // Pieces of the language shuffled with random bytes: every input parses or raises ParseError.
  const std::vector<std::string> pieces = {"roles ex4.server",
                                           "tags core",
                                           "start a ex4.server",
                                           "wait a exit",
                                           " 0",
                                           " within 2s",
                                           "\"",
                                           "\\x",
                                           "\n",
                                           "  | x",
                                           "  {",
                                           "  }",
                                           "~ [[P:",
                                           "]]",
                                           "expect a stdout",
                                           "connect p tcp 127.0.0.1:9",
                                           "#",
                                           "\xff\xfe",
                                           ":"};
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0) {
        text += static_cast<char>(rng() % 256);
      } else {
        text += pieces[rng() % pieces.size()];
      }
    }
    try {
      parse_scenario(text, "f.scn");
    } catch (const ParseError&) {
    }
  }
  SUCCEED();
}

TEST(scenario, a_hint_may_name_the_known_mistake_it_is_about) {
  const Scenario s = parse_scenario(with_header("connect p tcp 127.0.0.1:9999\nhint cut-by-one-recv \"read it all\"\n"
                                                "recv p \"Welcome!\"\nhint \"no fact\"\nrecv p \"x\"\n"),
                                    "scenarios/ex4/x.scn");
  ASSERT_EQ(s.steps.size(), 3u);
  EXPECT_EQ(s.steps[1].hint, "read it all");
  EXPECT_EQ(s.steps[1].hint_fact, Fact::cut_by_one_recv);
  EXPECT_EQ(s.steps[2].hint, "no fact");
  EXPECT_FALSE(s.steps[2].hint_fact);
}

TEST(scenario, transcript_is_a_tag_of_its_own) {
  const Scenario s = parse_scenario("roles ex4.server\ntags transcript\n", "scenarios/ex4/tutorial-log.scn");
  EXPECT_EQ(s.tags, std::vector<std::string>{"transcript"});
}

TEST(scenario, data_pieces_join_with_plus) {
  const Scenario s = parse_scenario(
      "roles ex1.server\ntags core\nconnect p tcp 127.0.0.1:1\nsend p \"ab\" + repeated 3 \"x\" + all-bytes\n",
      "scenarios/ex1/d.scn");
  ASSERT_EQ(s.steps.size(), 2u);
  ASSERT_NE(s.steps[1].as<steps::Send>(), nullptr);
  EXPECT_EQ(s.steps[1].as<steps::Send>()->data.substr(0, 5), "abxxx");
  EXPECT_EQ(s.steps[1].as<steps::Send>()->data.size(), 5u + 256u);
}

TEST(scenario, a_wait_can_expect_a_signal) {
  const Scenario s = parse_scenario(
      "roles ex4.server\ntags core\nstart a ex4.server\nwait a killed SIGXCPU within 40s\n", "scenarios/ex4/k.scn");
  ASSERT_NE(s.steps[1].as<steps::Exited>(), nullptr);
  EXPECT_EQ(s.steps[1].as<steps::Exited>()->killed_by, 24);
  EXPECT_FALSE(s.steps[1].as<steps::Exited>()->exit_code.has_value());
  EXPECT_NE(error_of("roles ex4.server\ntags core\nstart a ex4.server\nwait a killed SIGFOO\n")
                .find("4:15: error: unknown signal"),
            std::string::npos);
}

TEST(scenario, links_and_their_faults) {
  const auto s = parse_scenario(
      "roles ex5.client\ntags robustness\nseed 7\n"
      "link net udp 127.0.0.1:9999\n"
      "fault net drop request 1\nfault net duplicate reply 2\nfault net swap replies 3 and 4\n"
      "fault net delay request 5 by 200ms\nfault net loss 30% requests max 3 in a row\n"
      "link web tcp 127.0.0.1:80\nfault web slice replies 100 pause 5ms\n"
      "fault web reset after 5 bytes of requests on connection 2\nfault web half-close requests after 7 bytes\n"
      "start server ex5.server behind net\n",
      "x/y.scn");
  ASSERT_EQ(s.links.size(), 2u);
  EXPECT_TRUE(s.needs_namespaces);
  EXPECT_EQ(s.seed, 7u);
  const auto& net = s.links[0];
  ASSERT_EQ(net.udp.size(), 4u);
  EXPECT_EQ(net.udp[2].kind, UdpFault::Kind::hold);
  EXPECT_EQ(net.udp[2].until, 4);
  EXPECT_DOUBLE_EQ(net.udp[3].delay_s, 0.2);
  ASSERT_TRUE(net.loss);
  EXPECT_DOUBLE_EQ(net.loss->rate, 0.3);
  EXPECT_FALSE(net.loss->replies);
  EXPECT_EQ(net.loss->max_in_a_row, 3);
  const auto& web = s.links[1];
  ASSERT_EQ(web.tcp.size(), 3u);
  EXPECT_EQ(web.tcp[0].size, 100u);
  EXPECT_EQ(web.tcp[1].after_bytes, 5u);
  EXPECT_EQ(web.tcp[1].connection, 2);
  ASSERT_NE(s.steps[0].as<steps::Start>(), nullptr);
  EXPECT_EQ(s.steps[0].as<steps::Start>()->behind, "net");
}

TEST(scenario, fault_lines_that_make_no_sense_are_errors) {
  const std::string head = "roles ex5.client\ntags robustness\nlink net udp 127.0.0.1:9999\n";
  for (const char* bad :
       {"fault nope drop request 1", "fault net slice replies 1", "fault net drop request 0",
        "fault net swap replies 2 and 1", "fault net loss 1.5", "fault net hold reply 1 until request 2",
        "fault net drop request 1\nfault net duplicate request 1", "start s ex5.server behind other",
        "link net udp 127.0.0.1:9998", "fault net explode"}) {
    EXPECT_THROW(parse_scenario(head + bad + "\n", "x/y.scn"), ParseError) << bad;
  }
}

TEST(scenario, an_order_between_events_of_different_actors) {
  const Scenario s = parse_scenario(
      "roles ex4.server\ntags core\nstart c1 ex4.client\nstart c2 ex4.client\nconnect peer tcp 127.0.0.1:9999\n"
      "expect c2 stdout \"Hello,x!\" before c1 stdout \"Hello,z!\" within 30s\n"
      "expect peer closed before peer received \"Hello,exit!\"\n"
      "expect c1 stderr \"oops\" before peer received \"a\\r\\n\"\n"
      "expect c1 stdout\n  | Welcome!\n",
      "scenarios/ex4/o.scn");
  ASSERT_EQ(s.steps.size(), 7u);
  const auto* first = s.steps[3].as<steps::ExpectOrder>();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->first.actor, "c2");
  EXPECT_EQ(first->first.what, "stdout");
  EXPECT_EQ(first->first.text, "Hello,x!");
  EXPECT_EQ(first->second.actor, "c1");
  EXPECT_EQ(first->second.text, "Hello,z!");
  EXPECT_EQ(s.steps[3].actors, (std::vector<std::string>{"c2", "c1"}));
  EXPECT_DOUBLE_EQ(s.steps[3].within_s, 30.0);
  ASSERT_NE(s.steps[4].as<steps::ExpectOrder>(), nullptr);
  EXPECT_EQ(s.steps[4].as<steps::ExpectOrder>()->first.what, "closed");
  EXPECT_EQ(s.steps[4].as<steps::ExpectOrder>()->second.what, "received");
  EXPECT_EQ(s.steps[4].as<steps::ExpectOrder>()->second.to_string(), "peer received \"Hello,exit!\"");
  ASSERT_NE(s.steps[5].as<steps::ExpectOrder>(), nullptr);
  EXPECT_EQ(s.steps[5].as<steps::ExpectOrder>()->second.text, "a\r\n");
  EXPECT_NE(s.steps[6].as<steps::ExpectOutput>(), nullptr);  // expected lines still follow a bare stream
}

TEST(scenario, an_overlap_of_conversations) {
  const Scenario s = parse_scenario(
      "roles ex4.server\ntags core\nrepeat 3\nstart c{n} ex4.client\nend\n"
      "expect overlap c{1..3} from \"Hello,Michael!\" to \"Hello,Sarah!\" within 30s\n"
      "expect overlap 2 of c1 c2 c3 from \"a\" to \"b\"\n",
      "scenarios/ex4/o.scn");
  ASSERT_EQ(s.steps.size(), 5u);
  const auto* all = s.steps[3].as<steps::ExpectOverlap>();
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(s.steps[3].actors, (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(all->from, "Hello,Michael!");
  EXPECT_EQ(all->to, "Hello,Sarah!");
  EXPECT_EQ(all->at_least, 0u);
  EXPECT_DOUBLE_EQ(s.steps[3].within_s, 30.0);
  ASSERT_NE(s.steps[4].as<steps::ExpectOverlap>(), nullptr);
  EXPECT_EQ(s.steps[4].as<steps::ExpectOverlap>()->at_least, 2u);
}

TEST(scenario, order_lines_that_make_no_sense_are_errors) {
  const std::string head =
      "roles ex4.server\ntags core\nstart c1 ex4.client\nstart c2 ex4.client\n"
      "connect peer tcp 127.0.0.1:9999\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"expect c1 stdout \"a\" before", "6:28: error: expected an actor name"},
      {"expect c1 stdout \"a\" after c2 stdout \"b\"", "6:22: error: expected 'before'"},
      {"expect c1 stdout \"a\" before c9 stdout \"b\"", "no actor 'c9'"},
      {"expect c1 received \"a\" before c2 stdout \"b\"", "'c1' is a program"},
      {"expect peer stdout \"a\" before c2 stdout \"b\"", "'peer' is a peer"},
      {"expect c1 stdout \"\" before c2 stdout \"b\"", "an empty line"},
      {"expect c1 stdout \"a\" before c2 stdout \"b\" not before 1s", "'before' is an order"},
      {"expect overlap c1 from \"a\" to \"b\"", "two actors or more"},
      {"expect overlap c1 c1 from \"a\" to \"b\"", "named twice"},
      {"expect overlap 3 of c1 c2 from \"a\" to \"b\"", "3 at once of 2"},
      {"expect overlap c1 c2 from \"a\"", "expected 'to'"},
      {"expect overlap c1 c2 to \"b\"", "expected 'from'"},
      {"expect overlap c1 c2 from \"a\" to \"b\" lasting 1s", "expected 'at'"},
  };
  for (const auto& [line, error] : cases) {
    EXPECT_NE(error_of(head + line + "\n").find(error), std::string::npos)
        << line << " -> " << error_of(head + line + "\n");
  }
}

TEST(parser, an_order_may_name_segments_on_the_wire) {
  const Scenario s = parse_scenario(
      "roles ex1.server\ntags core\nstart server ex1.server\nconnect peer tcp 127.0.0.1:12345\n"
      "expect wire \"server → peer FIN\" before wire \"peer → server FIN\" within 3s\n",
      "t.scn");
  const auto* st = s.steps.back().as<steps::ExpectOrder>();
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->first.what, "wire");
  EXPECT_EQ(st->first.text, "server → peer FIN");
  EXPECT_EQ(st->second.to_string(), "wire \"peer → server FIN\"");
  EXPECT_THROW(parse_scenario("roles ex1.server\ntags core\nexpect wire \"FIN\" before wire \"x → y FIN\"\n", "t.scn"),
               ParseError)
      << "a segment names its two ends";
}

TEST(scenario, a_sleep_a_silence_and_a_deadline_count_toward_the_estimate) {
  const Scenario s = parse_scenario(
      "roles ex3.server\ntags core\nstart server ex3.server\nwait server listening tcp 127.0.0.1:8888 within 3s\n"
      "connect peer tcp 127.0.0.1:8888\nsleep 2s\nexpect peer nothing for 500ms\n",
      "scenarios/ex3/estimate.scn");
  EXPECT_DOUBLE_EQ(s.steps[3].longest_s(), 2.0);
  EXPECT_DOUBLE_EQ(s.steps[4].longest_s(), 0.5);
  EXPECT_DOUBLE_EQ(estimated_seconds(s), 5.5);
}

TEST(scenario, title_and_hints_in_chinese) {
  const Scenario s = parse_scenario(with_header("title the run\ntitle.zh 教程中的运行\nstart a ex4.server\n"
                                                "hint \"read it all\"\nhint.zh \"全部读完\"\nwait a exit 0 within 1s\n"
                                                "hint \"only English\"\nwait a exit 0 within 1s\n"),
                                    "scenarios/ex4/x.scn");
  EXPECT_EQ(s.title_in(Lang::en), "the run");
  EXPECT_EQ(s.title_in(Lang::zh), "教程中的运行");
  ASSERT_EQ(s.steps.size(), 3U);
  EXPECT_EQ(s.steps[1].hint_in(Lang::en), "read it all");
  EXPECT_EQ(s.steps[1].hint_in(Lang::zh), "全部读完");
  EXPECT_EQ(s.steps[2].hint_in(Lang::zh), "only English");  // no Chinese given: the English
  EXPECT_EQ(parse_scenario(with_header("title only English\n"), "scenarios/ex4/x.scn").title_in(Lang::zh),
            "only English");
  EXPECT_NE(error_of(with_header("hint.zh \"全部读完\"\nstart a ex4.server\n")).find("follows the 'hint' line"),
            std::string::npos);
}

// Every scenario of the suite speaks Chinese too: a title and every hint, each with Chinese in it.
TEST(scenario, every_suite_scenario_has_a_chinese_title_and_hints) {
  const auto has_chinese = [](const std::string& s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
      if (static_cast<unsigned char>(s[i]) >= 0xE4 && static_cast<unsigned char>(s[i]) <= 0xE9) return true;
    }
    return false;
  };
  int scenarios = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::filesystem::path(SOCKLAB_HARNESS_DIR) / ".." / "scenarios")) {
    if (entry.path().extension() != ".scn") continue;
    ++scenarios;
    const Scenario s = load_scenario(entry.path().string());
    EXPECT_TRUE(!s.title_zh.empty() && has_chinese(s.title_zh)) << s.name << ": no Chinese title (title.zh)";
    for (const auto& step : s.steps) {
      if (step.hint.empty()) continue;
      EXPECT_TRUE(!step.hint_zh.empty() && has_chinese(step.hint_zh))
          << s.name << " line " << step.where.line << ": a hint without its Chinese (hint.zh)";
    }
  }
  EXPECT_GE(scenarios, 60);
}
