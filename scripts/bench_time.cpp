// bench_time OUT CMD [ARG..]: runs CMD and writes to OUT one line
//   WALL_S USER_S SYS_S MAXRSS_KB
// with the times to the microsecond, from wait4(2)'s rusage of CMD alone
// (the measuring process is not counted). The exit status is CMD's (128 + N
// for a signal N). Used by scripts/bench instead of /usr/bin/time, which
// prints user and system time truncated to 10 ms: a metapool batch run takes
// ~0.08 s, so truncating both could hide up to a quarter of it.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_time OUT CMD [ARG..]\n");
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("bench_time: fork");
    return 2;
  }
  if (child == 0) {
    ::execvp(argv[2], argv + 2);
    std::perror("bench_time: exec");
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (::wait4(child, &status, 0, &usage) != child) {
    std::perror("bench_time: wait4");
    return 2;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::perror("bench_time: OUT");
    return 2;
  }
  std::fprintf(out, "%.6f %.6f %.6f %ld\n", wall, seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss);
  std::fclose(out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
