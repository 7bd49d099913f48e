// Team's stall watch and quiet gate (stress mode): see quiet_gate.hpp and
// TeamConfig::available.
#include <cstdio>
#include <string>

#include "harness/thread_team.hpp"

namespace contend {

void Team::judge_quiet() {
    if (!quiet_.closed()) return;
    const std::uint64_t now = cycle_clock::now();
    if (quiet_since_ == 0) {
        quiet_since_ = now;
        quiet_switches_.assign(slots_.size(), -1);
    }
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    // Long enough for the watch to see a sleeper whose operation has just
    // begun (it looks after half its bound) through its whole bound: twice
    // the bound, with ten looks to spare.
    const auto bound = static_cast<std::uint64_t>(
        static_cast<double>(2 * cfg_.stall_ns + kQuietPollNs * 10) * tpn);
    if (!stall_.empty() || now - quiet_since_ > bound || quiet_settled()) {
        quiet_since_ = 0;
        quiet_.open();
    }
}

bool Team::quiet_settled() {
    // Inside an operation: running (woken, or it never slept: nothing for the
    // watch to find) or asleep. A sleeper that was woken since this quiet
    // first saw it (a sleep with a timeout, a spurious wake-up) is settled.
    int running = 0;
    std::vector<int> sleepers;
    for (std::size_t t = 0; t < slots_.size(); ++t) {
        if (slots_[t].op_since.load(std::memory_order_relaxed) == 0) continue;
        const auto state = probes_[t].state();
        if (!state) continue;  // gone: nothing to wait for
        if (!state->asleep) {
            ++running;
            continue;
        }
        long& seen = quiet_switches_[t];
        if (seen < 0) seen = state->voluntary_switches;
        if (seen == state->voluntary_switches) sleepers.push_back(static_cast<int>(t));
    }
    if (sleepers.empty()) return true;
    // What a sleeper waits for is judged only when nobody runs inside an
    // operation (TeamConfig::available); until then the quiet goes on.
    if (running > 0) return false;
    for (int t : sleepers)
        if (cfg_.available(t, slots_)) return false;
    return true;
}

void Team::watch_stalls() {
    if (!stall_.empty()) return;  // the first stall says enough
    watch_.resize(slots_.size());
    const std::uint64_t now = cycle_clock::now();
    const double tpn = cfg_.ticks_per_ns > 0 ? cfg_.ticks_per_ns : 1;
    const auto bound = static_cast<std::uint64_t>(static_cast<double>(cfg_.stall_ns) * tpn);
    // Threads running inside an operation: one of them may hold the lock
    // without having marked it yet, or have moved an item without having
    // published the count. Read at most once per watch.
    int running = -1;
    auto count_running = [&] {
        running = 0;
        for (std::size_t u = 0; u < slots_.size(); ++u)
            if (slots_[u].op_since.load(std::memory_order_relaxed) != 0)
                running += !probes_[u].asleep();
    };
    for (std::size_t t = 0; t < slots_.size(); ++t) {
        StallWatch& w = watch_[t];
        const std::uint64_t since = slots_[t].op_since.load(std::memory_order_relaxed);
        if (since == 0 || since != w.op_since) {  // a new operation, or none
            w = {since, 0, -1};
            continue;
        }
        if (now - since < bound / 2) continue;  // short so far: no need to look
        if (running < 0) count_running();
        const auto state = probes_[t].state();
        const bool quiet_and_available =
            state && state->asleep && running == 0 && cfg_.available(static_cast<int>(t), slots_);
        if (!quiet_and_available) {
            w.free_since = 0;
            continue;
        }
        if (w.free_since == 0 || state->voluntary_switches != w.switches) {
            w.free_since = now;  // (re)start: it was woken meanwhile
            w.switches = state->voluntary_switches;
            continue;
        }
        if (now - w.free_since < bound) continue;
        char what[256];
        std::snprintf(what, sizeof what,
                      "stalled: thread %zu slept in its operation for %.1f ms, %.1f ms of it "
                      "without being woken while what it waits for was available (a lost "
                      "wake-up)",
                      t, static_cast<double>(now - since) / tpn / 1e6,
                      static_cast<double>(now - w.free_since) / tpn / 1e6);
        stall_ = what;
        if (cfg_.on_stall) cfg_.on_stall(stall_, stopped_);
        return;
    }
}

void Team::watch_until_finished() {
    stopped_ = true;
    while (finished_.load(std::memory_order_acquire) < cfg_.threads) {
        watch_stalls();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace contend
