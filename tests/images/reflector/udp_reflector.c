/* udp_reflector: a tiny static UDP tool for NAT tests (no libc beyond sockets; IPv4 and IPv6).
 *
 * Every LOCAL below is "PORT" (any address) or "IP:PORT" / "[IPv6]:PORT" (bound to that address).
 *
 *   udp_reflector LOCAL
 *       serve: answer every datagram with "IP:PORT" of the sender as seen here (IPv6 as [IP]:PORT).
 *   udp_reflector probe LOCAL HOST:PORT [HOST:PORT...]
 *       send from one socket bound to LOCAL to each destination in turn and print the
 *       reflected mapping, one line per destination ("timeout" after 3 tries, 1 s apart).
 *   udp_reflector listen-once LOCAL TIMEOUT_S
 *       wait for one datagram on LOCAL, print "FROM_IP:FROM_PORT PAYLOAD", answer "ok", exit 0;
 *       exit 1 on timeout.
 *   udp_reflector send LOCAL HOST:PORT PAYLOAD
 *       send one datagram from LOCAL and print the first answer ("timeout" after 3 tries).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int parse_port(const char* s) {
  char* end = NULL;
  long p = strtol(s, &end, 10);
  if (!*s || *end || p < 0 || p > 65535) {
    fprintf(stderr, "bad port: %s\n", s);
    exit(2);
  }
  return (int)p;
}

/* Parses "1.2.3.4:5" or "[fd00::1]:5" into a sockaddr_in6 (IPv4 as v4-mapped). */
static int parse_endpoint(const char* text, struct sockaddr_in6* out) {
  char host[128];
  const char* colon = strrchr(text, ':');
  if (!colon || (size_t)(colon - text) >= sizeof(host)) return -1;
  memcpy(host, text, colon - text);
  host[colon - text] = 0;
  memset(out, 0, sizeof(*out));
  out->sin6_family = AF_INET6;
  out->sin6_port = htons(parse_port(colon + 1));
  if (host[0] == '[') {
    size_t n = strlen(host);
    if (n < 2 || host[n - 1] != ']') return -1;
    host[n - 1] = 0;
    return inet_pton(AF_INET6, host + 1, &out->sin6_addr) == 1 ? 0 : -1;
  }
  struct in_addr v4;
  if (inet_pton(AF_INET, host, &v4) != 1) return -1;
  out->sin6_addr.s6_addr[10] = 0xff;
  out->sin6_addr.s6_addr[11] = 0xff;
  memcpy(&out->sin6_addr.s6_addr[12], &v4, 4);
  return 0;
}

static void format_endpoint(const struct sockaddr_in6* a, char* buf, size_t len) {
  char ip[INET6_ADDRSTRLEN];
  if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
    inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], ip, sizeof(ip));
    snprintf(buf, len, "%s:%d", ip, ntohs(a->sin6_port));
  } else {
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
    snprintf(buf, len, "[%s]:%d", ip, ntohs(a->sin6_port));
  }
}

/* Binds a dual-stack socket to "PORT" (any address) or "IP:PORT" / "[IPv6]:PORT". */
static int bound_socket(const char* spec) {
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  int zero = 0, one = 1;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in6 local;
  memset(&local, 0, sizeof(local));
  if (strchr(spec, ':')) {
    if (parse_endpoint(spec, &local) != 0) {
      fprintf(stderr, "bad local endpoint: %s\n", spec);
      exit(2);
    }
  } else {
    local.sin6_family = AF_INET6;
    local.sin6_addr = in6addr_any;
    local.sin6_port = htons(parse_port(spec));
  }
  if (bind(fd, (struct sockaddr*)&local, sizeof(local)) != 0) {
    perror("bind");
    exit(1);
  }
  return fd;
}

