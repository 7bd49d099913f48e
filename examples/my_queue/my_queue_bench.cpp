// The whole of what a user writes to measure their own queue with contend:
// the queue's header and one line. The executable is contend, with the
// queue in every queue scenario beside the built-in ones.
#include "suites/queues/user_queue.hpp"
#include "two_lock_queue.hpp"

CONTEND_QUEUE(my_queues::TwoLockQueue, .name = "two_lock_queue", .family = "mutex",
              .description = "Michael-Scott two-lock queue (PODC 1996), unbounded",
              .ordering = "fifo", .shapes = "spsc,mpsc,spmc,mpmc");
