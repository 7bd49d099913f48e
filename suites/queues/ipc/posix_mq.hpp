#pragma once
// posix_mq — a POSIX message queue (mq_open), one kernel message per
// message, so the kernel keeps message boundaries and no send() is ever
// partial.
//
// Nothing left behind: the queue is created under a unique name, opened once
// for writing and once for reading, and unlinked at once — all in the
// constructor, before fork and before any message flows. From then on it has
// no name, and the kernel frees it when the last descriptor closes, however
// its holders die. (The only exposure is the two system calls between
// mq_open and mq_unlink, inside one constructor.)
//
// Bounded: yes. Capacity: min(requested, /proc/sys/fs/mqueue/msg_max), read
// at construction and clamped so the queue needs no privilege (root could go
// beyond msg_max; results then would depend on who runs them). capacity()
// reports the effective depth; with Linux's default msg_max it is 10.
// Blocking: yes. Both descriptors are non-blocking and a full or empty queue
// is waited for with poll() — Linux message-queue descriptors are file
// descriptors — together with a PeerLink, so a dead peer ends the wait
// instead of hanging it. Max message size: /proc/sys/fs/mqueue/msgsize_max
// (8192 by default; the constructor throws above it). End-of-stream is a
// zero-length message.
#include <mqueue.h>

#include <cstddef>
#include <string>

#include "suites/queues/ipc/peer_link.hpp"

namespace contend::queues::ipc {

class PosixMqChannel {
  public:
    static constexpr const char* kName = "posix_mq";

    // Throws std::invalid_argument (capacity 0, message size 0 or above
    // msgsize_max) or std::system_error (the kernel refused: e.g. the user's
    // RLIMIT_MSGQUEUE or queues_max is used up).
    PosixMqChannel(std::size_t capacity, std::size_t message_size);
    ~PosixMqChannel();
    PosixMqChannel(const PosixMqChannel&) = delete;
    PosixMqChannel& operator=(const PosixMqChannel&) = delete;

    void become_sender() noexcept;
    void become_receiver() noexcept;
    bool send(const void* msg) noexcept;
    bool receive(void* msg) noexcept;
    void close_sending() noexcept;  // queues the end-of-stream message, then closes

    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t message_size() const noexcept { return message_size_; }
    // The name the queue had for a moment (tests check it is gone).
    const std::string& name() const noexcept { return name_; }

    // /proc/sys/fs/mqueue/msg_max and msgsize_max (Linux defaults if unreadable).
    static std::size_t depth_limit();
    static std::size_t message_size_limit();

  private:
    bool put(const void* msg, std::size_t bytes) noexcept;
    // Blocks until `q` is ready for `events` (true) or the peer is gone and
    // `q` is still not ready (false).
    bool wait(mqd_t q, short events) const noexcept;

    std::size_t capacity_ = 0, message_size_ = 0;
    std::string name_;
    mqd_t send_q_ = static_cast<mqd_t>(-1), receive_q_ = static_cast<mqd_t>(-1);
    PeerLink link_;
    bool ended_ = false;  // receiver: end-of-stream seen
};

}  // namespace contend::queues::ipc
