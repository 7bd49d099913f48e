#pragma once
// threads.lifecycle — the five ways of getting one work item run on another
// thread that the scenario compares, behind one interface:
//
//   run_one(slot, item, spawned)  runs `item` elsewhere and returns once the
//                                 creator may start the next one (the thread
//                                 joined, or the item reported done); stamps
//                                 `spawned` when the create/submit call returned
//   begin(slot) / end(slot)       per-creator set-up and tear-down (the pool's
//                                 worker lives between them)
//   start_parked / join_parked    the memory probe's parked threads (only where
//                                 creates_threads: a hand-off creates none)
//
// The work item is the same everywhere (run_item): stamp its first
// instruction, check it was given the item its creator expected, count it.
#include <pthread.h>

#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/cycle_clock.hpp"
#include "harness/thread_team.hpp"
#include "suites/threads/lifecycle_futex.hpp"

namespace contend::lifecycle {

inline constexpr std::uint32_t kStopItem = UINT32_MAX;

// One creator thread's items. The creator writes its fields before it starts
// an item; the thread that runs the item writes the rest, and the creator
// reads them only after joining that thread or seeing `done` (a release/
// acquire pair), so plain fields are race-free.
struct alignas(kCacheLine) CreatorSlot {
    // the creator's
    std::uint32_t expected_item = 0;
    std::uint64_t launched = 0;  // create/submit calls that succeeded, all phases
    std::uint64_t finished = 0;  // items seen finished (joined, or done)
    std::uint64_t failures = 0;  // create calls that failed
    std::string failure;         // the first failure's error
    // the item thread's
    std::uint64_t started_ticks = 0;
    std::uint64_t ran = 0, wrong_item = 0;
    // hand-off words, each on a line of its own
    alignas(kCacheLine) std::atomic<std::uint32_t> done{0};
    alignas(kCacheLine) std::atomic<std::uint32_t> request{0};
};

inline void run_item(CreatorSlot& s, std::uint32_t item) {
    s.started_ticks = cycle_clock::now();
    s.wrong_item += item != s.expected_item;
    ++s.ran;
}

// A detached thread or the pool worker reports its item finished. The thread
// touches nothing of the slot after this store but the futex word's address.
inline void signal_done(CreatorSlot& s, std::uint32_t item) {
    s.done.store(item, std::memory_order_release);
    futex_wake(s.done);
}

inline bool record_failure(CreatorSlot& s, const std::string& why) {
    if (s.failures++ == 0) s.failure = why;
    return false;
}

// The memory probe's threads: each says it started, sleeps until released,
// then says it is about to exit (the last thing it does to this struct).
struct ParkedGroup {
    std::atomic<std::uint32_t> started{0}, exited{0}, release{0};
};

inline void park(ParkedGroup& g) {
    g.started.fetch_add(1, std::memory_order_acq_rel);
    futex_wake(g.started);
    while (g.release.load(std::memory_order_acquire) == 0) futex_wait(g.release, 0);
    g.exited.fetch_add(1, std::memory_order_acq_rel);
    futex_wake(g.exited);
}

// Runs `start`, which starts one parked thread; a thread that could not be
// created (std::system_error) is reported in `error` instead.
template <class Start>
bool try_start_parked(std::string& error, Start&& start) {
    try {
        start();
        return true;
    } catch (const std::system_error& e) {
        error = e.what();
        return false;
    }
}

struct MethodOptions {
    std::size_t stack_bytes = 0;  // pthread only; 0: the default stack
};

// std::thread: allocates its callable's state on the heap, pthread_create,
// join(). The thread frees that state when it ends.
class StdThread {
  public:
    static constexpr bool creates_threads = true;
    explicit StdThread(const MethodOptions&) {}
    void begin(CreatorSlot&) {}
    void end(CreatorSlot&) {}

    bool run_one(CreatorSlot& s, std::uint32_t item, std::uint64_t& spawned) {
        std::thread t;
        try {
            t = std::thread([&s, item] { run_item(s, item); });
        } catch (const std::system_error& e) {
            return record_failure(s, e.what());
        }
        spawned = cycle_clock::now();
        ++s.launched;
        t.join();
        return true;
    }
    bool start_parked(ParkedGroup& g, std::string& error) {
        return try_start_parked(error, [&] { parked_.emplace_back([&g] { park(g); }); });
    }
    void join_parked() {
        for (auto& t : parked_) t.join();
        parked_.clear();
    }

  private:
    std::vector<std::thread> parked_;
};

// std::jthread: std::thread plus a stop source; its destructor requests stop
// and joins, which is what ends each item here.
class StdJthread {
  public:
    static constexpr bool creates_threads = true;
    explicit StdJthread(const MethodOptions&) {}
    void begin(CreatorSlot&) {}
    void end(CreatorSlot&) {}

    bool run_one(CreatorSlot& s, std::uint32_t item, std::uint64_t& spawned) {
        try {
            std::jthread t([&s, item] { run_item(s, item); });
            spawned = cycle_clock::now();
            ++s.launched;
        } catch (const std::system_error& e) {
            return record_failure(s, e.what());
        }
        return true;
    }
    bool start_parked(ParkedGroup& g, std::string& error) {
        return try_start_parked(error, [&] { parked_.emplace_back([&g] { park(g); }); });
    }
    void join_parked() { parked_.clear(); }  // each destructor joins

