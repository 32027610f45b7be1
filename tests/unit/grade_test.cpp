#include "grade.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "isolation.hpp"

using namespace socklab::harness;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path root = fs::temp_directory_path() /
                  ("socklab-grade-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  Folder() { fs::create_directories(root / "sub"); }
  ~Folder() { fs::remove_all(root); }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((root / "sub" / name).parent_path());
    std::ofstream(root / "sub" / name, std::ios::binary) << text;
  }
  Submission prepare() const {
    return prepare_submission((root / "sub").string(), (root / "staged").string(), Lang::en, probe_isolation().network);
  }
  static inline int counter = 0;
};

}  // namespace

TEST(grade, tutorial_file_names) {
  EXPECT_EQ(tutorial_stem("ex4.server"), "server4");
  EXPECT_EQ(tutorial_stem("ex2.client"), "client2");
}

TEST(grade, commands_split_like_a_shell) {
  EXPECT_EQ(split_command("python3 'my server.py' {port}"),
            (std::vector<std::string>{"python3", "my server.py", "{port}"}));
  EXPECT_THROW(split_command("python3 'open"), std::invalid_argument);
}

TEST(grade, finds_the_tutorial_names_in_any_case_and_inside_one_folder) {
  Folder f;
  f.write("hw/Server4.py", "print('x')\n");
  f.write("hw/client5.pl", "print 1;\n");
  const auto s = f.prepare();
  ASSERT_TRUE(s.error.empty()) << s.error;
  ASSERT_EQ(s.roles.count("ex4.server"), 1u);
  EXPECT_EQ(s.roles.at("ex4.server").argv, (std::vector<std::string>{"python3", "Server4.py"}));
  EXPECT_EQ(s.roles.at("ex5.client").argv, (std::vector<std::string>{"perl", "client5.pl"}));
  EXPECT_EQ(s.roles.count("ex1.server"), 0u);
  EXPECT_TRUE(fs::exists(fs::path(s.staged) / "Server4.py"));  // the copy that scenarios get
}

TEST(grade, a_manifest_names_the_commands) {
  Folder f;
  f.write("socklab.toml", "[roles]\n\"ex5.server\" = \"python3 echo.py --port {port}\"\n[ex6]\nclient = \"./fact\"\n");
  const auto s = f.prepare();
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_EQ(s.roles.at("ex5.server").argv, (std::vector<std::string>{"python3", "echo.py", "--port", "{port}"}));
  EXPECT_EQ(s.roles.at("ex6.client").argv, (std::vector<std::string>{"./fact"}));
}

TEST(grade, a_broken_manifest_is_an_error_with_its_line) {
  Folder f;
  f.write("socklab.toml", "[roles]\nex5.server = \n");
  const auto s = f.prepare();
  EXPECT_NE(s.error.find("socklab.toml: line 2"), std::string::npos) << s.error;
}

TEST(grade, a_makefile_builds_the_sources) {
  Folder f;
  f.write("server5.c", "int main(void) { return 0; }\n");
  f.write("Makefile", "server5: server5.c\n\tcc -o server5 server5.c\n");
  const auto s = f.prepare();
  ASSERT_TRUE(s.error.empty()) << s.error;
  EXPECT_EQ(s.roles.at("ex5.server").argv, (std::vector<std::string>{"./server5"}));
}

TEST(grade, a_failed_build_says_why) {
  Folder f;
  f.write("server5.c", "this is not C\n");
  f.write("Makefile", "server5: server5.c\n\tcc -o server5 server5.c\n");
  const auto s = f.prepare();
  EXPECT_NE(s.error.find("the build failed"), std::string::npos);
  EXPECT_NE(s.error.find("server5.c"), std::string::npos) << s.error;  // the compiler's own words
}

TEST(grade, source_hints) {
  Folder f;
  f.write("client6.py", "print 'hi'\r\n");
  f.write("server5.py", "\xEF\xBB\xBFimport socket\n");
  f.write("client5.py", "print('\xBF\xAA\xCA\xBC')\n");  // 开始 in GBK
  const auto s = f.prepare();
  std::set<std::string> ids;
  for (const auto& a : s.source_advice) ids.insert(a.id);
  EXPECT_EQ(ids, (std::set<std::string>{"python2", "crlf", "bom", "not-utf8"}));
  EXPECT_TRUE(advice_for_source((f.root / "sub" / "server5.py").string(), Lang::zh)[0].text.find("BOM") !=
              std::string::npos);
}

