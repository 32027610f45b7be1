// What a failed run showed about the program under test, as typed facts. The runner and the scenario
// name them where they see them; advice is chosen from them (hints.cpp), never from the words of a
// message, so rewording a sentence changes no student's advice.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace socklab::harness {

enum class Fact : std::uint8_t {
  block_buffered,     // a program under test had printed nothing new while it ran: its stdout may be buffered
  nothing_listens,    // nothing listened where the scenario waited for a server
  no_client_came,     // no client connected to socklab's peer playing the server
  refused,            // a program's stderr says its connection was refused
  no_datagram,        // a datagram the scenario waited for never came
  crashed,            // a program under test ended with a traceback or a signal
  spaces_differ,      // the output differs from what was expected only in spaces
  missing_banner,     // the server did not send Welcome! first
  served_serially,    // the clients were served one after another
  waited_after_loss,  // a datagram was lost and the program waited for it for ever
  took_stale_reply,   // a duplicated or late reply was taken for the answer
  cut_by_one_recv,    // one recv() took part of a message
  header_in_file,     // the saved file starts with the HTTP header
  no_prompt,          // the prompt never appeared
  python2,            // the program's stderr shows Python 2 syntax
  not_utf8,           // Python refused the source file's encoding
};

/// The fact's name in scenario files and reports: "cut-by-one-recv".
const char* to_string(Fact f);
std::optional<Fact> fact_named(std::string_view name);
/// Every fact, for the docs and the tests.
const std::vector<Fact>& all_facts();

/// What a program's stderr shows: Python 2 syntax, a source that is not UTF-8, a refused connection, a
/// traceback.
std::vector<Fact> facts_in_stderr(std::string_view err);

}  // namespace socklab::harness
