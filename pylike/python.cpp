#include "python.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

namespace socklab::py {
namespace {

std::mutex g_stdout_mutex;

// stdin read through our own buffer (not stdio's), so that poll() on descriptor 0 tells the truth.
struct StdinBuffer {
  std::string buffer;
  bool at_end = false;

  void fill() {
    char chunk[4096];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n > 0) {
      buffer.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      at_end = true;  // end of input, or stdin unusable (closed, a directory): both end the typing
    }                 // EINTR: nothing read, and the next wait_for_events sees a stop
  }
} g_stdin;

void write_flushed(std::string_view text) {
  const std::lock_guard lock(g_stdout_mutex);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// The first code point of every run of ten Unicode decimal digits (category Nd, Unicode 14).
constexpr std::array<char32_t, 66> kDigitZeros = {
    0x30,    0x660,   0x6f0,   0x7c0,   0x966,   0x9e6,   0xa66,   0xae6,   0xb66,   0xbe6,   0xc66,
    0xce6,   0xd66,   0xde6,   0xe50,   0xed0,   0xf20,   0x1040,  0x1090,  0x17e0,  0x1810,  0x1946,
    0x19d0,  0x1a80,  0x1a90,  0x1b50,  0x1bb0,  0x1c40,  0x1c50,  0xa620,  0xa8d0,  0xa900,  0xa9d0,
    0xa9f0,  0xaa50,  0xabf0,  0xff10,  0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0,
    0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
    0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0};

int digit_value(char32_t c) {
  auto it = std::upper_bound(kDigitZeros.begin(), kDigitZeros.end(), c);
  if (it == kDigitZeros.begin()) return -1;
  const char32_t offset = c - *std::prev(it);
  return offset <= 9 ? static_cast<int>(offset) : -1;
}

// str.isspace(), which is what int() strips.
bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

// Length of the valid UTF-8 sequence at s[i], or the number of bytes that one U+FFFD replaces
// (negated), following the "maximal subpart" rule that Python's decoder uses.
int utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  int need = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf) {
    need = 1;
  } else if (b >= 0xe0 && b <= 0xef) {
    need = 2;
    if (b == 0xe0) lo = 0xa0;
    if (b == 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    need = 3;
    if (b == 0xf0) lo = 0x90;
    if (b == 0xf4) hi = 0x8f;
  } else {
    return -1;
  }
  int k = 0;
  for (std::size_t j = i + 1; k < need && j < s.size(); ++j, ++k) {
    const auto c = static_cast<unsigned char>(s[j]);
    const bool ok = k == 0 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xbf);
    if (!ok) break;
  }
  return k == need ? need + 1 : -(k + 1);
}

std::optional<std::vector<char32_t>> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const int len = utf8_sequence(s, i);
    if (len < 0) return std::nullopt;
    auto c = static_cast<char32_t>(static_cast<unsigned char>(s[i]));
    if (len > 1) c &= (0x7fu >> len);
    for (int k = 1; k < len; ++k)
      c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3fu);
    out.push_back(c);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

}  // namespace

void print(std::initializer_list<std::string_view> parts) {
  std::string line;
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) line += ' ';
    first = false;
    line += p;
  }
  line += '\n';
  write_flushed(line);
}

std::optional<std::string> input(std::string_view prompt) {
  std::string line;
  if (input_while_connected(prompt, Socket(), line) != Typed::line) return std::nullopt;
  return line;
}

