// ex6_factorial_server — the tutorial's 示例5 (server6.py): on 127.0.0.1:9999, answer one datagram
// holding an integer n with n!, print it with the sender's address, exit.
//
// Deliberate differences from the original:
// - exact big integers up to what one UDP datagram holds (n <= 17229; 17229! has 65,497 digits);
//   a larger n is answered with an error text;
// - a request that is not an integer is answered with an error text, then the server exits 0
//   (the original dies of ValueError); it accepts what Python's int() accepts;
// - --host/--port; SIGINT/SIGTERM stop it cleanly.
#include "factorial.hpp"
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

// What the server answers to one request: str(f(int(data))), or an error text.
std::string answer(const std::string& data) {
  const auto n = py::parse_int(data);  // int(data)
  if (!n) return "error: invalid literal for int() with base 10: " + py::bytes_repr(data);
  if (auto text = factorial_text(*n)) return *text;  // data = f(int(data))
  return "error: " + py::str(*n) + "! does not fit in one UDP datagram (n <= " + std::to_string(kMaxFactorialN) + ")";
}

int serve(const std::string& host, std::uint16_t port) {
  const Address addr(host, port, SOCK_DGRAM);
  auto s = udp_socket(addr.family());           // s = socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  s.bind(addr);                                 // s.bind(('127.0.0.1',9999))
  auto [data, a] = s.recvfrom(1024);            // data,addr = s.recvfrom(1024)
  const auto send_data = answer(data);          // send_data = str(data)
  py::print({send_data, py::address_repr(a)});  // print(data,addr)
  s.sendto(send_data, a);                       // s.sendto(send_data.encode(),addr)
  s.close();                                    // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"UDP factorial server (tutorial 示例5, server6.py)", "ex6_factorial_server"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  add_address_options(app, host, port);
  return run_program(app, argc, argv, [&] { return serve(host, port); });
}
