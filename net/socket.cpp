#include "socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>

namespace socklab {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_handler_installed{false};
thread_local bool t_keeps_stop_away = false;  // block_stop_signals() was called in this thread

extern "C" void on_stop_signal(int /*signo*/) { g_stop.store(true); }

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Whether this thread is the one a stop is for: it throws StopRequested out of its waits.
bool stops_here() { return g_handler_installed.load() && !t_keeps_stop_away; }

std::string call_name(std::string_view call, const Address* addr) {
  std::string name(call);
  if (addr != nullptr) {
    name += ' ';
    name += addr->to_string();
  }
  return name;
}

[[noreturn]] void throw_errno(std::string_view call, const Address* addr = nullptr) {
  throw_system_error(call_name(call, addr));
}

// Runs a call that must not wait (the socket was ready, or MSG_DONTWAIT) until it succeeds, fails, or
// would wait after all: -1 with errno EAGAIN then, so that the caller waits again.
template <class F>
long without_waiting(std::string_view call, const Address* addr, F f) {
  for (;;) {
    const long r = f();
    if (r != -1) return r;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    if (errno != EINTR) throw_errno(call, addr);
  }
}

}  // namespace

void throw_system_error(std::string_view call, int error) {
  throw std::system_error(error, std::generic_category(), std::string(call));
}

long check_syscall(std::string_view call, long result) {
  if (result == -1) throw_errno(call);
  return result;
}

// The stop signals stay blocked in every thread but inside wait_for_events, which lets them in only
// while it waits (ppoll): a stop that comes just before a wait begins is pending, then ends that wait,
// instead of finding a flag already checked and a call that blocks for ever.
void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  check_syscall("sigaction", ::sigaction(SIGINT, &sa, nullptr));
  check_syscall("sigaction", ::sigaction(SIGTERM, &sa, nullptr));
  std::signal(SIGPIPE, SIG_IGN);
  const sigset_t set = stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);  // threads started later inherit it
  g_handler_installed.store(true);
}

void block_stop_signals() {
  t_keeps_stop_away = true;
  const sigset_t set = stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_events(pollfd* fds, std::size_t n, std::optional<double> timeout_s) {
  using clock = std::chrono::steady_clock;
  const auto deadline = timeout_s ? std::optional(clock::now() + std::chrono::duration_cast<clock::duration>(
                                                                     std::chrono::duration<double>(*timeout_s)))
                                  : std::nullopt;
  for (;;) {
    if (stops_here() && g_stop.load()) throw StopRequested{};
    sigset_t mask;
    ::pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    if (stops_here()) {
      sigdelset(&mask, SIGINT);
      sigdelset(&mask, SIGTERM);
    }
    timespec left{};
    if (deadline) {
      const auto ns = std::max<long long>(
          0, std::chrono::duration_cast<std::chrono::nanoseconds>(*deadline - clock::now()).count());
      left = {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    }
    const int r = ::ppoll(fds, n, deadline ? &left : nullptr, &mask);
    if (r >= 0) return r;
    if (errno != EINTR) throw_errno("poll");
  }
}

// ---- Address

Address::Address(std::string_view host, std::uint16_t port, int socktype) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const std::string host_str(host);
  const std::string port_str = std::to_string(port);
  int rc = ::getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &list);
  if (rc == EAI_BADFLAGS || rc == EAI_NONAME || rc == EAI_ADDRFAMILY) {
    hints.ai_flags = 0;  // a namespace with only loopback has no "configured" address
    rc = ::getaddrinfo(host_str.c_str(), port_str.c_str(), &hints, &list);
  }
  if (rc != 0) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "getaddrinfo " + host_str + ": " + ::gai_strerror(rc));
  }
  // Prefer IPv4, as Python's AF_INET sockets do.
  const addrinfo* chosen = list;
  for (const addrinfo* p = list; p != nullptr; p = p->ai_next) {
    if (p->ai_family == AF_INET) {
      chosen = p;
      break;
    }
  }
  std::memcpy(&storage_, chosen->ai_addr, chosen->ai_addrlen);
  size_ = chosen->ai_addrlen;
  ::freeaddrinfo(list);
}

Address Address::from_sockaddr(const sockaddr* sa, socklen_t len) {
  Address a;
  std::memcpy(&a.storage_, sa, std::min<std::size_t>(len, sizeof a.storage_));
  a.size_ = len;
  return a;
}

