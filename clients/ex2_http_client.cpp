// ex2_http_client — the tutorial's 示例2 (client2.py): GET a page from www.baidu.com.cn:80, read until
// the server closes, print the header, save the body to baidu.html.
//
// Deliberate differences from the original:
// - the request carries Host and Connection: close (the original sends "GET / HTTP/1.1\r\n\r\n\r\n":
//   no Host, which HTTP/1.1 requires, and it hangs forever on a server that keeps the connection open);
// - if the server keeps the connection open anyway, it stops after Content-Length bytes of body;
// - a response without the blank line after its header is a clear error (exit 1), not a traceback;
// - --host --port --path --output.
#include <fstream>

#include "program.hpp"
#include "python.hpp"
#include "socket.hpp"

using namespace socklab;

namespace {

// Content-Length of a raw header block, if it has one.
std::optional<std::size_t> content_length(std::string_view header) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find("\r\n", pos);
    if (end == std::string_view::npos) end = header.size();
    std::string line(header.substr(pos, end - pos));
    pos = end + 2;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name != "content-length") continue;
    try {
      return static_cast<std::size_t>(std::stoull(line.substr(colon + 1)));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string host_header(const std::string& host, std::uint16_t port) {
  return port == 80 ? host : host + ":" + std::to_string(port);
}

}  // namespace

int fetch(const std::string& host, std::uint16_t port, const std::string& path, const std::string& output) {
  const Address addr(host, port);
  auto s = tcp_socket(addr.family());  // s = socket.socket(socket.AF_INET,socket.SOCK_STREAM)
  s.connect(addr);                     // s.connect(('www.baidu.com.cn',80))
  s.sendall("GET " + path + " HTTP/1.1\r\nHost: " + host_header(host, port) + "\r\nConnection: close\r\n\r\n");
  std::string data;
  auto split = std::string::npos;          // where the header ends, once it has arrived
  std::optional<std::size_t> body_length;  // its Content-Length
  for (;;) {
    if (split != std::string::npos && body_length && data.size() - split - 4 >= *body_length) break;
    const auto d = s.recv(1024);  // d = s.recv(1024)
    if (d.empty()) break;         // the server closed: everything has arrived
    data += d;
    if (split == std::string::npos) {
      split = data.find("\r\n\r\n", data.size() - d.size() < 3 ? 0 : data.size() - d.size() - 3);
      if (split != std::string::npos) body_length = content_length(std::string_view(data).substr(0, split));
    }
  }
  s.close();
  // header,html = data.split(b'\r\n\r\n',1)
  if (split == std::string::npos) {
    throw std::runtime_error("response from " + addr.to_string() + " has no blank line after its header (" +
                             std::to_string(data.size()) + " bytes received)");
  }
  py::print(py::decode_utf8(std::string_view(data).substr(0, split)));
  std::ofstream f(output, std::ios::binary);  // with open('baidu.html','wb') as f:
  f.write(data.data() + split + 4, static_cast<std::streamsize>(data.size() - split - 4));
  f.close();
  if (!f) throw std::runtime_error("write " + output + ": " + std::strerror(errno));
  return 0;
}

int main(int argc, char** argv) {
  CLI::App app{"HTTP page client (tutorial 示例2, client2.py)", "ex2_http_client"};
  std::string host = "www.baidu.com.cn";
  std::uint16_t port = 80;
  std::string path = "/";
  std::string output = "baidu.html";
  add_address_options(app, host, port);
  app.add_option("--path", path, "path to GET")->capture_default_str();
  app.add_option("--output", output, "file the body is saved to")->capture_default_str();
  return run_program(app, argc, argv, [&] { return fetch(host, port, path, output); });
}
