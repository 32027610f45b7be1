// The story of a run: every event socklab observes — a program's output, bytes fed to it, what socklab's
// peers send and receive, a link's relays and faults, each segment on the wire — typed and recorded once.
// The transcript's text, the live console, the JSON report and the HTML diagram are renderings of it;
// nothing downstream reads rendered text back.
#pragma once

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "messages.hpp"

namespace socklab::harness {

enum class EventKind : std::uint8_t {
  note,      // socklab's remark (seed, an order judged, a file's contents): `text`; not drawn
  status,    // a moment of a program's or peer's life, drawn as a note: connect, accepted, ready, closed, ended
  start,     // a program started: `role` (empty for a tool), `text` its command line
  output,    // a chunk of a program's `stream` (stdout or stderr): `bytes`
  input,     // `bytes` fed to a program's stdin
  listen,    // a peer listens on `address`: it plays the server
  send,      // a peer wrote `size` bytes on its connection, the first of them in `bytes`; `slice`: write size
  sendto,    // a peer sent the datagram `bytes` to `address`
  reply,     // a peer answered the last sender, `address`, with the datagram `bytes`
  recv,      // a peer read `bytes` from its connection
  recvfrom,  // a peer received the datagram `bytes` from `address`
  link,      // a link relayed or did something: `act`, `client` (its number), `reply` (server to client), `text`
  segment,   // the wire: a TCP segment or UDP datagram from actor `from` to actor `to`
};

/// What a link's event is, for the diagram: an arrow, a loss, a copy, a note.
enum class LinkAct : std::uint8_t { note, alarm, relayed, dropped, held, duplicated, released };

struct Event {
  double t = 0;  // seconds since the run began
  std::string actor;
  EventKind kind = EventKind::note;
  std::string text;       // note, status, link: data told as it is (a file's lines); start: the command line
  std::string said;       // note, status, link: the sentence's id in the catalogue, told in the reader's language
  MessageFields fields;   // its fields: data only
  std::string bytes;      // output, input, send, sendto, reply, recv, recvfrom, segment: the data (kept in part)
  std::size_t size = 0;   // send, segment: how many bytes there were
  std::string stream;     // output: "stdout" or "stderr"
  std::string role;       // start: the role played ("" for a tool)
  std::string address;    // listen, sendto, reply, recvfrom: host:port
  std::size_t slice = 0;  // send: the size of its writes (0: one write)
  // link
  LinkAct act = LinkAct::note;
  int client = 1;
  bool reply_way = false;
  // segment
  std::string from, to;
  bool tcp = true, syn = false, ack = false, fin = false, rst = false;

  [[nodiscard]] bool sends() const {
    return kind == EventKind::send || kind == EventKind::sendto || kind == EventKind::reply;
  }
  [[nodiscard]] bool receives() const { return kind == EventKind::recv || kind == EventKind::recvfrom; }
  /// A segment that carries no bytes: the handshake, a close, a reset.
  [[nodiscard]] bool control() const { return tcp && size == 0; }
};

/// Shorthands for the common events: a note or status that tells data as it is, and one that says the
/// catalogue's sentence `id` with `fields`.
Event note(std::string actor, std::string text);
Event status(std::string actor, std::string text);
Event said_note(std::string actor, std::string id, MessageFields fields = {});
Event said_status(std::string actor, std::string id, MessageFields fields = {});

/// What a segment says: `SYN`, `SYN-ACK`, `"Welcome!" (8 bytes)`, `FIN`, `RST`; "" for a pure ACK.
/// In English it is also what `expect wire "..."` matches.
std::string describe_segment(const Event& e, Lang lang = Lang::en);

/// The event as the transcript tells it, after its time: `c1 stdout > "Hello,Michael!\n"`.
std::string render(const Event& e, Lang lang = Lang::en);
/// The same with its time stamp and a newline: a transcript line.
std::string render_line(const Event& e, Lang lang = Lang::en);

nlohmann::json to_json(const Event& e);
Event event_from_json(const nlohmann::json& j);

/// A run's events, capped like the streams they record: past the cap (in rendered bytes) the first part
/// stays, and of the rest the last quarter of the cap (how the run ended); what is between is counted.
class Story {
 public:
  explicit Story(std::size_t cap) : cap_(cap) {}
  void add(Event e);
  /// The events kept, in order; where some were left out, a note among them says how many.
  [[nodiscard]] std::vector<Event> events() const;
  /// The transcript: every kept event rendered, one line each.
  [[nodiscard]] std::string text() const;

 private:
  std::size_t cap_;
  std::vector<Event> head_;
  std::size_t head_bytes_ = 0;
  std::deque<Event> tail_;
  std::deque<std::size_t> tail_sizes_;  // each tail event's rendered bytes
  std::size_t tail_bytes_ = 0;
  std::size_t dropped_events_ = 0, dropped_bytes_ = 0;
};

/// The transcript of a list of events.
std::string render_transcript(const std::vector<Event>& events, Lang lang = Lang::en);

}  // namespace socklab::harness
