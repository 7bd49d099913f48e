// Cost of single atomic operations on a 64-bit word, in two cache states.
//
// private: the word sits alone on a 64-byte line that only the benchmark
// thread touches, so after the first iteration the line is Modified in this
// core's L1 and each operation costs its own latency/fence, nothing more.
// On x86-64 every locked RMW is a full barrier, so fetch_add relaxed and
// seq_cst should match there; they differ on AArch64 (ldadd vs ldaddal).
// A seq_cst store is a store plus a full fence (xchg or mov+mfence), a
// release store a plain mov: the pair shows what the fence costs.
//
// contended: a background thread fetch_adds the same line in a tight loop, so
// nearly every operation of the benchmark thread finds the line in the other
// core's cache and must pull it back (a coherence miss, the cost a contended
// lock word or queue index pays). This needs at least two CPUs to mean
// anything: on one CPU the writer and the benchmark thread time-share a core,
// the line never moves, and the figure is the scheduler's. The CPUs available
// are reported as counters["cpus"] so a reader can tell; bg_writes_per_op
// shows that the writer really ran during the measurement (approximate: it
// includes the writer's ramp-up before the timed loop and after it).
//
// The writer is started outside the timing loop, by the first benchmark
// thread only, and the loop starts only once the writer has written at least
// once; it is stopped and joined after the loop. Its stop flag is on its own
// line so that polling it does not add traffic to the measured line.
//
// The compiler is kept honest by DoNotOptimize on every loaded/returned
// value and on the word after stores (the empty asm claims to read it, so a
// store cannot be merged with the next one or dropped).
#include <benchmark/benchmark.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "suites/micro/micro_suite.hpp"

namespace contend {
namespace {

struct alignas(64) Line {
    std::atomic<std::uint64_t> word{0};
};
static_assert(sizeof(Line) == 64);

struct alignas(64) Flag {
    std::atomic<bool> value{false};
};

int available_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
    return static_cast<int>(std::thread::hardware_concurrency());
}

// A thread that keeps the line Modified in another core's cache.
class BackgroundWriter {
  public:
    explicit BackgroundWriter(Line& line) : line_(line) {
        thread_ = std::thread([this] {
            std::uint64_t writes = 0;
            while (!stop_.value.load(std::memory_order_relaxed)) {
                line_.word.fetch_add(1, std::memory_order_relaxed);
                if (++writes == 1) started_.value.store(true, std::memory_order_release);
            }
            writes_ = writes;
        });
        while (!started_.value.load(std::memory_order_acquire)) std::this_thread::yield();
    }
    BackgroundWriter(const BackgroundWriter&) = delete;
    BackgroundWriter& operator=(const BackgroundWriter&) = delete;
    ~BackgroundWriter() { stop(); }

    // Returns how many writes the thread made.
    std::uint64_t stop() {
        if (thread_.joinable()) {
            stop_.value.store(true, std::memory_order_relaxed);
            thread_.join();
        }
        return writes_;
    }

  private:
    Line& line_;
    Flag stop_;
    Flag started_;
    std::uint64_t writes_ = 0;  // written by the thread before join, read after
    std::thread thread_;
};

enum class Where { private_line, contended };

// Op is called once per iteration with the word and the iteration's value.
template <class Op>
void run_atomic(benchmark::State& state, Where where, Op op) {
    auto line = std::make_unique<Line>();
    std::unique_ptr<BackgroundWriter> writer;
    if (where == Where::contended && state.thread_index() == 0) {
        writer = std::make_unique<BackgroundWriter>(*line);
    }
    std::uint64_t i = line->word.load(std::memory_order_relaxed);
    for (auto _ : state) {
        op(line->word, i);
        ++i;
    }
    if (writer) {
        const std::uint64_t writes = writer->stop();
        state.counters["cpus"] = available_cpus();
        state.counters["bg_writes_per_op"] =
            state.iterations() > 0 ? static_cast<double>(writes) / state.iterations() : 0.0;
    }
    state.SetItemsProcessed(state.iterations());
}

using Word = std::atomic<std::uint64_t>;

void load_acquire(Word& w, std::uint64_t) {
    benchmark::DoNotOptimize(w.load(std::memory_order_acquire));
}
void store_release(Word& w, std::uint64_t i) {
    w.store(i, std::memory_order_release);
    benchmark::DoNotOptimize(w);
}
void store_seq_cst(Word& w, std::uint64_t i) {
    w.store(i, std::memory_order_seq_cst);
    benchmark::DoNotOptimize(w);
}
void fetch_add_relaxed(Word& w, std::uint64_t) {
    benchmark::DoNotOptimize(w.fetch_add(1, std::memory_order_relaxed));
}
void fetch_add_seq_cst(Word& w, std::uint64_t) {
    benchmark::DoNotOptimize(w.fetch_add(1, std::memory_order_seq_cst));
}
void exchange(Word& w, std::uint64_t i) {
    benchmark::DoNotOptimize(w.exchange(i, std::memory_order_seq_cst));
}

// compare_exchange_strong. Private: `expected` always holds the current value
// (nothing else writes the word), so every attempt succeeds and this is the
// success path. Contended: one attempt per iteration with `expected` taken
// from the previous attempt (on failure the CAS hands back what it saw), so
// this is the cost of one attempt, success or not; the success rate is
// reported because a failed CAS is not progress.
template <Where W>
void bm_cas(benchmark::State& state) {
    std::uint64_t successes = 0;
    std::uint64_t expected = 0;
    run_atomic(state, W, [&](Word& w, std::uint64_t) {
        const bool ok =
            w.compare_exchange_strong(expected, expected + 1, std::memory_order_seq_cst);
        if (ok) ++expected;
        successes += ok;
        benchmark::DoNotOptimize(expected);
    });
    if constexpr (W == Where::contended) {
        state.counters["cas_success_rate"] =
            state.iterations() > 0
                ? static_cast<double>(successes) / static_cast<double>(state.iterations())
                : 0.0;
    }
}

template <Where W, void (*Op)(Word&, std::uint64_t)>
void bm_op(benchmark::State& state) {
    run_atomic(state, W, Op);
}

template <void (*Op)(Word&, std::uint64_t)>
void register_pair(const char* op, bool contended_too) {
    benchmark::RegisterBenchmark((std::string("atomic/") + op + "/private").c_str(),
                                 bm_op<Where::private_line, Op>);
    if (contended_too) {
        benchmark::RegisterBenchmark((std::string("atomic/") + op + "/contended").c_str(),
                                     bm_op<Where::contended, Op>);
    }
}

}  // namespace

void register_micro_atomics() {
    // The load is contended too: it is what a test-and-test-and-set waiter
    // pays per poll while the holder (here, the writer) keeps the line.
    register_pair<load_acquire>("load_acquire", true);
    register_pair<store_release>("store_release", false);
    register_pair<store_seq_cst>("store_seq_cst", false);
    register_pair<fetch_add_relaxed>("fetch_add_relaxed", true);
    register_pair<fetch_add_seq_cst>("fetch_add_seq_cst", true);
    benchmark::RegisterBenchmark("atomic/compare_exchange_strong/private",
                                 bm_cas<Where::private_line>);
    benchmark::RegisterBenchmark("atomic/compare_exchange_strong/contended",
                                 bm_cas<Where::contended>);
    register_pair<exchange>("exchange", true);
}

}  // namespace contend
