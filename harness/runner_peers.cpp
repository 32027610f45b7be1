// socklab's own peers: a TCP client or server, a UDP socket; connecting, accepting, sending and the
// readers that take in what comes to them.
#include <algorithm>
#include <chrono>

#include "link.hpp"
#include "runner_run.hpp"

namespace socklab::harness::runner {

awaitable<void> Run::exec(const Step& step, const steps::UdpOpen& u) {
  const std::string who = who_of(step);
  auto p = std::make_unique<Peer>(io_);
  p->is_udp = true;
  p->udp.open(asio::ip::udp::v4());
  boost::system::error_code ec;
  const asio::ip::udp::endpoint at(asio::ip::make_address(u.at ? u.at->host : "127.0.0.1"), u.at ? u.at->port : 0);
  p->udp.bind(at, ec);
  if (ec)
    fail(step, Verdict::error,
         say("runner.cannot-bind-udp", {{"at", u.at ? u.at->to_string() : ""}, {"why", ec.message()}}));
  event(said_note(who, "note.udp-socket", {{"port", std::to_string(p->udp.local_endpoint().port())}}));
  asio::co_spawn(io_, udp_reader(*p, who), asio::detached);
  peers_[who] = std::move(p);
  co_return;
}

awaitable<void> Run::exec(const Step& step, const steps::Send& s) {
  const std::string who = who_of(step);
  Peer& p = *co_await ready_peer(step, who);
  const std::size_t piece = s.slice > 0 ? s.slice : s.data.size();
  p.last_sent = s.data;
  Event sent = data_event(who, EventKind::send, s.data.substr(0, 80));
  sent.size = s.data.size();
  sent.slice = s.slice;
  event(std::move(sent));
  boost::system::error_code ignored;
  if (s.slice > 0) p.tcp.set_option(asio::ip::tcp::no_delay(true), ignored);  // one segment per write
  asio::steady_timer pause(io_);
  for (std::size_t off = 0; off < s.data.size() || off == 0; off += piece) {
    if (off > 0 && s.slice_pause_s > 0) {
      pause.expires_after(std::chrono::microseconds(static_cast<long>(s.slice_pause_s * 1e6)));
      co_await pause.async_wait(asio::as_tuple(use_awaitable));
    }
    p.sent_at = clock_type::now();
    auto [ec, n] = co_await asio::async_write(p.tcp, asio::buffer(std::string_view(s.data).substr(off, piece)),
                                              asio::as_tuple(use_awaitable));
    if (ec) {
      event(said_note(who, "note.send-failed", {{"n", std::to_string(off + n)}, {"why", ec.message()}}));
      break;
    }
    if (s.data.empty()) break;
  }
}

awaitable<void> Run::exec(const Step& step, const steps::SendTo& s) {
  const std::string who = who_of(step);
  Peer& p = peer(step, who);
  const asio::ip::udp::endpoint to(asio::ip::make_address(s.endpoint.host), s.endpoint.port);
  event(data_event(who, EventKind::sendto, s.data, s.endpoint.to_string()));
  boost::system::error_code ec;
  p.sent_at = clock_type::now();
  p.udp.send_to(asio::buffer(s.data), to, 0, ec);
  if (ec)
    fail(step, Verdict::error, say("runner.sendto-failed", {{"at", s.endpoint.to_string()}, {"why", ec.message()}}));
  co_return;
}

awaitable<void> Run::exec(const Step& step, const steps::ClosePeer& c) {
  const std::string who = who_of(step);
  Peer& p = p_is_udp(step, who) ? peer(step, who) : *co_await ready_peer(step, who);
  boost::system::error_code ec;
  event(said_status(who, c.reset ? "status.reset" : "status.close"));
  if (p.is_udp) {
    p.udp.close(ec);
  } else if (c.reset) {
    reset_connection(p.tcp);
  } else {
    p.tcp.close(ec);
  }
}

awaitable<void> Run::exec(const Step& step, const steps::Listen& l) {
  const std::string who = who_of(step);
  auto p = std::make_unique<Peer>(io_);
  const asio::ip::tcp::endpoint at(asio::ip::make_address(l.endpoint.host), l.endpoint.port);
  boost::system::error_code ec;
  p->acceptor.open(at.protocol(), ec);
  if (!ec) p->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) p->acceptor.bind(at, ec);
  if (!ec) p->acceptor.listen(5, ec);
  if (ec)
    fail(step, Verdict::error, say("runner.cannot-listen", {{"at", l.endpoint.to_string()}, {"why", ec.message()}}));
  event(data_event(who, EventKind::listen, "", l.endpoint.to_string()));
  Peer& ref = *p;
  peers_[who] = std::move(p);
  asio::co_spawn(io_, accept_one(ref, who), asio::detached);
  co_return;
}

awaitable<void> Run::exec(const Step& step, const steps::Accept&) {
  const std::string who = who_of(step);
  Peer& p = peer(step, who);
  auto all_ended = [&] {
    return !children_.empty() && std::all_of(children_.begin(), children_.end(),
                                             [](const auto& kv) { return kv.second->status().has_value(); });
  };
  co_await until([&] { return p.accepted || all_ended(); }, deadline_for(step));
  if (!p.accepted) {
    noted(Fact::no_client_came);
    std::string msg = say("runner.no-client", {{"who", who}});
    for (const auto& [name, c] : children_) {
      if (c->status()) msg += program_tail(name);
    }
    fail(step, all_ended() ? Verdict::fail : Verdict::timeout, msg);
  }
}