TEST(grade, python3_print_is_not_python2) {
  Folder f;
  f.write("client6.py", "print ('x')\nprint(1)\n  print  (2)\nprinter = 1\n");
  EXPECT_TRUE(advice_for_source((f.root / "sub" / "client6.py").string(), Lang::en).empty());
}

TEST(grade, course_weights) {
  Folder f;
  f.write("course.toml", "[weights]\ncore = 2\nrobustness = 0.5\n[points]\n\"ex4/tutorial-run\" = 10\n");
  const Course c = load_course((f.root / "sub" / "course.toml").string());
  Scenario core;
  core.name = "ex4/tutorial-run";
  core.points = 3;
  core.tags = {"core"};
  Scenario rob;
  rob.name = "ex5/lossy-link";
  rob.points = 2;
  rob.tags = {"robustness"};
  EXPECT_DOUBLE_EQ(c.max_points(core), 20);
  EXPECT_DOUBLE_EQ(c.max_points(rob), 1);
  f.write("bad.toml", "[weights]\ncore = \"lots\"\n");
  EXPECT_THROW(load_course((f.root / "sub" / "bad.toml").string()), std::runtime_error);
}

TEST(grade, a_course_weighs_exact_transcripts_apart) {
  Folder f;
  f.write("course.toml", "[weights]\ncore = 1\ntranscript = 0\n");
  const Course c = load_course((f.root / "sub" / "course.toml").string());
  Scenario log;
  log.name = "ex4/tutorial-log";
  log.points = 1;
  log.tags = {"transcript"};
  Scenario core;
  core.name = "ex4/tutorial-run";
  core.points = 3;
  core.tags = {"core"};
  EXPECT_DOUBLE_EQ(c.max_points(log), 0);
  EXPECT_DOUBLE_EQ(c.max_points(core), 3);
  EXPECT_DOUBLE_EQ(Course{}.max_points(log), 1);         // without a course file it counts like any scenario
  f.write("typo.toml", "[weights]\ntranscripts = 0\n");  // a weight that would silently weigh nothing
  EXPECT_THROW(load_course((f.root / "sub" / "typo.toml").string()), std::runtime_error);
}

TEST(grade, every_hint_speaks_both_languages) {
  for (const auto& h : hint_table()) {
    EXPECT_GT(std::string(h.en).size(), 20u) << h.id;
    EXPECT_GT(std::string(h.zh).size(), 20u) << h.id;
  }
  Result r;
  r.verdict = Verdict::timeout;
  r.facts = {Fact::served_serially};
  const auto a = advice_for(r, Lang::zh);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].id, "serial-server");
  EXPECT_NE(a[0].text.find("线程"), std::string::npos);
  r.verdict = Verdict::pass;
  EXPECT_TRUE(advice_for(r, Lang::en).empty());
}

// Advice comes from the facts a failure showed, never from its words: a message that names every
// mistake gives none, and the same facts give the same advice whatever the message says.
TEST(grade, advice_is_chosen_from_facts_not_from_words) {
  Result r;
  r.verdict = Verdict::fail;
  r.message =
      "block-buffered; nothing listens on; differs only in spaces; served one after another; TCP is a "
      "byte stream; UDP does not resend; show the prompt";
  EXPECT_TRUE(advice_for(r, Lang::en).empty());
  r.message = "anything at all";
  r.facts = {Fact::no_datagram};
  ASSERT_EQ(advice_for(r, Lang::en).size(), 1u);
  EXPECT_EQ(advice_for(r, Lang::en)[0].id, "wrong-port");
  r.facts.push_back(Fact::crashed);  // the server died: the refusal is the crash's story, not the port's
  EXPECT_TRUE(advice_for(r, Lang::en).empty());
  r.facts = {Fact::cut_by_one_recv, Fact::missing_banner};
  const auto two = advice_for(r, Lang::en);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].id, "missing-banner");
  EXPECT_EQ(two[1].id, "one-recv");
}

