#pragma once
// The bank of problems.granularity: `accounts` balances and transfers between
// two of them, guarded four ways. The question is lock granularity: one lock
// for everything (no parallelism, one lock's worth of memory), k striped
// locks, one lock per account (most parallelism, two locks per transfer, a
// lock's worth of memory per account), or no lock at all (atomic balances).
//
// Every table offers the same interface:
//   TransferOutcome transfer(from, to, amount, inside)
//       moves `amount` if the source can pay (no overdraft: a balance never
//       goes below zero, so a transfer that would is declined); `inside()`
//       runs while the transfer is in progress (the transfer's own work).
//   std::int64_t audit()     the sum of all balances; taken under every lock
//                            where there are locks, so it must always equal
//                            the initial total (kConsistentAudit).
//   bool same_lock(from, to) both accounts are covered by one lock.
//   Footprint footprint()    what the table spends on locks.
//   std::size_t size(), std::int64_t balance(i)   for the final check.
//
// Deadlock freedom: a transfer takes its (at most two) locks lowest index
// first and the auditor takes all of them in index order, so no thread ever
// waits for a lock with a lower index than one it holds: the wait-for graph
// has no cycle. Two accounts under one lock (same stripe, from == to) take it
// once: most locks are not recursive.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "harness/isolated.hpp"
#include "harness/thread_team.hpp"

namespace contend::problems {

inline constexpr std::int64_t kInitialBalance = 1000;

// Atomic only so that a lock that fails to exclude loses money instead of
// being undefined behaviour; under a lock it is moved with relaxed loads and
// stores, the same code as a plain integer.
using Balance = std::atomic<std::int64_t>;

struct TableShape {
    std::size_t accounts = 1024;
    std::size_t stripes = 16;
};

struct Footprint {
    std::size_t locks = 0;
    std::size_t lock_object_bytes = 0;  // locks x sizeof(lock)
    std::size_t lock_bytes = 0;         // lock objects plus the padding that exists for them
    std::size_t table_bytes = 0;        // balances, locks and padding
};

struct TransferOutcome {
    bool moved = false;
    std::uint32_t cas_retries = 0;  // atomic_accounts: failed compare-exchanges on the debit
};

// Read, work, write back. The source balance is read before the transfer's
// own work and written after it, so a lock that lets two transfers overlap on
// an account loses one of them and the total changes: the validation's
// signal. With from == to the credit re-reads what the debit wrote.
template <class Inside>
bool move_under_lock(Balance& from, Balance& to, std::int64_t amount, Inside& inside) {
    const std::int64_t have = from.load(std::memory_order_relaxed);
    inside();
    if (have < amount) return false;
    from.store(have - amount, std::memory_order_relaxed);
    to.store(to.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    return true;
}

// Takes lock_at(i) and lock_at(j) lowest index first; i == j takes one.
template <class LockAt>
void lock_two(LockAt&& lock_at, std::size_t i, std::size_t j) {
    if (i > j) std::swap(i, j);
    lock_at(i).lock();
    if (j != i) lock_at(j).lock();
}
template <class LockAt>
void unlock_two(LockAt&& lock_at, std::size_t i, std::size_t j) {
    if (i > j) std::swap(i, j);
    if (j != i) lock_at(j).unlock();
    lock_at(i).unlock();
}

// Dense balances: 8 per cache line, shared by the strategies whose locks live
// elsewhere.
class DenseBalances {
  public:
    explicit DenseBalances(std::size_t n) : v_(n) {
        for (auto& b : v_) b.store(kInitialBalance, std::memory_order_relaxed);
    }
    Balance& operator[](std::size_t i) { return v_[i]; }
    std::size_t size() const { return v_.size(); }
    std::int64_t balance(std::size_t i) const { return v_[i].load(std::memory_order_relaxed); }
    std::int64_t sum() const {
        std::int64_t s = 0;
        for (const auto& b : v_) s += b.load(std::memory_order_relaxed);
        return s;
    }
    std::size_t bytes() const { return v_.size() * sizeof(Balance); }

  private:
    std::vector<Balance> v_;
};

// global_lock: one lock for the whole table.
template <class Lock>
class GlobalLockTable {
  public:
    static constexpr bool kConsistentAudit = true;
    explicit GlobalLockTable(TableShape s)
        : lock_(std::make_unique<Isolated<Lock>>()), balances_(s.accounts) {}

    template <class Inside>
    TransferOutcome transfer(std::size_t from, std::size_t to, std::int64_t amount,
                             Inside&& inside) {
        lock_->value.lock();
        const bool moved = move_under_lock(balances_[from], balances_[to], amount, inside);
        lock_->value.unlock();
        return {moved, 0};
    }
    std::int64_t audit() {
        lock_->value.lock();
        const std::int64_t s = balances_.sum();
        lock_->value.unlock();
        return s;
    }
    bool same_lock(std::size_t, std::size_t) const { return true; }
    Footprint footprint() const {
        return {1, sizeof(Lock), sizeof(Isolated<Lock>),
                sizeof(Isolated<Lock>) + balances_.bytes()};
    }
    std::size_t size() const { return balances_.size(); }
    std::int64_t balance(std::size_t i) const { return balances_.balance(i); }

  private:
    std::unique_ptr<Isolated<Lock>> lock_;
    DenseBalances balances_;
};

// striped_locks: account i is guarded by lock i mod k, each lock on its own
// cache line (lock striping, as in Java's ConcurrentHashMap before JDK 8).
template <class Lock>
class StripedTable {
  public:
    static constexpr bool kConsistentAudit = true;
    explicit StripedTable(TableShape s) : stripes_(s.stripes), balances_(s.accounts) {}

    template <class Inside>
    TransferOutcome transfer(std::size_t from, std::size_t to, std::int64_t amount,
                             Inside&& inside) {
        auto at = [this](std::size_t i) -> Lock& { return stripes_[i].value; };
        const std::size_t a = stripe_of(from), b = stripe_of(to);
        lock_two(at, a, b);
        const bool moved = move_under_lock(balances_[from], balances_[to], amount, inside);
        unlock_two(at, a, b);
        return {moved, 0};
    }
    std::int64_t audit() {
        for (auto& s : stripes_) s.value.lock();
        const std::int64_t sum = balances_.sum();
        for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) it->value.unlock();
        return sum;
    }
    bool same_lock(std::size_t from, std::size_t to) const {
        return stripe_of(from) == stripe_of(to);
    }
    Footprint footprint() const {
        const std::size_t k = stripes_.size();
        return {k, k * sizeof(Lock), k * sizeof(Isolated<Lock>),
                k * sizeof(Isolated<Lock>) + balances_.bytes()};
    }
    std::size_t size() const { return balances_.size(); }
    std::int64_t balance(std::size_t i) const { return balances_.balance(i); }
    std::size_t stripe_of(std::size_t account) const { return account % stripes_.size(); }

  private:
    std::vector<Isolated<Lock>> stripes_;
    DenseBalances balances_;
};

// An account with its own lock beside its balance. Packed: several accounts
// share a cache line, so locking one moves its neighbours' line too (false
// sharing). Padded: one account per line, no false sharing, more memory.
template <class Lock>
struct PackedAccount {
    Lock lock;
    Balance balance{kInitialBalance};
};
template <class Lock>
struct alignas(kCacheLine) PaddedAccount {
    Lock lock;
    Balance balance{kInitialBalance};
};

// account_locks / account_locks_padded: one lock per account.
template <class Lock, template <class> class Slot>
class AccountLockTable {
  public:
    static constexpr bool kConsistentAudit = true;
    explicit AccountLockTable(TableShape s) : slots_(s.accounts) {}

