#include "story.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "matcher.hpp"

namespace socklab::harness {

Event note(std::string actor, std::string text) {
  Event e;
  e.actor = std::move(actor);
  e.text = std::move(text);
  return e;
}

Event status(std::string actor, std::string text) {
  Event e = note(std::move(actor), std::move(text));
  e.kind = EventKind::status;
  return e;
}

Event said_note(std::string actor, std::string id, MessageFields fields) {
  Event e = note(std::move(actor), {});
  e.said = std::move(id);
  e.fields = std::move(fields);
  return e;
}

Event said_status(std::string actor, std::string id, MessageFields fields) {
  Event e = said_note(std::move(actor), std::move(id), std::move(fields));
  e.kind = EventKind::status;
  return e;
}

std::string describe_segment(const Event& e, Lang lang) {
  std::string out;
  auto add = [&](const std::string& w) { out += (out.empty() ? "" : " ") + w; };
  if (e.syn) add(e.ack ? "SYN-ACK" : "SYN");
  if (e.rst) add("RST");
  if (e.size > 0 || !e.tcp) {
    const std::string shown = e.size <= 60 ? visible(e.bytes) : visible(e.bytes.substr(0, 60)) + "...";
    add(fmt::format("{} ({})", shown,
                    say(lang, e.size == 1 ? "event.byte" : "event.bytes", {{"n", std::to_string(e.size)}})));
  }
  if (e.fin) add("FIN");
  return out;
}

std::string render(const Event& e, Lang lang) {
  auto told = [&](const char* id, MessageArgs args) { return say(lang, id, args); };
  switch (e.kind) {
    case EventKind::note:
    case EventKind::status:
    case EventKind::link: return e.said.empty() ? e.text : say(lang, e.said, e.fields);
    case EventKind::start:
      return e.role.empty() ? told("event.start-tool", {{"command", e.text}})
                            : told("event.start", {{"role", e.role}, {"command", e.text}});
    case EventKind::output: return fmt::format("{} > {}", e.stream, visible(e.bytes));
    case EventKind::input: return "stdin < " + visible(e.bytes);
    case EventKind::listen: return told("event.listen", {{"at", e.address}});
    case EventKind::send:
      return told("event.send",
                  {{"size", std::to_string(e.size)},
                   {"bytes", visible(e.bytes) + (e.size > e.bytes.size() ? "..." : "")},
                   {"writes", e.slice > 0 ? told("event.send-writes", {{"slice", std::to_string(e.slice)}}) : ""}});
    case EventKind::sendto: return fmt::format("sendto {} {}", e.address, visible(e.bytes));
    case EventKind::reply: return told("event.reply", {{"at", e.address}, {"bytes", visible(e.bytes)}});
    case EventKind::recv: return "recv " + visible(e.bytes);
    case EventKind::recvfrom: return fmt::format("recvfrom {} {}", e.address, visible(e.bytes));
    case EventKind::segment:
      return fmt::format("{} → {} {}{}", e.from, e.to, e.tcp ? "" : "udp ", describe_segment(e, lang));
  }
  return e.text;
}

std::string render_line(const Event& e, Lang lang) {
  if (e.actor.empty()) return render(e, lang) + "\n";  // the story's own marker: no time, no actor
  return fmt::format("[{:8.3f}] {} {}\n", e.t, e.actor, render(e, lang));
}

std::string render_transcript(const std::vector<Event>& events, Lang lang) {
  std::string out;
  for (const auto& e : events) out += render_line(e, lang);
  return out;
}

namespace {

// The names the JSON reports give the kinds, in the order of the enums.
constexpr std::array<const char*, 13> kKinds = {"note",   "status", "start", "output",   "input", "listen", "send",
                                                "sendto", "reply",  "recv",  "recvfrom", "link",  "segment"};
constexpr std::array<const char*, 7> kActs = {"note", "alarm", "relayed", "dropped", "held", "duplicated", "released"};

template <typename Enum, std::size_t N>
Enum named(const std::array<const char*, N>& names, const std::string& name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<Enum>(i);
  }
  throw std::invalid_argument("unknown event kind '" + name + "'");
}

}  // namespace

