#include "harness/stack_capture.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace contend {
namespace {

// The first of `names` found on PATH, or "".
std::string find_tool(const char* name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    return "";
}

constexpr std::size_t kMostStackBytes = 256 * 1024;  // a report stays readable

// What the fatal-signal handler needs, prepared before any trial runs:
// handlers may not allocate.
char g_path[512];
char g_tool[512];
bool g_gdb = false;
std::atomic<bool> g_dying{false};

void format_pid(char* out, pid_t pid) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + pid % 10);
        pid /= 10;
    } while (pid > 0);
    for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
    out[n] = '\0';
}

void on_fatal_signal(int sig) {
    g_dying.store(true, std::memory_order_relaxed);  // lock-free: safe in a handler
    const pid_t self = getpid();
    // Where Yama restricts ptrace to ancestors, allow the helper (a child).
    prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    const pid_t helper = fork();
    if (helper == 0) {
        const int fd = open(g_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
        }
        char pid_text[24];
        format_pid(pid_text, self);
        if (g_gdb)
            execl(g_tool, g_tool, "-p", pid_text, "-batch", "-ex", "thread apply all bt",
                  static_cast<char*>(nullptr));
        else
            execl(g_tool, g_tool, "-p", pid_text, static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait for it at most ~20 s: a stuck tool must not turn a crash into a hang.
    for (int i = 0; helper > 0 && i < 2000; ++i) {
        if (waitpid(helper, nullptr, WNOHANG) != 0) break;
        timespec ten_ms{0, 10'000'000};
        nanosleep(&ten_ms, nullptr);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

}  // namespace

std::string capture_stacks(int pid) {
    // Our own stacks: the tool is our child, not an ancestor, which Yama's
    // ptrace scope 1 refuses unless we allow it.
    if (pid == getpid()) prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    std::string tool = find_tool("eu-stack");
    std::string command;
    if (!tool.empty())
        command = "timeout 20 " + tool + " -p " + std::to_string(pid) + " 2>&1";
    else if (!(tool = find_tool("gdb")).empty())
        command = "timeout 30 " + tool + " -p " + std::to_string(pid) +
                  " -batch -ex 'thread apply all bt' 2>&1";
    else
        return "no stacks: neither eu-stack (elfutils) nor gdb is installed";
    FILE* p = popen(command.c_str(), "r");
    if (!p) return "no stacks: cannot run " + tool + ": " + std::strerror(errno);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        if (out.size() < kMostStackBytes) out.append(buf, n);
    const int status = pclose(p);
    if (out.empty())
        return "no stacks: " + tool + " printed nothing (status " + std::to_string(status) + ")";
    return out;
}

bool dying_of_fatal_signal() {
    return g_dying.load(std::memory_order_relaxed);
}

void dump_stacks_on_fatal_signal(const std::string& path) {
    std::string tool = find_tool("eu-stack");
    g_gdb = tool.empty();
    if (g_gdb) tool = find_tool("gdb");
    if (tool.empty() || path.size() >= sizeof g_path || tool.size() >= sizeof g_tool) return;
    std::memcpy(g_path, path.c_str(), path.size() + 1);
    std::memcpy(g_tool, tool.c_str(), tool.size() + 1);
    struct sigaction sa {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

}  // namespace contend
