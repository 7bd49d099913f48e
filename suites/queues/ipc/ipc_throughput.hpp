#pragma once
// queues.throughput between two processes — the inter-process ("network")
// form of throughput_scenario.hpp, for shape spsc only: the case's process
// produces, a forked child consumes, through one Channel (channel.hpp).
//
// Methodology, as in-process: a start barrier, a warm-up, a measured window
// and a stop, driven by one phase word; work is counted, never fixed. The
// phase word, the barrier count, the consumer's protocol slot and everything
// the consumer reports live in one MAP_SHARED|MAP_ANONYMOUS region created
// before fork (shared_mapping.hpp), so the two processes coordinate exactly
// as Team's threads do: the producer (a thread of this process) and the
// consumer (the child) each run Team's manual protocol over that phase word
// (ThreadContext: barrier, window marks), and the calling thread coordinates
// with the harness's own waiting and window end (polite_wait.hpp,
// idle_window.hpp), sampling occupancy each millisecond.
// Throughput is messages the consumer received in the window. Each role has
// one thread, so the harness's per-role Jain indices (sample.cpp) are null
// with that reason: there is no fairness to measure here. The producer
// stamps cycle_clock::now() into 1 in `sample_every` messages and the consumer
// records enqueue→dequeue latency; that compares counters read on two CPUs,
// which is sound on invariant-TSC machines, where the TSC is synchronised
// across cores (cycle_clock::invariant(), reported by the harness).
//
// At the stop the producer finishes its current send, publishes how many it
// sent and calls close_sending(); the consumer drains to end-of-stream (so
// conservation covers every message, while throughput counts only the
// window's), writes its report and _exit()s; the parent reaps it within a
// bounded time (guarded_child.hpp). The consumer cannot outlive a killed case
// (PR_SET_PDEATHSIG), and every channel is unnamed or unlinked before fork,
// so a crash or a watchdog kill leaves no process, segment, queue or socket.
//
// Validation: exactly-once delivery and FIFO (every channel promises it), as
// in-process. The consumer tallies its one producer in a ProducerTally (a
// value type, kept in registers) and leaves it in the shared report after
// end-of-stream; the parent absorbs it into a DeliveryTally and runs
// check_delivery against the producer's count.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/cycle_clock.hpp"
#include "harness/idle_window.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/polite_wait.hpp"
#include "harness/registry.hpp"
#include "harness/sample.hpp"
#include "harness/thread_team.hpp"
#include "harness/topology.hpp"
#include "harness/window_mark.hpp"
#include "suites/queues/delivery_check.hpp"
#include "suites/queues/ipc/channel.hpp"
#include "suites/queues/ipc/guarded_child.hpp"
#include "suites/queues/ipc/shared_mapping.hpp"

