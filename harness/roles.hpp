// The tutorial's ten programs, one row each: the role socklab calls it by, its example, whether it is the
// server, the tutorial's file name, socklab's reference program, the address it uses, and whether it
// serves for ever. Every list of roles in socklab is this table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace socklab::harness {

struct Role {
  const char* name;       // "ex4.server"
  int example;            // 4
  bool server;            // the example's server (a client otherwise)
  const char* stem;       // the tutorial's file name without extension: "server4"
  const char* reference;  // socklab's program for it: "ex4_hello_server"
  const char* host;       // the tutorial's address: host ("" for gethostname()), and port
  std::uint16_t port;
  bool serves_forever;  // loops for ever (ex1, ex4, ex5); ex3's server ends with its chat, ex6's after one answer
};

const std::vector<Role>& roles();
/// The row of a role, or nullptr for a name that is none.
const Role* find_role(std::string_view name);
/// The role names, in the table's order (ex1.server … ex6.client).
const std::vector<std::string>& known_roles();
/// "ex1.server ex2.client …": for messages that list them.
std::string role_list();
/// Whether a role's program is the server of its example (false for what is no role: a tool).
bool plays_server(std::string_view role);

}  // namespace socklab::harness