  private:
    std::vector<std::jthread> parked_;
};

// pthread_create with an attribute carrying the stack size, pthread_join.
// No heap allocation: the item's argument lives on the creator's stack until
// the join.
class Pthread {
  public:
    static constexpr bool creates_threads = true;
    explicit Pthread(const MethodOptions& o) {
        pthread_attr_init(&attr_);
        if (o.stack_bytes) attr_error_ = pthread_attr_setstacksize(&attr_, o.stack_bytes);
    }
    ~Pthread() { pthread_attr_destroy(&attr_); }
    Pthread(const Pthread&) = delete;
    Pthread& operator=(const Pthread&) = delete;
    void begin(CreatorSlot&) {}
    void end(CreatorSlot&) {}

    bool run_one(CreatorSlot& s, std::uint32_t item, std::uint64_t& spawned) {
        Item arg{&s, item};
        pthread_t t;
        if (const int e = create(&t, &item_entry, &arg))
            return record_failure(s, std::string("pthread_create: ") + std::strerror(e));
        spawned = cycle_clock::now();
        ++s.launched;
        pthread_join(t, nullptr);
        return true;
    }
    bool start_parked(ParkedGroup& g, std::string& error) {
        pthread_t t;
        if (const int e = create(&t, &parked_entry, &g)) {
            error = std::string("pthread_create: ") + std::strerror(e);
            return false;
        }
        parked_.push_back(t);
        return true;
    }
    void join_parked() {
        for (pthread_t t : parked_) pthread_join(t, nullptr);
        parked_.clear();
    }

  private:
    struct Item {
        CreatorSlot* slot;
        std::uint32_t item;
    };
    static void* item_entry(void* p) {
        const auto* a = static_cast<const Item*>(p);
        run_item(*a->slot, a->item);
        return nullptr;
    }
    static void* parked_entry(void* p) {
        park(*static_cast<ParkedGroup*>(p));
        return nullptr;
    }
    int create(pthread_t* t, void* (*entry)(void*), void* arg) {
        return attr_error_ ? attr_error_ : pthread_create(t, &attr_, entry, arg);
    }

    pthread_attr_t attr_;
    int attr_error_ = 0;
    std::vector<pthread_t> parked_;
};

// A detached ("daemon") std::thread: nobody joins it, so the creator learns
// only from the item that it ran; the thread's exit overlaps whatever the
// creator does next. The scenario waits for every such thread to be gone
// before the repetition ends, so none outlives the memory it uses.
class DetachedThread {
  public:
    static constexpr bool creates_threads = true;
    explicit DetachedThread(const MethodOptions&) {}
    void begin(CreatorSlot&) {}
    void end(CreatorSlot&) {}

    bool run_one(CreatorSlot& s, std::uint32_t item, std::uint64_t& spawned) {
        try {
            std::thread([&s, item] {
                run_item(s, item);
                signal_done(s, item);
            }).detach();
        } catch (const std::system_error& e) {
            return record_failure(s, e.what());
        }
        spawned = cycle_clock::now();
        ++s.launched;
        wait_for_value(s.done, item);
        return true;
    }
    bool start_parked(ParkedGroup& g, std::string& error) {
        return try_start_parked(error, [&] { std::thread([&g] { park(g); }).detach(); });
    }
    void join_parked() {}  // the probe waits for ParkedGroup::exited instead
};

// No new thread: each creator hands its items to one worker thread of its
// own that sleeps in FUTEX_WAIT between items, as an idle pool worker does.
// Submit is a store and a FUTEX_WAKE; the creator then sleeps until the item
// reports done, so each item pays two wake-ups, like a joined thread.
class PoolHandoff {
  public:
    static constexpr bool creates_threads = false;
    explicit PoolHandoff(const MethodOptions&) {}

    void begin(CreatorSlot& s) {
        try {
            worker_ = std::thread([&s] { serve(s); });
        } catch (const std::system_error& e) {
            record_failure(s, e.what());
        }
    }
    void end(CreatorSlot& s) {
        if (!worker_.joinable()) return;
        s.request.store(kStopItem, std::memory_order_release);
        futex_wake(s.request);
        worker_.join();
    }
    bool run_one(CreatorSlot& s, std::uint32_t item, std::uint64_t& spawned) {
        if (!worker_.joinable()) return false;  // begin() failed and said why
        s.request.store(item, std::memory_order_release);
        futex_wake(s.request);
        spawned = cycle_clock::now();
        ++s.launched;
        wait_for_value(s.done, item);
        return true;
    }

  private:
    static void serve(CreatorSlot& s) {
        for (std::uint32_t last = 0;;) {
            const std::uint32_t item = wait_for_change(s.request, last);
            if (item == kStopItem) return;
            run_item(s, item);
            signal_done(s, item);
            last = item;
        }
    }

    std::thread worker_;
};

}  // namespace contend::lifecycle
