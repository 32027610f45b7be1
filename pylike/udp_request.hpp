// Stop-and-wait over UDP: send a request, wait for its reply, resend after a timeout.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "socket.hpp"

namespace socklab {

/// Sends `request` to `server` and returns the first reply from `server` that `is_stale` does not
/// reject, resending after each `timeout_s` without one; `retries` resends at most. Throws
/// std::runtime_error naming the server and the request when every try went unanswered.
std::string udp_request(Socket& s, std::string_view request, const Address& server, double timeout_s, int retries,
                        const std::function<bool(std::string_view)>& is_stale = {});

}  // namespace socklab
