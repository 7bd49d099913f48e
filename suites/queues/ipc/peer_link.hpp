#pragma once
// Notices that the process at the other end of a channel has died, for the
// channels whose transport cannot: a POSIX message queue or a ring in shared
// memory does not care who is attached, so a sender blocked on a full queue
// whose receiver was SIGKILLed would wait forever. A connected socket pair,
// made before fork, gives each side one end; no byte is ever written, so the
// only event either end can report is the other end closing — which the
// kernel does for a process however it dies.
#include <cstddef>

#include "suites/queues/ipc/unique_fd.hpp"

namespace contend::queues::ipc {

class PeerLink {
  public:
    PeerLink();  // throws std::system_error

    // After fork: keep this process's end, close the peer's.
    void keep_sender_end() noexcept { receiver_.reset(); }
    void keep_receiver_end() noexcept { sender_.reset(); }

    // The end this process kept (for a poll() set); -1 before the split.
    int fd() const noexcept;
    // True once the peer's end is closed (it died or was destroyed). A poll
    // with no timeout: one system call, so callers use it on slow paths only.
    bool peer_gone() const noexcept;
    // Whether fd()'s poll revents say the peer is gone.
    static bool hung_up(short revents) noexcept;

  private:
    UniqueFd sender_, receiver_;
};

}  // namespace contend::queues::ipc