awaitable<void> Run::exec(const Step& step, const steps::Reply& r) {
  const std::string who = who_of(step);
  Peer& p = peer(step, who);
  if (!p.last_from) fail(step, Verdict::error, say("runner.no-datagram-to-reply", {{"who", who}}));
  event(data_event(who, EventKind::reply, r.data,
                   p.last_from->address().to_string() + ":" + std::to_string(p.last_from->port())));
  boost::system::error_code ec;
  p.sent_at = clock_type::now();
  p.udp.send_to(asio::buffer(r.data), *p.last_from, 0, ec);
  if (ec) fail(step, Verdict::error, say("runner.reply-failed", {{"why", ec.message()}}));
  co_return;
}

// Connecting goes on in the background, so that twenty clients can wait in a listen backlog at once;
// the next step that uses the connection waits for it (ready_peer).
awaitable<void> Run::exec(const Step& step, const steps::Connect& c) {
  const std::string who = who_of(step);
  auto p = std::make_unique<Peer>(io_);
  const asio::ip::tcp::endpoint to(asio::ip::make_address(c.endpoint.host), c.endpoint.port);
  event(said_status(who, "status.connect", {{"at", c.endpoint.to_string()}}));
  p->connecting = true;
  Peer& ref = *p;
  peers_[who] = std::move(p);
  asio::co_spawn(io_, connect_in_background(ref, who, to, c.endpoint.to_string()), asio::detached);
  co_return;
}

awaitable<void> Run::connect_in_background(Peer& p, std::string who, asio::ip::tcp::endpoint to, std::string shown) {
  const auto ec = co_await connect_tcp(p.tcp, to);
  p.connecting = false;
  if (ec) {
    const std::string others = bound_summary("tcp");
    const char* id = others.empty() ? "runner.connect-failed" : "runner.connect-failed-elsewhere";
    const MessageArgs fields = {{"at", shown}, {"why", ec.message()}, {"others", others}};
    p.connect_error = say(id, fields);
    p.closed = true;
    p.close_reason = "never opened";
    event(said_status(who, id, MessageFields(fields.begin(), fields.end())));
    co_return;
  }
  event(said_status(who, "status.connected-from", {{"port", std::to_string(p.tcp.local_endpoint().port())}}));
  co_await tcp_reader(p, who);
}

// The peer, once its connection is made (or known to have failed: then the step fails).
awaitable<Peer*> Run::ready_peer(const Step& step, const std::string& who) {
  Peer& p = peer(step, who);
  const bool ok = co_await until([&] { return !p.connecting; }, deadline_for(step, 10.0));
  if (!ok) fail(step, Verdict::timeout, say("runner.not-accepted"));
  if (p.connect_error) {
    co_await exit_seen();  // a refused connection usually means the server died
    fail(step, Verdict::fail, *p.connect_error);
  }
  co_return &p;
}

// A connection refused or closed before its bytes came usually means the program died: give its exit
// (and what it died of) a moment to be seen, so that the failure tells it.
awaitable<void> Run::exit_seen() {
  co_await until(
      [&] {
        return std::any_of(under_test_.begin(), under_test_.end(), [&](const std::string& n) {
          return children_.count(n) && children_.at(n)->status().has_value();
        });
      },
      clock_type::now() + std::chrono::milliseconds(300));
}

awaitable<void> Run::tcp_reader(Peer& p, std::string who) {
  char buf[16384];
  for (;;) {
    auto [ec, n] = co_await p.tcp.async_read_some(asio::buffer(buf), asio::as_tuple(use_awaitable));
    if (n > 0) {
      event(data_event(who, EventKind::recv, std::string(buf, n)));
      if (p.in.size() < sc_.limits.output_cap) p.in.append(buf, n);
      if (p.all.size() < sc_.limits.output_cap) {
        p.all.append(buf, n);
        arrived(who + ".received", n);
      }
    }
    if (ec) {
      p.closed = true;
      p.close_reason = ec == asio::error::eof ? "closed by the other side" : ec.message();
      if (shared_network() && ec == asio::error::eof) reset_connection(p.tcp);
      const bool by_us = ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
      if (!by_us) {
        event(said_status(
            who, "status.connection",
            said_field("reason",
                       p.close_reason == "closed by the other side" ? "runner.closed-by-other-side" : "runner.why",
                       {{"why", p.close_reason}})));
        closed_at_[who] = seq_;
      }
      ended_at_[who + ".received"] = by_us ? next_seq() : seq_;
      co_return;
    }
  }
}

awaitable<void> Run::accept_one(Peer& p, std::string who) {
  auto [ec, sock] = co_await p.acceptor.async_accept(asio::as_tuple(use_awaitable));
  if (ec) co_return;
  p.tcp = std::move(sock);
  p.accepted = true;
  boost::system::error_code ignored;
  const auto from = p.tcp.remote_endpoint(ignored);
  event(
      said_status(who, "status.accepted", {{"from", from.address().to_string() + ":" + std::to_string(from.port())}}));
  co_await tcp_reader(p, who);
}

awaitable<void> Run::udp_reader(Peer& p, std::string who) {
  std::string buf(65536, '\0');
  for (;;) {
    asio::ip::udp::endpoint from;
    auto [ec, n] = co_await p.udp.async_receive_from(asio::buffer(buf), from, asio::as_tuple(use_awaitable));
    if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) continue;  // ICMP port unreachable from an earlier send: not a datagram
    event(data_event(who, EventKind::recvfrom, std::string(buf.data(), n),
                     from.address().to_string() + ":" + std::to_string(from.port())));
    p.datagrams.emplace_back(buf.data(), n);
    p.all_datagrams.emplace_back(std::string(buf.data(), n), seq_);
    p.last_from = from;
  }
}

}  // namespace socklab::harness::runner
