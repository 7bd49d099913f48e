#pragma once
// threads.timers — the ways a thread waits for a point in time, behind one
// interface, each with how it computes its deadline:
//
//   Relative        "wake me `delay` from now": re-armed after every tick, so
//                   each tick's lateness shifts all later ones (the recursive
//                   timer: a handler that re-arms itself with a delay)
//   Absolute        "wake me at start + k * period": lateness does not carry
//   KernelPeriodic  the kernel keeps the period itself and counts expirations
//
//   start(first, period)        arms a kernel periodic timer (no-op elsewhere);
//                               stop() disarms it
//   wait(deadline, delay)       blocks until the deadline (Absolute) or for
//                               `delay` (Relative); Wake says how it ended
//   cancel() / reset()          cancellable methods: wake a pending wait early
//                               from another thread / clear that for the next
//
// Every clock here is CLOCK_MONOTONIC (std::chrono::steady_clock on Linux),
// the clock the kernel's timers use, so "fired early" is decided exactly.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace contend::timers {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Nanos = std::chrono::nanoseconds;

enum class Deadline { Relative, Absolute, KernelPeriodic };

struct Wake {
    bool cancelled = false;
    std::uint64_t expirations = 1;  // KernelPeriodic: periods elapsed since the last wait
};

inline void cpu_relax() {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

inline timespec to_timespec(Nanos d) {
    return {static_cast<time_t>(d.count() / 1'000'000'000),
            static_cast<long>(d.count() % 1'000'000'000)};
}

[[noreturn]] inline void fail(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// std::this_thread::sleep_for: nanosleep(2) for a relative time (restarted
// with the remainder after a signal, so it cannot be cancelled).
struct SleepFor {
    static constexpr Deadline deadline = Deadline::Relative;
    static constexpr bool cancellable = false;
    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint, Nanos delay) {
        std::this_thread::sleep_for(delay);
        return {};
    }
};

// std::this_thread::sleep_until: libstdc++ sleeps for (deadline - now) and
// checks again until the deadline has passed, so a deadline computed from
// the schedule (start + k * period) keeps lateness from accumulating.
struct SleepUntil {
    static constexpr Deadline deadline = Deadline::Absolute;
    static constexpr bool cancellable = false;
    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint at, Nanos) {
        std::this_thread::sleep_until(at);
        return {};
    }
};

// condition_variable::wait_until on steady_clock (pthread_cond_clockwait with
// CLOCK_MONOTONIC underneath): the timed wait that another thread can cut
// short. A spurious wake-up before the deadline waits again.
class CvWaitUntil {
  public:
    static constexpr Deadline deadline = Deadline::Absolute;
    static constexpr bool cancellable = true;
    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint at, Nanos) {
        std::unique_lock lock(mutex_);
        while (!cancelled_)
            if (cv_.wait_until(lock, at) == std::cv_status::timeout) break;
        // A cancel that arrived while the deadline passed still counts.
        return {cancelled_, 1};
    }
    void cancel() {
        {
            std::lock_guard lock(mutex_);
            cancelled_ = true;
        }
        cv_.notify_one();
    }
    void reset() {
        std::lock_guard lock(mutex_);
        cancelled_ = false;
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool cancelled_ = false;
};

// A timerfd, the kernel timer an event loop polls. One-shot: armed with a
// relative it_value before every wait, as a re-arming timer handler does.
// Cancellation: the waiter polls the timerfd and an eventfd; cancel() writes
// the eventfd.
class TimerfdOneshot {
  public:
    static constexpr Deadline deadline = Deadline::Relative;
    static constexpr bool cancellable = true;
    TimerfdOneshot() {
        timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        if (timer_ < 0) fail("timerfd_create");
        cancel_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (cancel_ < 0) fail("eventfd");
    }
    ~TimerfdOneshot() {
        close(timer_);
        close(cancel_);
    }
    TimerfdOneshot(const TimerfdOneshot&) = delete;
    TimerfdOneshot& operator=(const TimerfdOneshot&) = delete;

    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint, Nanos delay) {
        arm(delay, 0);
        return {false, read_expirations(timer_)};
    }
    Wake wait_cancellable(TimePoint, Nanos delay) {
        arm(delay, 0);
        pollfd fds[2] = {{timer_, POLLIN, 0}, {cancel_, POLLIN, 0}};
        while (poll(fds, 2, -1) < 0)
            if (errno != EINTR) fail("poll");
        // The eventfd is checked whatever poll reported: a cancel written
        // before the timer expired wins even if both are ready by now.
        std::uint64_t n = 0;
        if (read(cancel_, &n, sizeof n) == sizeof n) {
            arm(Nanos(0), 0);  // disarm
            return {true, 0};
        }
        return {false, read_expirations(timer_)};
    }
    void cancel() {
        const std::uint64_t one = 1;
        if (write(cancel_, &one, sizeof one) != sizeof one) fail("eventfd write");
    }
    void reset() {
        std::uint64_t n;
        (void)!read(cancel_, &n, sizeof n);  // drain a cancel that came after the expiry
        arm(Nanos(0), 0);
    }

  protected:
    // Relative when flags is 0; it_value 0 disarms.
    void arm(Nanos value, int flags, Nanos interval = Nanos(0)) {
        itimerspec spec{to_timespec(interval), to_timespec(value)};
        if (timerfd_settime(timer_, flags, &spec, nullptr) != 0) fail("timerfd_settime");
    }
    static std::uint64_t read_expirations(int fd) {
        std::uint64_t n = 0;
        while (read(fd, &n, sizeof n) != sizeof n)
            if (errno != EINTR) fail("timerfd read");
        return n;
    }
    int timer_ = -1;
    int cancel_ = -1;
};

// The same timerfd armed once, with an absolute first expiry and it_interval
// = period: the kernel keeps the schedule and read() returns how many
// periods elapsed (more than 1 when the reader was late: coalesced ticks).
class TimerfdPeriodic : private TimerfdOneshot {
  public:
    static constexpr Deadline deadline = Deadline::KernelPeriodic;
    static constexpr bool cancellable = false;
    void start(TimePoint first, Nanos period) {
        arm(first.time_since_epoch(), TFD_TIMER_ABSTIME, period);
    }
    Wake wait(TimePoint, Nanos) { return {false, read_expirations(timer_)}; }
    void stop() { arm(Nanos(0), 0); }
};

// Busy-waits on the clock until the deadline: the least late, and a whole
// CPU burnt for the whole delay. Cancelled through a flag it polls.
class SpinUntil {
  public:
    static constexpr Deadline deadline = Deadline::Absolute;
    static constexpr bool cancellable = true;
    void start(TimePoint, Nanos) {}
    Wake wait(TimePoint at, Nanos) {
        while (!cancelled_.load(std::memory_order_acquire)) {
            // The flag is read again after the clock says the deadline
            // passed, so a cancel made before the deadline always wins.
            if (Clock::now() >= at) return {cancelled_.load(std::memory_order_acquire), 1};
            cpu_relax();
        }
        return {true, 0};
    }
    void cancel() { cancelled_.store(true, std::memory_order_release); }
    void reset() { cancelled_.store(false, std::memory_order_relaxed); }

  private:
    std::atomic<bool> cancelled_{false};
};

// The cancel pattern's wait: the poll-based one where a method has it.
template <class M>
Wake wait_cancellable(M& m, TimePoint at, Nanos delay) {
    if constexpr (requires { m.wait_cancellable(at, delay); })
        return m.wait_cancellable(at, delay);
    else
        return m.wait(at, delay);
}

}  // namespace contend::timers
