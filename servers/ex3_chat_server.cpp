// ex3_chat_server — the tutorial's 示例3 (server3.py): chat with one client on gethostname():8888,
// turns alternating over stdin; "esc" from either side ends the chat.
//
// Deliberate differences from the original:
// - end of stdin counts as typing "esc" (it is sent, then the program exits 0);
// - a client that disconnects ends the chat: "对方已断开连接." and exit 0 (the original re-prompts,
//   then dies of BrokenPipeError or EOFError);
// - an empty line is not sent, the prompt comes again (the original's send(b'') sends nothing and
//   both sides wait in recv for ever);
// - bytes that are not UTF-8 print as U+FFFD; --host/--port; SIGINT/SIGTERM stop it cleanly.
#include "chat.hpp"
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

int chat(const std::string& host, std::uint16_t port) {
  const Address addr(host.empty() ? gethostname() : host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
  s.bind(addr);                        // s.bind((socket.gethostname(),8888))
  s.listen(5);
  py::print("服务器处于监听状态中...\r\n");
  auto [c, a] = s.accept();  // c,a = s.accept()
  py::print("已连接到客户端");
  py::print("**提示,如果要退出,请输入esc后回车.\r\n");
  try {
    auto d = c.recv(1024);  // d = c.recv(1024).decode()
    while (d != "esc") {
      if (d.empty()) {
        py::print("对方已断开连接.");
        break;
      }
      py::print("客户端说:" + py::decode_utf8(d));
      const auto send_data = chat_input("服务器说:", c);  // send_data = input('服务器说:')
      if (!send_data) {
        py::print("对方已断开连接.");
        break;
      }
      c.sendall(*send_data);  // c.send(send_data.encode())
      if (*send_data == "esc") break;
      d = c.recv(1024);
    }
  } catch (const std::system_error& e) {
    if (e.code() != std::errc::connection_reset && e.code() != std::errc::broken_pipe) throw;
    py::print("对方已断开连接.");
  }
  c.close();  // c.close()
  s.close();  // s.close()
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"chat server (tutorial 示例3, server3.py)", "ex3_chat_server"};
  std::string host;  // empty: socket.gethostname(), as the tutorial
  std::uint16_t port = 8888;
  add_address_options(app, host, port);
  app.get_option("--host")->description("address to bind (default: this machine's host name)");
  return run_program(app, argc, argv, [&] { return chat(host, port); });
}