static void set_timeout(int fd, int seconds) {
  struct timeval tv = {seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Answers from the address each datagram was sent to (IP_PKTINFO/IPV6_PKTINFO echoed back), so
 * a reflector bound to any address on a multi-homed host replies from the right one. */
static void serve(const char* spec) {
  int fd = bound_socket(spec);
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
  setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
  char buf[2048], reply[128];
  union {
    char bytes[256];
    struct cmsghdr align;
  } control;
  for (;;) {
    struct sockaddr_in6 from;
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof(control.bytes);
    if (recvmsg(fd, &msg, 0) < 0) continue;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo* info = (struct in_pktinfo*)CMSG_DATA(c);
        info->ipi_spec_dst = info->ipi_addr;
        info->ipi_ifindex = 0;
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        ((struct in6_pktinfo*)CMSG_DATA(c))->ipi6_ifindex = 0;
      }
    }
    format_endpoint(&from, reply, sizeof(reply));
    iov.iov_base = reply;
    iov.iov_len = strlen(reply);
    msg.msg_flags = 0;
    sendmsg(fd, &msg, 0);
  }
}

/* Sends `payload` to `dest` and prints the first answer from that destination (3 tries). */
static void exchange(int fd, const char* dest_text, const char* payload) {
  struct sockaddr_in6 dest;
  if (parse_endpoint(dest_text, &dest) != 0) {
    fprintf(stderr, "bad endpoint: %s\n", dest_text);
    exit(2);
  }
  char buf[2048];
  for (int attempt = 0; attempt < 3; ++attempt) {
    sendto(fd, payload, strlen(payload), 0, (struct sockaddr*)&dest, sizeof(dest));
    for (;;) {
      struct sockaddr_in6 from;
      socklen_t fromlen = sizeof(from);
      ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr*)&from, &fromlen);
      if (n < 0) break; /* timeout: try again */
      /* A late answer to an earlier destination or attempt is not this one's. */
      if (from.sin6_port != dest.sin6_port ||
          memcmp(&from.sin6_addr, &dest.sin6_addr, sizeof(dest.sin6_addr)) != 0)
        continue;
      buf[n] = 0;
      printf("%s\n", buf);
      fflush(stdout);
      return;
    }
  }
  printf("timeout\n");
  fflush(stdout);
}

static int probe(int argc, char** argv) {
  int fd = bound_socket(argv[2]);
  set_timeout(fd, 1);
  for (int i = 3; i < argc; ++i) exchange(fd, argv[i], "probe");
  return 0;
}

static int send_one(char** argv) {
  int fd = bound_socket(argv[2]);
  set_timeout(fd, 1);
  exchange(fd, argv[3], argv[4]);
  return 0;
}

static int listen_once(const char* spec, int timeout) {
  int fd = bound_socket(spec);
  set_timeout(fd, timeout);
  char buf[2048], from_text[128];
  struct sockaddr_in6 from;
  socklen_t fromlen = sizeof(from);
  ssize_t n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr*)&from, &fromlen);
  if (n < 0) {
    printf("timeout\n");
    return 1;
  }
  buf[n] = 0;
  format_endpoint(&from, from_text, sizeof(from_text));
  printf("%s %s\n", from_text, buf);
  fflush(stdout);
  sendto(fd, "ok", 2, 0, (struct sockaddr*)&from, fromlen);
  return 0;
}

static int usage(void) {
  fprintf(stderr,
          "usage: udp_reflector LOCAL                 (LOCAL: PORT | IP:PORT | [IPv6]:PORT)\n"
          "       udp_reflector probe LOCAL HOST:PORT [HOST:PORT...]\n"
          "       udp_reflector listen-once LOCAL TIMEOUT_S\n"
          "       udp_reflector send LOCAL HOST:PORT PAYLOAD\n");
  return 2;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 2) serve(argv[1]);
  if (argc >= 4 && strcmp(argv[1], "probe") == 0) return probe(argc, argv);
  if (argc == 4 && strcmp(argv[1], "listen-once") == 0) return listen_once(argv[2], atoi(argv[3]));
  if (argc == 5 && strcmp(argv[1], "send") == 0) return send_one(argv);
  return usage();
}