std::string Address::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (storage_.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  } else if (storage_.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

std::uint16_t Address::port() const {
  if (storage_.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (storage_.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string Address::to_string() const {
  if (storage_.ss_family == AF_INET6) return "[" + host() + "]:" + std::to_string(port());
  return host() + ":" + std::to_string(port());
}

bool operator==(const Address& a, const Address& b) {
  return a.family() == b.family() && a.port() == b.port() && a.host() == b.host();
}

// ---- Socket

Socket::Socket(int family, int type)
    : fd_(static_cast<int>(check_syscall("socket", ::socket(family, type | SOCK_CLOEXEC, 0)))) {}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
  }
  return *this;
}

void Socket::close() noexcept {
  if (fd_ >= 0) ::close(fd_);  // never retried: the descriptor is gone even on EINTR
  fd_ = -1;
}

void Socket::close_with_reset() {
  linger lg{1, 0};
  check_syscall("setsockopt SO_LINGER", ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  close();
}

void Socket::wait_until(short events, std::string_view call) const {
  pollfd p{fd_, events, 0};
  if (wait_for_events(&p, 1, timeout_) == 0) throw SocketTimeout(std::string(call) + ": timed out");
}

template <class F>
long Socket::when_ready(short events, std::string_view call, const Address* addr, F f) const {
  for (;;) {
    wait_until(events, call);
    const long r = without_waiting(call, addr, f);
    if (r != -1) return r;
  }
}

void Socket::bind(const Address& addr) {
  check_syscall(call_name("bind", &addr), ::bind(fd_, addr.raw(), addr.size()));
}

// The listening socket itself does not block (accept waits in wait_for_events); the connections it
// hands out do, as Python's.
void Socket::listen(int backlog) {
  check_syscall("listen", ::listen(fd_, backlog));
  check_syscall("fcntl", ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK));
}

std::pair<Socket, Address> Socket::accept() {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const long fd = when_ready(POLLIN, "accept", nullptr, [&] {
    len = sizeof ss;
    return ::accept4(fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
  });
  return {Socket(static_cast<int>(fd)), Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len)};
}

// Begun without blocking, so that the wait for the peer's answer (a SYN the network dropped is resent
// for minutes) is a wait a stop ends, and settimeout bounds it, as in Python.
void Socket::connect(const Address& addr) {
  const int flags = static_cast<int>(check_syscall("fcntl", ::fcntl(fd_, F_GETFL)));
  check_syscall("fcntl", ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK));
  struct Blocking {  // the socket blocks again however connect ends: connected, timed out, stopped
    int fd, flags;
    ~Blocking() { ::fcntl(fd, F_SETFL, flags); }
  } const again{fd_, flags};
  long r = ::connect(fd_, addr.raw(), addr.size());
  int begun = r == 0 ? 0 : errno;
  // A UNIX socket's listener with a full queue (a TCP socket the wrapper carries) refuses at once where
  // a blocking connect waits for room, and no poll tells when there is: try again, a little later each time.
  double waited = 0;
  for (double pause = 0.001; r != 0 && begun == EAGAIN; pause = std::min(pause * 2, 0.05)) {
    if (timeout_ && waited >= *timeout_) throw SocketTimeout("connect: timed out");
    wait_for_events(nullptr, 0, pause);
    waited += pause;
    r = ::connect(fd_, addr.raw(), addr.size());
    begun = r == 0 ? 0 : errno;
  }
  if (r == 0) return;
  if (begun != EINPROGRESS && begun != EINTR) throw_system_error(call_name("connect", &addr), begun);
  wait_until(POLLOUT, "connect");
  int err = 0;
  socklen_t len = sizeof err;
  check_syscall("getsockopt SO_ERROR", ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len));
  if (err != 0) throw_system_error(call_name("connect", &addr), err);
}

std::string Socket::recv(std::size_t n) {
  std::string buf(n, '\0');
  const long got = when_ready(POLLIN, "recv", nullptr, [&] { return ::recv(fd_, buf.data(), n, MSG_DONTWAIT); });
  buf.resize(static_cast<std::size_t>(got));
  return buf;
}

std::size_t Socket::send(std::string_view data) {
  return static_cast<std::size_t>(when_ready(
      POLLOUT, "send", nullptr, [&] { return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT); }));
}

void Socket::sendall(std::string_view data) {
  while (!data.empty()) data.remove_prefix(send(data));
}

std::size_t Socket::sendto(std::string_view data, const Address& addr) {
  return static_cast<std::size_t>(when_ready(POLLOUT, "sendto", &addr, [&] {
    return ::sendto(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT, addr.raw(), addr.size());
  }));
}

std::pair<std::string, Address> Socket::recvfrom(std::size_t n) {
  std::string buf(n, '\0');
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const long got = when_ready(POLLIN, "recvfrom", nullptr, [&] {
    len = sizeof ss;
    return ::recvfrom(fd_, buf.data(), n, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss), &len);
  });
  buf.resize(static_cast<std::size_t>(got));
  return {std::move(buf), Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len)};
}

void Socket::setsockopt(int level, int name, int value) {
  check_syscall("setsockopt", ::setsockopt(fd_, level, name, &value, sizeof value));
}

void Socket::shutdown(int how) { check_syscall("shutdown", ::shutdown(fd_, how)); }

Address Socket::getsockname() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  check_syscall("getsockname", ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len));
  return Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

Address Socket::getpeername() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  check_syscall("getpeername", ::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len));
  return Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

int Socket::family() const {
  int v = 0;
  socklen_t len = sizeof v;
  check_syscall("getsockopt SO_DOMAIN", ::getsockopt(fd_, SOL_SOCKET, SO_DOMAIN, &v, &len));
  return v;
}

int Socket::type() const {
  int v = 0;
  socklen_t len = sizeof v;
  check_syscall("getsockopt SO_TYPE", ::getsockopt(fd_, SOL_SOCKET, SO_TYPE, &v, &len));
  return v;
}

std::string gethostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  check_syscall("gethostname", ::gethostname(buf, sizeof buf - 1));
  return buf;
}

}  // namespace socklab
