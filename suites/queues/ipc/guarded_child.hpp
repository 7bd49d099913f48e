#pragma once
// A forked child that can neither outlive its parent nor be left a zombie —
// the process half of "an inter-process case leaves nothing behind".
//
// Outliving: the child's first act is prctl(PR_SET_PDEATHSIG, SIGKILL), so
// the kernel kills it when its parent dies, however the parent dies (the
// case's watchdog SIGKILLs hung cases). The signal would never come if the
// parent died between fork() and the prctl(), so the child then checks that
// getppid() is still the pid that forked it and exits at once if not. Linux
// ties PDEATHSIG to the *thread* that forked, so spawn() from a thread that
// lives until the child has been reaped (run_ipc_throughput's calling thread).
//
// Zombies: wait() reaps within a bounded time — past it the child is
// SIGKILLed and then reaped — and the destructor of a child never waited for
// (an exception, an early return) does the same, so every fork is matched by
// a waitpid().
//
// The child runs body() and leaves with _exit(): no atexit handlers, no
// static destructors, no second flush of stdio buffers it inherited. Fork
// while the process has one thread (the child then may allocate; glibc's
// fork keeps malloc consistent, but other threads' locks would be copied
// held).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace contend::queues::ipc {

struct ChildExit {
    bool exited = false;  // normal exit (code valid); else killed by `signal`
    int code = 0;
    int signal = 0;
    bool killed_by_us = false;  // it overran the wait and was SIGKILLed

    bool clean() const noexcept { return exited && code == 0; }
    std::string describe() const;  // "exited with status 3", "killed by SIGSEGV", ...
};

class GuardedChild {
  public:
    static constexpr int kExitOrphaned = 120;    // parent died before PDEATHSIG was armed
    static constexpr int kExitNoDeathSig = 121;  // prctl failed
    static constexpr int kExitException = 122;   // body() threw

    // Forks; the child runs `body` (returning its exit status) and never
    // returns from here. Throws std::system_error if fork fails.
    template <class Body>
    static GuardedChild spawn(Body&& body) {
        const pid_t pid = fork_guarded();
        if (pid == 0) {
            int code = kExitException;
            try {
                code = std::forward<Body>(body)();
            } catch (...) {
            }
            exit_now(code);
        }
        return GuardedChild(pid);
    }

    GuardedChild(GuardedChild&& o) noexcept
        : pid_(std::exchange(o.pid_, -1)), exit_(std::move(o.exit_)) {}
    GuardedChild& operator=(GuardedChild&&) = delete;
    GuardedChild(const GuardedChild&) = delete;
    GuardedChild& operator=(const GuardedChild&) = delete;
    ~GuardedChild() { kill_now(); }

    pid_t pid() const noexcept { return pid_; }
    // The exit if the child has ended (reaping it), else nothing. Never blocks.
    std::optional<ChildExit> try_wait();
    // Waits up to `timeout` for the child to end, then SIGKILLs and reaps it.
    ChildExit wait(std::chrono::milliseconds timeout);
    // SIGKILL (if still running) and reap.
    ChildExit kill_now();

  private:
    explicit GuardedChild(pid_t pid) noexcept : pid_(pid) {}
    static pid_t fork_guarded();  // 0 in the child, with PDEATHSIG armed
    [[noreturn]] static void exit_now(int code) noexcept;

    pid_t pid_ = -1;
    std::optional<ChildExit> exit_;
};

// Turns a waitpid() status into a ChildExit.
ChildExit child_exit_from_status(int status);

}  // namespace contend::queues::ipc
