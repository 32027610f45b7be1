#include "roles.hpp"

namespace socklab::harness {

const std::vector<Role>& roles() {
  static const std::vector<Role> table = {
      {"ex1.server", 1, true, "server1", "ex1_http_server", "127.0.0.1", 12345, true},
      {"ex2.client", 2, false, "client2", "ex2_http_client", "www.baidu.com.cn", 80, false},
      {"ex3.server", 3, true, "server3", "ex3_chat_server", "", 8888, false},
      {"ex3.client", 3, false, "client3", "ex3_chat_client", "", 8888, false},
      {"ex4.server", 4, true, "server4", "ex4_hello_server", "127.0.0.1", 9999, true},
      {"ex4.client", 4, false, "client4", "ex4_hello_client", "127.0.0.1", 9999, false},
      {"ex5.server", 5, true, "server5", "ex5_echo_server", "127.0.0.1", 9999, true},
      {"ex5.client", 5, false, "client5", "ex5_echo_client", "127.0.0.1", 9999, false},
      {"ex6.server", 6, true, "server6", "ex6_factorial_server", "127.0.0.1", 9999, false},
      {"ex6.client", 6, false, "client6", "ex6_factorial_client", "127.0.0.1", 9999, false},
  };
  return table;
}

const Role* find_role(std::string_view name) {
  for (const auto& r : roles()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

const std::vector<std::string>& known_roles() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& r : roles()) v.emplace_back(r.name);
    return v;
  }();
  return names;
}

std::string role_list() {
  std::string out;
  for (const auto& r : roles()) out += std::string(out.empty() ? "" : " ") + r.name;
  return out;
}

bool plays_server(std::string_view role) {
  const Role* r = find_role(role);
  return r != nullptr && r->server;
}

}  // namespace socklab::harness
