// The run's story: events rendered as the transcript tells them, kept under a cap, carried through JSON,
// and drawn as the HTML diagram from their types alone.
#include "story.hpp"

#include <gtest/gtest.h>

#include "grade.hpp"

namespace socklab::harness {
namespace {

Event started(const std::string& actor, const std::string& role) {
  Event e = note(actor, "/bin/" + actor);
  e.kind = EventKind::start;
  e.role = role;
  return e;
}

Event output(const std::string& actor, const std::string& bytes) {
  Event e = note(actor, "");
  e.kind = EventKind::output;
  e.stream = "stdout";
  e.bytes = bytes;
  return e;
}

Event segment(const std::string& from, const std::string& to, const std::string& bytes) {
  Event e = note("wire", "");
  e.kind = EventKind::segment;
  e.from = from;
  e.to = to;
  e.bytes = bytes;
  e.size = bytes.size();
  return e;
}

Event link_event(LinkAct act, bool reply, const std::string& text) {
  Event e = note("link", text);
  e.kind = EventKind::link;
  e.act = act;
  e.reply_way = reply;
  return e;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(story, each_kind_is_told_as_the_transcript_tells_it) {
  Event e = started("server", "ex4.server");
  e.t = 0.25;
  EXPECT_EQ(render_line(e), "[   0.250] server start (ex4.server): /bin/server\n");
  EXPECT_EQ(render(output("c1", "Hello,Michael!\n")), "stdout > \"Hello,Michael!\\n\"");
  Event sent = note("peer", "");
  sent.kind = EventKind::send;
  sent.bytes = std::string(80, 'x');
  sent.size = 100;
  sent.slice = 10;
  EXPECT_EQ(render(sent), "send 100 bytes \"" + std::string(80, 'x') + "\"... in writes of 10 bytes");
  Event syn = segment("client", "server", "");
  syn.syn = true;
  EXPECT_EQ(render(syn), "client → server SYN");
  Event data = segment("server", "client", "Welcome!");
  data.fin = true;
  EXPECT_EQ(render(data), "server → client \"Welcome!\" (8 bytes) FIN");
  Event datagram = segment("peer", "server", "5");
  datagram.tcp = false;
  EXPECT_EQ(render(datagram), "peer → server udp \"5\" (1 byte)");
}

TEST(story, events_come_back_from_json_as_they_went) {
  Event e = segment("client", "server", "abc");
  e.t = 1.5;
  e.fin = e.ack = true;
  const Event back = event_from_json(nlohmann::json::parse(to_json(e).dump()));
  EXPECT_EQ(render_line(back), render_line(e));
  EXPECT_TRUE(back.fin && back.ack && !back.syn && back.tcp);
  Event l = link_event(LinkAct::dropped, true, "dropped reply #2");
  l.client = 3;
  const Event lb = event_from_json(nlohmann::json::parse(to_json(l).dump()));
  EXPECT_EQ(lb.act, LinkAct::dropped);
  EXPECT_EQ(lb.client, 3);
  EXPECT_TRUE(lb.reply_way);
}

// A sentence socklab says is kept as its id and fields: told in the reader's language, and the same after
// a trip through JSON (whose `text` is the English, for other readers).
TEST(story, a_said_event_is_told_in_the_readers_language) {
  const Event e = said_status("peer", "status.accepted", {{"from", "127.0.0.1:5000"}});
  EXPECT_EQ(render(e), "accepted a connection from 127.0.0.1:5000");
  EXPECT_EQ(render(e, Lang::zh), "接受了来自 127.0.0.1:5000 的连接");
  const auto j = to_json(e);
  EXPECT_EQ(j.at("text"), "accepted a connection from 127.0.0.1:5000");
  const Event back = event_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(render_line(back, Lang::zh), render_line(e, Lang::zh));
  EXPECT_EQ(render_line(back), render_line(e));
  // A field that is words itself comes in both languages.
  const Event l = said_note("link", "link.tcp-closed", said_field("conn", "link.connection", {{"n", "2"}}));
  EXPECT_EQ(render(l), "connection 2: closed (FIN passed on)");
  EXPECT_EQ(render(l, Lang::zh), "连接 2：已关闭（FIN 已转发）");
  Event data = segment("server", "client", "Welcome!");
  EXPECT_EQ(render(data, Lang::zh), "server → client \"Welcome!\" (8 字节)");
  EXPECT_THROW(event_from_json({{"t", 0}, {"actor", "p"}, {"kind", "note"}, {"say", "no.such"}}),
               std::invalid_argument);
}

TEST(story, past_its_cap_the_story_keeps_its_two_ends_and_counts_the_rest) {
  Story story(4000);
  for (int i = 0; i < 1000; ++i) story.add(output("p", "line " + std::to_string(i) + "\n"));
  const std::string text = story.text();
  EXPECT_LE(text.size(), 4200u);
  EXPECT_NE(text.find("line 0\\n"), std::string::npos);
  EXPECT_NE(text.find("line 999\\n"), std::string::npos);
  EXPECT_EQ(text.find("line 500\\n"), std::string::npos);
  EXPECT_NE(text.find("[transcript truncated: "), std::string::npos);
}

// The diagram reads the events' types: two programs' handshake is drawn between their columns, a reset
// in red, and what a link drops is crossed out, whatever the words of the events say.
TEST(story, the_diagram_is_drawn_from_types_not_words) {
  Event syn = segment("client", "server", "");
  syn.syn = true;
  Event rst = segment("server", "client", "");
  rst.rst = true;
  const std::vector<Event> run = {started("server", "ex4.server"), started("client", "ex4.client"), syn,
                                  segment("server", "client", "Welcome!"), rst};
  const std::string svg = sequence_svg(run);
  EXPECT_EQ(count(svg, "<rect class=\"actor\""), 2u);
  EXPECT_EQ(count(svg, "class=\"msg wire\""), 1u);   // the SYN
  EXPECT_EQ(count(svg, "class=\"msg arrow\""), 1u);  // Welcome!, between two programs
  EXPECT_EQ(count(svg, "class=\"msg reset\""), 1u);
  // The client's column comes before the server's: it plays the client, whatever its name.
  EXPECT_LT(svg.find(">client<"), svg.find(">server<"));

  std::vector<Event> lossy = {started("c", "ex5.client"), started("s", "ex5.server"),
                              link_event(LinkAct::note, false, "relays udp"),
                              link_event(LinkAct::dropped, false, "zzz"), link_event(LinkAct::duplicated, true, "zzz")};
  const std::string lossy_svg = sequence_svg(lossy);
  EXPECT_EQ(count(lossy_svg, "<path class=\"cross"), 1u);   // the loss, crossed out at the link
  EXPECT_EQ(count(lossy_svg, "class=\"msg dup\""), 2u);     // a copy is drawn twice
  for (auto& e : lossy) e.text = "words that say nothing";  // reworded: the same drawing
  const std::string reworded = sequence_svg(lossy);
  EXPECT_EQ(count(reworded, "<path class=\"cross"), 1u);
  EXPECT_EQ(count(reworded, "class=\"msg dup\""), 2u);
}

TEST(story, consecutive_output_pieces_make_one_note) {
  const std::string svg = sequence_svg({started("s", "ex4.server"), output("s", "Wai"), output("s", "ting\n")});
  EXPECT_EQ(count(svg, "class=\"note out\""), 1u);
  EXPECT_NE(svg.find("Waiting\\n"), std::string::npos);
}

}  // namespace
}  // namespace socklab::harness
