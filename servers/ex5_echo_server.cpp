// ex5_echo_server — the tutorial's UDP server (server5.py): on 127.0.0.1:9999, print each datagram
// and the sender's address as Python does (b'a' ('127.0.0.1', 53914)), answer b'Hello,' + data.
//
// Deliberate differences from the original: --host/--port; SIGINT/SIGTERM stop it cleanly.
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

int serve(const std::string& host, std::uint16_t port) {
  const Address addr(host, port, SOCK_DGRAM);
  auto s = udp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  s.bind(addr);                        // s.bind(('127.0.0.1',9999))
  for (;;) {
    auto [data, a] = s.recvfrom(1024);  // data,addr = s.recvfrom(1024)
    py::print({py::bytes_repr(data), py::address_repr(a)});
    try {
      s.sendto("Hello," + data, a);  // s.sendto(b'Hello,%s'%data,addr)
    } catch (const std::system_error&) {
      // A sender that cannot be answered (its port closed, an unreachable address) is its problem only.
    }
  }
}

int main(int argc, char** argv) {
  CLI::App app{"UDP echo server (tutorial server5.py)", "ex5_echo_server"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  add_address_options(app, host, port);
  return run_program(app, argc, argv, [&] { return serve(host, port); });
}
