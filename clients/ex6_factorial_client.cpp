// ex6_factorial_client — the tutorial's 示例5 (client6.py): read an integer from stdin, send it to
// 127.0.0.1:9999, print the factorial the server answers.
//
// Deliberate differences from the original:
// - it reads up to 65,535 bytes of reply (the original's recv(1024) cuts every n! of over 1,024 digits:
//   n >= 459);
// - input that is not an integer (or no input): one line on stderr, exit 2, nothing sent (the original
//   dies of ValueError/EOFError); it accepts what Python's int() accepts and sends str(int(x));
// - --timeout/--retries: a lost request is resent; a lost reply cannot be (the one-shot server has
//   exited), so after the last try it says so on stderr and exits 1; --host/--port.
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"
#include "udp_request.hpp"

using namespace socklab;

int ask(const std::string& host, std::uint16_t port, double timeout, int retries) {
  const Address addr(host, port, SOCK_DGRAM);
  auto s = udp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  const auto typed = py::input("请输入一个大于1的整数:");
  if (!typed) throw UsageError("no integer was typed (end of input)");
  const auto data = py::parse_int(*typed);  // data = int(input(...))
  if (!data) throw UsageError("not an integer: " + py::str_repr(*typed));
  const auto reply = udp_request(s, py::str(*data), addr, timeout, retries);  // s.sendto(str(data).encode(),...)
  py::print({"计算结果:", py::decode_utf8(reply)});  // print('计算结果:',s.recv(1024).decode('utf-8'))
  s.close();                                         // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"UDP factorial client (tutorial 示例5, client6.py)", "ex6_factorial_client"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  double timeout = 2.0;
  int retries = 3;
  add_address_options(app, host, port);
  add_retry_options(app, timeout, retries);
  return run_program(app, argc, argv, [&] { return ask(host, port, timeout, retries); });
}
