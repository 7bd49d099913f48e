// threads.tls registration: the scenario, its parameters and the five
// counting strategies (each one header; the measured loop is tls_run.hpp).
#include <memory>
#include <set>
#include <string>

#include "suites/threads/register_threads.hpp"
#include "suites/threads/tls_run.hpp"
#include "suites/threads/tls_sharded_counter.hpp"
#include "suites/threads/tls_shared_atomic.hpp"
#include "suites/threads/tls_slot_counter.hpp"
#include "suites/threads/tls_thread_local_counter.hpp"

namespace contend {
namespace {

constexpr const char* kTls = "threads.tls";

template <tls::ThreadCounter C>
void add_counter(Registry& r, std::set<std::string>& no_live_read, PrimitiveInfo info) {
    info.family = "counter";
    info.size_bytes = sizeof(C);
    info.align_bytes = alignof(C);
    const auto& p = r.add_primitive(info);
    if (!C::kLiveRead) no_live_read.insert(p.name);
    r.bind(kTls, p.name, [](const CaseConfig& c) { return tls::run_tls<C>(c); });
}

}  // namespace

void register_tls_scenario(Registry& r) {
    auto& s = r.add_scenario(
        {kTls,
         "threads",
         "threads count into one counter: shared atomic vs per-thread slots (packed: false "
         "sharing; padded), thread_local merged at join, per-CPU shards; the count is exact",
         {ParamSpec::integer("threads", 2, 1, 1024, "",
                             "counting threads (more than CPUs = oversubscribed)", true),
          ParamSpec::integer("read_pct", 0, 0, 100, "%",
                             "share of operations that read the live total (slots and "
                             "shards sum every part)")
              .in_preset("full", "0,10"),
          ParamSpec::integer("think_ns", 0, 0, 100'000'000, "ns",
                             "busy work after each operation")},
         {},
         {}});
    // Filled as the strategies register; the check reads it later.
    auto no_live_read_ptr = std::make_shared<std::set<std::string>>();
    auto& no_live_read = *no_live_read_ptr;
    s.unsupported = [no_live_read_ptr](const PrimitiveInfo& p,
                                       const ParamPoint& point) -> std::string {
        if (point.integer("read_pct") > 0 && no_live_read_ptr->count(p.name))
            return "it has no live total to read (the count exists only after the threads "
                   "merge at join); use read_pct=0";
        return "";
    };
    add_counter<tls::SharedAtomicCounter>(
        r, no_live_read,
        {.name = "shared_atomic",
         .description = "one std::atomic<uint64_t>, fetch_add by every thread (lock xadd)"});
    add_counter<tls::PackedSlotCounter>(
        r, no_live_read,
        {.name = "packed_slots",
         .description = "per-thread 8-byte slots side by side: 8 writers per cache line "
                        "(false sharing)"});
    add_counter<tls::PaddedSlotCounter>(
        r, no_live_read,
        {.name = "padded_slots",
         .description = "per-thread slots padded to 128 bytes (no false sharing); "
                        "reads sum every slot"});
    add_counter<tls::ThreadLocalMergeCounter>(
        r, no_live_read,
        {.name = "thread_local_merge",
         .description = "C++ thread_local count, merged into one atomic when the thread "
                        "retires; no live total"});
    add_counter<tls::ShardedCounter>(
        r, no_live_read,
        {.name = "sharded_counter",
         .description = "per-CPU padded atomic shards chosen by sched_getcpu (rseq), "
                        "fetch_add; reads sum the shards"});
}

}  // namespace contend
