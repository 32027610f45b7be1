// A small blocking socket library whose calls mirror Python's socket module, so that each reference
// program reads like the tutorial's original. RAII, move-only; every failed call throws
// std::system_error naming the call and the address; EINTR is retried unless a stop was requested.
#pragma once

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

/// SIGINT and SIGTERM then interrupt blocking calls, which throw StopRequested; SIGPIPE is ignored.
void install_stop_handler();
[[nodiscard]] bool stop_requested();
/// Keeps SIGINT and SIGTERM away from the calling thread, so that they reach the main one.
void block_stop_signals();

}  // namespace socklab
