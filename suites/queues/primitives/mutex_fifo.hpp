#pragma once
// mutex_fifo — bounded FIFO: a ring buffer under one std::mutex, with two
// condition variables (not_full, not_empty).
//
// Algorithm: the monitor bounded buffer (Hoare, "Monitors: An Operating
// System Structuring Concept", CACM 1974), with Mesa semantics (Lampson &
// Redell, CACM 1980) as std::condition_variable has them: a woken thread
// re-checks its condition, because another may have got there first.
// Guarantees: linearizable FIFO for any number of producers and consumers;
// push waits while full and pop while empty, asleep in the kernel (futex);
// not lock-free, and not fair (std::mutex admits in no particular order).
//
// This header also holds MutexQueue<Store>, the locking and waiting that
// mutex_lifo and mutex_priority share with it; they differ only in the order
// their Store keeps. Storage is allocated once, at construction.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace contend::queues {

// Store: value_type; explicit Store(std::size_t capacity); size(),
// capacity(), put(const T&) (not full), take(T&) (not empty). Only ever used
// under the mutex.
template <class Store>
class MutexQueue {
  public:
    using T = typename Store::value_type;

    explicit MutexQueue(std::size_t capacity) : store_(checked(capacity)) {}

    MutexQueue(const MutexQueue&) = delete;
    MutexQueue& operator=(const MutexQueue&) = delete;

    std::size_t capacity() const { return store_.capacity(); }

    bool try_push(const T& item) {
        std::unique_lock lock(mu_);
        if (store_.size() == store_.capacity()) return false;
        store_.put(item);
        wake(lock, pop_waiters_, not_empty_);
        return true;
    }

    bool try_pop(T& out) {
        std::unique_lock lock(mu_);
        if (store_.size() == 0) return false;
        store_.take(out);
        wake(lock, push_waiters_, not_full_);
        return true;
    }

    void push(const T& item) {
        std::unique_lock lock(mu_);
        wait(lock, push_waiters_, not_full_, [&] { return store_.size() < store_.capacity(); });
        store_.put(item);
        wake(lock, pop_waiters_, not_empty_);
    }

    void pop(T& out) {
        std::unique_lock lock(mu_);
        wait(lock, pop_waiters_, not_empty_, [&] { return store_.size() > 0; });
        store_.take(out);
        wake(lock, push_waiters_, not_full_);
    }

  private:
    static std::size_t checked(std::size_t capacity) {
        if (capacity == 0) throw std::invalid_argument("mutex queue: capacity must be at least 1");
        return capacity;
    }

    // Waiters are counted under the mutex so that a push or pop can tell
    // whether anyone sleeps on the other side. glibc's pthread_cond_signal
    // returns early when nobody waits, but only after reading the condition
    // variable's own state, a line that sleeping threads write; the counts sit
    // beside the mutex, so the common case (nobody waiting) never touches a
    // condition variable's line. A thread counted here is in the
    // condition variable's wait set before the mutex is released (wait()
    // releases it atomically), so no signal can miss it.
    template <class Ready>
    static void wait(std::unique_lock<std::mutex>& lock, int& waiters, std::condition_variable& cv,
                     Ready ready) {
        if (ready()) return;
        ++waiters;
        cv.wait(lock, ready);
        --waiters;
    }

    // Decides under the mutex, signals after releasing it: a thread woken
    // while the signaller still holds the mutex would only block again on it
    // (glibc does not move waiters from the condition variable to the mutex).
    // One signal per change of state: a push adds one item, a pop frees one slot.
    static void wake(std::unique_lock<std::mutex>& lock, int waiters, std::condition_variable& cv) {
        const bool anyone = waiters > 0;
        lock.unlock();
        if (anyone) cv.notify_one();
    }

    std::mutex mu_;
    int push_waiters_ = 0;  // threads asleep in push (full)
    int pop_waiters_ = 0;   // threads asleep in pop (empty)
    Store store_;
    std::condition_variable not_full_;
    std::condition_variable not_empty_;
};

// A ring over a fixed array: head_ is the oldest item, count_ how many follow.
template <class Item>
class RingStore {
  public:
    using value_type = Item;
    explicit RingStore(std::size_t capacity) : slots_(capacity) {}
    std::size_t size() const { return count_; }
    std::size_t capacity() const { return slots_.size(); }
    void put(const Item& item) {
        std::size_t i = head_ + count_;
        if (i >= slots_.size()) i -= slots_.size();  // a compare, not a division
        slots_[i] = item;
        ++count_;
    }
    const Item& front() const { return slots_[head_]; }
    void take(Item& out) {
        out = slots_[head_];
        if (++head_ == slots_.size()) head_ = 0;
        --count_;
    }

  private:
    std::vector<Item> slots_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

template <class T>
class MutexFifo : public MutexQueue<RingStore<T>> {
  public:
    using MutexQueue<RingStore<T>>::MutexQueue;
};

}  // namespace contend::queues
