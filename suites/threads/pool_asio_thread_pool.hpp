#pragma once
// asio_thread_pool — boost::asio::thread_pool(workers). A submitter posts
// with boost::asio::post: the task goes to the scheduler's one
// mutex-protected operation queue, and an idle worker is woken through a
// condition variable. A task spawned from inside a worker uses
// boost::asio::defer, asio's "continuation of the current handler" hint: the
// task goes to that thread's private queue and is moved to the shared queue
// in one step when the current handler returns. Each task is type-erased
// into an operation object from asio's per-thread recycling allocator.
// Shutdown drains: thread_pool::join() lets the workers run out of work, then
// joins them.
#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace contend::pool {

template <class Job>
class AsioThreadPool {
  public:
    AsioThreadPool(int workers, int /*submitters*/) : pool_(static_cast<std::size_t>(workers)) {}
    AsioThreadPool(const AsioThreadPool&) = delete;
    AsioThreadPool& operator=(const AsioThreadPool&) = delete;
    ~AsioThreadPool() { shutdown(); }

    template <class F>
    void as_submitter(F&& f) {
        f();
    }
    void submit(const Job& job) { boost::asio::post(pool_, job); }
    void spawn(const Job& job) { boost::asio::defer(pool_, job); }
    void shutdown() {
        if (stopped_) return;
        stopped_ = true;
        pool_.join();
    }

  private:
    boost::asio::thread_pool pool_;
    bool stopped_ = false;
};

}  // namespace contend::pool
