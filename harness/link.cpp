#include "link.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include "isolation.hpp"
#include "matcher.hpp"
#include "socket.hpp"

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using udp = asio::ip::udp;
using tcp = asio::ip::tcp;

namespace socklab::harness {
namespace {

// Runs f where the far side's addresses are found (the wrapper's folder of the far side), or here.
template <class F>
auto on_side(const NetNamespace* far, F f) {
  return far != nullptr ? far->addressed(f) : f();
}

}  // namespace

awaitable<boost::system::error_code> connect_tcp(tcp::socket& s, tcp::endpoint to, const NetNamespace* side) {
  boost::system::error_code ec;
  if (!in_wrapper_network()) {  // a socket made in a namespace connects there
    std::tie(ec) = co_await s.async_connect(to, asio::as_tuple(use_awaitable));
    co_return ec;
  }
  if (!s.is_open()) s.open(to.protocol(), ec);
  if (!ec) s.non_blocking(true, ec);
  // Those refused for a full backlog try again in the order they came, as queued SYNs get in: a server
  // that serves one connection at a time then meets its clients in their order.
  static std::map<std::pair<const NetNamespace*, tcp::endpoint>, std::deque<const tcp::socket*>> waiting;
  auto& queue = waiting[{side, to}];
  struct Leave {
    std::deque<const tcp::socket*>& queue;
    const tcp::socket* me;
    ~Leave() { std::erase(queue, me); }
  } leave{queue, &s};
  asio::steady_timer again(s.get_executor());
  while (!ec) {
    if (queue.empty() || queue.front() == &s) {
      // The wrapper finds the address in the folder in force at the call: the side's.
      const auto [r, e] = on_side(side, [&] {
        const int got = ::connect(s.native_handle(), to.data(), static_cast<socklen_t>(to.size()));
        return std::pair{got, errno};
      });
      if (r == 0) break;
      if (e != EAGAIN && e != EINTR) co_return boost::system::error_code(e, boost::system::system_category());
      if (queue.empty()) queue.push_back(&s);
    } else if (std::find(queue.begin(), queue.end(), &s) == queue.end()) {
      queue.push_back(&s);
    }
    again.expires_after(std::chrono::milliseconds(10));
    std::tie(ec) = co_await again.async_wait(asio::as_tuple(use_awaitable));
    if (!s.is_open()) ec = asio::error::operation_aborted;
  }
  co_return ec;
}

void reset_connection(tcp::socket& s) {
  boost::system::error_code ec;
  s.set_option(asio::socket_base::linger(true, 0), ec);
  s.close(ec);
}

std::string preview(std::string_view bytes, Lang lang) {
  if (bytes.size() <= 60) return visible(bytes);
  return visible(bytes.substr(0, 60)) + "... (" + say(lang, "event.bytes", {{"n", std::to_string(bytes.size())}}) + ")";
}

namespace {

// The fields of both lists, in order.
MessageFields with(MessageFields a, const MessageFields& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The bytes a link relays, as `payload` in both languages (a long one says its size).
MessageFields payload_fields(std::string_view bytes) {
  return {{"payload", preview(bytes, Lang::en)}, {"payload.zh", preview(bytes, Lang::zh)}};
}

}  // namespace

// One client seen on the near side, and the socket that speaks for it on the far side: the server
// sees one address per client, as it would without the link.
struct Link::UdpClient {
  explicit UdpClient(asio::io_context& io) : far(io) {}
  udp::endpoint from;
  udp::socket far;
  int number = 0;  // 1 for the first client seen, 2 for the next ...
};

struct Link::TcpPair {
  TcpPair(asio::io_context& io, tcp::socket n) : near(std::move(n)), far(io) {}
  tcp::socket near;
  tcp::socket far;
  int number = 0;
  bool reset = false;
};

namespace {

asio::ip::address loopback_of(const std::string& host) {
  boost::system::error_code ec;
  const auto a = asio::ip::make_address(host, ec);
  return ec ? asio::ip::make_address("127.0.0.1") : a;
}

std::chrono::microseconds micros(double s) { return std::chrono::microseconds(static_cast<long>(s * 1e6)); }

}  // namespace

Link::Link(asio::io_context& io, LinkSpec spec, std::uint64_t seed, const NetNamespace* far, std::uint16_t far_port,
           EventHook hook)
    : io_(io),
      spec_(std::move(spec)),
      far_(far),
      far_port_(far_port),
      hook_(std::move(hook)),
      schedule_(spec_.udp, spec_.loss, seed),
      udp_(io),
      acceptor_(io),
      alive_(std::make_shared<bool>(true)) {}

Link::~Link() { close(); }

void Link::close() {
  *alive_ = false;
  boost::system::error_code ec;
  udp_.close(ec);
  acceptor_.close(ec);
  for (auto& c : clients_) c->far.close(ec);
  for (auto& w : pairs_) {
    if (auto p = w.lock()) {
      p->near.close(ec);
      p->far.close(ec);
    }
  }
}

void Link::start() {
  const auto address = loopback_of(spec_.host);
  if (spec_.proto == "udp") {
    udp_.open(address.is_v6() ? udp::v6() : udp::v4());
    udp_.bind(udp::endpoint(address, spec_.port));
    asio::co_spawn(io_, udp_near_loop(), asio::detached);
  } else {
    const tcp::endpoint at(address, spec_.port);
    acceptor_.open(at.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(at);
    acceptor_.listen(64);
    asio::co_spawn(io_, tcp_accept_loop(), asio::detached);
  }
  auto faults = [&](Lang lang) {
    std::string out;
    for (const auto& f : describe_faults(spec_, lang)) out += (out.empty() ? "" : "; ") + f;
    return out;
  };
  MessageFields fields = {{"proto", spec_.proto}, {"at", spec_.host + ":" + std::to_string(spec_.port)}};
  if (faults(Lang::en).empty()) {
    tell(LinkAct::note, Direction::request, 1, "link.relays-no-faults", std::move(fields));
    return;
  }
  fields.insert(fields.end(), {{"faults", faults(Lang::en)}, {"faults.zh", faults(Lang::zh)}});
  tell(LinkAct::note, Direction::request, 1, "link.relays", std::move(fields));
}

void Link::tell(LinkAct act, Direction d, int client, const char* id, MessageFields fields) {
  if (!hook_) return;
  Event e = said_note(spec_.name, id, std::move(fields));
  e.kind = EventKind::link;
  e.act = act;
  e.client = client;
  e.reply_way = d == Direction::reply;
  hook_(std::move(e));
}

void Link::fire(Fired f, LinkAct act, int client, const char* id, MessageFields fields) {
  const Direction d = f.dir;
  fired_.push_back(std::move(f));
  tell(act, d, client, id, std::move(fields));
}

MessageFields Link::way(Direction d, const UdpClient* c) {
  const bool numbered = c != nullptr && c->number > 1;
  const char* id = d == Direction::request ? (numbered ? "link.to-server-n" : "link.to-server")
                                           : (numbered ? "link.to-client-n" : "link.to-client");
  return said_field("way", id, {{"n", numbered ? std::to_string(c->number) : ""}});
}

MessageFields Link::datagram(Direction d, int index, std::string_view payload, const UdpClient* c) {
  MessageFields fields = said_field("dir", d == Direction::request ? "runner.dir.request" : "runner.dir.reply");
  fields.emplace_back("index", std::to_string(index));
  fields = with(with(fields, payload_fields(payload)), way(d, c));
  return said_field("what", "link.datagram", fields);
}

// ---------------------------------------------------------------------------------------------- UDP

awaitable<void> Link::udp_near_loop() {
  std::string buf(65536, '\0');
  auto alive = alive_;
  for (;;) {
    udp::endpoint from;
    auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buf), from, asio::as_tuple(use_awaitable));
    if (!*alive || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) continue;  // an ICMP error from an earlier send: not a datagram
    auto it = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c->from == from; });
    std::shared_ptr<UdpClient> c;
    if (it != clients_.end()) {
      c = *it;
    } else {
      c = std::make_shared<UdpClient>(io_);
      c->from = from;
      c->number = static_cast<int>(clients_.size()) + 1;
      const int family = from.address().is_v6() ? AF_INET6 : AF_INET;
      const int fd =
          far_ != nullptr ? far_->socket(family, SOCK_DGRAM) : ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      check_syscall("socket", fd);
      c->far.assign(from.address().is_v6() ? udp::v6() : udp::v4(), fd);
      on_side(far_, [&] {
        c->far.bind(udp::endpoint(from.address().is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                                                         : asio::ip::address(asio::ip::address_v4::loopback()),
                                  0));
      });
      clients_.push_back(c);
      asio::co_spawn(io_, udp_far_loop(c), asio::detached);
    }
    udp_deliver(Direction::request, c, std::string(buf.data(), n));
  }
}

