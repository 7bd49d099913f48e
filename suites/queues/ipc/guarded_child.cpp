#include "suites/queues/ipc/guarded_child.hpp"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <thread>

namespace contend::queues::ipc {

std::string ChildExit::describe() const {
    if (exited) return "exited with status " + std::to_string(code);
    std::string name = "signal " + std::to_string(signal);
    if (const char* abbrev = sigabbrev_np(signal)) name = std::string("SIG") + abbrev;
    return "killed by " + name + (killed_by_us ? " (it did not finish in time)" : "");
}

ChildExit child_exit_from_status(int status) {
    ChildExit e;
    if (WIFEXITED(status)) {
        e.exited = true;
        e.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        e.signal = WTERMSIG(status);
    }
    return e;
}

pid_t GuardedChild::fork_guarded() {
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) exit_now(kExitNoDeathSig);
        if (getppid() != parent) exit_now(kExitOrphaned);
    }
    return pid;
}

void GuardedChild::exit_now(int code) noexcept {
    _exit(code);
}

std::optional<ChildExit> GuardedChild::try_wait() {
    if (exit_ || pid_ < 0) return exit_;
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r == pid_) exit_ = child_exit_from_status(status);
    return exit_;
}

ChildExit GuardedChild::wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // Short sleeps first: a child that is about to exit costs microseconds,
    // a slow one at most a few ms of extra wait.
    auto nap = std::chrono::microseconds(20);
    while (!try_wait() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(nap);
        nap = std::min<std::chrono::microseconds>(nap * 2, std::chrono::milliseconds(5));
    }
    if (exit_) return *exit_;
    kill_now();
    exit_->killed_by_us = !exit_->exited && exit_->signal == SIGKILL;  // not if it beat the kill
    return *exit_;
}

ChildExit GuardedChild::kill_now() {
    if (pid_ < 0) return ChildExit{};
    if (!try_wait()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_ = child_exit_from_status(status);
    }
    return *exit_;
}

}  // namespace contend::queues::ipc
