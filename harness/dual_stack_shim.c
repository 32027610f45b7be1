// libsocklab_dual_stack.so: preloaded before socket_wrapper under --isolation wrapper, it gives an IPv6
// socket the two IPv4 paths a Linux namespace gives it and socket_wrapper 1.3.5 lacks (it binds IPv6
// only to `::` and its own fd00::5357:5fXX, and keeps IPv6 sockets apart from IPv4 ones):
//   - bound to `::` without IPV6_V6ONLY (dual stack), it takes IPv4 clients on 127.0.0.1;
//   - bound to (or connecting, sending to) an IPv4-mapped ::ffff:a.b.c.d, it reaches a.b.c.d.
// Such a socket is carried by an IPv4 socket of socket_wrapper's, put in its descriptor's place, and
// every address crossing the API is translated: out as ::ffff:a.b.c.d (0.0.0.0 as ::), in back to IPv4.
// What it cannot do: an IPv6 client does not reach a dual-stack socket (under the wrapper none reaches
// ::1 anyway); descriptors above 65535 and a socket handed on through exec keep socket_wrapper's view;
// a socket on ::1 or with IPV6_V6ONLY set is left to socket_wrapper, as IPv6 only.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kMaxFd = 65536 };
static unsigned char g_carried[kMaxFd];  // 1: an IPv6 socket carried by an IPv4 one
static unsigned char g_v6only[kMaxFd];   // IPV6_V6ONLY as the program set it (Linux's default: 0)

// The next definition of each call (socket_wrapper's), looked up once.
#define DECLARE_NEXT(name)                                           \
  static __typeof__(&name) next_##name(void) {                       \
    static __typeof__(&name) fn;                                     \
    if (fn == NULL) fn = (__typeof__(&name))dlsym(RTLD_NEXT, #name); \
    return fn;                                                       \
  }
#define NEXT(name) next_##name()
DECLARE_NEXT(socket)
DECLARE_NEXT(bind)
DECLARE_NEXT(connect)
DECLARE_NEXT(sendto)
DECLARE_NEXT(sendmsg)
DECLARE_NEXT(accept)
DECLARE_NEXT(accept4)
DECLARE_NEXT(getsockname)
DECLARE_NEXT(getpeername)
DECLARE_NEXT(recvfrom)
DECLARE_NEXT(recvmsg)
DECLARE_NEXT(setsockopt)
DECLARE_NEXT(getsockopt)
DECLARE_NEXT(close)
DECLARE_NEXT(dup)
DECLARE_NEXT(dup2)
DECLARE_NEXT(dup3)
DECLARE_NEXT(fcntl)

static int known(int fd) { return fd >= 0 && fd < kMaxFd; }
static int carried(int fd) { return known(fd) && g_carried[fd]; }
static void forget(int fd) {
  if (known(fd)) g_carried[fd] = g_v6only[fd] = 0;
}
static void copy_marks(int from, int to) {
  if (known(from) && known(to)) {
    g_carried[to] = g_carried[from];
    g_v6only[to] = g_v6only[from];
  }
}

static int is_mapped(const struct in6_addr* a) { return IN6_IS_ADDR_V4MAPPED(a); }

// An IPv6 address a carried socket is given, as the IPv4 address that carries it (0 if it has none).
static int to_v4(const struct sockaddr* addr, socklen_t len, struct sockaddr_in* out) {
  if (addr == NULL || len < sizeof(struct sockaddr_in6) || addr->sa_family != AF_INET6) return 0;
  const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)(const void*)addr;
  memset(out, 0, sizeof *out);
  out->sin_family = AF_INET;
  out->sin_port = in6->sin6_port;
  if (is_mapped(&in6->sin6_addr)) {
    memcpy(&out->sin_addr, &in6->sin6_addr.s6_addr[12], 4);
  } else if (!IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) {
    return 0;
  }
  return 1;
}

