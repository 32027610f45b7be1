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
  block_buffered,      // a program under test had printed nothing new while it ran: its stdout may be buffered
  nothing_listens,     // nothing listened where the scenario waited for a server
  no_client_came,      // no client connected to socklab's peer playing the server
  refused,             // a program's stderr says its connection was refused
  no_datagram,         // a datagram the scenario waited for never came
  crashed,             // a program under test ended with a traceback or a signal
  spaces_differ,       // the output differs from what was expected only in spaces
  missing_banner,      // the server did not send Welcome! first
  served_serially,     // the clients were served one after another
  waited_after_loss,   // a datagram was lost and the program waited for it for ever
  took_stale_reply,    // a duplicated or late reply was taken for the answer
  cut_by_one_recv,     // one recv() took part of a message
  header_in_file,      // the saved file starts with the HTTP header
  no_prompt,           // the prompt never appeared
  python2,             // the program's stderr shows Python 2 syntax
  not_utf8,            // Python refused the source file's encoding
  replied_early,       // a reply came before the program's own pause (recv ... not before D)
  waited_for_more,     // a message without a line end had come, and the program waited for more, silent
  gave_up_after_loss,  // a datagram was lost and the client ended without its answer
  server_ended,        // a server that loops for ever had ended by itself (no crash) when it was needed
  kept_running,        // a server whose conversation ends it (ex3, ex6) was still running when it should end
  decode_error,        // the program died of UnicodeDecodeError
  died_of_reset,       // the program died of a reset or closed connection (ConnectionResetError, BrokenPipeError)
  exit_zero_on_error,  // the program exited 0 where the scenario waited for an error's status
  file_decoded,        // the saved file's bytes were changed on the way (decoded, or written in text mode)
  kept_open,           // the other side waited for the connection to close, and it stayed open
  label_differs,       // a line differs from the tutorial's only in its label (the text before the data)
  printed_bytes,       // a line shows a bytes object, b'...', where its text was expected
  datagram_cut,        // a datagram came back cut: the program received it into a smaller buffer
  wrong_factorial,     // the factorial sent back is not n! (named by ex6's scenarios)
  no_header,           // the HTTP header was not printed as the tutorial prints it (named by ex2's scenarios)
  ending_word,         // the word that ends a conversation (exit, esc) was not sent or not obeyed (named)
  bad_response,        // the HTTP response is not the status line, an empty line, the page (named by ex1's)
  wrong_message,       // the program sent other bytes than the tutorial's conversation has there (named)
  banner_unread,       // the client's replies are not one per name after the banner (named by ex4's)
  not_shown,           // a server did not print what its reader is meant to see (the sender, the result; named)
};

/// The fact's name in scenario files and reports: "cut-by-one-recv".
const char* to_string(Fact f);
std::optional<Fact> fact_named(std::string_view name);
/// Every fact, for the docs and the tests.
const std::vector<Fact>& all_facts();

/// What a program's stderr shows: Python 2 syntax, a source that is not UTF-8, a refused connection, a
/// traceback and what it died of (UnicodeDecodeError, a reset connection).
std::vector<Fact> facts_in_stderr(std::string_view err);
/// A program's stderr without the KeyboardInterrupt traceback that socklab's SIGINT left at its end
/// (what came before is what a student needs to see), or all of it where nothing came before.
std::string_view before_the_stop(std::string_view err);

/// What a line that differs from the exact one expected shows: a label changed or added before the data
/// ("收到: Hello,a", "客户端:hi" for "客户端说:hi"), a bytes object printed (b'Hello,a').
std::vector<Fact> facts_in_mismatch(std::string_view expected, std::string_view actual);

}  // namespace socklab::harness
