// ex1_http_server — the tutorial's 示例1 (server1.py): an HTTP hello server on 127.0.0.1:12345.
// Each connection: read one request (up to 1024 bytes), print it, answer with the page, close.
//
// Deliberate differences from the original:
// - a client that resets the connection, or goes away before the page is sent, does not kill the
//   server (the original dies of ConnectionResetError / BrokenPipeError);
// - request bytes that are not UTF-8 (or a character cut at byte 1024) print as U+FFFD instead of
//   killing it with UnicodeDecodeError;
// - after the page it reads what is left of a request longer than 1024 bytes (up to 1 MiB) before
//   closing, so that the client gets the page and not a reset;
// - --host/--port; SIGINT/SIGTERM stop it cleanly (exit 0).
#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

// Closing with unread request bytes would make the kernel send a reset, which can destroy the page in
// the client's buffer: finish sending, then read what is left of the request (bounded) before closing.
// Only what has already come, and what follows it closely, is waited for: a normal request costs nothing.
void drain(Socket& c) {
  c.shutdown(SHUT_WR);
  c.settimeout(0.0);
  try {
    for (std::size_t total = 0; total < (1u << 20);) {
      const auto rest = c.recv(65536);
      if (rest.empty()) break;
      total += rest.size();
      c.settimeout(0.05);
    }
  } catch (const SocketTimeout&) {
    // Nothing more has come: close now.
  }
}

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
      drain(c);
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
