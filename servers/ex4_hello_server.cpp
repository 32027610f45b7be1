// ex4_hello_server — the tutorial's 示例4 (server4.py): a thread per connection on 127.0.0.1:9999;
// "Welcome!", then each message -> 1 s pause -> "Hello,<message>!"; "exit" or end of stream ends it.
//
// Deliberate differences from the original:
// - replies are built from bytes (b'Hello,' + data + b'!'), so a message that is not UTF-8 cannot kill
//   its thread; a reset or a failed send ends that connection only;
// - running out of descriptors or threads refuses that one connection, not the server;
// - --delay SECONDS (default 1, the tutorial's; like the original it also sleeps after "exit" or end
//   of stream before closing), --backlog (default 5), --host/--port; SIGINT/SIGTERM stop it cleanly.
#include <chrono>
#include <cstdio>
#include <thread>

#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

void tcplink(Socket c, const Address& a, double delay) {  // def tcplink(c,a):
  block_stop_signals();                                   // SIGINT/SIGTERM are for the accepting thread
  const int family = c.family();
  const int type = c.type();
  py::print("Accept new connection from " + py::socket_repr(c) + ":" + py::address_repr(a) + "...");
  try {
    c.sendall("Welcome!");  // c.send(b'Welcome!')
    for (;;) {
      const auto d = c.recv(1024);                                        // d = c.recv(1024)
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));  // time.sleep(1)
      if (d.empty() || d == "exit") break;
      c.sendall("Hello," + d + "!");  // c.send(('Hello,%s!'% d.decode('utf-8')).encode('utf-8'))
    }
  } catch (const std::system_error&) {
    // The client reset the connection or stopped reading: that ends this connection only.
  }
  c.close();  // c.close()
  py::print("Connection from " + py::closed_socket_repr(family, type) + ":" + py::address_repr(a) + " closed");
}

int serve(const std::string& host, std::uint16_t port, int backlog, double delay) {
  const Address addr(host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
  s.bind(addr);                        // s.bind(('127.0.0.1',9999))
  s.listen(backlog);                   // s.listen(5)
  py::print("Waiting for connection...");
  for (;;) {
    try {
      auto [c, a] = s.accept();                               // c,a = s.accept()
      std::thread(tcplink, std::move(c), a, delay).detach();  // threading.Thread(target=tcplink,...).start()
    } catch (const std::system_error& e) {
      if (e.code() != std::errc::too_many_files_open && e.code() != std::errc::too_many_files_open_in_system &&
          e.code() != std::errc::resource_unavailable_try_again && e.code() != std::errc::connection_aborted) {
        throw;
      }
      std::fprintf(stderr, "ex4_hello_server: %s (connection refused, still serving)\n", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

int main(int argc, char** argv) {
  CLI::App app{"threaded hello server (tutorial 示例4, server4.py)", "ex4_hello_server"};
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  int backlog = 5;
  double delay = 1.0;
  add_address_options(app, host, port);
  app.add_option("--backlog", backlog, "listen() backlog")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--delay", delay, "seconds to wait before each reply")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  return run_program(app, argc, argv, [&] { return serve(host, port, backlog, delay); });
}
