// socklab run EXAMPLE: reproduces one example with the reference programs, showing every event live.
#include <fmt/format.h>

#include <algorithm>

#include "cli.hpp"
#include "console.hpp"
#include "pool.hpp"

namespace socklab::harness {

void add_run_command(CLI::App& app, RunArgs& a) {
  a.app = app.add_subcommand("run", "reproduce one example with the reference programs, showing every event");
  CLI::App& run = *a.app;
  run.add_option("example", a.example, "ex1 … ex6")->required();
  run.add_option("--scenario", a.scenario, "scenario of that example")->capture_default_str();
  run.add_option("--loss", a.loss,
                 "lose this share of datagrams both ways (0 to 1) on a lossy network (the example's lossy-run "
                 "scenario unless --scenario names another with a link)")
      ->check(CLI::Range(0.0, 1.0));
  run.add_flag("--wire", a.wire,
               "show the wire too: each TCP segment (SYN, data, FIN, RST) and UDP datagram as it happens");
  add_lang_option(run, a.session);
  add_session_options(run, a.session,
                      "folder for the transcript and what the scenario keeps (the browser's screenshot)");
}

int run_main(const RunArgs& a, const Suite& suite, bool isolated) {
  const std::string scenario = a.loss && a.app->count("--scenario") == 0 ? "lossy-run" : a.scenario;
  const std::string name = a.example + "/" + scenario;
  const auto it =
      std::find_if(suite.scenarios.begin(), suite.scenarios.end(), [&](const Scenario& s) { return s.name == name; });
  if (it == suite.scenarios.end()) {
    fmt::print(stderr, "socklab: no scenario {} (socklab list shows them)\n", name);
    return 2;
  }
  if (a.loss && std::none_of(it->links.begin(), it->links.end(), [](const LinkSpec& l) { return l.proto == "udp"; })) {
    fmt::print(stderr, "socklab: {} has no UDP link to lose datagrams on (ex5 and ex6 have lossy-run)\n", name);
    return 2;
  }
  RunOptions options = session_run_options(a.session, true);
  options.loss = a.loss;
  options.live = true;
  options.live_wire = a.wire;
  fmt::print("socklab run {}: {}\n", name, it->title);
  std::fflush(stdout);
  const auto results = run_tasks({{&*it, options}}, 1, isolated, [](std::size_t, const Result&) {});
  const auto& r = results.front();
  const std::string seed = it->links.empty() ? std::string() : fmt::format(", seed {}", r.seed);
  fmt::print("{} ({}{})\n", paint(r.verdict, to_string(r.verdict), colour_for(STDOUT_FILENO)), r.isolation, seed);
  if (!r.message.empty()) fmt::print("{}\n", r.message);
  if (!r.transcript_path.empty()) fmt::print("transcript: {}\n", r.transcript_path);
  for (const auto& k : r.kept_paths) fmt::print("kept: {}\n", k);
  return r.verdict == Verdict::pass ? 0 : 1;
}

}  // namespace socklab::harness
