#pragma once
// queues.pipeline — routing through a chain of queues: one source thread
// generates messages (producer 0, sequence 0,1,2,..., priority = a key from
// a xorshift stream) into the input queue (spsc); one router pops them and
// pushes each to worker queue `key % workers` (spsc, one per worker); each of
// the `workers` workers pops its queue, busy-works `work_ns` per item (the
// harness's delay: calibrated by each worker on its own CPU, 1 in 64 runs
// timed on the worker in the case, reported in delays.work_ns) and pushes
// into the merge queue (mpsc: the workers are its producers); one sink pops
// the merge queue. Threads: workers + 3.
//
// Throughput is items reaching the sink in the window (only the sink is
// `counted`). End-to-end latency is sink time − the source's send stamp
// (carried in sent_ticks on 1 in `sample_every` messages; assumes an
// invariant, synchronised TSC). The coordinator samples each queue's
// occupancy (pushed − popped) every tick; worker queues are sampled one by
// one into one histogram. Failed tries (full/empty) are counted per stage in
// the window, never as throughput. Fairness is the harness's, per role
// (`worker_jain_index` over the items each worker processed in the window:
// keys are uniform, so a low index means the scheduler or the queues, not
// the routing, starved one; source, router and sink are one thread each).
//
// Validation: exactly-once delivery of the source's sequence, over what the
// sink received, what threads held when the run stopped, and what is left in
// every queue (drained after the run in stage order); and, where the queue
// promises FIFO, each worker sees increasing sequence numbers (the router
// forwards in source order). Stop: with spin/yield each stage gives up its
// retry loop once the run stops (keeping the message it held, counted later);
// with wait=block a poison message travels stage by stage from after_stop.
#include <memory>
#include <optional>

#include "suites/queues/throughput_scenario.hpp"

