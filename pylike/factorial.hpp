// The arithmetic of the tutorial's 示例5 (server6.py): f(n) and the limit one UDP datagram sets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "python.hpp"

namespace socklab {

/// The most payload one UDP datagram over IPv4 carries.
inline constexpr std::size_t kMaxUdpPayload = 65507;
/// The largest n whose n! in decimal fits in kMaxUdpPayload bytes (17229! has 65,497 digits).
inline constexpr long kMaxFactorialN = 17229;

/// The tutorial's loop: j = 1; for i in range(1, n+1): j = j*i. So 1 for every n < 1.
py::Int factorial(long n);

/// str(f(n)), or nullopt when it would not fit in one datagram (n > kMaxFactorialN).
std::optional<std::string> factorial_text(const py::Int& n);

}  // namespace socklab
