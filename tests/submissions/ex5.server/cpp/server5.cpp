// socklab sample: broken -- a C++ echo server whose printf output is block-buffered on a pipe:
// nothing appears until the buffer fills or the program exits
// expect: fail ex5/tutorial-run
// expect-message: block-buffered
// expect-advice: ex5/tutorial-run: block-buffered
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

int main() {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(9999);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    perror("bind");
    return 1;
  }
  char buf[1024];
  for (;;) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) continue;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    printf("b'%.*s' ('%s', %d)\n", static_cast<int>(n), buf, ip, ntohs(from.sin_port));
    char reply[1100] = "Hello,";
    memcpy(reply + 6, buf, static_cast<size_t>(n));
    sendto(s, reply, static_cast<size_t>(n) + 6, 0, reinterpret_cast<sockaddr*>(&from), len);
  }
}
