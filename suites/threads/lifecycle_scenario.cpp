// threads.lifecycle — what a thread costs. Each of `threads` creator threads
// runs one trivial work item after another on another thread, for a timed
// window (thread_team.hpp), by one method: a new std::thread, std::jthread,
// pthread (with a chosen stack size) or detached thread per item, or a hand-off
// to an already running worker parked in the kernel (what a pool does).
//
// Per item, timed with the cycle counter (every item: an item costs
// microseconds, a timestamp nanoseconds):
//   round_trip  create/submit call -> the creator may go on (joined / done)
//   start       create/submit call -> the item's first instruction
//   spawn_call  time inside the create/submit call itself
// Throughput is items per second: threads created per second, or hand-offs.
// More creators ask whether creation scales: it takes the process's memory
// map lock (mmap of the stack, mprotect of its guard page), and clone().
// Created threads inherit their creator's CPU affinity, so with --pin they
// run on the creator's CPU.
//
// Once per repetition, before the window, `parked` threads of the method are
// started and parked, to measure memory per thread (lifecycle_footprint.hpp).
//
// Validation: every item ran exactly once, on the item its creator gave it
// (launched == ran == finished, no wrong item), no create call failed, and
// after the repetition the process has as many threads as before it: none
// outlived the repetition (a detached thread is waited for until it is gone).
#include <unistd.h>

#include <memory>

#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "suites/threads/lifecycle_footprint.hpp"
#include "suites/threads/lifecycle_methods.hpp"
#include "suites/threads/register_threads.hpp"