namespace contend::queues::ipc {

// What the consumer process hands back: written once after end-of-stream,
// read by the parent only after waitpid() (the child's exit orders it).
// Its window marks and pinning are in its ThreadSlot (IpcShared::consumer).
struct ConsumerReport {
    std::uint64_t received = 0;      // every message, warm-up and drain included
    std::uint64_t after_window = 0;  // received once the stop was seen
    std::uint64_t foreign = 0;       // messages naming a producer that does not exist
    ProducerTally tally{};           // producer 0's messages
    bool finished = false;
};

// The region both processes map. Lines written by different sides are kept
// apart so coordination adds no false sharing to the measured traffic.
struct IpcShared {
    alignas(128) std::atomic<Phase> phase{Phase::Waiting};  // written 3 times a run
    alignas(128) std::atomic<int> arrived{0};
    alignas(128) std::atomic<std::uint64_t> received{0};    // consumer, for occupancy
    alignas(128) std::atomic<std::uint64_t> sent_total{0};  // producer, before close_sending
    ThreadSlot consumer;  // the consumer's protocol slot (lines of its own)
    alignas(128) ConsumerReport report;
    LatencyHistogram latency;  // fixed inline storage: fine in shared memory
};

namespace detail {

// The consumer process's whole life after fork; its return is the exit status.
template <Channel Ch, class T>
int consume(Ch& channel, IpcShared& sh, const TeamConfig& team, int cpu) {
    channel.become_receiver();
    sh.consumer.pinned_ok = cpu < 0 || pin_current_thread(cpu);
    ThreadContext ctx(1, sh.phase, sh.arrived, sh.consumer, team);
    ctx.wait_start();

    ConsumerReport& r = sh.report;
    T m{};
    ProducerTally tally;
    bool open = false, closed = false;
    std::uint64_t ops = 0, received = 0;
    // A blocking receive cannot poll the phase while it waits, so the window
    // opens and closes at the first message seen in each phase (as a
    // blocking pipeline stage's does).
    while (channel.receive(&m)) {
        const bool measured = ctx.measuring();
        if (measured && !open) ctx.begin_window(), open = true;
        if (!measured && open && !closed) ctx.end_window(ops), closed = true;
        if (m.producer == 0)
            tally.receive(m.sequence, /*fifo*/ true);
        else
            ++r.foreign;
        sh.received.store(++received, std::memory_order_relaxed);
        if (measured) {
            ++ops;
            if (m.sent_ticks) {
                const std::uint64_t now = cycle_clock::now();
                sh.latency.record(now > m.sent_ticks ? now - m.sent_ticks : 0);
            }
        }
        r.after_window += !measured && ctx.stopping();
    }
    if (!open) ctx.begin_window();
    if (!closed) ctx.end_window(ops);

    r.received = received;
    r.tally = tally;
    r.finished = true;
    return 0;
}

}  // namespace detail

// How long the parent waits for the consumer after the stop (it only has to
// drain what the channel holds), and for it to arrive at the start barrier.
inline constexpr std::chrono::milliseconds kConsumerGrace{10'000};

template <Channel Ch, class T>
Sample run_ipc_throughput(const CaseConfig& c) {
    for (const char* p : {"producers", "consumers"})
        if (c.params.find(p) && c.params.integer(p) != 1)
            throw std::invalid_argument(std::string("inter-process channels are spsc: ") + p +
                                        " must be 1");
    const std::int64_t requested = c.params.integer("capacity");
    if (requested < 1) throw std::invalid_argument("capacity must be at least 1");
    const std::uint32_t every = c.sample_every ? c.sample_every : kFixedSampleEvery;
    const double ticks_per_ns = c.clock && c.clock->ticks_per_ns > 0 ? c.clock->ticks_per_ns : 1;
    const int producer_cpu = !c.thread_cpus.empty() ? c.thread_cpus[0] : -1;
    const int consumer_cpu = c.thread_cpus.size() > 1 ? c.thread_cpus[1] : -1;
    // The protocol's view of the case: thread 0 produces, thread 1 consumes.
    const TeamConfig team{2, c.warmup_ns, c.duration_ns, c.thread_cpus, ticks_per_ns};

    // Everything the two processes share exists before fork.
    Ch channel(static_cast<std::size_t>(requested), sizeof(T));
    SharedObject<IpcShared> sh;
    GuardedChild consumer = GuardedChild::spawn(
        [&] { return detail::consume<Ch, T>(channel, *sh, team, consumer_cpu); });

    ThreadSlot producer_slot;  // only the consumer's slot has to be shared
    bool peer_lost = false;
    std::atomic<std::uint64_t> sent_live{0};  // for occupancy; a relaxed store is a plain move
    std::thread producer([&] {
        producer_slot.pinned_ok = producer_cpu < 0 || pin_current_thread(producer_cpu);
        channel.become_sender();
        ThreadContext ctx(0, sh->phase, sh->arrived, producer_slot, team);
        ctx.wait_start();
        T m{};
        std::uint64_t seq = 0, ops = 0;
        auto send_one = [&] {
            m.sequence = seq;
            m.sent_ticks = seq % every == 0 ? cycle_clock::now() : 0;
            if (!channel.send(&m)) return false;
            sent_live.store(++seq, std::memory_order_relaxed);
            return true;
        };
        while (!peer_lost && ctx.warming()) peer_lost = !send_one();
        ctx.begin_window();
        while (!peer_lost && ctx.measuring()) {
            peer_lost = !send_one();
            ops += !peer_lost;
        }
        ctx.end_window(ops);
        sh->sent_total.store(seq, std::memory_order_release);
        channel.close_sending();
    });

    // Coordinator: the barrier (bounded: a consumer that died before arriving
    // must not hang the case), then warm-up, window and stop, as Team does.
    using Clock = std::chrono::steady_clock;
    const auto give_up = Clock::now() + kConsumerGrace;
    bool started = true;
    wait_until([&] {
        if (sh->arrived.load(std::memory_order_acquire) == 2) return true;
        if (consumer.try_wait() || Clock::now() > give_up) started = false;
        return !started;
    });
    LatencyHistogram occupancy;
    // Occupancy (sent − received) about every millisecond until `until`.
    auto sample_until = [&](Clock::time_point until) {
        for (auto now = Clock::now(); now < until; now = Clock::now()) {
            const std::uint64_t in = sent_live.load(std::memory_order_relaxed);
            const std::uint64_t out = sh->received.load(std::memory_order_relaxed);
            occupancy.record(in > out ? in - out : 0);
            std::this_thread::sleep_for(
                std::min<std::chrono::nanoseconds>(until - now, std::chrono::milliseconds(1)));
        }
    };
    auto window_start = Clock::now();
    WindowEnd window_end{window_start, Clock::duration::zero()};
    if (started) {
        sh->phase.store(Phase::Warmup, std::memory_order_release);
        if (c.warmup_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(c.warmup_ns));
        window_start = Clock::now();
        const std::uint64_t received_before = sh->received.load(std::memory_order_relaxed);
        sh->phase.store(Phase::Measure, std::memory_order_release);
        const auto planned_end = window_start + std::chrono::nanoseconds(c.duration_ns);
        sample_until(planned_end);
        // The consumer is watched through its live count; one that has died
        // will never progress, so waiting for it would only delay the verdict.
        window_end = end_window_after_progress(
            planned_end, c.duration_ns,
            [&] {
                return sh->received.load(std::memory_order_relaxed) != received_before ||
                       consumer.try_wait().has_value();
            },
            sample_until);
    }
    sh->phase.store(Phase::Stop, std::memory_order_release);
    producer.join();
    // A consumer that never arrived has had its grace already.
    const ChildExit exit = consumer.wait(started ? kConsumerGrace : std::chrono::milliseconds(0));
    const ConsumerReport& r = sh->report;
    const bool reported = exit.clean() && r.finished;

    Sample s;
    s.window_ns = std::chrono::duration<double, std::nano>(window_end.at - window_start).count();
    s.window_extended_ns = std::chrono::duration<double, std::nano>(window_end.extended).count();
    s.thread_cpus = c.thread_cpus;
    s.sample_every = every;
    auto role_sample = [](const WindowSpan& w, const char* role, bool counted) {
        ThreadSample t = thread_sample(w);
        t.role = role;
        t.counted = counted;
        return t;
    };
    const WindowSpan& producer_window = producer_slot.window;
    const WindowSpan consumer_window = reported ? sh->consumer.window : WindowSpan{};
    s.threads.push_back(role_sample(producer_window, "producer", false));
    s.threads.back().pin_failed = !producer_slot.pinned_ok;
    s.threads.back().extra = {{"failed", 0}, {"process", "case"}};
    s.threads.push_back(role_sample(consumer_window, "consumer", true));
    s.threads.back().pin_failed = reported && !sh->consumer.pinned_ok;
    s.threads.back().extra = {{"failed", 0}, {"process", "child"}};
    if (reported)
        s.start_skew_ns =
            static_cast<double>(start_skew_ticks({&producer_window, &consumer_window})) /
            ticks_per_ns;
    s.latencies = {{"sojourn", reported ? sh->latency : LatencyHistogram{}}};

    // Per-role fairness is the harness's (sample.cpp, from the roles above).
    const std::uint64_t sent = sh->sent_total.load(std::memory_order_acquire);
    s.metrics["failed_push_per_item"] = 0;  // blocking sends: no failed tries to count
    s.metrics["failed_pop_per_item"] = 0;
    s.metrics["occupancy_p50"] = occupancy.count() ? occupancy.percentile(50) : 0;
    s.metrics["occupancy_p90"] = occupancy.count() ? occupancy.percentile(90) : 0;
    s.metrics["occupancy_max"] = occupancy.max();
    s.metrics["drained_after_window"] = reported ? r.after_window : 0;
    s.metrics["requested_capacity"] = requested;
    s.metrics["channel_capacity"] = channel.capacity();
    s.metrics["messages_sent"] = sent;
    s.metrics["messages_received"] = reported ? r.received : 0;

    s.checks = {{"priority_inversions_in_drain", 0},
                {"foreign_messages", reported ? r.foreign : 0},
                {"consumer_exit", exit.describe()}};
    if (!started) {
        s.fail("consumer process never reached the start: " + exit.describe());
    } else if (!reported) {
        s.fail("consumer process did not report: " + exit.describe() +
               (peer_lost ? " (the producer saw it go mid-run)" : ""));
    }
    if (!reported) {  // nothing is known to have arrived
        s.checks.update({{"lost_or_duplicated", sent},
                         {"checksum_mismatches", 0},
                         {"order_violations", 0},
                         {"fifo_checked", true}});
        return s;
    }
    if (r.foreign)
        s.fail("delivery broken: " + std::to_string(r.foreign) +
               " messages named a producer that does not exist");
    DeliveryTally received(1);
    received.absorb(0, r.tally);
    report_delivery(s, check_delivery({sent}, {&received}), /*fifo*/ true,
                    received.order_violations(),
                    "messages arrived before an earlier one of the same producer");
    return s;
}

}  // namespace contend::queues::ipc
