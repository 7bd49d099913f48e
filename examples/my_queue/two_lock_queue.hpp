#pragma once
// A user's own queue, measured with contend: Michael and Scott's two-lock
// queue ("Simple, Fast, and Practical Non-Blocking and Blocking Concurrent
// Queue Algorithms", PODC 1996). A linked list that always keeps one dummy
// node, so that producers (under the tail lock) and consumers (under the
// head lock) never touch the same node's fields except the dummy's `next`,
// which is atomic for that reason. Unbounded: the capacity is ignored.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <utility>

namespace my_queues {

template <class T>
class TwoLockQueue {
  public:
    explicit TwoLockQueue(std::size_t /*capacity*/) : head_(new Node{}), tail_(head_) {}
    TwoLockQueue(const TwoLockQueue&) = delete;
    TwoLockQueue& operator=(const TwoLockQueue&) = delete;
    ~TwoLockQueue() {
        while (head_) delete std::exchange(head_, head_->next.load(std::memory_order_relaxed));
    }

    bool try_push(const T& value) {
        Node* node = new Node{value, {}};
        std::lock_guard guard(tail_mutex_);
        tail_->next.store(node, std::memory_order_release);  // the consumer side reads it
        tail_ = node;
        return true;
    }

    bool try_pop(T& out) {
        Node* old_dummy;
        {
            std::lock_guard guard(head_mutex_);
            Node* first = head_->next.load(std::memory_order_acquire);
            if (!first) return false;
            out = first->value;
            old_dummy = head_;
            head_ = first;  // the popped node becomes the dummy
        }
        delete old_dummy;
        return true;
    }

  private:
    struct Node {
        T value{};
        std::atomic<Node*> next{nullptr};
    };

    alignas(64) std::mutex head_mutex_;
    Node* head_;
    alignas(64) std::mutex tail_mutex_;
    Node* tail_;
};

}  // namespace my_queues
