#pragma once
// The measurement protocol every contended scenario shares (DESIGN.md, "The
// hot loop"), owned here once: a scenario supplies the operation, the harness
// runs the loop, the phases and the accounting.
//
//   spin barrier → warm-up → throughput window → latency phase → stop
//
// - Throughput window: operations run untimed. The operation's clock argument
//   is `Untimed`, whose now() is a constant, so every timestamp the scenario
//   writes compiles away: no counter read per operation. Each thread stores
//   its running count into its own cache line after every batch of ~kBatchNs
//   of work, and the coordinator snapshots every count at the window's two
//   edges, so an operation finishing after the stop is not counted (the
//   snapshot lags by under a batch at each edge: ~1e-5 of a 60 ms window).
//   A window that ends with no operation completed waits for the first one
//   (up to a bound) and records by how much it overran: an empty window on
//   a crowded machine is usually a worker the kernel did not run.
// - Latency phase: the same operation, a random 1 in N of them with a real
//   clock (`Timed`). N is chosen per thread so that timing costs at most
//   kTimingBudget of the operation, from the thread's own cost per operation
//   in the window and the measured cost of a counter read (or fixed by
//   --sample-every). Counts here are not throughput.
// - The phase word is read once per batch (once per operation in the warm-up,
//   whose rate sizes the batches); it is written four times per repetition,
//   so polling it is an L1 hit.
//
// An operation is a callable `op(clk)`; it returns void (one operation done)
// or a count of operations done (0: nothing, e.g. a failed try_pop); a signed
// count below 0 leaves the loop for good (a consumer that got its poison
// message, which must not block in the queue again).
// An operation that can wait (a full queue, a blocking pop) must give up when
// ctx.stopping(). ctx.in_window() says whether the batch it belongs to started
// inside the throughput window, for scenario figures counted per window.
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <new>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "harness/cache_line.hpp"
#include "harness/cycle_clock.hpp"
#include "harness/delays.hpp"
#include "harness/perturbation.hpp"
#include "harness/sample.hpp"
#include "harness/window_mark.hpp"

namespace contend {

// Work between two reads of the phase word in the window: short enough that
// the count the coordinator snapshots at each edge lags by a negligible
// amount, long enough to amortise the check.
inline constexpr double kBatchNs = 200;
inline constexpr std::uint64_t kMaxBatch = 256;
// Largest share of an operation's time that latency sampling may cost.
inline constexpr double kTimingBudget = 0.01;

// 1 in N for scenarios that stamp items inside their own loop (a pipeline's
// items, an IPC channel's messages) when --sample-every is auto: two counter
// reads per 64 items cost under 1 % of any item above ~25 ns, and theirs
// take hundreds.
inline constexpr std::uint32_t kFixedSampleEvery = 64;

enum class Phase : int { Waiting, Warmup, Measure, Latency, Stop };

// The clock an untimed operation gets: every read is the constant 0.
struct Untimed {
    static constexpr bool timed = false;
    std::uint64_t now() const noexcept { return 0; }
};

// A busy-work delay as an operation runs it (ThreadContext::delay): a sampled
// operation also times it, into the worker's record of achieved durations.
struct Delay {
    std::uint64_t ticks;  // spin_for's argument (prepare_delays)
    LatencyHistogram* achieved;

    template <class Clock>
    void operator()(Clock clk) const {
        if constexpr (Clock::timed) {
            if (ticks == 0) [[likely]]
                return;
            // Ordered reads: see cycle_clock::now_ordered. They count as
            // reads of the operation, so sampling budgets for them.
            clk.count_reads(2);
            const std::uint64_t t0 = cycle_clock::now_ordered();
            spin_ticks(ticks);
            achieved->record(cycle_clock::now_ordered() - t0);
        } else {
            spin_for(ticks);
        }
    }
};

// The clock a sampled operation gets: the cycle counter, counting its reads
// so the harness knows what timing one operation costs.
struct Timed {
    static constexpr bool timed = true;
    std::uint32_t* reads;
    std::uint64_t now() const noexcept {
        ++*reads;
        return cycle_clock::now();
    }
    void count_reads(std::uint32_t n) const noexcept { *reads += n; }
};

// A delay as a thread on the manual protocol runs it (ThreadContext::
// sampled_delay): it has no latency phase, so 1 in kFixedSampleEvery runs is
// timed into the worker's record of achieved durations (two counter reads
// per 64 delays: under 1 % of any delay above ~25 ns).
class SampledDelay {
  public:
    explicit SampledDelay(Delay d) : delay_(d) {}
    void operator()() {
        if (--countdown_ != 0) [[likely]] {
            delay_(Untimed{});
            return;
        }
        countdown_ = kFixedSampleEvery;
        std::uint32_t reads = 0;
        delay_(Timed{&reads});
    }

