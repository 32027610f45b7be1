// Files socklab writes as root into folders others may write to, and files it reads from a run's folder,
// which a program under test controls: never through a link planted there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace socklab::harness {

/// Writes `text` to `path` through a new file in the same folder, renamed over `path` when complete: a
/// link at `path` is replaced, never followed, and a reader never sees half a report. Throws
/// std::system_error naming the path.
void write_file_atomically(const std::string& path, std::string_view text);

/// The whole of a small text file (/proc, /sys, a cgroup's), "" when it cannot be read.
std::string read_text(const std::string& path);

/// How long the process `pid` has waited for a CPU while it could run, in all its threads (their
/// /proc/PID/task/TID/schedstat's second field), in nanoseconds; 0 when it is gone or the kernel keeps
/// no such count.
std::uint64_t runqueue_wait_ns(int pid);
/// The wait of one schedstat line ("CPU-NS WAIT-NS SLICES"), 0 when it is not one.
std::uint64_t schedstat_wait_ns(std::string_view line);

/// Writes `text` to the file `path`, which exists (a /proc or cgroup control file), in one write: false
/// when it cannot be opened or takes less.
bool write_existing(const std::string& path, std::string_view text);

/// The first `max` bytes of `relative` below the folder `dir`, opened without following any link and
/// without leaving `dir`; nullopt when there is no such regular file.
std::optional<std::string> read_beneath(const std::string& dir, const std::string& relative, std::size_t max);

}  // namespace socklab::harness
