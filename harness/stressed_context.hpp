#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/os_thread_state.hpp"
#include "harness/perturbation.hpp"
#include "harness/quiet_gate.hpp"
#include "harness/thread_context.hpp"

namespace contend {

// The context of a stress trial (TeamConfig::perturb set): run() perturbs
// around every operation (perturbation.hpp), publishes after each, and
// times nothing (a stress trial checks, it does not measure). A scenario
// whose body takes `auto& ctx` is compiled once for each context, so the
// measured loop carries no trace of stress mode; one that takes
// ThreadContext& gets the measured loop in stress trials too, unperturbed.
class StressedContext : public ThreadContext {
  public:
    // `team`: every worker's slot, and `probes` the kernel's view of each
    // (this thread opens its own); `gate`: the team's quiet gate, null when
    // no stall watch runs (nobody would open it).
    StressedContext(int tid, std::atomic<Phase>& phase, std::atomic<int>& arrived, ThreadSlot& slot,
                    const TeamConfig& cfg, const std::vector<ThreadSlot>& team,
                    std::vector<OsThreadProbe>& probes, QuietGate* gate)
        : ThreadContext(tid, phase, arrived, slot, cfg),
          team_(team),
          probes_(probes),
          gate_(gate) {}

    template <class Op>
    std::uint64_t run(Op&& op) {
        PerturbationInjector inject(*cfg_.perturb, tid_, cfg_.ticks_per_ns);
        probes_[tid_].open(current_os_tid());  // read by others after the barrier
        wait_start();
        std::uint64_t n = 0;
        auto loop = [&](Phase during) {
            while (!left_ && phase() == during) {
                if (gate_) {
                    gate_->pass();
                    // A quiet may outlast the phase: an operation after the
                    // stop could rescue the sleeper the watch is judging.
                    if (phase() != during) break;
                }
                inject.before();
                slot_.op_since.store(cycle_clock::now() | 1, std::memory_order_relaxed);
                const bool stay = one(op, n, Untimed{});
                publish(n);  // before leaving the operation: the stall watch reads both
                slot_.op_since.store(0, std::memory_order_relaxed);
                if (!stay) break;
                // Right after a release or a push that may have lost a
                // sleeper's wake-up, before the next operation rescues it.
                if (gate_ && cfg_.perturb->quiet && another_asleep_inside()) gate_->close();
                inject.after();
            }
        };
        loop(Phase::Warmup);
        enter_window();
        window_first_ = n;
        loop(Phase::Measure);
        end_window_counted(n);
        loop(Phase::Latency);
        publish(n);
        done_ = n;
        return n;
    }

    template <class Op>
    void after_run(Op&& op) {
        slot_.op_since.store(cycle_clock::now() | 1, std::memory_order_relaxed);
        done_ += static_cast<std::uint64_t>(op());
        publish(done_);
        slot_.op_since.store(0, std::memory_order_relaxed);
    }

  private:
    // Another worker sleeps inside an operation: a waiter that this
    // operation may have owed a wake-up (one it did wake is runnable).
    bool another_asleep_inside() const {
        for (std::size_t t = 0; t < team_.size(); ++t)
            if (&team_[t] != &slot_ && team_[t].op_since.load(std::memory_order_relaxed) != 0 &&
                probes_[t].asleep())
                return true;
        return false;
    }

    const std::vector<ThreadSlot>& team_;
    std::vector<OsThreadProbe>& probes_;
    QuietGate* gate_;
    std::uint64_t done_ = 0;  // published so far: run()'s count, then after_run()'s
};

}  // namespace contend
