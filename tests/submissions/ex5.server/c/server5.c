// socklab sample: correct -- the echo server in C: recvfrom, printf of the datagram and its sender
// (line-buffered: stdout is a pipe, not a terminal), sendto of "Hello," + the bytes. It prints
// "a from 127.0.0.1:40000", not Python's b'a' ('127.0.0.1', 40000): only the exact-output scenario fails
// expect: fail ex5/tutorial-log
// expect-message: print(data, addr)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(9999);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
    perror("bind");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (;;) {
    char buf[1024], reply[1030], ip[INET_ADDRSTRLEN];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (n < 0) continue;
    inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    printf("%.*s from %s:%d\n", (int)n, buf, ip, ntohs(from.sin_port));
    memcpy(reply, "Hello,", 6);
    memcpy(reply + 6, buf, (size_t)n);
    sendto(s, reply, (size_t)n + 6, 0, (struct sockaddr *)&from, len);
  }
}
