// ex4_hello_client — the tutorial's 示例4 (client4.py): connect to 127.0.0.1:9999, print the banner,
// send each name and print its reply, then send "exit" and close.
//
// Deliberate differences from the original:
// - it reads the banner and each reply until it has the whole expected text ("Welcome!",
//   "Hello,<name>!") or the server closes: TCP may deliver a message in pieces;
// - --names a,b,c (default Michael,Tracy,Sarah), --host/--port.
#include <vector>

#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

namespace {

// s.recv(1024), continued until `expected_size` bytes have come or the server closed.
std::string recv_message(Socket& s, std::size_t expected_size) {
  std::string data = s.recv(1024);
  while (!data.empty() && data.size() < expected_size) {
    const auto more = s.recv(1024);
    if (more.empty()) break;
    data += more;
  }
  return data;
}

}  // namespace

int talk(const std::string& host, std::uint16_t port, const std::vector<std::string>& names) {
  for (const auto& d : names) {
    if (d.empty()) throw UsageError("--names: an empty name cannot be sent (send(b'') sends nothing)");
  }
  const Address addr(host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
  s.connect(addr);                     // s.connect(('127.0.0.1',9999))
  py::print(py::decode_utf8(recv_message(s, std::string_view("Welcome!").size())));
  for (const auto& d : names) {  // for d in [b'Michael',b'Tracy',b'Sarah']:
    s.sendall(d);                // s.send(d)
    py::print(py::decode_utf8(recv_message(s, ("Hello," + d + "!").size())));
  }
  s.sendall("exit");  // s.send(b'exit')
  s.close();          // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"hello client (tutorial 示例4, client4.py)", "ex4_hello_client"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  std::vector<std::string> names = {"Michael", "Tracy", "Sarah"};
  add_address_options(app, host, port);
  app.add_option("--names", names, "names to send, comma-separated")->delimiter(',')->capture_default_str();
  return run_program(app, argc, argv, [&] { return talk(host, port, names); });
}