awaitable<void> Link::udp_far_loop(std::shared_ptr<UdpClient> c) {
  std::string buf(65536, '\0');
  auto alive = alive_;
  for (;;) {
    udp::endpoint from;
    auto [ec, n] = co_await c->far.async_receive_from(asio::buffer(buf), from, asio::as_tuple(use_awaitable));
    if (!*alive || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) continue;
    udp_deliver(Direction::reply, c, std::string(buf.data(), n));
  }
}

void Link::udp_send(Direction d, UdpClient& c, const std::string& payload) {
  boost::system::error_code ec;
  if (d == Direction::request) {
    on_side(far_,
            [&] { c.far.send_to(asio::buffer(payload), udp::endpoint(loopback_of(spec_.host), far_port_), 0, ec); });
  } else {
    udp_.send_to(asio::buffer(payload), c.from, 0, ec);
  }
  if (!ec) ++relayed_;
}

void Link::udp_deliver(Direction d, const std::shared_ptr<UdpClient>& c, std::string payload) {
  const auto decision = schedule_.next(d);
  const int number = c->number <= 1 ? 1 : c->number;
  const MessageFields what = datagram(d, decision.index, payload, c.get());
  using Action = FaultSchedule::Decision::Action;
  Fired f{"", d, decision.index, payload, decision.seeded};
  switch (decision.action) {
    case Action::pass:
      tell(LinkAct::relayed, d, number, "link.relayed", what);
      udp_send(d, *c, payload);
      break;
    case Action::drop:
      f.what = "dropped";
      fire(f, LinkAct::dropped, number, decision.seeded ? "link.dropped-seeded" : "link.dropped", what);
      break;
    case Action::duplicate:
      f.what = "duplicated";
      fire(f, LinkAct::duplicated, number, "link.duplicated", what);
      udp_send(d, *c, payload);
      udp_send(d, *c, payload);
      break;
    case Action::hold:
      f.what = "held back";
      fire(f, LinkAct::held, number, "link.held", what);
      held_[{static_cast<int>(d), decision.index}] = {c, payload};
      break;
    case Action::delay: {
      f.what = "delayed";
      fire(f, LinkAct::alarm, number, "link.delayed",
           with(what, {{"ms", std::to_string(static_cast<long>(decision.delay_s * 1000))}}));
      auto timer = std::make_shared<asio::steady_timer>(io_, micros(decision.delay_s));
      timer->async_wait([this, timer, d, c, payload, alive = alive_](boost::system::error_code ec) {
        if (ec || !*alive) return;
        udp_send(d, *c, payload);
      });
      break;
    }
  }
  for (const int index : decision.release) {
    const auto it = held_.find({static_cast<int>(d), index});
    if (it == held_.end()) continue;
    const auto [client, bytes] = it->second;
    held_.erase(it);
    fire(Fired{"released", d, index, bytes, false}, LinkAct::released, client->number <= 1 ? 1 : client->number,
         "link.released", with(datagram(d, index, bytes, client.get()), {{"after", std::to_string(decision.index)}}));
    udp_send(d, *client, bytes);
  }
}

