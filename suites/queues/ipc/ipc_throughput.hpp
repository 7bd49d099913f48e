#pragma once
// queues.throughput between two processes — the inter-process ("network")
// form of throughput_scenario.hpp, for shape spsc only: the case's process
// produces, a forked child consumes, through one Channel (channel.hpp).
//
// Methodology, as in-process: a start barrier, a warm-up, a measured window
// and a stop, driven by one phase word; work is counted, never fixed. The
// phase word, the barrier count and everything the consumer reports live in
// one MAP_SHARED|MAP_ANONYMOUS region created before fork (shared_mapping.hpp),
// so the two processes coordinate exactly as Team's threads do. The calling
// thread coordinates (sleeps through the phases, samples occupancy each
// millisecond), one thread of this process produces, the child consumes.
// Throughput is messages the consumer received in the window. The producer
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
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/cycle_clock.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/sample.hpp"
#include "harness/stats.hpp"
#include "harness/thread_team.hpp"
#include "harness/topology.hpp"
#include "harness/window_mark.hpp"
#include "suites/locks/relax.hpp"
#include "suites/queues/delivery_check.hpp"
#include "suites/queues/ipc/channel.hpp"
#include "suites/queues/ipc/guarded_child.hpp"
#include "suites/queues/ipc/shared_mapping.hpp"

namespace contend::queues::ipc {

// What the consumer process hands back: written once after end-of-stream,
// read by the parent only after waitpid() (the child's exit orders it).
struct ConsumerReport {
    WindowSpan window;
    std::uint64_t received = 0;      // every message, warm-up and drain included
    std::uint64_t after_window = 0;  // received once the stop was seen
    std::uint64_t foreign = 0;       // messages naming a producer that does not exist
    bool pinned_ok = true;
    ProducerTally tally{};  // producer 0's messages
    bool finished = false;
};

// The region both processes map. Lines written by different sides are kept
// apart so coordination adds no false sharing to the measured traffic.
struct IpcShared {
    alignas(128) std::atomic<Phase> phase{Phase::Waiting};  // written 3 times a run
    alignas(128) std::atomic<int> arrived{0};
    alignas(128) std::atomic<std::uint64_t> received{0};    // consumer, for occupancy
    alignas(128) std::atomic<std::uint64_t> sent_total{0};  // producer, before close_sending
    alignas(128) ConsumerReport report;
    LatencyHistogram latency;  // fixed inline storage: fine in shared memory
};

namespace detail {

// Team's waiting: polite when the two processes share a CPU.
template <class Pred>
inline void wait_until(Pred done) {
    for (int spins = 0; !done(); ++spins) {
        if (spins < 1000)
            relax::Pause::cpu();
        else
            sched_yield();
    }
}

// The consumer process's whole life after fork; its return is the exit status.
template <Channel Ch, class T>
int consume(Ch& channel, IpcShared& sh, int cpu) {
    channel.become_receiver();
    ConsumerReport& r = sh.report;
    r.pinned_ok = cpu < 0 || pin_current_thread(cpu);
    sh.arrived.fetch_add(1, std::memory_order_acq_rel);
    wait_until([&] { return sh.phase.load(std::memory_order_acquire) != Phase::Waiting; });

    T m{};
    ProducerTally tally;
    bool open = false, closed = false;
    std::uint64_t ops = 0, received = 0;
    // A blocking receive cannot poll the phase while it waits, so the window
    // opens and closes at the first message seen in each phase.
    while (channel.receive(&m)) {
        const Phase phase = sh.phase.load(std::memory_order_acquire);
        const bool measured = phase == Phase::Measure;
        if (measured && !open) {
            r.window.open();
            open = true;
        }
        if (!measured && open && !closed) {
            r.window.close(ops);
            closed = true;
        }
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
        r.after_window += phase == Phase::Stop;
    }
    if (!open) r.window.open();
    if (!closed) r.window.close(ops);

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

    // Everything the two processes share exists before fork.
    Ch channel(static_cast<std::size_t>(requested), sizeof(T));
    SharedObject<IpcShared> sh;
    GuardedChild consumer =
        GuardedChild::spawn([&] { return detail::consume<Ch, T>(channel, *sh, consumer_cpu); });

    WindowSpan pw;
    bool producer_pinned = true, peer_lost = false;
    std::atomic<std::uint64_t> sent_live{0};  // for occupancy; a relaxed store is a plain move
    std::thread producer([&] {
        producer_pinned = producer_cpu < 0 || pin_current_thread(producer_cpu);
        channel.become_sender();
        sh->arrived.fetch_add(1, std::memory_order_acq_rel);
        detail::wait_until(
            [&] { return sh->phase.load(std::memory_order_acquire) != Phase::Waiting; });
        T m{};
        std::uint64_t seq = 0, ops = 0;
        auto send_one = [&] {
            m.sequence = seq;
            m.sent_ticks = seq % every == 0 ? cycle_clock::now() : 0;
            if (!channel.send(&m)) return false;
            sent_live.store(++seq, std::memory_order_relaxed);
            return true;
        };
        auto phase = [&] { return sh->phase.load(std::memory_order_relaxed); };
        while (!peer_lost && phase() == Phase::Warmup) peer_lost = !send_one();
        detail::wait_until(
            [&] { return sh->phase.load(std::memory_order_acquire) != Phase::Warmup; });
        pw.open();
        while (!peer_lost && phase() == Phase::Measure) {
            peer_lost = !send_one();
            ops += !peer_lost;
        }
        pw.close(ops);
        sh->sent_total.store(seq, std::memory_order_release);
        channel.close_sending();
    });

    // Coordinator: the barrier (bounded: a consumer that died before arriving
    // must not hang the case), then warm-up, window and stop, as Team does.
    const auto give_up = std::chrono::steady_clock::now() + kConsumerGrace;
    bool started = true;
    detail::wait_until([&] {
        if (sh->arrived.load(std::memory_order_acquire) == 2) return true;
        if (consumer.try_wait() || std::chrono::steady_clock::now() > give_up) started = false;
        return !started;
    });
    LatencyHistogram occupancy;
    auto window_start = std::chrono::steady_clock::now(), window_end = window_start;
    std::chrono::steady_clock::duration extended{};
    if (started) {
        sh->phase.store(Phase::Warmup, std::memory_order_release);
        if (c.warmup_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(c.warmup_ns));
        window_start = std::chrono::steady_clock::now();
        const std::uint64_t received_before = sh->received.load(std::memory_order_relaxed);
        sh->phase.store(Phase::Measure, std::memory_order_release);
        const auto end = window_start + std::chrono::nanoseconds(c.duration_ns);
        // As Team's window (thread_team.cpp): one in which the consumer
        // received nothing waits for its first message, up to a bound, since
        // an unscheduled process is the machine's doing, not the channel's.
        const auto bound = end + std::max(std::chrono::nanoseconds(c.duration_ns),
                                          std::chrono::nanoseconds(kIdleWindowBoundNs));
        auto idle = [&] {
            return sh->received.load(std::memory_order_relaxed) == received_before &&
                   !consumer.try_wait();
        };
        auto now = window_start;
        bool waited = false;
        for (; now < end || (idle() && now < bound); now = std::chrono::steady_clock::now()) {
            waited |= now >= end;
            const std::uint64_t in = sent_live.load(std::memory_order_relaxed);
            const std::uint64_t out = sh->received.load(std::memory_order_relaxed);
            occupancy.record(in > out ? in - out : 0);
            std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(
                now < end ? end - now : bound - now, std::chrono::milliseconds(1)));
        }
        if (waited) extended = now - end;
    }
    sh->phase.store(Phase::Stop, std::memory_order_release);
    window_end = std::chrono::steady_clock::now();
    producer.join();
    // A consumer that never arrived has had its grace already.
    const ChildExit exit = consumer.wait(started ? kConsumerGrace : std::chrono::milliseconds(0));
    const ConsumerReport& r = sh->report;
    const bool reported = exit.clean() && r.finished;

