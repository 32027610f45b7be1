#include "facts.hpp"

#include <array>
#include <string>
#include <utility>

namespace socklab::harness {
namespace {

constexpr std::array<std::pair<Fact, const char*>, 36> kNames = {{
    {Fact::block_buffered, "block-buffered"},
    {Fact::nothing_listens, "nothing-listens"},
    {Fact::no_client_came, "no-client-came"},
    {Fact::refused, "refused"},
    {Fact::no_datagram, "no-datagram"},
    {Fact::crashed, "crashed"},
    {Fact::spaces_differ, "spaces-differ"},
    {Fact::missing_banner, "missing-banner"},
    {Fact::served_serially, "served-serially"},
    {Fact::waited_after_loss, "waited-after-loss"},
    {Fact::took_stale_reply, "took-stale-reply"},
    {Fact::cut_by_one_recv, "cut-by-one-recv"},
    {Fact::header_in_file, "header-in-file"},
    {Fact::no_prompt, "no-prompt"},
    {Fact::python2, "python2"},
    {Fact::not_utf8, "not-utf8"},
    {Fact::replied_early, "replied-early"},
    {Fact::waited_for_more, "waited-for-more"},
    {Fact::gave_up_after_loss, "gave-up-after-loss"},
    {Fact::server_ended, "server-ended"},
    {Fact::kept_running, "kept-running"},
    {Fact::decode_error, "decode-error"},
    {Fact::died_of_reset, "died-of-reset"},
    {Fact::exit_zero_on_error, "exit-zero-on-error"},
    {Fact::file_decoded, "file-decoded"},
    {Fact::kept_open, "kept-open"},
    {Fact::label_differs, "label-differs"},
    {Fact::printed_bytes, "printed-bytes"},
    {Fact::datagram_cut, "datagram-cut"},
    {Fact::wrong_factorial, "wrong-factorial"},
    {Fact::no_header, "no-header"},
    {Fact::ending_word, "ending-word"},
    {Fact::bad_response, "bad-response"},
    {Fact::wrong_message, "wrong-message"},
    {Fact::banner_unread, "banner-unread"},
    {Fact::not_shown, "not-shown"},
}};

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

}  // namespace

const char* to_string(Fact f) {
  for (const auto& [fact, name] : kNames) {
    if (fact == f) return name;
  }
  return "?";
}

std::optional<Fact> fact_named(std::string_view name) {
  for (const auto& [fact, n] : kNames) {
    if (name == n) return fact;
  }
  return std::nullopt;
}

const std::vector<Fact>& all_facts() {
  static const std::vector<Fact> all = [] {
    std::vector<Fact> v;
    for (const auto& [fact, name] : kNames) v.push_back(fact);
    return v;
  }();
  return all;
}

namespace {
// Whether a Python traceback in `err` is a crash: one that does not end in KeyboardInterrupt, which is
// socklab's SIGINT stopping the program.
constexpr std::string_view kTracebackHead = "Traceback (most recent call last):";

bool crash_traceback(std::string_view err) {
  for (auto at = err.find(kTracebackHead); at != std::string_view::npos;) {
    const auto next = err.find(kTracebackHead, at + kTracebackHead.size());
    if (!has(err.substr(at, next == std::string_view::npos ? next : next - at), "KeyboardInterrupt")) return true;
    at = next;
  }
  return false;
}
}  // namespace

std::string_view before_the_stop(std::string_view err) {
  const auto last = err.rfind(kTracebackHead);
  if (last == 0 || last == std::string_view::npos || !has(err.substr(last), "KeyboardInterrupt")) return err;
  return err.substr(0, last);
}

std::vector<Fact> facts_in_stderr(std::string_view err) {
  std::vector<Fact> out;
  if (has(err, "Missing parentheses in call to 'print'") || has(err, "raw_input") ||
      (has(err, "SyntaxError") && has(err, "print \""))) {
    out.push_back(Fact::python2);
  }
  if (has(err, "Non-UTF-8 code") || has(err, "SyntaxError: (unicode error)")) out.push_back(Fact::not_utf8);
  if (has(err, "Connection refused") || has(err, "ConnectionRefused")) out.push_back(Fact::refused);
  if (crash_traceback(err)) {  // what it died of, when it is a mistake the tutorial's programs make
    if (has(err, "UnicodeDecodeError")) out.push_back(Fact::decode_error);
    if (has(err, "ConnectionResetError") || has(err, "BrokenPipeError") || has(err, "ConnectionAbortedError"))
      out.push_back(Fact::died_of_reset);
    out.push_back(Fact::crashed);
  }
  return out;
}

std::vector<Fact> facts_in_mismatch(std::string_view expected, std::string_view actual) {
  std::vector<Fact> out;
  if (expected.empty() || expected == actual) return out;
  const std::string text(expected);
  if (has(actual, "b'" + text + "'") || has(actual, "b\"" + text + "\"")) {
    out.push_back(Fact::printed_bytes);
    return out;
  }
  // Text added before the data is a label when it holds a word, not digits or spaces (" 0007" for "7").
  const auto head = actual.size() > expected.size() && actual.substr(actual.size() - expected.size()) == expected
                        ? actual.substr(0, actual.size() - expected.size())
                        : std::string_view();
  const bool added = head.find_first_not_of(" 0123456789+-") != std::string_view::npos;
  const auto e = expected.rfind(':');
  const auto a = actual.rfind(':');
  const bool relabelled = e != std::string_view::npos && a != std::string_view::npos &&
                          expected.substr(e) == actual.substr(a) && expected.substr(0, e) != actual.substr(0, a);
  if (added || relabelled) out.push_back(Fact::label_differs);
  return out;
}

}  // namespace socklab::harness