  private:
    Delay delay_;
    std::uint32_t countdown_ = kFixedSampleEvery;
};

// Per-thread bookkeeping on lines of its own (128 B: the adjacent-line
// prefetcher pairs lines). `published` is written by its thread only.
struct alignas(2 * kCacheLine) ThreadSlot {
    std::atomic<std::uint64_t> published{0};     // operations completed so far, all phases
    std::uint64_t snap_start = 0, snap_end = 0;  // coordinator's snapshots of `published`
    // The thread's own marks at the window's edges; its `ops` is what the
    // manual protocol counted (end_window), unused when counts are published.
    WindowSpan window;
    // Set by the manual protocol's begin_window(): this thread counts its own
    // operations and publishes none, so the coordinator cannot see it progress.
    std::atomic<bool> self_counting{false};
    std::uint32_t sample_every = 0;  // N used in the latency phase (0: phase not reached)
    bool pinned_ok = true;
    ThreadDelays delays;
    // Stress mode only (StressedContext): when the operation in flight began,
    // in cycle-counter ticks (0: none in flight), for the stall watch.
    std::atomic<std::uint64_t> op_since{0};
};

struct TeamConfig {
    int threads = 1;
    std::int64_t warmup_ns = 0, duration_ns = 0;
    std::vector<int> thread_cpus{};  // empty: unpinned
    double ticks_per_ns = 1;         // cycle-clock calibration
    // Latency phase after the window; 0 skips it (no latency figures).
    std::int64_t latency_ns = 0;
    std::uint32_t sample_every = 0;  // 1 in N timed in the latency phase; 0: chosen per thread
    double timer_overhead_ns = 0;    // cost of one counter read, for choosing N
    // Busy-work delays the operation runs through ctx.delay(i)(clk), in this
    // order; each worker checks the run's calibration on its own CPU before
    // the barrier (prepare_delays).
    std::vector<DelayRequest> delays{};
    // Called by the coordinator about every `tick_ns` with the workers' slots
    // (e.g. to sample a queue's occupancy from their published counts); must
    // be cheap and not block. It runs in the latency phase, so it perturbs no
    // throughput figure; a team without one (latency_ns 0) ticks in the window.
    std::function<void(const std::vector<ThreadSlot>&)> tick{};
    std::int64_t tick_ns = 1'000'000;
    // Stress mode (`contend stress`): perturb every thread around each
    // operation (perturbation.hpp). Null in every benchmark run.
    const Perturbation* perturb = nullptr;
    // Stress mode's stall detector: whether what `thread` waits for inside
    // its operation is there now (the lock is free; an item for a consumer,
    // room for a producer), judged from the slots' published counts and the
    // scenario's own state. The coordinator asks only at quiet instants, when
    // no other thread is running inside an operation, so every count is
    // published and no holder is between taking a lock and marking it. A
    // thread that stays asleep in its operation, not woken once, while the
    // answer stays yes for stall_ns, is a lost wake-up, even if a later event
    // would rescue it. Unset: no stall watch.
    std::function<bool(int thread, const std::vector<ThreadSlot>&)> available{};
    std::int64_t stall_ns = 2'000'000;
    // Called once, by the coordinator, with the stall watch's first finding;
    // `stopped`: after the stop, so the stalled thread will never return
    // (no rescue is coming) and the process cannot finish the case.
    std::function<void(const std::string& what, bool stopped)> on_stall{};
    // Called by the coordinator right after the stop flag is set, before the
    // workers are joined: wakes threads blocked inside a primitive (e.g. by
    // pushing one poison message per blocked consumer).
    std::function<void()> after_stop{};
};

// Whether TeamConfig::tick may run: only with a CPU to spare beside the
// workers, where waking the coordinator preempts nobody.
bool spare_cpu_for_ticks(const TeamConfig& cfg);
// What a scenario says about figures the tick would have measured, when it
// could not run.
inline constexpr const char* kNoTickReason =
    "not sampled: no CPU to spare beside the workers, and the sampler would preempt one";

struct CaseConfig;
// The team a case asks for: its threads, phases, pinning and sampling.
TeamConfig team_config(const CaseConfig& c);

// N for 1-in-N sampling: timing `reads` counter reads of `overhead_ns` each
// must cost at most kTimingBudget of an operation of `ns_per_op`.
std::uint32_t choose_sample_every(double ns_per_op, double overhead_ns, std::uint32_t reads);

class ThreadContext {
  public:
    ThreadContext(int tid, std::atomic<Phase>& phase, std::atomic<int>& arrived, ThreadSlot& slot,
                  const TeamConfig& cfg)
        : tid_(tid), phase_(phase), arrived_(arrived), slot_(slot), cfg_(cfg) {}
    int tid() const { return tid_; }
    bool stopping() const { return phase() == Phase::Stop; }
    bool in_window() const { return in_window_; }

