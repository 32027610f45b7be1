#include "junit.hpp"

#include <fmt/format.h>

#include "grade.hpp"

namespace socklab::harness {
namespace {

bool failed(Verdict v) { return v == Verdict::fail || v == Verdict::timeout || v == Verdict::crash; }

}  // namespace

std::string junit_suite(const std::string& name, const std::vector<JUnitCase>& cases, bool with_output) {
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& c : cases) {
    failures += failed(c.result->verdict);
    errors += c.result->verdict == Verdict::error;
    skipped += c.result->verdict == Verdict::skip;
  }
  std::string out = fmt::format(R"(<testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">)",
                                markup_escape(name), cases.size(), failures, errors, skipped) +
                    "\n";
  for (const auto& c : cases) {
    const Result& r = *c.result;
    out += fmt::format(R"(  <testcase classname="{}" name="{}" time="{}">)", markup_escape(c.classname),
                       markup_escape(r.scenario), r.duration_s);
    out += fmt::format(R"(<properties><property name="seed" value="{}"/><property name="isolation" value="{}"/>)"
                       "</properties>",
                       r.seed, markup_escape(r.isolation));
    const std::string message = markup_escape(r.message);
    if (r.verdict == Verdict::skip) out += fmt::format(R"(<skipped message="{}"/>)", message);
    if (r.verdict == Verdict::error) out += fmt::format(R"(<error message="error">{}</error>)", message);
    if (failed(r.verdict)) out += fmt::format(R"(<failure message="{}">{}</failure>)", to_string(r.verdict), message);
    if (with_output) out += "<system-out>" + markup_escape(r.transcript) + "</system-out>";
    out += "</testcase>\n";
  }
  return out + "</testsuite>\n";
}

}  // namespace socklab::harness
