#include "factorial.hpp"

namespace socklab {

py::Int factorial(long n) {
  py::Int j = 1;
  for (long i = 1; i <= n; ++i) j *= i;
  return j;
}

std::optional<std::string> factorial_text(const py::Int& n) {
  if (n > kMaxFactorialN) return std::nullopt;
  return py::str(factorial(n < 0 ? 0 : n.convert_to<long>()));
}

}  // namespace socklab
