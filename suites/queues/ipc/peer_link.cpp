#include "suites/queues/ipc/peer_link.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

namespace contend::queues::ipc {

PeerLink::PeerLink() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw std::system_error(errno, std::generic_category(), "peer link: socketpair");
    sender_.reset(fds[0]);
    receiver_.reset(fds[1]);
}

int PeerLink::fd() const noexcept {
    // Before the split both ends are here and the peer cannot be gone.
    if (sender_.valid() && receiver_.valid()) return -1;
    return sender_.valid() ? sender_.get() : receiver_.get();
}

bool PeerLink::hung_up(short revents) noexcept {
    // Nothing is ever written, so readable means end-of-stream.
    return (revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

bool PeerLink::peer_gone() const noexcept {
    const int f = fd();
    if (f < 0) return false;
    pollfd p{f, POLLIN | POLLRDHUP, 0};
    int r;
    while ((r = ::poll(&p, 1, 0)) < 0 && errno == EINTR) {
    }
    return r > 0 && hung_up(p.revents);
}

}  // namespace contend::queues::ipc
