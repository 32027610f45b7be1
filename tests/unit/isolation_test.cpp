#include "isolation.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "socket.hpp"

using namespace socklab::harness;
using namespace std::chrono_literals;

TEST(isolation, two_scenarios_bind_the_same_fixed_port_at_once) {
  if (!probe_isolation().network) GTEST_SKIP() << "no network namespaces on this machine";
  auto bind_and_hold = [](const WorkerContext&) -> std::string {
    try {
      auto s = socklab::udp_socket();
      s.bind({"127.0.0.1", 9999});
      std::this_thread::sleep_for(300ms);  // both hold the port at the same time
      return "bound";
    } catch (const std::exception& e) {
      return e.what();
    }
  };
  Worker a = spawn_worker(true, {}, bind_and_hold);
  Worker b = spawn_worker(true, {}, bind_and_hold);
  EXPECT_EQ(finish_worker(a), "bound");
  EXPECT_EQ(finish_worker(b), "bound");
}

TEST(isolation, the_scenario_names_resolve_to_loopback_inside) {
  if (!probe_isolation().network) GTEST_SKIP() << "no network namespaces on this machine";
  Worker w = spawn_worker(true, {"www.baidu.com.cn"}, [](const WorkerContext&) {
    return socklab::Address("www.baidu.com.cn", 80).host() + " " + socklab::Address(socklab::gethostname(), 80).host();
  });
  EXPECT_EQ(finish_worker(w), "127.0.0.1 127.0.0.1");
}

TEST(isolation, a_detached_grandchild_dies_with_the_scenario) {
  for (const bool isolate : {true, false}) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    Worker w = spawn_worker(isolate, {}, [&](const WorkerContext&) {
      // A grandchild in a session of its own, as a daemonising program makes: it holds the pipe's
      // write end, says it started, and sleeps for ever.
      if (::fork() == 0) {
        ::setsid();
        if (::fork() == 0) {
          ::close(p[0]);
          if (::write(p[1], "x", 1) != 1) ::_exit(1);
          for (;;) ::pause();
        }
        ::_exit(0);
      }
      char c;
      return std::string(::read(p[0], &c, 1) == 1 ? "started" : "no grandchild");
    });
    ::close(p[1]);
    EXPECT_EQ(finish_worker(w), "started");
    // Once the worker is done, nobody holds the pipe's write end: the grandchild is gone.
    char c;
    const auto began = std::chrono::steady_clock::now();
    ssize_t n = 1;
    while (n != 0 && std::chrono::steady_clock::now() - began < 5s) n = ::read(p[0], &c, 1);
    EXPECT_EQ(n, 0) << (isolate ? "with" : "without") << " namespaces, the grandchild outlived the scenario";
    ::close(p[0]);
  }
}
