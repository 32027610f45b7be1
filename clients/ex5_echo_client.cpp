// ex5_echo_client — the tutorial's UDP client (client5.py): send a, b, c to 127.0.0.1:9999 one at a
// time and print each reply.
//
// Deliberate differences from the original:
// - --timeout/--retries: a datagram lost either way is resent (the original waits in recv for ever);
//   after the last try, one line on stderr and exit 1;
// - a reply to an earlier request (a duplicate, a late one) is skipped, not taken for the current one;
// - --messages a,b,c, --host/--port.
#include <vector>

#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"
#include "udp_request.hpp"

using namespace socklab;

int talk(const std::string& host, std::uint16_t port, const std::vector<std::string>& messages, double timeout,
         int retries) {
  const Address addr(host, port, SOCK_DGRAM);
  auto s = udp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
  std::vector<std::string> answered;   // replies already printed: a late copy of one is stale
  for (const auto& data : messages) {  // for data in [b'a',b'b',b'c']:
    const std::string expected = "Hello," + data;
    const auto reply = udp_request(s, data, addr, timeout, retries, [&](std::string_view r) {
      return r != expected && std::find(answered.begin(), answered.end(), r) != answered.end();
    });
    py::print(py::decode_utf8(reply));  // print(s.recv(1024).decode('utf-8'))
    answered.push_back(reply);
  }
  s.close();  // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"UDP echo client (tutorial client5.py)", "ex5_echo_client"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  std::vector<std::string> messages = {"a", "b", "c"};
  double timeout = 1.0;
  int retries = 5;
  add_address_options(app, host, port);
  app.add_option("--messages", messages, "datagrams to send, comma-separated")->delimiter(',')->capture_default_str();
  add_retry_options(app, timeout, retries);
  return run_program(app, argc, argv, [&] { return talk(host, port, messages, timeout, retries); });
}