    // Delay `i` of TeamConfig::delays as this worker runs it: fetch it once,
    // outside the operation, so the loop keeps its count in a register.
    Delay delay(std::size_t i) const { return {slot_.delays.ticks[i], &slot_.delays.achieved[i]}; }
    // The same for a thread on the manual protocol, which times a share of
    // its delays itself (see SampledDelay).
    SampledDelay sampled_delay(std::size_t i) const { return SampledDelay(delay(i)); }

    // Runs the protocol; returns the operations this thread completed in all
    // phases (what a scenario's validation counts against).
    template <class Op>
    std::uint64_t run(Op&& op) {
        wait_start();
        std::uint64_t n = 0;
        // Warm-up: one operation per phase check, each published, while the
        // cost of an operation is learnt (it sizes the window's batches).
        while (!left_ && phase() == Phase::Warmup)
            if (one(op, n, Untimed{})) publish(n);
        // Throughput window: untimed, batches of about kBatchNs of work, so the
        // compiler keeps the loop in registers between two publications.
        const std::uint64_t batch = batch_size(n);
        enter_window();
        window_first_ = n;
        while (!left_ && phase() == Phase::Measure) {
            for (std::uint64_t i = 0; i < batch; ++i)
                if (!one(op, n, Untimed{})) break;
            publish(n);
        }
        end_window_counted(n);
        if (!left_ && phase() == Phase::Latency) sampled(op, n, batch);
        publish(n);
        return n;
    }

    // One more operation after run() returned, e.g. a blocking consumer
    // taking what is left until its poison. It returns what it moved (0 or
    // 1); the measured context ignores that, the stressed one watches the
    // operation for stalls and publishes the count.
    template <class Op>
    void after_run(Op&& op) {
        op();
    }

    // The manual protocol, for scenarios whose threads are not one repeated
    // operation (a pipeline stage that forwards, a philosopher the deadlock
    // detector watches, a writer whose every wait is timed): they mark the
    // window themselves, report their own count, and get no latency phase.
    void wait_start();  // arrive at the barrier and spin until released
    bool warming() const { return phase() == Phase::Warmup; }
    bool measuring() const { return phase() == Phase::Measure; }
    void begin_window();                 // waits out the warm-up, snapshots CPU time
    void end_window(std::uint64_t ops);  // snapshots CPU time, records the count

  protected:
    void enter_window();                       // begin_window of run(): counts are published
    void end_window_counted(std::uint64_t n);  // end_window of run(): counts were published
    Phase phase() const { return phase_.load(std::memory_order_relaxed); }

    void publish(std::uint64_t n) { slot_.published.store(n, std::memory_order_relaxed); }

    // Operations per batch: about kBatchNs of work at the warm-up's rate
    // (1 when the warm-up finished none, e.g. every operation blocks).
    std::uint64_t batch_size(std::uint64_t warmup_ops) const;

    // One operation: adds what it did to n. False when the operation asked
    // to leave (a signed result below 0).
    template <class Op, class Clock>
    bool one(Op& op, std::uint64_t& n, Clock clk) {
        using R = decltype(op(clk));
        if constexpr (std::is_void_v<R>) {
            op(clk);
            ++n;
        } else if constexpr (std::is_signed_v<R>) {
            const R r = op(clk);
            if (r < 0) {
                left_ = true;
                return false;
            }
            n += static_cast<std::uint64_t>(r);
        } else {
            n += static_cast<std::uint64_t>(op(clk));
        }
        return true;
    }

    // The latency phase: a random 1 in N operations timed. The countdown is
    // drawn uniformly from 1..2N-1 (mean N) so sampling cannot lock onto a
    // period of the workload.
    template <class Op>
    void sampled(Op& op, std::uint64_t& n, std::uint64_t batch) {
        std::uint32_t reads = 0, reads_per_op = 3;  // until a timed operation says otherwise
        std::uint32_t every = sample_every(reads_per_op);
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(tid_ + 1);
        auto draw = [&] {
            rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
            return 1 + rng % (2 * std::uint64_t{every} - 1);
        };
        std::uint64_t countdown = draw();
        while (!left_ && phase() == Phase::Latency) {
            for (std::uint64_t i = 0; i < batch && !left_; ++i) {
                if (--countdown != 0) {
                    one(op, n, Untimed{});
                    continue;
                }
                reads = 0;
                one(op, n, Timed{&reads});
                if (reads != reads_per_op && reads != 0) {
                    reads_per_op = reads;
                    every = sample_every(reads_per_op);
                }
                countdown = draw();
            }
            publish(n);
        }
        slot_.sample_every = every;
    }

    std::uint32_t sample_every(std::uint32_t reads_per_op) const;

    int tid_;
    std::atomic<Phase>& phase_;
    std::atomic<int>& arrived_;
    ThreadSlot& slot_;
    const TeamConfig& cfg_;
    bool in_window_ = false;
    bool left_ = false;                                 // the operation asked to leave the loop
    std::uint64_t window_first_ = 0, window_last_ = 0;  // own counts at the window's edges
};

}  // namespace contend
