#pragma once
// threads.pool bookkeeping: one TaskSlot per thread that submits or runs
// tasks, found through a thread_local binding. The pools' worker threads are
// not ours (oneTBB's and asio's), so a worker claims a slot the first time
// it runs one of the run's tasks; the binding carries the run's id, because
// TBB's workers outlive a pool and would otherwise keep a slot of an earlier
// run. Every figure in a slot is written by its owner only (no shared
// counter on the task path); others read the atomics. The task's busy work
// is timed the same way: 1 in kFixedSampleEvery runs, into the slot of the
// thread that ran it (SampledDelay), reported through report_delays.
#include <pthread.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "harness/delays.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/thread_team.hpp"

namespace contend::pool {

// CPU time and context switches of one thread, read from any thread of the
// process: its CPU-time clock and /proc/self/task/<tid>/status.
struct ThreadUsage {
    std::uint64_t cpu_ns = 0;
    std::int64_t voluntary_cs = 0, involuntary_cs = 0;
    bool read = false;  // the thread was still there to read (a pool may end one early)
};

inline ThreadUsage read_usage(clockid_t clock, pid_t tid) {
    ThreadUsage u;
    timespec ts{};
    if (clock_gettime(clock, &ts) == 0)
        u.cpu_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
                   static_cast<std::uint64_t>(ts.tv_nsec);
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%d/status", static_cast<int>(tid));
    if (FILE* f = std::fopen(path, "r")) {
        u.read = true;
        char line[256];
        long long v = 0;
        while (std::fgets(line, sizeof line, f)) {
            if (std::sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1) u.voluntary_cs = v;
            if (std::sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1)
                u.involuntary_cs = v;
        }
        std::fclose(f);
    }
    return u;
}

// Splitmix64's finaliser: the exactly-once check sums a hash of every task's
// sequence number beside the plain sum, so a lost task cannot hide behind a
// duplicated one.
inline constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Adds one to a counter that only its owner writes: no locked instruction.
inline void owner_increment(std::atomic<std::uint64_t>& c,
                            std::memory_order order = std::memory_order_relaxed) noexcept {
    c.store(c.load(std::memory_order_relaxed) + 1, order);
}

struct alignas(128) TaskSlot {
    // Read by others while the run goes on.
    std::atomic<std::uint64_t> completed{0};  // tasks this thread ran, every phase
    // Tasks this thread completed per origin submitter (its in-flight budget),
    // released after the task's own accounting so a reader sees both.
    std::unique_ptr<std::atomic<std::uint64_t>[]> done_for;
    std::atomic<bool> ready{false};  // identity below is set
    // Tasks this thread handed to the pool (submitted or spawned), counted
    // once submit() or spawn() has returned, wake-up included: the stress
    // stall watch's "tasks outstanding" is these minus `completed`.
    std::atomic<std::uint64_t> handed{0};
    // Stress mode only: the thread is inside the pool's submit() or spawn().
    // A wake-up may be in progress there (glibc's pthread_cond_signal can
    // itself wait for woken waiters to leave), so the stall watch judges no
    // instant at which one is set.
    std::atomic<bool> in_pool_call{false};

    // Identity, written by the owner before `ready`.
    bool submitter = false;
    clockid_t cpu_clock{};
    pid_t tid = 0;
    std::uint64_t seq_base = 0;

    // Owner only until the run is over.
    std::uint64_t next_seq = 0;
    std::uint64_t submitted = 0, submitted_measured = 0, submitted_sum = 0, submitted_hash = 0;
    std::uint64_t completed_sum = 0, completed_hash = 0;
    std::uint64_t wait_ticks = 0;            // submitters: waiting for room in the window
    std::uint64_t reserved = 0;              // submitters: tasks started (trees counted whole)
    LatencyHistogram to_start, to_complete;  // tasks submitted in the window
    LatencyHistogram handoff;                // the hand-off probe's tasks
    // The task's busy work as this thread runs it, and its record.
    ThreadDelays delays;
    SampledDelay task{Delay{0, nullptr}};

    // The window, written by the coordinator once the slot is ready.
    ThreadUsage start, end;
    std::uint64_t completed_at_start = 0, completed_at_end = 0;
};

// Which run's slot the calling thread holds.
struct SlotBinding {
    std::uint64_t run = 0;
    TaskSlot* slot = nullptr;
};

// The slots of one run and the binding of threads to them. `task`: the
// task's busy work, prepared (prepare_delays) as the only delay.
class SlotTable {
  public:
    SlotTable(int capacity, int submitters, const ThreadDelays& task)
        : id_(next_id().fetch_add(1, std::memory_order_relaxed)),
          capacity_(capacity),
          slots_(new TaskSlot[static_cast<std::size_t>(capacity)]) {
        for (int i = 0; i < capacity; ++i) {
            TaskSlot& s = slots_[i];
            s.done_for.reset(new std::atomic<std::uint64_t>[submitters]());
            s.delays = task;
            s.task = SampledDelay(Delay{task.ticks[0], &s.delays.achieved[0]});
        }
    }

    // The calling thread's slot, claimed on first use.
    TaskSlot& mine(bool submitter = false) {
        if (binding_.run == id_) return *binding_.slot;
        const int i = claimed_.fetch_add(1, std::memory_order_acq_rel);
        if (i >= capacity_) {
            // More threads ran tasks than the pool has workers and submitters:
            // the pool broke its thread limit. Fail loudly rather than share a slot.
            std::fprintf(stderr, "threads.pool: more than %d threads ran tasks\n", capacity_);
            std::abort();
        }
        TaskSlot& s = slots_[i];
        s.submitter = submitter;
        s.tid = gettid();
        if (pthread_getcpuclockid(pthread_self(), &s.cpu_clock) != 0)
            s.cpu_clock = CLOCK_THREAD_CPUTIME_ID;
        s.seq_base = static_cast<std::uint64_t>(i) << 40;
        s.start = read_usage(s.cpu_clock, s.tid);
        s.ready.store(true, std::memory_order_release);
        binding_ = {id_, &s};
        return s;
    }

    int claimed() const noexcept {
        const int n = claimed_.load(std::memory_order_acquire);
        return n < capacity_ ? n : capacity_;
    }
    TaskSlot& operator[](int i) noexcept { return slots_[i]; }

  private:
    static inline thread_local SlotBinding binding_{};
    static std::atomic<std::uint64_t>& next_id() {
        static std::atomic<std::uint64_t> id{1};
        return id;
    }

    std::uint64_t id_;
    int capacity_;
    std::unique_ptr<TaskSlot[]> slots_;
    alignas(128) std::atomic<int> claimed_{0};
};

}  // namespace contend::pool