TEST(grade, every_fact_has_a_name_that_names_it_back) {
  for (const Fact f : all_facts()) EXPECT_EQ(fact_named(to_string(f)), f) << to_string(f);
  EXPECT_FALSE(fact_named("one-rcv"));
  const auto python = facts_in_stderr(
      "  File \"c.py\", line 3\n    print 'x'\nSyntaxError: Missing parentheses in "
      "call to 'print'. Did you mean print(...)?\n");
  EXPECT_EQ(python, std::vector<Fact>{Fact::python2});
}

// What a program died of, when it is a mistake of the tutorial's programs, is a fact of its own; the
// same words without a traceback (a message it printed and went on) are not.
TEST(grade, what_a_program_died_of_is_a_fact) {
  const auto decode = facts_in_stderr(
      "Traceback (most recent call last):\n  File \"s.py\", line 9\nUnicodeDecodeError: 'utf-8' codec can't "
      "decode byte 0xff in position 0: invalid start byte\n");
  EXPECT_EQ(decode, (std::vector<Fact>{Fact::decode_error, Fact::crashed}));
  const auto reset = facts_in_stderr("Traceback (most recent call last):\nBrokenPipeError: [Errno 32] Broken pipe\n");
  EXPECT_EQ(reset, (std::vector<Fact>{Fact::died_of_reset, Fact::crashed}));
  EXPECT_TRUE(facts_in_stderr("ConnectionResetError caught, serving the next client\n").empty());
}

// socklab stops a Python server with SIGINT, which ends it with a KeyboardInterrupt traceback: that is
// the stop, not a crash. A thread's traceback before it still is.
TEST(grade, the_stops_keyboard_interrupt_is_no_crash) {
  const std::string stopped =
      "Traceback (most recent call last):\n  File \"s.py\", line 9, in <module>\n    c, a = s.accept()\n"
      "KeyboardInterrupt\n";
  EXPECT_TRUE(facts_in_stderr(stopped).empty());
  const std::string thread_died =
      "Exception in thread Thread-1 (tcplink):\nTraceback (most recent call last):\n  File \"s.py\", line 5\n"
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xa0 in position 2: invalid start byte\n";
  EXPECT_EQ(facts_in_stderr(thread_died + stopped), (std::vector<Fact>{Fact::decode_error, Fact::crashed}));
  EXPECT_EQ(facts_in_stderr(stopped + thread_died), (std::vector<Fact>{Fact::decode_error, Fact::crashed}));
  // What the report shows of the stderr: the error, not the stop after it.
  EXPECT_EQ(before_the_stop(thread_died + stopped), thread_died);
  EXPECT_EQ(before_the_stop(stopped), stopped);
  EXPECT_EQ(before_the_stop(stopped + thread_died), stopped + thread_died);
}

TEST(grade, a_line_that_differs_shows_its_label_or_its_bytes) {
  EXPECT_EQ(facts_in_mismatch("Hello,a", "b'Hello,a'"), std::vector<Fact>{Fact::printed_bytes});
  EXPECT_EQ(facts_in_mismatch("Hello,a", "收到: Hello,a"), std::vector<Fact>{Fact::label_differs});
  EXPECT_EQ(facts_in_mismatch("客户端说:你好", "客户端:你好"), std::vector<Fact>{Fact::label_differs});
  EXPECT_EQ(facts_in_mismatch("请输入一个大于1的整数:计算结果: 120", "请输入一个大于1的整数:结果: 120"),
            std::vector<Fact>{Fact::label_differs});
  EXPECT_TRUE(facts_in_mismatch("请输入一个大于1的整数:计算结果: 120", "请输入一个大于1的整数:计算结果: 24").empty());
  EXPECT_TRUE(facts_in_mismatch("Hello,Michael!", "Hello,Tracy!").empty());
  EXPECT_TRUE(facts_in_mismatch("7", " 0007").empty());  // the number typed, not a label
  EXPECT_TRUE(facts_in_mismatch("Welcome!", "W").empty());
  EXPECT_TRUE(facts_in_mismatch("Hello,a", "Hello,a").empty());
}

