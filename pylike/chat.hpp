// The typing side of the tutorial's 示例3 chat, shared by ex3_chat_server and ex3_chat_client.
#pragma once

#include <optional>
#include <string>

#include "python.hpp"

namespace socklab {

/// send_data = input(prompt), except: an empty line is not a message (the prompt comes again), end of
/// stdin counts as typing "esc", and nullopt means the peer disconnected while we waited.
inline std::optional<std::string> chat_input(std::string_view prompt, const Socket& peer) {
  std::string line;
  for (;;) {
    switch (py::input_while_connected(prompt, peer, line)) {
      case py::Typed::peer_gone: return std::nullopt;
      case py::Typed::end_of_input: return "esc";
      case py::Typed::line:
        if (!line.empty()) return line;
    }
  }
}

}  // namespace socklab
