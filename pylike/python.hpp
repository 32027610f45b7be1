// What the tutorial's Python does for free and C++ must spell out: print() and input() with their
// exact bytes, the repr() formats the originals print, UTF-8 decoding with U+FFFD, and int() parsing.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "socket.hpp"

namespace socklab::py {

using Int = boost::multiprecision::cpp_int;

/// print(*parts): parts joined by a space, then "\n"; written at once and flushed (thread-safe).
void print(std::initializer_list<std::string_view> parts);
inline void print(std::string_view text) { print({text}); }

/// input(prompt): shows the prompt (flushed, no newline) and reads one line without its "\n".
/// nullopt at end of input. Throws StopRequested when SIGINT/SIGTERM interrupted the read.
std::optional<std::string> input(std::string_view prompt);

/// How a read from stdin ended.
enum class Typed { line, end_of_input, peer_gone };

/// input(prompt) while a connection is open: stops waiting when the peer on `peer` disconnects
/// (Typed::peer_gone) instead of blocking until the user types. The line goes into `line`.
Typed input_while_connected(std::string_view prompt, const Socket& peer, std::string& line);

/// repr(b'...') of bytes, as Python 3 writes it.
std::string bytes_repr(std::string_view bytes);
/// repr(str) of UTF-8 text: '五' stays as it is, control characters are escaped.
std::string str_repr(std::string_view utf8_text);
/// repr() of an address tuple: ('127.0.0.1', 9999) or ('::1', 9999, 0, 0).
std::string address_repr(const Address& addr);
/// repr() of an open socket.socket object: <socket.socket fd=4, family=2, type=1, proto=0, laddr=..., raddr=...>.
std::string socket_repr(const Socket& s);
/// repr() of a closed socket.socket object: <socket.socket [closed] fd=-1, family=2, type=1, proto=0>.
std::string closed_socket_repr(int family, int type);

/// bytes.decode('utf-8', errors='replace'): every invalid sequence becomes U+FFFD, as Python does.
std::string decode_utf8(std::string_view bytes);

/// Length of the valid UTF-8 sequence at bytes[i], or a negative number where it is not valid UTF-8.
int utf8_sequence_length(std::string_view bytes, std::size_t i);

/// int(text) for a str: surrounding Unicode white space, a sign, Unicode decimal digits (full-width
/// too), single underscores between digits. nullopt where Python raises ValueError.
std::optional<Int> parse_int(std::string_view utf8_text);

/// str(n).
std::string str(const Int& n);

}  // namespace socklab::py