namespace contend::queues {

struct alignas(kCacheLine) PipeThreadStats {
    std::atomic<std::uint64_t> popped{0}, pushed{0};  // all phases, read by the coordinator
    std::uint64_t failed = 0;                         // failed tries in the window
};

struct alignas(kCacheLine) LaneTally {  // one per worker: no false sharing between them
    DeliveryTally tally{1};
};

template <class T>
T poison_message() {
    T p{};
    p.producer = kPoison;
    return p;
}

template <class Q, class T>
Sample run_pipeline(const CaseConfig& c) {
    const int workers = static_cast<int>(c.params.integer("workers"));
    const auto capacity = static_cast<std::size_t>(c.params.integer("capacity"));
    const auto work_ns = c.params.integer("work_ns");
    const Wait wait = wait_mode(c);
    const bool fifo = promises_as<QueuePromises>(*c.primitive).ordering == "fifo" ||
                      promises_as<QueuePromises>(*c.primitive).ordering == "per_producer_fifo";
    const std::uint32_t every = c.sample_every ? c.sample_every : kFixedSampleEvery;
    bool blocking = false;
    if constexpr (BlockingQueue<Q, T>) blocking = wait == Wait::Block;

    // Thread ids: 0 source, 1 router, 2..workers+1 workers, workers+2 sink.
    const int router = 1, first_worker = 2, sink = workers + 2, threads = workers + 3;
    auto input = std::make_unique<Q>(capacity), merge = std::make_unique<Q>(capacity);
    std::vector<std::unique_ptr<Q>> lanes;
    for (int k = 0; k < workers; ++k) lanes.push_back(std::make_unique<Q>(capacity));
    std::vector<PipeThreadStats> stats(threads);
    std::unique_ptr<std::atomic<std::uint64_t>[]> routed(new std::atomic<std::uint64_t>[workers]);
    for (int k = 0; k < workers; ++k) routed[k].store(0);
    std::vector<std::optional<T>> held(threads);  // in hand when a spin/yield run stopped
    std::vector<LaneTally> lane_order(workers);
    DeliveryTally at_sink(1), drained(1);
    LatencyHistogram latency;
    std::atomic<bool> source_done{false};
    LatencyHistogram occ_input, occ_lanes, occ_merge;

    TeamConfig cfg{c.threads, c.warmup_ns, c.duration_ns, c.thread_cpus, c.clock->ticks_per_ns};
    cfg.delays = {{"work_ns", static_cast<double>(work_ns)}};  // run by the workers only
    cfg.timer_overhead_ns = c.clock->overhead_ns_median;       // taken off each timed delay
    auto gap = [](std::uint64_t in, std::uint64_t out) { return in > out ? in - out : 0; };
    cfg.tick = [&](const std::vector<ThreadSlot>&) {
        constexpr auto r = std::memory_order_relaxed;
        occ_input.record(gap(stats[0].pushed.load(r), stats[router].popped.load(r)));
        std::uint64_t merged_in = 0;
        for (int k = 0; k < workers; ++k) {
            occ_lanes.record(gap(routed[k].load(r), stats[first_worker + k].popped.load(r)));
            merged_in += stats[first_worker + k].pushed.load(r);
        }
        occ_merge.record(gap(merged_in, stats[sink].popped.load(r)));
    };
    if constexpr (BlockingQueue<Q, T>)
        if (blocking)
            cfg.after_stop = [&] {
                // The source finishes its last push (the router still pops),
                // then the poison goes in; each stage forwards it downstream.
                while (!source_done.load(std::memory_order_acquire)) sched_yield();
                input->push(poison_message<T>());
            };

    // One transfer into q; false (message kept in `held`) when the run stopped while full.
    auto send = [&](Q& q, const T& m, ThreadContext& ctx, bool measured) {
        if constexpr (BlockingQueue<Q, T>)
            if (blocking) {
                q.push(m);
                return true;
            }
        while (!q.try_push(m)) {
            stats[ctx.tid()].failed += measured;
            if (!ctx.warming() && !ctx.measuring()) {
                held[ctx.tid()] = m;
                return false;
            }
            back_off(wait);
        }
        return true;
    };

    // A stage that pops from `from` and hands each message to `handle(m,
    // measured)`; handle returns false when it could not pass it on (stopped).
    auto stage = [&](ThreadContext& ctx, Q& from, auto&& handle, auto&& on_poison) {
        auto& st = stats[ctx.tid()];
        std::uint64_t ops = 0, popped = 0;
        T m{};
        ctx.wait_start();
        if (blocking) {
            if constexpr (BlockingQueue<Q, T>) {
                bool open = false, closed = false;
                while (true) {
                    from.pop(m);
                    const bool measured = ctx.measuring();
                    if (measured && !open) ctx.begin_window(), open = true;
                    if (!measured && open && !closed) ctx.end_window(ops), closed = true;
                    if (m.producer == kPoison) {
                        if (on_poison()) break;
                        continue;
                    }
                    st.popped.store(++popped, std::memory_order_relaxed);
                    handle(m, measured);
                    ops += measured;
                }
                if (!open) ctx.begin_window();
                if (!closed) ctx.end_window(ops);
            }
            return;
        }
        auto step = [&](bool measured) {
            if (!from.try_pop(m)) {
                st.failed += measured;
                back_off(wait);
                return false;
            }
            st.popped.store(++popped, std::memory_order_relaxed);
            return handle(m, measured);
        };
        while (ctx.warming()) step(false);
        ctx.begin_window();
        while (ctx.measuring()) ops += step(true);
        ctx.end_window(ops);
    };

    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        const int me = ctx.tid();
        auto& st = stats[me];
        if (me == 0) {  // source
            std::uint64_t seq = 0, ops = 0, rng = 0x9E3779B97F4A7C15ull;
            auto push_one = [&](bool measured) {
                T m{};
                m.sequence = seq;
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                m.priority = static_cast<std::uint32_t>(rng & 0xffff);
                m.sent_ticks = seq % every ? 0 : cycle_clock::now();
                bool sent = false;
                if (blocking) {
                    if constexpr (BlockingQueue<Q, T>) input->push(m), sent = true;
                } else {
                    while (!(sent = input->try_push(m))) {
                        st.failed += measured;
                        if (!ctx.warming() && !ctx.measuring()) break;  // unsent: not counted
                        back_off(wait);
                    }
                }
                if (sent) st.pushed.store(++seq, std::memory_order_relaxed);
                return sent;
            };
            ctx.wait_start();
            while (ctx.warming()) push_one(false);
            ctx.begin_window();
            while (ctx.measuring()) ops += push_one(true);
            ctx.end_window(ops);
            source_done.store(true, std::memory_order_release);
        } else if (me == router) {
            stage(
                ctx, *input,
                [&](const T& m, bool measured) {
                    const auto k = m.priority % static_cast<std::uint32_t>(workers);
                    if (!send(*lanes[k], m, ctx, measured)) return false;
                    routed[k].store(routed[k].load(std::memory_order_relaxed) + 1,
                                    std::memory_order_relaxed);
                    return true;
                },
                [&] {
                    for (auto& lane : lanes) send(*lane, poison_message<T>(), ctx, false);
                    return true;
                });
        } else if (me < sink) {  // worker
            const int k = me - first_worker;
            SampledDelay work = ctx.sampled_delay(0);
            stage(
                ctx, *lanes[k],
                [&](const T& m, bool measured) {
                    lane_order[k].tally.receive(0, m.sequence, fifo);
                    work();
                    if (!send(*merge, m, ctx, measured)) return false;
                    st.pushed.store(st.pushed.load(std::memory_order_relaxed) + 1,
                                    std::memory_order_relaxed);
                    return true;
                },
                [&] {
                    send(*merge, poison_message<T>(), ctx, false);
                    return true;
                });
        } else {  // sink
            int poisons = 0;
            stage(
                ctx, *merge,
                [&](const T& m, bool measured) {
                    at_sink.receive(0, m.sequence, false);  // workers interleave: no order
                    if (measured && m.sent_ticks) {
                        const std::uint64_t now = cycle_clock::now();
                        latency.record(now > m.sent_ticks ? now - m.sent_ticks : 0);
                    }
                    return true;
                },
                [&] { return ++poisons == workers; });
        }
    });

    // Everything still in the pipeline, in stage order: conservation.
    auto take = [&](const T& m) {
        if (m.producer != kPoison) drained.receive(0, m.sequence, false);
    };
    T m{};
    std::uint64_t left = 0;
    auto drain = [&](Q& q) {
        while (q.try_pop(m)) take(m), ++left;
    };
    auto drain_held = [&](int t) {
        if (held[t]) take(*held[t]), ++left;
    };
    drain(*input);
    drain_held(router);
    for (int k = 0; k < workers; ++k) drain(*lanes[k]);
    for (int k = 0; k < workers; ++k) drain_held(first_worker + k);
    drain(*merge);

    // Roles: the harness reports each one's Jain index (sample.cpp).
    std::uint64_t order_violations = 0, failed[4] = {0, 0, 0, 0};
    const char* roles[4] = {"source", "router", "worker", "sink"};
    for (int t = 0; t < threads; ++t) {
        const int role = t == 0 ? 0 : t == router ? 1 : t < sink ? 2 : 3;
        auto& ts = s.threads[t];
        ts.role = roles[role];
        ts.counted = role == 3;
        ts.extra = {{"failed", stats[t].failed}};
        failed[role] += stats[t].failed;
    }
    for (const auto& t : lane_order) order_violations += t.tally.order_violations();
    const DeliveryVerdict v = check_delivery({stats[0].pushed.load()}, {&at_sink, &drained});

    const double items = static_cast<double>(s.total_ops());
    s.latencies = {{"end_to_end", latency}};
    s.sample_every = every;
    for (int r = 0; r < 4; ++r)
        s.metrics[std::string("failed_per_item_") + roles[r]] = finite_or_null(failed[r] / items);
    auto p50 = [](const LatencyHistogram& h) {
        return h.count() ? nlohmann::json(h.percentile(50)) : nlohmann::json(nullptr);
    };
    auto max = [](const LatencyHistogram& h) {
        return h.count() ? nlohmann::json(h.max()) : nlohmann::json(nullptr);
    };
    s.metrics["occupancy_p50_input"] = p50(occ_input);
    s.metrics["occupancy_p50_workers"] = p50(occ_lanes);
    s.metrics["occupancy_p50_merge"] = p50(occ_merge);
    s.metrics["occupancy_max_input"] = max(occ_input);
    s.metrics["occupancy_max_workers"] = max(occ_lanes);
    s.metrics["occupancy_max_merge"] = max(occ_merge);
    if (!spare_cpu_for_ticks(cfg)) s.metrics["occupancy_null_reason"] = kNoTickReason;
    s.metrics["left_in_pipeline"] = left;
    s.checks["sent"] = stats[0].pushed.load();
    report_delivery(s, v, fifo, order_violations,
                    "messages reached a worker before an earlier one of its key class");
    return s;
}

// The scenario as a binding (queue_scenarios.hpp); describe() and
// bind_catalogue() are in pipeline_scenario.cpp.
struct PipelineBinding {
    static constexpr const char* name = "queues.pipeline";
    static void describe(Registry& r);
    static void bind_catalogue(Registry& r);
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_pipeline<Queue, T>(c);
    }
};

}  // namespace contend::queues