nlohmann::json to_json(const Event& e) {
  nlohmann::json j = {{"t", e.t}, {"actor", e.actor}, {"kind", kKinds.at(static_cast<std::size_t>(e.kind))}};
  auto put = [&](const char* key, const std::string& v) {
    if (!v.empty()) j[key] = v;
  };
  put("text", e.said.empty() ? e.text : say(Lang::en, e.said, e.fields));  // for its readers; `say` is told
  if (!e.said.empty()) {
    j["say"] = e.said;
    j["fields"] = nlohmann::json::object();
    for (const auto& [name, value] : e.fields) j["fields"][name] = value;
  }
  put("bytes", e.bytes);
  put("stream", e.stream);
  put("role", e.role);
  put("address", e.address);
  put("from", e.from);
  put("to", e.to);
  if (e.size != 0) j["size"] = e.size;
  if (e.slice != 0) j["slice"] = e.slice;
  if (e.kind == EventKind::link) {
    j["act"] = kActs.at(static_cast<std::size_t>(e.act));
    j["client"] = e.client;
    j["reply"] = e.reply_way;
  }
  if (e.kind == EventKind::segment) {
    j["tcp"] = e.tcp;
    j["flags"] = nlohmann::json::array();
    for (const auto& [on, name] : {std::pair{e.syn, "SYN"}, {e.ack, "ACK"}, {e.fin, "FIN"}, {e.rst, "RST"}}) {
      if (on) j["flags"].push_back(name);
    }
  }
  return j;
}

Event event_from_json(const nlohmann::json& j) {
  Event e;
  e.t = j.at("t");
  e.actor = j.at("actor");
  e.kind = named<EventKind>(kKinds, j.at("kind").get<std::string>());
  auto get = [&](const char* key, std::string& v) { v = j.value(key, std::string()); };
  get("text", e.text);
  get("say", e.said);
  if (!e.said.empty()) {
    if (!has_message(e.said)) throw std::invalid_argument("unknown sentence '" + e.said + "'");
    e.text.clear();
    const nlohmann::json fields = j.value("fields", nlohmann::json::object());
    for (const auto& [name, value] : fields.items()) e.fields.emplace_back(name, value.get<std::string>());
  }
  get("bytes", e.bytes);
  get("stream", e.stream);
  get("role", e.role);
  get("address", e.address);
  get("from", e.from);
  get("to", e.to);
  e.size = j.value("size", std::size_t{0});
  e.slice = j.value("slice", std::size_t{0});
  if (e.kind == EventKind::link) {
    e.act = named<LinkAct>(kActs, j.at("act").get<std::string>());
    e.client = j.at("client");
    e.reply_way = j.at("reply");
  }
  if (e.kind == EventKind::segment) {
    e.tcp = j.at("tcp");
    for (const auto& f : j.at("flags")) {
      const std::string flag = f.get<std::string>();
      (flag == "SYN" ? e.syn : flag == "ACK" ? e.ack : flag == "FIN" ? e.fin : e.rst) = true;
    }
  }
  return e;
}

void Story::add(Event e) {
  const std::size_t bytes = render_line(e).size();
  if (head_bytes_ + bytes <= cap_ - cap_ / 4 && tail_.empty()) {
    head_bytes_ += bytes;
    head_.push_back(std::move(e));
    return;
  }
  tail_bytes_ += bytes;
  tail_.push_back(std::move(e));
  tail_sizes_.push_back(bytes);
  while (tail_bytes_ > cap_ / 4 && !tail_.empty()) {
    tail_bytes_ -= tail_sizes_.front();
    dropped_bytes_ += tail_sizes_.front();
    ++dropped_events_;
    tail_.pop_front();
    tail_sizes_.pop_front();
  }
}

std::vector<Event> Story::events() const {
  std::vector<Event> out = head_;
  if (dropped_events_ > 0) {
    out.push_back(said_note("", "event.truncated",
                            {{"events", std::to_string(dropped_events_)}, {"bytes", std::to_string(dropped_bytes_)}}));
  }
  out.insert(out.end(), tail_.begin(), tail_.end());
  return out;
}

std::string Story::text() const { return render_transcript(events()); }

}  // namespace socklab::harness