// An IPv4 address socket_wrapper gave a carried socket, as the program's IPv6 socket shows it.
static void to_v6(struct sockaddr* addr, socklen_t* len, socklen_t had) {
  if (addr == NULL || len == NULL || had < sizeof(struct sockaddr_in) || addr->sa_family != AF_INET) return;
  struct sockaddr_in in4;
  memcpy(&in4, addr, sizeof in4);
  struct sockaddr_in6 in6;
  memset(&in6, 0, sizeof in6);
  in6.sin6_family = AF_INET6;
  in6.sin6_port = in4.sin_port;
  if (in4.sin_addr.s_addr != htonl(INADDR_ANY)) {
    in6.sin6_addr.s6_addr[10] = in6.sin6_addr.s6_addr[11] = 0xff;
    memcpy(&in6.sin6_addr.s6_addr[12], &in4.sin_addr, 4);
  }
  memcpy(addr, &in6, had < sizeof in6 ? had : sizeof in6);
  *len = sizeof in6;
}

static int domain_of(int fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  return NEXT(getsockopt)(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 ? domain : -1;
}

// Puts an IPv4 socket of the same type in fd's place (an unbound AF_INET6 one), keeping its flags and
// the SOL_SOCKET options a program sets before bind.
static int carry(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  if (NEXT(getsockopt)(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return -1;
  const int s = NEXT(socket)(AF_INET, type, 0);
  if (s < 0) return -1;
  static const int kOptions[] = {SO_REUSEADDR, SO_REUSEPORT, SO_BROADCAST, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF};
  for (size_t k = 0; k < sizeof kOptions / sizeof kOptions[0]; ++k) {
    int v = 0;
    len = sizeof v;
    if (NEXT(getsockopt)(fd, SOL_SOCKET, kOptions[k], &v, &len) == 0 && v != 0)
      NEXT(setsockopt)(s, SOL_SOCKET, kOptions[k], &v, len);
  }
  const int status = fcntl(fd, F_GETFL), fd_flags = fcntl(fd, F_GETFD);
  if (status >= 0) fcntl(s, F_SETFL, status & O_NONBLOCK);
  const unsigned char v6only = g_v6only[fd];
  if (NEXT(dup2)(s, fd) < 0) {
    const int e = errno;
    NEXT(close)(s);
    errno = e;
    return -1;
  }
  NEXT(close)(s);
  if (fd_flags >= 0) fcntl(fd, F_SETFD, fd_flags);
  g_carried[fd] = 1;
  g_v6only[fd] = v6only;
  return 0;
}

// Whether an address for an AF_INET6 socket is one this library carries over IPv4 (fd becomes carried).
static int carries(int fd, const struct sockaddr* addr, socklen_t len, int wildcard_too, struct sockaddr_in* v4) {
  if (!known(fd) || !to_v4(addr, len, v4)) return 0;
  if (g_carried[fd]) return 1;
  const struct sockaddr_in6* in6 = (const struct sockaddr_in6*)(const void*)addr;
  if (g_v6only[fd] || (!wildcard_too && !is_mapped(&in6->sin6_addr))) return 0;
  return domain_of(fd) == AF_INET6 && carry(fd) == 0;
}

int bind(int fd, const struct sockaddr* addr, socklen_t len) {
  struct sockaddr_in v4;
  if (carries(fd, addr, len, 1, &v4)) return NEXT(bind)(fd, (struct sockaddr*)&v4, sizeof v4);
  return NEXT(bind)(fd, addr, len);
}

int connect(int fd, const struct sockaddr* addr, socklen_t len) {
  struct sockaddr_in v4;
  if (carries(fd, addr, len, 0, &v4)) return NEXT(connect)(fd, (struct sockaddr*)&v4, sizeof v4);
  return NEXT(connect)(fd, addr, len);
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* addr, socklen_t len) {
  struct sockaddr_in v4;
  if (carries(fd, addr, len, 0, &v4)) return NEXT(sendto)(fd, buf, n, flags, (struct sockaddr*)&v4, sizeof v4);
  return NEXT(sendto)(fd, buf, n, flags, addr, len);
}

ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) {
  struct sockaddr_in v4;
  if (msg != NULL && carries(fd, msg->msg_name, msg->msg_namelen, 0, &v4)) {
    struct msghdr copy = *msg;
    copy.msg_name = &v4;
    copy.msg_namelen = sizeof v4;
    return NEXT(sendmsg)(fd, &copy, flags);
  }
  return NEXT(sendmsg)(fd, msg, flags);
}

static int accepted(int listener, int fd, struct sockaddr* addr, socklen_t* len, socklen_t had) {
  if (fd >= 0 && carried(listener)) {
    copy_marks(listener, fd);
    to_v6(addr, len, had);
  } else if (fd >= 0) {
    forget(fd);
  }
  return fd;
}

int accept(int fd, struct sockaddr* addr, socklen_t* len) {
  const socklen_t had = len != NULL ? *len : 0;
  return accepted(fd, NEXT(accept)(fd, addr, len), addr, len, had);
}

int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags) {
  const socklen_t had = len != NULL ? *len : 0;
  return accepted(fd, NEXT(accept4)(fd, addr, len, flags), addr, len, had);
}

int getsockname(int fd, struct sockaddr* addr, socklen_t* len) {
  const socklen_t had = len != NULL ? *len : 0;
  const int ret = NEXT(getsockname)(fd, addr, len);
  if (ret == 0 && carried(fd)) to_v6(addr, len, had);
  return ret;
}

int getpeername(int fd, struct sockaddr* addr, socklen_t* len) {
  const socklen_t had = len != NULL ? *len : 0;
  const int ret = NEXT(getpeername)(fd, addr, len);
  if (ret == 0 && carried(fd)) to_v6(addr, len, had);
  return ret;
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* addr, socklen_t* len) {
  const socklen_t had = len != NULL ? *len : 0;
  const ssize_t ret = NEXT(recvfrom)(fd, buf, n, flags, addr, len);
  if (ret >= 0 && carried(fd)) to_v6(addr, len, had);
  return ret;
}

ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  const socklen_t had = msg != NULL ? msg->msg_namelen : 0;
  const ssize_t ret = NEXT(recvmsg)(fd, msg, flags);
  if (ret >= 0 && carried(fd) && msg != NULL) to_v6(msg->msg_name, &msg->msg_namelen, had);
  return ret;
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t len) {
  if (known(fd) && level == IPPROTO_IPV6 && name == IPV6_V6ONLY && value != NULL && len >= sizeof(int)) {
    if (carried(fd)) {  // bound already, as Linux says
      errno = EINVAL;
      return -1;
    }
    // socket_wrapper keeps every IPv6 socket apart from IPv4 whatever this says: it decides what we do.
    if (NEXT(setsockopt)(fd, level, name, value, len) != 0 && errno != ENOPROTOOPT) return -1;
    g_v6only[fd] = *(const int*)value != 0;
    return 0;
  }
  if (carried(fd) && level == IPPROTO_IPV6) return 0;  // an IPv6 option, on what IPv4 carries: no effect
  return NEXT(setsockopt)(fd, level, name, value, len);
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* len) {
  if (carried(fd) && value != NULL && len != NULL && *len >= sizeof(int) &&
      ((level == SOL_SOCKET && name == SO_DOMAIN) || (level == IPPROTO_IPV6 && name == IPV6_V6ONLY))) {
    *(int*)value = name == SO_DOMAIN ? AF_INET6 : g_v6only[fd];
    *len = sizeof(int);
    return 0;
  }
  return NEXT(getsockopt)(fd, level, name, value, len);
}

int socket(int domain, int type, int protocol) {
  const int fd = NEXT(socket)(domain, type, protocol);
  forget(fd);  // a number a close we never saw (close_range, a libc-internal one) left marked
  return fd;
}

int close(int fd) {
  forget(fd);
  return NEXT(close)(fd);
}

int dup(int fd) {
  const int ret = NEXT(dup)(fd);
  if (ret >= 0) copy_marks(fd, ret);
  return ret;
}

int dup2(int fd, int to) {
  const int ret = NEXT(dup2)(fd, to);
  if (ret >= 0 && fd != to) copy_marks(fd, ret);
  return ret;
}

int dup3(int fd, int to, int flags) {
  const int ret = NEXT(dup3)(fd, to, flags);
  if (ret >= 0) copy_marks(fd, ret);
  return ret;
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  const int ret = NEXT(fcntl)(fd, cmd, arg);
  if (ret >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) copy_marks(fd, ret);
  return ret;
}
