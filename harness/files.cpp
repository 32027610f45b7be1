#include "files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <system_error>

#include "socket.hpp"

namespace socklab::harness {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint64_t schedstat_wait_ns(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  std::uint64_t ns = 0;
  const char* first = line.data() + space + 1;
  const auto [end, ec] = std::from_chars(first, line.data() + line.size(), ns);
  return ec == std::errc() && end != first ? ns : 0;
}

std::uint64_t runqueue_wait_ns(int pid) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    total += schedstat_wait_ns(read_text(it->path().string() + "/schedstat"));
  }
  return total;
}

bool write_existing(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

void write_file_atomically(const std::string& path, std::string_view text) {
  const std::filesystem::path target = std::filesystem::absolute(path);
  const std::string folder = target.parent_path().string();
  const int dir = ::open(folder.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  check_syscall("open the folder " + folder, dir);
  std::random_device random;
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
    temp = "." + target.filename().string() + ".socklab-" + std::to_string(random());
    fd = ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  }
  if (fd < 0) {
    const int e = errno;
    ::close(dir);
    throw_system_error("create a file in " + folder, e);
  }
  bool ok = true;
  for (std::size_t off = 0; ok && off < text.size();) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::renameat(dir, temp.c_str(), dir, target.filename().c_str()) != 0) {
    const int e = ok ? errno : saved;
    ::unlinkat(dir, temp.c_str(), 0);
    ::close(dir);
    throw_system_error("write " + target.string(), e);
  }
  ::close(dir);
}

std::optional<std::string> read_beneath(const std::string& dir, const std::string& relative, std::size_t max) {
  const int base = ::open(dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (base < 0) return std::nullopt;
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;  // a FIFO planted there must not block socklab
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, base, relative.c_str(), &how, sizeof how));
  if (fd < 0 && errno == ENOSYS) {  // before Linux 5.6: no link in the last part, no ".." anywhere
    fd = relative.find("..") == std::string::npos
             ? ::openat(base, relative.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
             : -1;
  }
  ::close(base);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  std::string out;
  char buf[65536];
  while (out.size() < max) {
    const ssize_t n = ::read(fd, buf, std::min(sizeof buf, max - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace socklab::harness
