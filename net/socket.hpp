// A small blocking socket library whose calls mirror Python's socket module, so that each reference
// program reads like the tutorial's original. RAII, move-only; every failed call throws
// std::system_error naming the call and the address. Every wait is in wait_for_events, where a stop
// (SIGINT, SIGTERM) ends it.
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace socklab {

/// An IPv4 or IPv6 address with a port: Python's ('127.0.0.1', 9999) tuple.
class Address {
 public:
  Address() = default;
  /// Resolves host (a name or a numeric address) for the given socket type.
  Address(std::string_view host, std::uint16_t port, int socktype = SOCK_STREAM);
  static Address from_sockaddr(const sockaddr* sa, socklen_t len);

  [[nodiscard]] std::string host() const;
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] int family() const { return storage_.ss_family; }
  /// "127.0.0.1:9999" or "[::1]:9999", for messages.
  [[nodiscard]] std::string to_string() const;

  [[nodiscard]] const sockaddr* raw() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  [[nodiscard]] socklen_t size() const { return size_; }
  friend bool operator==(const Address& a, const Address& b);

 private:
  sockaddr_storage storage_{};
  socklen_t size_ = 0;
};

/// Thrown by a call on a socket whose timeout (settimeout) ran out: Python's socket.timeout.
class SocketTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown out of a blocking call once SIGINT or SIGTERM arrived (see install_stop_handler).
class StopRequested : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override { return "stop requested"; }
};

/// A socket file descriptor. Closed by the destructor; never copied.
class Socket {
 public:
  Socket() = default;
  Socket(int family, int type);
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)), timeout_(other.timeout_) {}
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { close(); }

  void bind(const Address& addr);
  void listen(int backlog);
  std::pair<Socket, Address> accept();
  void connect(const Address& addr);

  /// Up to n bytes; empty when the peer closed the connection.
  std::string recv(std::size_t n);
  std::size_t send(std::string_view data);
  void sendall(std::string_view data);
  std::size_t sendto(std::string_view data, const Address& addr);
  std::pair<std::string, Address> recvfrom(std::size_t n);

  /// Seconds for every later blocking call; nullopt blocks forever (Python's settimeout(None)).
  void settimeout(std::optional<double> seconds) { timeout_ = seconds; }
  void setsockopt(int level, int name, int value);
  void shutdown(int how);
  /// Closes now and sends a reset instead of a FIN (SO_LINGER 0).
  void close_with_reset();
  void close() noexcept;

  [[nodiscard]] Address getsockname() const;
  [[nodiscard]] Address getpeername() const;
  [[nodiscard]] int fileno() const { return fd_; }
  [[nodiscard]] int family() const;
  [[nodiscard]] int type() const;

 private:
  void wait_until(short events, std::string_view call) const;
  // Waits for events, then runs f (which must not wait) until it neither fails with EAGAIN nor EINTR.
  template <class F>
  long when_ready(short events, std::string_view call, const Address* addr, F f) const;

  int fd_ = -1;
  std::optional<double> timeout_;
};

inline Socket tcp_socket(int family = AF_INET) { return Socket(family, SOCK_STREAM); }
inline Socket udp_socket(int family = AF_INET) { return Socket(family, SOCK_DGRAM); }

/// The machine's host name, as Python's socket.gethostname().
std::string gethostname();

/// Throws std::system_error(errno, "<call>") when result is -1; returns result otherwise.
long check_syscall(std::string_view call, long result);
/// Throws std::system_error(error, "<call>"): for a call whose failure is not -1, or whose errno was saved.
[[noreturn]] void throw_system_error(std::string_view call, int error = errno);

/// From then on SIGINT and SIGTERM end the calling thread's waits, which throw StopRequested, however
/// close to a wait's beginning they come; SIGPIPE is ignored.
void install_stop_handler();
/// Keeps SIGINT and SIGTERM away from the calling thread (its waits go on), so that they end the main one's.
void block_stop_signals();
/// poll(2) on n descriptors for timeout_s seconds (nullopt: for ever): the only place a reference program
/// waits, and the only place a stop reaches it. Returns how many are ready (0: the time ran out).
int wait_for_events(pollfd* fds, std::size_t n, std::optional<double> timeout_s);

}  // namespace socklab
