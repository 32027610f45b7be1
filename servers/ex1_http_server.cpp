// ex1_http_server — the tutorial's 示例1 (server1.py): an HTTP hello server on 127.0.0.1:12345.
// Each connection: read one request (up to 1024 bytes), print it, answer with the page, close.
//
// Deliberate differences from the original:
// - a client that resets the connection, or goes away before the page is sent, does not kill the
//   server (the original dies of ConnectionResetError / BrokenPipeError);
// - request bytes that are not UTF-8 (or a character cut at byte 1024) print as U+FFFD instead of
//   killing it with UnicodeDecodeError;
// - --host/--port; SIGINT/SIGTERM stop it cleanly (exit 0).
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

int serve(const std::string& host, std::uint16_t port) {
  const Address addr(host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket()
  s.bind(addr);                        // s.bind(('127.0.0.1',12345))
  s.listen(5);
  py::print("服务器处于监听状态中...");
  for (;;) {
    auto [c, a] = s.accept();  // c,a = s.accept()
    try {
      const auto data = py::decode_utf8(c.recv(1024));  // data = c.recv(1024).decode()
      py::print(data);
      const std::string head = "HTTP/1.1 200 OK\r\n\r\n";
      const std::string body =
          "<html><head><title>客户端请求</title></head><body><meta charset=\"utf-8\">"
          "<h1>Hello World</h1></body></html>";
      c.sendall(head + body);  // c.sendall(html.encode())
    } catch (const std::system_error&) {
      // The client reset the connection or left early: that ends this connection only.
    }
    c.close();
  }
}

int main(int argc, char** argv) {
  CLI::App app{"HTTP hello server (tutorial 示例1, server1.py)", "ex1_http_server"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 12345;
  add_address_options(app, host, port);
  return run_program(app, argc, argv, [&] { return serve(host, port); });
}
