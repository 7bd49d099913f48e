// threads.pool registration: the scenario, its parameters and the four
// pools (each one header; the measured run is pool_run.hpp, the case pool_case.hpp).
#include <algorithm>
#include <cstdio>
#include <string>

#include "harness/topology.hpp"
#include "suites/threads/pool_asio_thread_pool.hpp"
#include "suites/threads/pool_case.hpp"
#include "suites/threads/pool_mutex_queue.hpp"
#include "suites/threads/pool_runs_twice.hpp"
#include "suites/threads/pool_skips_wake.hpp"
#include "suites/threads/pool_tbb_task_group.hpp"
#include "suites/threads/pool_work_stealing.hpp"
#include "suites/threads/register_threads.hpp"

namespace contend {
namespace {

constexpr const char* kPool = "threads.pool";
constexpr double kMaxDrainMs = 250;

// The scenario's own deque capacity; tests use smaller ones to reach the
// overflow path.
template <class Job>
using WorkStealing = pool::WorkStealingPool<Job, 1024>;

template <template <class> class PoolT>
void add_pool(Registry& r, PrimitiveInfo info) {
    using Job = typename pool::PoolRun<PoolT>::Job;
    info.family = info.control ? "control" : "pool";
    info.blocking = true;  // idle workers sleep
    info.size_bytes = sizeof(PoolT<Job>);
    info.align_bytes = alignof(PoolT<Job>);
    const auto& p = r.add_primitive(info);
    r.bind(kPool, p.name, [](const CaseConfig& c) { return pool::run_pool<PoolT>(c); });
}

}  // namespace

void register_pool_scenario(Registry& r) {
    auto& s = r.add_scenario(
        {kPool,
         "threads",
         "worker pools run tiny tasks: tasks/s, submit->complete latency (lone hand-off and "
         "under load), idle CPU, shutdown time; every task runs exactly once",
         {ParamSpec::integer("threads", 2, 1, 256, "",
                             "pool workers (the submitters are extra threads)", true),
          ParamSpec::integer("task_ns", 1000, 0, 10'000'000, "ns", "busy work in each task", true)
              .in_preset("full", "0,1000,10000"),
          ParamSpec::choice("spawn", "external", {"external", "recursive"},
                            "external: submitters submit every task; recursive: each submitted "
                            "task is a 16-task binary tree spawned from inside the workers")
              .in_preset("full", "external,recursive"),
          ParamSpec::integer("submitters", 1, 1, 64, "", "threads submitting from outside"),
          ParamSpec::integer("inflight", 64, 1, 1'000'000, "",
                             "most tasks submitted and not yet finished (shared by submitters)")},
         {},
         {}});
    s.stress = true;
    // After each window the pool drains what is in flight; that must stay
    // short, or a repetition outlasts its window by far (and the watchdog).
    s.unsupported = [](const PrimitiveInfo&, const ParamPoint& point) -> std::string {
        const double cpus = std::max(1, Topology::get().allowed_cpus());
        const double workers = std::min(static_cast<double>(point.integer("threads")), cpus);
        const double drain_ms = static_cast<double>(point.integer("inflight")) *
                                static_cast<double>(point.integer("task_ns")) / workers / 1e6;
        if (drain_ms <= kMaxDrainMs) return "";
        char why[200];
        std::snprintf(why, sizeof why,
                      "draining inflight x task_ns after each window would take ~%.0f ms "
                      "(at most %.0f ms); lower inflight or task_ns",
                      drain_ms, kMaxDrainMs);
        return why;
    };
    add_pool<pool::MutexQueuePool>(
        r, {.name = "mutex_queue",
            .description = "one std::deque + std::mutex + std::condition_variable shared by all "
                           "workers (FIFO)"});
    add_pool<WorkStealing>(
        r, {.name = "work_stealing",
            .description = "contend's: per-worker Chase-Lev deques (LIFO owner, FIFO thieves), "
                           "mutex injection queue, event-count parking"});
    add_pool<pool::TbbTaskGroupPool>(
        r, {.name = "tbb_task_group",
            .description = "oneTBB task_group in a task_arena of `threads` workers "
                           "(global_control raises TBB's worker limit)"});
    add_pool<pool::AsioThreadPool>(
        r, {.name = "asio_thread_pool",
            .description = "boost::asio::thread_pool; post from submitters, defer from inside "
                           "tasks"});
    add_pool<pool::RunsTwicePool>(
        r, {.name = "runs_twice",
            .description = "mutex_queue that queues ~1 in 100,003 submissions twice: for stress",
            .control = true});
    add_pool<pool::SkipsWakePool>(
        r, {.name = "skips_wake",
            .description = "mutex_queue whose submit skips 1 in 1,000 worker wake-ups (the next "
                           "submission rescues): for stress",
            .control = true});
}

}  // namespace contend