// ---------------------------------------------------------------------------------------------- TCP

awaitable<void> Link::tcp_accept_loop() {
  auto alive = alive_;
  int number = 0;
  for (;;) {
    auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(use_awaitable));
    if (!*alive || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) continue;
    auto pair = std::make_shared<TcpPair>(io_, std::move(sock));
    pair->number = ++number;
    pairs_.push_back(pair);
    asio::co_spawn(io_, tcp_connection(pair), asio::detached);
  }
}

awaitable<void> Link::tcp_connection(std::shared_ptr<TcpPair> pair) {
  auto alive = alive_;
  const MessageFields name = said_field("conn", "link.connection", {{"n", std::to_string(pair->number)}});
  const auto address = loopback_of(spec_.host);
  const int fd = far_ != nullptr ? far_->socket(address.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM)
                                 : ::socket(address.is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  boost::system::error_code ec;
  pair->far.assign(address.is_v6() ? tcp::v6() : tcp::v4(), fd, ec);
  if (!ec) {
    ec = co_await connect_tcp(pair->far, tcp::endpoint(address, far_port_), far_);
  }
  if (!*alive) co_return;
  if (ec) {
    tell(LinkAct::relayed, Direction::request, pair->number, "link.tcp-refused", with(name, {{"why", ec.message()}}));
    reset_connection(pair->near);
    co_return;
  }
  boost::system::error_code ignored;
  pair->near.set_option(tcp::no_delay(true), ignored);
  pair->far.set_option(tcp::no_delay(true), ignored);
  tell(LinkAct::relayed, Direction::request, pair->number, "link.tcp-opened",
       with(name, way(Direction::request, nullptr)));
  asio::co_spawn(io_, tcp_pump(pair, Direction::request), asio::detached);
  asio::co_spawn(io_, tcp_pump(pair, Direction::reply), asio::detached);
}

// One direction of a relayed connection: its two sockets, the faults that apply to it, and how far it is.
struct Link::TcpWay {
  TcpWay(Link& link, TcpPair& p, Direction dir)
      : pair(p),
        d(dir),
        src(dir == Direction::request ? p.near : p.far),
        dst(dir == Direction::request ? p.far : p.near),
        way_text(way(dir, nullptr)),
        name(connection("conn")),
        slice(find(link, TcpFault::Kind::slice)),
        delay(find(link, TcpFault::Kind::delay)),
        reset(find(link, TcpFault::Kind::reset)),
        half(find(link, TcpFault::Kind::half_close)),
        timer(link.io_),
        alive(link.alive_) {}

  [[nodiscard]] const TcpFault* find(const Link& link, TcpFault::Kind k) const {
    const auto it = std::find_if(link.spec_.tcp.begin(), link.spec_.tcp.end(), [&](const TcpFault& f) {
      return f.kind == k && f.dir == d && (f.connection == 0 || f.connection == pair.number);
    });
    return it == link.spec_.tcp.end() ? nullptr : &*it;
  }
  /// "connection 1 client→server" in both languages, as the field `field`.
  [[nodiscard]] MessageFields connection(const std::string& field) const {
    return said_field(field, "link.connection-way", with({{"n", std::to_string(pair.number)}}, way_text));
  }
  /// False once the link is gone or the connection reset: then nothing of it may be touched.
  [[nodiscard]] bool open() const { return *alive && !pair.reset; }

  TcpPair& pair;
  Direction d;
  tcp::socket& src;
  tcp::socket& dst;
  MessageFields way_text, name;
  const TcpFault *slice, *delay, *reset, *half;
  asio::steady_timer timer;
  std::shared_ptr<bool> alive;
  std::size_t total = 0;  // bytes passed on
  bool first = true;
  bool writing = true;  // false once half-closed
};

awaitable<void> Link::tcp_pump(std::shared_ptr<TcpPair> pair, Direction d) {
  TcpWay w(*this, *pair, d);
  std::string buf(65536, '\0');
  for (;;) {
    auto [ec, n] = co_await w.src.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    if (!w.open()) co_return;
    if (ec) {
      tcp_ended(w, ec);
      co_return;
    }
    if (w.first && w.delay != nullptr && !co_await tcp_delay(w)) co_return;
    w.first = false;
    std::string_view data(buf.data(), n);
    const Cut cut = tcp_cut(w, data);
    if (!data.empty() && !co_await tcp_write(w, data)) co_return;
    w.total += data.size();
    if (cut.reset) {
      fire(Fired{"reset", d, 0, {}, false}, LinkAct::alarm, pair->number, "link.tcp-reset",
           with({{"n", std::to_string(pair->number)}, {"bytes", std::to_string(w.total)}}, w.way_text));
      reset_both(w);
      co_return;
    }
    if (cut.half) {
      fire(Fired{"half-closed", d, 0, {}, false}, LinkAct::note, pair->number, "link.tcp-half-closed",
           with(w.name, {{"bytes", std::to_string(w.total)}}));
      boost::system::error_code ignored;
      w.dst.shutdown(tcp::socket::shutdown_send, ignored);
      w.writing = false;
    }
  }
}

void Link::tcp_ended(TcpWay& w, boost::system::error_code ec) {
  if (ec == asio::error::eof) {
    tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-closed", w.name);
    boost::system::error_code ignored;
    if (w.writing) w.dst.shutdown(tcp::socket::shutdown_send, ignored);
  } else if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor) {
    tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-reset-passed", with(w.name, {{"why", ec.message()}}));
    reset_both(w);
  }
}

