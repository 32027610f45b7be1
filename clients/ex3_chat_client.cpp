// ex3_chat_client — the tutorial's 示例3 (client3.py): chat with the server on gethostname():8888,
// turns alternating over stdin; "esc" from either side ends the chat.
//
// Deliberate differences from the original:
// - end of stdin counts as typing "esc" (it is sent, then the program exits 0);
// - a server that disconnects ends the chat: "对方已断开连接." and exit 0 (the original prints an
//   empty reply, re-prompts, then dies of BrokenPipeError or EOFError);
// - an empty line is not sent, the prompt comes again (the original's send(b'') sends nothing and
//   both sides wait in recv for ever);
// - bytes that are not UTF-8 print as U+FFFD; --host/--port.
#include "chat.hpp"
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

int chat(const std::string& host, std::uint16_t port) {
  const Address addr(host.empty() ? gethostname() : host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket()
  s.connect(addr);                     // s.connect((socket.gethostname(),8888))
  py::print("已连接到服务器.");
  py::print("**提示,如果要退出,请输入esc后回车.\r\n");
  try {
    std::string d;
    while (d != "esc") {
      const auto send_data = chat_input("客户端说:", s);  // send_data = input('客户端说:')
      if (!send_data) {
        py::print("对方已断开连接.");
        break;
      }
      s.sendall(*send_data);  // s.send(send_data.encode())
      if (*send_data == "esc") break;
      d = s.recv(1024);  // d = s.recv(1024).decode()
      if (d.empty()) {
        py::print("对方已断开连接.");
        break;
      }
      py::print("服务器说:" + py::decode_utf8(d));
    }
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::connection_reset && e.code() != std::errc::broken_pipe) throw;
    py::print("对方已断开连接.");
  }
  s.close();  // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"chat client (tutorial 示例3, client3.py)", "ex3_chat_client"};
  std::string host;  // empty: socket.gethostname(), as the tutorial
  std::uint16_t port = 8888;
  add_address_options(app, host, port);
  app.get_option("--host")->description("server address (default: this machine's host name)");
  return run_program(app, argc, argv, [&] { return chat(host, port); });
}