    template <class Inside>
    TransferOutcome transfer(std::size_t from, std::size_t to, std::int64_t amount,
                             Inside&& inside) {
        auto at = [this](std::size_t i) -> Lock& { return slots_[i].lock; };
        lock_two(at, from, to);
        const bool moved =
            move_under_lock(slots_[from].balance, slots_[to].balance, amount, inside);
        unlock_two(at, from, to);
        return {moved, 0};
    }
    std::int64_t audit() {
        for (auto& s : slots_) s.lock.lock();
        std::int64_t sum = 0;
        for (const auto& s : slots_) sum += s.balance.load(std::memory_order_relaxed);
        for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) it->lock.unlock();
        return sum;
    }
    bool same_lock(std::size_t from, std::size_t to) const { return from == to; }
    Footprint footprint() const {
        const std::size_t n = slots_.size();
        return {n, n * sizeof(Lock), n * (sizeof(Slot<Lock>) - sizeof(Balance)),
                n * sizeof(Slot<Lock>)};
    }
    std::size_t size() const { return slots_.size(); }
    std::int64_t balance(std::size_t i) const {
        return slots_[i].balance.load(std::memory_order_relaxed);
    }

  private:
    std::vector<Slot<Lock>> slots_;
};

// atomic_accounts: no lock. The debit is a compare-exchange loop that refuses
// to go below zero, the credit a fetch_add. Each account's history is one
// chain of atomic read-modify-writes, so no money is ever lost; but between
// debit and credit the money is in flight, and an audit (a plain sum, since
// there is nothing to lock) can see a total below the true one. That is the
// price of lock freedom here, reported by the scenario, not an error.
class AtomicTable {
  public:
    static constexpr bool kConsistentAudit = false;
    explicit AtomicTable(TableShape s) : balances_(s.accounts) {}

    template <class Inside>
    TransferOutcome transfer(std::size_t from, std::size_t to, std::int64_t amount,
                             Inside&& inside) {
        TransferOutcome out;
        Balance& src = balances_[from];
        std::int64_t have = src.load(std::memory_order_relaxed);
        for (;;) {
            if (have < amount) {
                inside();  // the transfer's work is done whatever its outcome
                return out;
            }
            if (src.compare_exchange_weak(have, have - amount, std::memory_order_relaxed)) break;
            ++out.cas_retries;  // `have` now holds the balance another thread left
        }
        inside();
        balances_[to].fetch_add(amount, std::memory_order_relaxed);
        out.moved = true;
        return out;
    }
    std::int64_t audit() { return balances_.sum(); }
    bool same_lock(std::size_t, std::size_t) const { return false; }
    Footprint footprint() const { return {0, 0, 0, balances_.bytes()}; }
    std::size_t size() const { return balances_.size(); }
    std::int64_t balance(std::size_t i) const { return balances_.balance(i); }

  private:
    DenseBalances balances_;
};

// The end-of-run invariant: money is neither created nor destroyed and no
// balance is negative.
struct Conservation {
    std::int64_t expected = 0, total = 0;
    std::size_t negative = 0;
    bool ok() const { return total == expected && negative == 0; }
};

template <class Table>
Conservation check_conservation(const Table& t) {
    Conservation c;
    c.expected = kInitialBalance * static_cast<std::int64_t>(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
        const std::int64_t b = t.balance(i);
        c.total += b;
        c.negative += b < 0;
    }
    return c;
}

}  // namespace contend::problems
