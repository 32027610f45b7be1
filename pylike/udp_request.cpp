#include "udp_request.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "python.hpp"

namespace socklab {

std::string udp_request(Socket& s, std::string_view request, const Address& server, double timeout_s, int retries,
                        const std::function<bool(std::string_view)>& is_stale) {
  using clock = std::chrono::steady_clock;
  const auto timeout = std::chrono::duration<double>(timeout_s);
  for (int attempt = 0; attempt <= retries; ++attempt) {
    s.sendto(request, server);
    const auto deadline = clock::now() + timeout;
    try {
      for (;;) {
        // A skipped datagram must not extend the wait: every recv gets what is left of this try.
        s.settimeout(std::max(0.0, std::chrono::duration<double>(deadline - clock::now()).count()));
        auto [reply, from] = s.recvfrom(65535);
        if (!(from == server)) continue;
        if (is_stale && is_stale(reply)) continue;
        return reply;
      }
    } catch (const SocketTimeout&) {
      // Lost on the way there or back: send again.
    }
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", timeout_s);
  const std::string shown =
      request.size() <= 40 ? py::bytes_repr(request) : py::bytes_repr(request.substr(0, 40)) + "...";
  throw std::runtime_error("no reply from " + server.to_string() + " to " + shown + " after " +
                           std::to_string(retries + 1) + " tries of " + seconds + " s each");
}

}  // namespace socklab
