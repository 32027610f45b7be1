// JUnit XML, the one writer of it: a test suite of results, each case classed by role (check) or by
// submission and role (grade). A fail, timeout or crash is a <failure>, an error an <error>, a skip <skipped>.
#pragma once

#include <string>
#include <vector>

#include "runner.hpp"

namespace socklab::harness {

struct JUnitCase {
  std::string classname;
  const Result* result;
};

/// One <testsuite> element; `with_output`: each case's transcript as its <system-out>.
std::string junit_suite(const std::string& name, const std::vector<JUnitCase>& cases, bool with_output);

}  // namespace socklab::harness
