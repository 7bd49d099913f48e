#include "harness/isolation.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace contend {
namespace {

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(3);  // parent gone: nothing left to report to
        off += static_cast<std::size_t>(n);
    }
}

std::string signal_name(int sig) {
    if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

// Parses complete lines out of `buffer` into samples.
void take_lines(std::string& buffer, CaseOutcome& out) {
    std::size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
        auto line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded()) out.samples.push_back(std::move(j));
    }
}

}  // namespace

CaseOutcome run_in_child(const CaseWork& work, std::chrono::milliseconds timeout,
                         const std::function<bool()>& abort_now,
                         const std::function<std::string(int pid)>& stacks_of_hung) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + strerror(errno));
    std::fflush(nullptr);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    if (pid == 0) {
        // Child: Ctrl-C is for the parent, which stops after this case. If
        // the parent dies (kill -9, OOM), so does the child: a hung case
        // must never outlive the watchdog that was meant to kill it.
        signal(SIGINT, SIG_IGN);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(5);  // the parent died before prctl
        close(fds[0]);
        int status = 0;
        try {
            work([&](const nlohmann::json& sample) { write_all(fds[1], sample.dump() + "\n"); });
        } catch (const std::exception& e) {
            write_all(fds[1], nlohmann::json{{"error", e.what()}}.dump() + "\n");
            status = 4;
        }
        close(fds[1]);
        _exit(status);
    }
    close(fds[1]);
    CaseOutcome out;
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false, aborted = false;
    while (true) {
        if (abort_now && abort_now()) {
            aborted = true;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char chunk[65536];
        ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF: the child is done or dead
        buffer.append(chunk, static_cast<std::size_t>(n));
        take_lines(buffer, out);
    }
    if (timed_out && stacks_of_hung) out.stacks = stacks_of_hung(pid);
    if (timed_out || aborted) kill(pid, SIGKILL);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // An exception inside the child arrives as {"error": ...}.
    for (auto it = out.samples.begin(); it != out.samples.end();) {
        if (it->contains("error")) {
            out.status = "crashed";
            out.detail = "exception: " + (*it)["error"].get<std::string>();
            it = out.samples.erase(it);
        } else {
            ++it;
        }
    }
    if (aborted) {
        out.status = "crashed";
        out.detail = "interrupted: killed by a second Ctrl-C";
    } else if (timed_out) {
        out.status = "timeout";
        out.detail = "no completion within " + std::to_string(timeout.count()) +
                     " ms: killed by the watchdog (a hang, deadlock or lost wake-up)";
    } else if (WIFSIGNALED(status)) {
        out.status = "crashed";
        out.signal = signal_name(WTERMSIG(status));
        out.detail = "killed by " + *out.signal;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && out.status == "ok") {
        out.status = "crashed";
        out.detail = "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    return out;
}

CaseOutcome run_in_process(const CaseWork& work) {
    CaseOutcome out;
    try {
        work([&](const nlohmann::json& sample) { out.samples.push_back(sample); });
    } catch (const std::exception& e) {
        out.status = "crashed";
        out.detail = std::string("exception: ") + e.what();
    }
    return out;
}

}  // namespace contend
