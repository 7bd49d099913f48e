// The stress stall watch's pieces that a test can drive deterministically:
// the quiet gate's protocol, and the watch after the stop, where nothing is
// left to rescue a sleeper (a consumer asleep beside its poison message must
// be a stall, found in milliseconds, not a hang found by the watchdog). The
// rare lost wake-ups that the quiet gate exists for are the stress tests'
// (tests/stress_test.py, one per control), since they are rare by design.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "harness/cycle_clock.hpp"
#include "harness/perturbation.hpp"
#include "harness/quiet_gate.hpp"
#include "suites/queues/message.hpp"
#include "suites/queues/queue_promises.hpp"
#include "suites/queues/throughput_scenario.hpp"

namespace contend {
namespace {

using namespace std::chrono_literals;

TEST(QuietGate, HoldsWorkersUntilOpenedAndWakesTheWatcherWhenClosed) {
    QuietGate gate;
    EXPECT_FALSE(gate.closed());
    gate.pass();  // open: returns at once
    gate.close();
    EXPECT_TRUE(gate.closed());
    gate.wait_closed(1'000'000'000);  // closed: returns at once, not after 1 s
    std::atomic<bool> through{false};
    std::thread worker([&] {
        gate.pass();
        through = true;
    });
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(through) << "a worker went through a closed gate";
    gate.open();
    worker.join();
    EXPECT_TRUE(through);
}

TEST(QuietGate, ARetiredGateNeverClosesAgain) {
    QuietGate gate;
    gate.close();
    std::thread worker([&] { gate.pass(); });
    gate.retire();  // the stop: a worker waiting at the gate must be let go
    worker.join();
    gate.close();
    EXPECT_FALSE(gate.closed());
    gate.pass();
}

TEST(QuietGate, TheWatcherSleepsUntilAWorkerClosesIt) {
    QuietGate gate;
    const auto t0 = std::chrono::steady_clock::now();
    std::thread worker([&] {
        std::this_thread::sleep_for(10ms);
        gate.close();
    });
    gate.wait_closed(5'000'000'000);
    const auto waited = std::chrono::steady_clock::now() - t0;
    worker.join();
    EXPECT_TRUE(gate.closed());
    EXPECT_LT(waited, 4s) << "the close did not wake the watcher";
}

// A blocking FIFO whose push forgets the consumer's wake-up for poison
// messages only (producer kPoison), and pushes one only once every real item
// is taken and a consumer sleeps: so after the stop some consumer is always
// left asleep beside its poison. rescue() wakes them, as nothing in the case
// would.
template <class T>
class LosesPoisonWakeUps {
  public:
    explicit LosesPoisonWakeUps(std::size_t) { live = this; }
    ~LosesPoisonWakeUps() { live = nullptr; }
    bool try_push(const T& m) {
        push(m);
        return true;
    }
    bool try_pop(T& m) {
        std::lock_guard g(mu_);
        if (q_.empty()) return false;
        m = q_.front();
        q_.pop_front();
        return true;
    }
    void push(const T& m) {
        const bool poison = m.producer == queues::kPoison;
        std::unique_lock g(mu_);
        while (poison && (q_.size() > poisons_ || sleeping_ == 0)) {
            g.unlock();
            std::this_thread::yield();
            g.lock();
        }
        q_.push_back(m);
        poisons_ += poison;
        g.unlock();
        if (!poison) ready_.notify_one();
    }
    void pop(T& m) {
        std::unique_lock g(mu_);
        ++sleeping_;
        ready_.wait(g, [&] { return !q_.empty(); });
        --sleeping_;
        m = q_.front();
        q_.pop_front();
        poisons_ -= m.producer == queues::kPoison;
    }
    void rescue() { ready_.notify_all(); }

    static inline LosesPoisonWakeUps* live = nullptr;

  private:
    std::mutex mu_;
    std::condition_variable ready_;
    std::deque<T> q_;
    std::size_t poisons_ = 0;  // in q_
    int sleeping_ = 0;         // consumers inside pop() (asleep, or about to be)
};

// The poisons that end a blocking run count as items (TeamConfig::
// available): a consumer asleep beside its poison after the stop is a lost
// wake-up that nothing is left to rescue.
TEST(StallWatch, AConsumerAsleepBesideItsPoisonIsAStallAfterTheStop) {
    using M = queues::Message<32>;
    using Q = LosesPoisonWakeUps<M>;
    QueueDeclaration declared;
    declared.name = "loses_poison_wake_ups";
    declared.ordering = "fifo";
    declared.blocking = true;
    const PrimitiveInfo info = declared;
    const auto clock = cycle_clock::calibrate(std::chrono::milliseconds(2));
    const Perturbation none;  // stress mode, nothing injected
    CaseConfig c;
    c.scenario = "queues.throughput";
    c.primitive = &info;
    c.threads = 3;
    c.warmup_ns = 2'000'000;
    c.duration_ns = 20'000'000;
    c.clock = &clock;
    c.perturb = &none;
    c.params.set("producers", std::int64_t{1});
    c.params.set("consumers", std::int64_t{2});
    c.params.set("capacity", std::int64_t{64});
    c.params.set("wait", std::string("block"));
    std::string stall;
    bool after_stop = false;
    c.on_stall = [&](const std::string& what, bool stopped) {
        stall = what;
        after_stop = stopped;
        Q::live->rescue();  // what stress mode does instead: _exit the child
    };
    const Sample s = queues::run_throughput<Q, M>(c);
    EXPECT_TRUE(after_stop);
    EXPECT_NE(stall.find("lost wake-up"), std::string::npos) << stall;
    EXPECT_FALSE(s.valid);
    EXPECT_NE(s.detail.find("stalled"), std::string::npos) << s.detail;
}

}  // namespace
}  // namespace contend