void Link::reset_both(TcpWay& w) {
  w.pair.reset = true;
  reset_connection(w.dst);
  reset_connection(w.src);
}

awaitable<bool> Link::tcp_delay(TcpWay& w) {
  fire(Fired{"delayed", w.d, 0, {}, false}, LinkAct::alarm, w.pair.number, "link.delayed",
       with(w.connection("what"), {{"ms", std::to_string(static_cast<long>(w.delay->delay_s * 1000))}}));
  w.timer.expires_after(micros(w.delay->delay_s));
  co_await w.timer.async_wait(asio::as_tuple(use_awaitable));
  co_return w.open();
}

Link::Cut Link::tcp_cut(TcpWay& w, std::string_view& data) {
  Cut cut;
  if (w.reset != nullptr && w.total + data.size() >= w.reset->after_bytes) {
    data = data.substr(0, w.reset->after_bytes - w.total);
    cut.reset = true;
  }
  if (w.writing && w.half != nullptr && w.total + data.size() >= w.half->after_bytes) {
    data = data.substr(0, w.half->after_bytes - w.total);
    cut.half = true;
  }
  if (!w.writing) {
    tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-not-passed",
         with(w.name, {{"n", std::to_string(data.size())}}));
    data = {};
  }
  return cut;
}

awaitable<bool> Link::tcp_write(TcpWay& w, std::string_view data) {
  const std::size_t piece = w.slice != nullptr ? std::max<std::size_t>(w.slice->size, 1) : data.size();
  MessageFields relayed = with(w.name, payload_fields(data));
  if (w.slice != nullptr && data.size() > piece) {
    relayed.insert(relayed.end(),
                   {{"writes", std::to_string((data.size() + piece - 1) / piece)}, {"piece", std::to_string(piece)}});
    tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-relayed-sliced", std::move(relayed));
  } else {
    tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-relayed", std::move(relayed));
  }
  for (std::size_t off = 0; off < data.size(); off += piece) {
    if (off > 0 && w.slice != nullptr && w.slice->pause_s > 0) {
      w.timer.expires_after(micros(w.slice->pause_s));
      co_await w.timer.async_wait(asio::as_tuple(use_awaitable));
      if (!w.open()) co_return false;
    }
    auto [wec, written] =
        co_await asio::async_write(w.dst, asio::buffer(data.substr(off, piece)), asio::as_tuple(use_awaitable));
    if (wec) {
      if (!w.open()) co_return false;
      tell(LinkAct::relayed, w.d, w.pair.number, "link.tcp-write-failed", with(w.name, {{"why", wec.message()}}));
      reset_both(w);
      co_return false;
    }
    relayed_ += written;
  }
  co_return true;
}

}  // namespace socklab::harness