Typed input_while_connected(std::string_view prompt, const Socket& peer, std::string& line) {
  write_flushed(prompt);
  bool watch_peer = peer.fileno() >= 0;
  for (;;) {
    if (auto nl = g_stdin.buffer.find('\n'); nl != std::string::npos) {
      line = g_stdin.buffer.substr(0, nl);
      g_stdin.buffer.erase(0, nl + 1);
      return Typed::line;
    }
    if (g_stdin.at_end) {
      if (g_stdin.buffer.empty()) return Typed::end_of_input;
      line = std::exchange(g_stdin.buffer, {});  // a last line without "\n" still counts, as in Python
      return Typed::line;
    }
    std::array<pollfd, 2> fds{{{STDIN_FILENO, POLLIN, 0}, {peer.fileno(), POLLIN, 0}}};
    wait_for_events(fds.data(), watch_peer ? 2 : 1, std::nullopt);
    if (watch_peer && fds[1].revents != 0) {
      char byte = 0;
      const long n = ::recv(peer.fileno(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) return Typed::peer_gone;
      if (n > 0) watch_peer = false;  // the peer spoke out of turn: its bytes wait for the next recv
    }
    if (fds[0].revents != 0) g_stdin.fill();
  }
}

namespace {

// The body of repr(): Python's choice of quote and its escapes; bytes >= 0x80 are escaped only for bytes.
std::string quoted(std::string_view text, bool is_bytes) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += ch;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || (is_bytes && c > 0x7f)) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += quote;
  return out;
}

}  // namespace

std::string bytes_repr(std::string_view bytes) { return "b" + quoted(bytes, true); }

std::string str_repr(std::string_view utf8_text) { return quoted(decode_utf8(utf8_text), false); }

std::string address_repr(const Address& addr) {
  std::string out = "('" + addr.host() + "', " + std::to_string(addr.port());
  if (addr.family() == AF_INET6) {
    const auto* sa6 = reinterpret_cast<const sockaddr_in6*>(addr.raw());
    out += ", " + std::to_string(ntohl(sa6->sin6_flowinfo)) + ", " + std::to_string(sa6->sin6_scope_id);
  }
  return out + ")";
}

std::string socket_repr(const Socket& s) {
  std::string out = "<socket.socket fd=" + std::to_string(s.fileno()) + ", family=" + std::to_string(s.family()) +
                    ", type=" + std::to_string(s.type()) + ", proto=0";
  out += ", laddr=" + address_repr(s.getsockname());
  try {
    out += ", raddr=" + address_repr(s.getpeername());
  } catch (const std::system_error&) {
    // Python leaves raddr out when the peer is gone, and so do we.
  }
  return out + ">";
}

std::string closed_socket_repr(int family, int type) {
  return "<socket.socket [closed] fd=-1, family=" + std::to_string(family) + ", type=" + std::to_string(type) +
         ", proto=0>";
}

int utf8_sequence_length(std::string_view bytes, std::size_t i) { return utf8_sequence(bytes, i); }

std::string decode_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const int len = utf8_sequence(bytes, i);
    if (len > 0) {
      out.append(bytes.substr(i, static_cast<std::size_t>(len)));
      i += static_cast<std::size_t>(len);
    } else {
      out += "\xef\xbf\xbd";
      i += static_cast<std::size_t>(-len);
    }
  }
  return out;
}

std::optional<Int> parse_int(std::string_view utf8_text) {
  const auto cps = code_points(utf8_text);
  if (!cps) return std::nullopt;
  auto first = cps->begin();
  auto last = cps->end();
  while (first != last && is_python_space(*first)) ++first;
  while (last != first && is_python_space(*std::prev(last))) --last;
  bool negative = false;
  if (first != last && (*first == U'+' || *first == U'-')) negative = *first++ == U'-';
  if (first == last) return std::nullopt;
  Int value = 0;
  bool after_digit = false;
  for (auto it = first; it != last; ++it) {
    if (*it == U'_') {
      if (!after_digit || std::next(it) == last) return std::nullopt;  // only between two digits
      after_digit = false;
      continue;
    }
    const int d = digit_value(*it);
    if (d < 0) return std::nullopt;
    value = value * 10 + d;
    after_digit = true;
  }
  return negative ? Int(-value) : value;
}

std::string str(const Int& n) { return n.str(); }

}  // namespace socklab::py
