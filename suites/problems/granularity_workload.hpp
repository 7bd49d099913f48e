#pragma once
// problems.granularity — threads move money between random pairs of
// `accounts` (from == to and pairs under one lock included, as chance gives
// them), with `cs_ns` of busy work while a transfer is in progress and
// `think_ns` between transfers; an auditor sums the table every `audit_us`
// (granularity_auditor.hpp). The tables are in granularity_tables.hpp.
// Methodology: the harness's protocol (thread_team.hpp); one operation = one
// transfer, declined ones (source cannot pay) included, because they took the
// same locks and did the same work. The wait until the transfer may proceed
// (its locks held, or the atomic debit done) and the whole transfer are timed
// in the sampled latency phase.
//
// Validation: after the window every balance is non-negative and the total is
// the initial one; under locks every audit saw exactly that total too.
#include <cmath>
#include <memory>
#include <vector>

#include "harness/cs_think_delays.hpp"
#include "harness/latency_histogram.hpp"
#include "harness/registry.hpp"
#include "harness/thread_team.hpp"
#include "suites/problems/granularity_auditor.hpp"
#include "suites/problems/granularity_tables.hpp"

namespace contend::problems {

struct alignas(kCacheLine) TransferThreadStats {
    std::uint64_t declined = 0, same_lock = 0, cas_retries = 0;  // measured window
    LatencyHistogram acquire_wait, transfer;
};

// xorshift64* (Vigna 2016): cheap, no shared state, good enough to pick accounts.
class AccountPicker {
  public:
    explicit AccountPicker(std::uint64_t seed) : x_(seed | 1) {}
    std::uint64_t next() {
        x_ ^= x_ >> 12;
        x_ ^= x_ << 25;
        x_ ^= x_ >> 27;
        return x_ * 0x2545F4914F6CDD1Dull;
    }

  private:
    std::uint64_t x_;
};

inline TableShape table_shape(const ParamPoint& p) {
    return {static_cast<std::size_t>(p.integer("accounts")),
            static_cast<std::size_t>(p.integer("stripes"))};
}

template <class Table>
Sample run_granularity(const CaseConfig& c) {
    const TableShape shape = table_shape(c.params);
    auto table = std::make_unique<Table>(shape);
    const std::int64_t total = kInitialBalance * static_cast<std::int64_t>(shape.accounts);
    std::vector<TransferThreadStats> stats(c.threads);

    Auditor auditor(std::chrono::microseconds(c.params.integer("audit_us")), total,
                    [&table] { return table->audit(); });
    TeamConfig cfg = team_config(c);
    cfg.delays = cs_think_delays(c);
    Team team(cfg);
    Sample s = team.run([&](ThreadContext& ctx) {
        auto& st = stats[ctx.tid()];
        AccountPicker pick(0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(ctx.tid() + 1) +
                           static_cast<std::uint64_t>(c.repetition));
        const std::uint64_t n = shape.accounts;
        const Delay cs = ctx.delay(kCsDelay), think = ctx.delay(kThinkDelay);
        auto op = [&](auto clk) {
            const std::size_t from = pick.next() % n, to = pick.next() % n;
            const auto amount = static_cast<std::int64_t>(1 + pick.next() % 100);
            std::uint64_t t1 = 0;
            const std::uint64_t t0 = clk.now();
            const TransferOutcome out = table->transfer(from, to, amount, [&] {
                t1 = clk.now();
                cs(clk);
            });
            if constexpr (decltype(clk)::timed) {
                st.transfer.record(clk.now() - t0);
                st.acquire_wait.record(t1 - t0);
            }
            if (ctx.in_window()) {
                st.declined += !out.moved;
                st.same_lock += table->same_lock(from, to);
                st.cas_retries += out.cas_retries;
            }
            think(clk);
        };
        ctx.run(op);
    });
    const AuditReport& audits = auditor.stop();

    std::uint64_t declined = 0, same_lock = 0, retries = 0;
    LatencyHistogram wait, whole;
    for (std::size_t t = 0; t < stats.size(); ++t) {
        declined += stats[t].declined;
        same_lock += stats[t].same_lock;
        retries += stats[t].cas_retries;
        wait.merge(stats[t].acquire_wait, latency_weight(s, t));
        whole.merge(stats[t].transfer, latency_weight(s, t));
    }
    const double ops = static_cast<double>(s.total_ops());
    auto share = [&](std::uint64_t x) {
        return finite_or_null(ops > 0 ? 100.0 * static_cast<double>(x) / ops : NAN);
    };
    const Footprint fp = table->footprint();
    s.latencies = {{"acquire_wait", wait}, {"transfer", whole}};
    s.metrics["locks"] = fp.locks;
    s.metrics["lock_bytes"] = fp.lock_bytes;
    s.metrics["lock_object_bytes"] = fp.lock_object_bytes;
    s.metrics["table_bytes"] = fp.table_bytes;
    s.metrics["declined_pct"] = share(declined);
    s.metrics["same_lock_pct"] = share(same_lock);
    s.metrics["cas_retries_per_op"] =
        Table::kConsistentAudit
            ? nlohmann::json(nullptr)
            : finite_or_null(ops > 0 ? static_cast<double>(retries) / ops : NAN);
    s.metrics["audits"] = audits.audits;
    const double audit_ns = audits.median_ns();
    s.metrics["audit_ns_median"] =
        audit_ns < 0 ? nlohmann::json(nullptr) : nlohmann::json(audit_ns);
    s.metrics["audits_off_total"] = audits.off_total;
    s.metrics["audit_max_imbalance"] = audits.max_imbalance;

    const Conservation end = check_conservation(*table);
    s.checks = {
        {"total_expected", end.expected},       {"total_final", end.total},
        {"negative_balances", end.negative},    {"audits", audits.audits},
        {"audits_off_total", audits.off_total}, {"audit_must_balance", Table::kConsistentAudit}};
    std::string what;
    auto add = [&](const std::string& x) { what += (what.empty() ? "" : "; ") + x; };
    if (end.total != end.expected)
        add("total " + std::to_string(end.total) + " != " + std::to_string(end.expected) +
            " (transfers overlapped on an account: lost update)");
    if (end.negative) add(std::to_string(end.negative) + " negative balances");
    if (Table::kConsistentAudit && audits.off_total)
        add(std::to_string(audits.off_total) + " of " + std::to_string(audits.audits) +
            " audits under every lock saw a wrong total (max off by " +
            std::to_string(audits.max_imbalance) + ")");
    if (!what.empty()) {
        s.fail("money not conserved: " + what);
    } else if (!Table::kConsistentAudit && audits.off_total) {
        s.detail = std::to_string(audits.off_total) + " of " + std::to_string(audits.audits) +
                   " lock-free audits saw money in flight (by design; total conserved)";
    }
    return s;
}

}  // namespace contend::problems
