#pragma once
// broken_queue — a deliberately broken queue (control, never in default runs).
//
// mutex_fifo's locked ring (MutexQueue, try operations only) with a store
// that misbehaves deterministically: every 10,007th successful push is
// acknowledged but dropped (lost), and every 10,009th successful pop hands
// out the oldest item without removing it, so the next pop delivers it again
// (duplicated). Both are counted under the queue's mutex, so the faults do
// not depend on timing: any run past ~10,000 items has both. It exists to
// prove that validation catches a queue that loses or duplicates messages:
// the exactly-once check must report it `invalid`; a run that reports it
// `valid` means the checks are blind. With near-equal periods the losses and
// duplicates come in pairs that leave the total count right, so a count-only
// check would pass it; per-producer sequence bitmaps or sums do not. Only
// try_push/try_pop: a blocking pop would wait forever for a dropped poison
// message, turning "invalid" into "timeout".
#include <cstddef>
#include <cstdint>

#include "suites/queues/primitives/mutex_fifo.hpp"

namespace contend::queues {

template <class Item>
class BrokenStore {
  public:
    using value_type = Item;
    static constexpr std::uint64_t kDropEvery = 10'007;
    static constexpr std::uint64_t kDuplicateEvery = 10'009;

    explicit BrokenStore(std::size_t capacity) : ring_(capacity) {}
    std::size_t size() const { return ring_.size(); }
    std::size_t capacity() const { return ring_.capacity(); }
    void put(const Item& item) {
        if (++pushes_ % kDropEvery == 0) return;  // the loss
        ring_.put(item);
    }
    void take(Item& out) {
        if (++pops_ % kDuplicateEvery == 0) {
            out = ring_.front();  // the duplicate: still there for the next pop
            return;
        }
        ring_.take(out);
    }

  private:
    RingStore<Item> ring_;
    std::uint64_t pushes_ = 0;
    std::uint64_t pops_ = 0;
};

template <class T>
class BrokenQueue {
  public:
    explicit BrokenQueue(std::size_t capacity) : q_(capacity) {}

    std::size_t capacity() const { return q_.capacity(); }

    bool try_push(const T& item) { return q_.try_push(item); }
    bool try_pop(T& out) { return q_.try_pop(out); }

  private:
    MutexQueue<BrokenStore<T>> q_;
};

}  // namespace contend::queues