    Sample s;
    s.window_ns = std::chrono::duration<double, std::nano>(window_end - window_start).count();
    s.window_extended_ns = std::chrono::duration<double, std::nano>(extended).count();
    s.thread_cpus = c.thread_cpus;
    s.sample_every = every;
    auto role_sample = [](const WindowSpan& w, const char* role, bool counted) {
        ThreadSample t = thread_sample(w);
        t.role = role;
        t.counted = counted;
        return t;
    };
    const WindowSpan consumer_window = reported ? r.window : WindowSpan{};
    s.threads.push_back(role_sample(pw, "producer", false));
    s.threads.back().pin_failed = !producer_pinned;
    s.threads.back().extra = {{"failed", 0}, {"process", "case"}};
    s.threads.push_back(role_sample(consumer_window, "consumer", true));
    s.threads.back().pin_failed = reported && !r.pinned_ok;
    s.threads.back().extra = {{"failed", 0}, {"process", "child"}};
    if (reported) {
        const std::uint64_t a = pw.begin.ticks, b = r.window.begin.ticks;
        s.start_skew_ns = static_cast<double>(a > b ? a - b : b - a) / ticks_per_ns;
    }
    s.latencies = {{"sojourn", reported ? sh->latency : LatencyHistogram{}}};

    auto jain = [](double x) {
        const double one[] = {x};
        const auto f = fairness(one);
        return f.jain ? finite_or_null(*f.jain) : nlohmann::json(nullptr);
    };
    const std::uint64_t sent = sh->sent_total.load(std::memory_order_acquire);
    s.metrics["failed_push_per_item"] = 0;  // blocking sends: no failed tries to count
    s.metrics["failed_pop_per_item"] = 0;
    s.metrics["producer_jain_index"] = jain(static_cast<double>(pw.ops));
    s.metrics["consumer_jain_index"] = jain(static_cast<double>(consumer_window.ops));
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