namespace contend {
namespace {

using namespace lifecycle;

constexpr const char* kScenario = "threads.lifecycle";
constexpr auto kDrainLimit = std::chrono::seconds(2);

struct alignas(kCacheLine) ItemLatencies {
    LatencyHistogram round_trip, start, spawn_call;
};

// Everything the created threads may touch, on the heap: it is freed only
// once the process is back to its thread count, i.e. no thread can still be
// running that might touch it.
struct LifecycleState {
    explicit LifecycleState(int creators) : slots(creators), latencies(creators) {}
    std::vector<CreatorSlot> slots;
    std::vector<ItemLatencies> latencies;
    ParkedGroup parked;
};

template <class Method>
Sample run_lifecycle(const CaseConfig& c) {
    const MethodOptions options{static_cast<std::size_t>(c.params.integer("stack_kib")) * 1024};
    const int parked = static_cast<int>(c.params.integer("parked"));
    const int threads_before = baseline_thread_count();
    auto state = std::make_unique<LifecycleState>(c.threads);

    // Memory first: the stack cache can be emptied while nothing else runs.
    Footprint fp;
    if constexpr (Method::creates_threads) {
        if (parked > 0) {
            Method probe(options);
            fp = measure_footprint(
                probe, state->parked, parked,
                options.stack_bytes ? options.stack_bytes : default_stack_bytes());
        }
    }

    Team team(team_config(c));
    Sample s = team.run([&](ThreadContext& ctx) {
        CreatorSlot& slot = state->slots[ctx.tid()];
        ItemLatencies& lat = state->latencies[ctx.tid()];
        Method method(options);
        method.begin(slot);
        std::uint32_t item = 0;
        // The method stamps the spawn and the start itself (a few ns against
        // a thread's ~20 µs); the harness's sampled phase decides which
        // items' latencies count.
        ctx.run([&](auto clk) {
            slot.expected_item = ++item;
            const std::uint64_t t0 = cycle_clock::now();
            std::uint64_t spawned = t0;
            if (!method.run_one(slot, item, spawned)) return;
            const std::uint64_t t1 = cycle_clock::now();
            ++slot.finished;
            if constexpr (!decltype(clk)::timed) return;
            lat.round_trip.record(t1 - t0);
            lat.spawn_call.record(spawned - t0);
            // Cycle counters of two cores can differ by a few ticks.
            lat.start.record(slot.started_ticks > t0 ? slot.started_ticks - t0 : 0);
        });
        method.end(slot);
    });
    const bool drained = wait_for_thread_count(threads_before, kDrainLimit);
    const int threads_after = process_thread_count();

    std::uint64_t launched = 0, ran = 0, finished = 0, wrong = 0, failures = 0;
    std::string failure;
    ItemLatencies all;
    for (int t = 0; t < c.threads; ++t) {
        const CreatorSlot& slot = state->slots[t];
        launched += slot.launched;
        ran += slot.ran;
        finished += slot.finished;
        wrong += slot.wrong_item;
        failures += slot.failures;
        if (failure.empty()) failure = slot.failure;
        all.round_trip.merge(state->latencies[t].round_trip);
        all.start.merge(state->latencies[t].start);
        all.spawn_call.merge(state->latencies[t].spawn_call);
        s.threads[t].role = "creator";
        s.threads[t].extra = {{"launched", slot.launched}, {"failures", slot.failures}};
    }
    s.latencies = {
        {"round_trip", all.round_trip}, {"start", all.start}, {"spawn_call", all.spawn_call}};

    auto opt = [](const std::optional<double>& v) { return v ? finite_or_null(*v) : nullptr; };
    const bool probed = Method::creates_threads && parked > 0;
    s.metrics["rss_kib_per_thread"] = opt(fp.rss_kib_per_thread);
    s.metrics["vsz_kib_per_thread"] = opt(fp.vsz_kib_per_thread);
    s.metrics["stack_kib_reserved"] = probed ? finite_or_null(fp.stack_kib) : nullptr;
    s.metrics["parked_threads"] = fp.parked;

    s.checks = {{"launched", launched},
                {"ran", ran},
                {"finished", finished},
                {"wrong_item", wrong},
                {"spawn_failures", failures},
                {"threads_before", threads_before},
                {"threads_after", threads_after},
                {"parked_started", state->parked.started.load()},
                {"parked_exited", state->parked.exited.load()}};
    std::string what;
    auto add = [&](const std::string& x) { what += (what.empty() ? "" : "; ") + x; };
    if (ran != launched)
        add(std::to_string(launched) + " items launched but " + std::to_string(ran) + " ran");
    if (finished != launched)
        add(std::to_string(finished) + " of " + std::to_string(launched) + " items finished");
    if (wrong) add(std::to_string(wrong) + " items ran with another item's argument");
    if (failures)
        add(std::to_string(failures) + " create calls failed (first: " + failure +
            "); figures leave them out");
    if (!drained)
        add(std::to_string(threads_after - threads_before) +
            " threads still alive 2 s after the repetition");
    if (!fp.error.empty()) add(fp.error);
    if (!what.empty()) {
        s.fail(what);
    }
    // A thread that outlived the repetition may still touch the state: leak
    // it on purpose rather than free memory under a running thread.
    if (!drained) (void)state.release();
    return s;
}

std::string unsupported(const PrimitiveInfo& p, const ParamPoint& point) {
    const std::int64_t kib = point.integer("stack_kib");
    if (kib == 0) return "";
    if (p.name != "pthread")
        return p.name + " always gets the default stack; stack_kib applies to pthread only";
    const long min_bytes = sysconf(_SC_THREAD_STACK_MIN);
    if (min_bytes > 0 && kib * 1024 < min_bytes)
        return "stack_kib=" + std::to_string(kib) +
               " is below this system's smallest thread stack (PTHREAD_STACK_MIN = " +
               std::to_string(min_bytes / 1024) + " KiB)";
    return "";
}

template <class Method, class Handle>
void add(Registry& r, PrimitiveInfo info) {
    info.size_bytes = sizeof(Handle);
    info.align_bytes = alignof(Handle);
    const auto& p = r.add_primitive(info);
    r.bind(kScenario, p.name, [](const CaseConfig& c) { return run_lifecycle<Method>(c); });
}

}  // namespace

void register_lifecycle_scenario(Registry& r) {
    auto& s = r.add_scenario(
        {kScenario,
         "threads",
         "cost of a thread: create+join, start latency and threads/s per way of starting one "
         "(vs a hand-off to a parked worker), and memory per parked thread",
         {ParamSpec::integer("threads", 1, 1, 256, "",
                             "creator threads, each starting its own items (more than CPUs = "
                             "oversubscribed)",
                             true),
          ParamSpec::integer("stack_kib", 0, 0, 65536, "KiB",
                             "stack reserved per thread, pthread only (0: the default, "
                             "RLIMIT_STACK, usually 8 MiB)")
              .in_preset("full", "0,16,64,256,1024"),
          ParamSpec::integer("parked", 64, 0, 1024, "threads",
                             "threads parked at once for the memory probe (0: no probe); RSS "
                             "counts touched pages only")},
         {},
         {}});
    s.unsupported = unsupported;

    const PrimitiveInfo base{.family = "thread_start", .blocking = true};
    auto with = [&](const char* name, const char* description) {
        PrimitiveInfo p = base;
        p.name = name;
        p.description = description;
        return p;
    };
    add<StdThread, std::thread>(
        r, with("std_thread", "std::thread per item: heap state + pthread_create, then join()"));
    add<StdJthread, std::jthread>(
        r, with("std_jthread",
                "std::jthread per item: std::thread plus a stop source; destructor stops, joins"));
    add<Pthread, pthread_t>(
        r, with("pthread",
                "pthread_create per item with a stack of stack_kib (attr), then pthread_join"));
    add<DetachedThread, std::thread>(
        r, with("detached_thread",
                "std::thread per item, detached: the item signals done, nobody joins"));
    PrimitiveInfo pool =
        with("pool_handoff",
             "no new thread: item handed to a running worker parked in FUTEX_WAIT (store + wake)");
    pool.family = "thread_reuse";
    add<PoolHandoff, std::atomic<std::uint32_t>>(r, pool);
}

}  // namespace contend