// A server that ended by itself explains why nothing answered: it needs the loop, not another port.
TEST(grade, an_ended_server_is_told_to_loop_not_to_change_its_port) {
  Result r;
  r.verdict = Verdict::timeout;
  r.facts = {Fact::no_datagram, Fact::server_ended};
  const auto a = advice_for(r, Lang::en);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].id, "serve-forever");
  r.facts = {Fact::gave_up_after_loss};
  ASSERT_EQ(advice_for(r, Lang::en).size(), 1u);
  EXPECT_EQ(advice_for(r, Lang::en)[0].id, "hang-after-loss");
}

namespace {

// A submission with one role handed in: the scenarios' verdicts as given, each failure with advice `id`.
SubmissionScore scored(const std::string& name, const std::vector<Verdict>& verdicts, const std::string& id) {
  SubmissionScore s;
  s.submission.name = name;
  RoleScore r;
  r.role = "ex5.client";
  r.submitted = !verdicts.empty();
  const std::vector<std::string> names = {"ex5/lossy-link", "ex5/tutorial-run"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    ScenarioScore ss;
    ss.result.scenario = names[i];
    ss.max = 5;
    ss.result.verdict = r.submitted ? verdicts[i] : Verdict::skip;
    ss.points = ss.result.verdict == Verdict::pass ? ss.max : 0;
    if (ss.result.verdict != Verdict::pass && r.submitted) ss.advice.push_back({id, "advice " + id});
    r.points += ss.points;
    r.max += ss.max;
    r.scenarios.push_back(ss);
  }
  s.roles.push_back(r);
  return s;
}

}  // namespace

TEST(grade, the_class_summary_puts_the_worst_scenario_and_the_commonest_advice_first) {
  const std::vector<SubmissionScore> scores = {
      scored("a", {Verdict::timeout, Verdict::pass}, "hang-after-loss"),
      scored("b", {Verdict::fail, Verdict::fail}, "stale-reply"),
      scored("c", {Verdict::timeout, Verdict::pass}, "hang-after-loss"),
      scored("d", {}, ""),
  };
  const ClassSummary c = summarize_class(scores);
  ASSERT_EQ(c.scenarios.size(), 2u);
  EXPECT_EQ(c.scenarios[0].scenario, "ex5/lossy-link");
  EXPECT_EQ(c.scenarios[0].failures(), 3);
  EXPECT_EQ(c.scenarios[0].count(Verdict::timeout), 2);
  EXPECT_EQ(c.scenarios[0].not_submitted, 1);
  ASSERT_EQ(c.advice.size(), 2u);
  EXPECT_EQ(c.advice[0].id, "hang-after-loss");
  EXPECT_EQ(c.advice[0].submissions, (std::vector<std::string>{"a", "c"}));
  const std::string text = frequent_failures_text(c, Lang::en);
  EXPECT_NE(text.find("ex5.client  ex5/lossy-link  3/3 failed  advice: advice hang-after-loss"), std::string::npos)
      << text;
  EXPECT_TRUE(
      frequent_failures_text(summarize_class({scored("a", {Verdict::pass, Verdict::pass}, "")}), Lang::en).empty());
}

TEST(grade, the_index_speaks_the_reports_language_and_links_every_page) {
  std::vector<SubmissionScore> scores = {scored("a b", {Verdict::timeout, Verdict::pass}, "hang-after-loss"),
                                         scored("index", {Verdict::pass, Verdict::pass}, "")};
  ReportContext ctx;
  ctx.lang = Lang::zh;
  ctx.date = "2025-03-01 14:05 UTC";
  const std::string page = grade_index_html(scores, summarize_class(scores), ctx);
  for (const char* word : {"全班概览", "总分分布", "中位数", "需要再讲一遍的内容", "各场景的结果", "超时", "日期"})
    EXPECT_NE(page.find(word), std::string::npos) << word;
  EXPECT_NE(page.find("href=\"a%20b.html\""), std::string::npos);
  EXPECT_EQ(html_page_name(scores[1]), "index-submission.html");  // the class's page keeps its name
  EXPECT_NE(page.find("href=\"index-submission.html\""), std::string::npos);
  EXPECT_EQ(page.find("http://"), page.find("http://www.w3.org/2000/svg"));  // nothing to fetch
}
