// problems.granularity — one lock for the whole table, or many smaller ones?
// The same bank guarded by one global lock, k striped locks, one lock per
// account (packed beside the balance, or padded to a cache line) and by
// atomic balances: throughput vs threads, and the bytes each spends on locks.
// (granularity_workload.hpp has the methodology, granularity_tables.hpp the
// strategies.)
#include <string>

#include "harness/relax.hpp"
#include "suites/locks/primitives/std_mutex.hpp"
#include "suites/locks/primitives/ttas.hpp"
#include "suites/problems/granularity_workload.hpp"
#include "suites/problems/register_problems.hpp"

namespace contend {
namespace {

constexpr const char* kGranularity = "problems.granularity";
constexpr std::int64_t kDefaultStripes = 16;
constexpr const char* kDefaultLock = "std_mutex";

using SpinLock = TtasLock<relax::Pause>;

// Runs the table template with the lock the case asks for.
template <template <class> class TableOf>
Sample with_lock(const CaseConfig& c) {
    Sample s = c.params.choice("lock") == "ttas"
                   ? problems::run_granularity<TableOf<SpinLock>>(c)
                   : problems::run_granularity<TableOf<StdMutexLock>>(c);
    s.row_extra["lock_applied"] = c.params.choice("lock");
    return s;
}

template <class Lock>
using PackedTable = problems::AccountLockTable<Lock, problems::PackedAccount>;
template <class Lock>
using PaddedTable = problems::AccountLockTable<Lock, problems::PaddedAccount>;

std::string more_stripes_than_accounts(const PrimitiveInfo& p, const ParamPoint& point) {
    if (p.name == "striped_locks" && point.integer("stripes") > point.integer("accounts"))
        return "stripes (" + std::to_string(point.integer("stripes")) + ") exceed accounts (" +
               std::to_string(point.integer("accounts")) + "): some locks would guard nothing";
    return "";
}

// `stripes` matters to striped_locks only, `lock` to every strategy but
// atomic_accounts: other values would repeat the same case.
bool knob_irrelevant(const PrimitiveInfo& p, const ParamPoint& point) {
    if (p.name != "striped_locks" && point.integer("stripes") != kDefaultStripes) return true;
    return p.name == "atomic_accounts" && point.choice("lock") != kDefaultLock;
}

}  // namespace

void register_granularity_scenario(Registry& r) {
    auto ns = [](const char* name, std::int64_t def, const char* doc) {
        return ParamSpec::integer(name, def, 0, 100'000'000, "ns", doc, true);
    };
    auto& s = r.add_scenario(
        {kGranularity,
         "problems",
         "one lock or many: transfers between accounts under a global lock, striped locks, a "
         "lock per account or atomics; throughput, bytes on locks, total balance kept",
         {ParamSpec::integer("threads", 2, 1, 1024, "",
                             "worker threads (more than CPUs = oversubscribed)", true),
          ParamSpec::integer("accounts", 1024, 1, 1 << 20, "", "accounts in the table"),
          ParamSpec::integer("stripes", kDefaultStripes, 1, 1 << 20, "",
                             "locks of striped_locks (account i: lock i mod stripes)")
              .in_preset("full", "4,16,64,256"),
          ParamSpec::choice("lock", kDefaultLock, {"std_mutex", "ttas"},
                            "lock type of the locking strategies (ttas spins with pause)")
              .in_preset("full", "std_mutex,ttas"),
          // A transfer holds its locks two thirds of the time: one global
          // lock is then saturated by two threads (it can serve at most
          // ~1.5x one thread), so even a 2-CPU machine shows the bottleneck.
          ns("cs_ns", 200, "busy work while a transfer is in progress (under its locks)"),
          ns("think_ns", 100, "busy work between transfers"),
          ParamSpec::integer("audit_us", 5000, 0, 1'000'000, "us",
                             "an auditor sums every balance under all locks this often (0: off)")},
         {},
         {}});
    s.unsupported = more_stripes_than_accounts;
    s.not_applicable = knob_irrelevant;

    auto add = [&](PrimitiveInfo info, CaseRunner run) {
        r.add_primitive(info);
        r.bind(kGranularity, info.name, std::move(run));
    };
    // sizeof: the default lock type's, or the atomic balance's.
    const PrimitiveInfo locked{
        .blocking = true, .size_bytes = sizeof(StdMutexLock), .align_bytes = alignof(StdMutexLock)};
    auto with = [](PrimitiveInfo p, const char* name, const char* family, const char* doc) {
        p.name = name;
        p.family = family;
        p.description = doc;
        return p;
    };
    add(with(locked, "global_lock", "coarse", "one lock for the whole table"),
        [](const CaseConfig& c) { return with_lock<problems::GlobalLockTable>(c); });
    add(with(locked, "striped_locks", "striped",
             "lock striping: account i under lock i mod stripes, each on its own cache line"),
        [](const CaseConfig& c) { return with_lock<problems::StripedTable>(c); });
    add(with(locked, "account_locks", "fine",
             "a lock per account, packed beside its balance (neighbours false-share)"),
        [](const CaseConfig& c) { return with_lock<PackedTable>(c); });
    add(with(locked, "account_locks_padded", "fine",
             "a lock per account, lock and balance padded to a cache line each"),
        [](const CaseConfig& c) { return with_lock<PaddedTable>(c); });
    add({.name = "atomic_accounts",
         .family = "atomic",
         .description = "no lock: CAS-loop debit refusing overdraft, fetch_add credit",
         .lock_free = true,
         .size_bytes = sizeof(problems::Balance),
         .align_bytes = alignof(problems::Balance)},
        [](const CaseConfig& c) { return problems::run_granularity<problems::AtomicTable>(c); });
}

}  // namespace contend
