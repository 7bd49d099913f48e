#pragma once
// The auditor of problems.granularity: a thread beside the workers that sums
// the whole table every `audit_us`, under every lock of the table where it has
// locks. It is the operation that coarse locking makes cheap and fine locking
// makes expensive (taking 1024 locks is not taking one), and it checks the
// invariant while the transfers run: under locks every audit must see the
// initial total exactly; on atomic balances it sees money in flight, which is
// measured (how often, how much), not failed.
//
// Not one of the team's threads: the workers' counts and the thread axis stay
// the transfers'. It sleeps between audits, so it adds no CPU load to speak of.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace contend::problems {

struct AuditReport {
    std::uint64_t audits = 0;
    std::uint64_t off_total = 0;       // audits whose sum was not the initial total
    std::int64_t max_imbalance = 0;    // largest |sum - total| seen
    std::vector<double> durations_ns;  // of each audit, locks included

    double median_ns() const {
        if (durations_ns.empty()) return -1;
        auto v = durations_ns;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return v[v.size() / 2];
    }
};

class Auditor {
  public:
    // audit() returns the sum of the balances; `expected` is the invariant.
    // An interval of 0 starts no thread.
    template <class Audit>
    Auditor(std::chrono::microseconds every, std::int64_t expected, Audit audit) {
        if (every.count() <= 0) return;
        report_.durations_ns.reserve(4096);
        thread_ = std::thread([this, every, expected, audit]() mutable {
            std::unique_lock lk(mu_);
            while (!cv_.wait_for(lk, every, [this] { return stop_; })) {
                lk.unlock();
                const auto t0 = std::chrono::steady_clock::now();
                const std::int64_t sum = audit();
                const auto t1 = std::chrono::steady_clock::now();
                lk.lock();
                ++report_.audits;
                const std::int64_t off = std::llabs(sum - expected);
                report_.off_total += off != 0;
                report_.max_imbalance = std::max(report_.max_imbalance, off);
                if (report_.durations_ns.size() < report_.durations_ns.capacity())
                    report_.durations_ns.push_back(
                        std::chrono::duration<double, std::nano>(t1 - t0).count());
            }
        });
    }
    Auditor(const Auditor&) = delete;
    Auditor& operator=(const Auditor&) = delete;
    ~Auditor() { stop(); }

    // Stops the thread (after the audit in progress) and returns its figures.
    const AuditReport& stop() {
        {
            std::lock_guard lk(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
        return report_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    AuditReport report_;
    std::thread thread_;
};

}  // namespace contend::problems
