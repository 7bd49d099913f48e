#include "suites/queues/ipc/stream_channel.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace contend::queues::ipc {
namespace {

sigset_t sigpipe_set() noexcept {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    return s;
}

// A failed write to a pipe without readers queues SIGPIPE for the writing
// thread; with it blocked, taking it off the queue here keeps a later unmask
// from delivering it.
void discard_pending_sigpipe() noexcept {
    const sigset_t s = sigpipe_set();
    const timespec zero{0, 0};
    while (sigtimedwait(&s, nullptr, &zero) == SIGPIPE) {
    }
}

}  // namespace

StreamChannel::StreamChannel(Kind kind, std::size_t capacity, std::size_t message_size)
    : kind_(kind), message_size_(message_size) {
    if (capacity == 0) throw std::invalid_argument("capacity must be at least 1 message");
    if (message_size == 0) throw std::invalid_argument("message size must be at least 1 byte");
}

StreamChannel::~StreamChannel() = default;

void StreamChannel::measure_socket_capacity() {
    std::vector<char> buf(message_size_);
    std::size_t queued = 0;  // bytes
    while (true) {
        const ssize_t n =
            ::send(send_end_.get(), buf.data(), buf.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0)
            queued += static_cast<std::size_t>(n);
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        else
            throw std::system_error(errno, std::generic_category(), "socket capacity: send");
    }
    capacity_ = queued / message_size_;
    // TCP may still hold part of it in the sender's queue until the reader's
    // window opens, so wait for every byte rather than stop at the first gap.
    for (std::size_t left = queued; left > 0;) {
        pollfd p{receive_end_.get(), POLLIN, 0};
        if (::poll(&p, 1, 1000) <= 0)
            throw std::system_error(ETIMEDOUT, std::generic_category(), "socket capacity: drain");
        const ssize_t n =
            ::recv(receive_end_.get(), buf.data(), std::min(left, buf.size()), MSG_DONTWAIT);
        if (n > 0)
            left -= static_cast<std::size_t>(n);
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            throw std::system_error(n == 0 ? EPIPE : errno, std::generic_category(),
                                    "socket capacity: recv");
    }
}

void StreamChannel::fit_socket_capacity(std::size_t wanted) {
    auto granted = [&] {
        int v = 0;
        socklen_t len = sizeof v;
        ::getsockopt(send_end_.get(), SOL_SOCKET, SO_SNDBUF, &v, &len);
        return v;  // twice what was asked: the kernel's allowance for bookkeeping
    };
    measure_socket_capacity();
    int last = granted();
    for (int round = 0; round < 8 && capacity_ < wanted; ++round) {
        // Scale by the shortfall, with an eighth to spare for rounding, but
        // at most double per round: what a byte of buffer holds is not linear.
        const double scale = capacity_ ? std::min(2.0, static_cast<double>(wanted) /
                                                           static_cast<double>(capacity_) * 1.125)
                                       : 2.0;
        const int ask =
            static_cast<int>(std::min(static_cast<double>(INT_MAX), last / 2.0 * scale));
        // Only the sending side grows: TCP's receiver packs small segments
        // densely, so growing its buffer by a per-packet shortfall overshoots.
        ::setsockopt(send_end_.get(), SOL_SOCKET, SO_SNDBUF, &ask, sizeof ask);
        const int now = granted();
        if (now <= last) break;  // clamped by the system's limit
        last = now;
        measure_socket_capacity();
    }
}

void StreamChannel::become_sender() noexcept {
    receive_end_.reset();
    if (kind_ == Kind::Pipe) {
        const sigset_t s = sigpipe_set();
        sigset_t old;
        pthread_sigmask(SIG_BLOCK, &s, &old);
        masked_sigpipe_ = !sigismember(&old, SIGPIPE);
    }
}

void StreamChannel::become_receiver() noexcept {
    send_end_.reset();
}

bool StreamChannel::send(const void* msg) noexcept {
    const auto* p = static_cast<const char*>(msg);
    std::size_t left = message_size_;
    while (left > 0) {
        if (!send_end_.valid()) return false;
        const ssize_t n = kind_ == Kind::Socket ? ::send(send_end_.get(), p, left, MSG_NOSIGNAL)
                                                : ::write(send_end_.get(), p, left);
        if (n > 0) {
            p += n;
            left -= static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            // EPIPE / ECONNRESET: the reader is gone.
            if (kind_ == Kind::Pipe && errno == EPIPE) discard_pending_sigpipe();
            return false;
        }
    }
    return true;
}

bool StreamChannel::receive(void* msg) noexcept {
    auto* p = static_cast<char*>(msg);
    std::size_t left = message_size_;
    while (left > 0) {
        if (!receive_end_.valid()) return false;
        // MSG_WAITALL: one system call per message in the usual case; it
        // still returns short on a signal or end-of-stream, hence the loop.
        const ssize_t n = kind_ == Kind::Socket ? ::recv(receive_end_.get(), p, left, MSG_WAITALL)
                                                : ::read(receive_end_.get(), p, left);
        if (n > 0) {
            p += n;
            left -= static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            // 0: end-of-stream (a message cut short by the writer's death is
            // not delivered); < 0: the connection was reset.
            return false;
        }
    }
    return true;
}

void StreamChannel::close_sending() noexcept {
    if (send_end_.valid() && kind_ == Kind::Socket) ::shutdown(send_end_.get(), SHUT_WR);
    send_end_.reset();
    if (masked_sigpipe_) {
        discard_pending_sigpipe();
        const sigset_t s = sigpipe_set();
        pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
        masked_sigpipe_ = false;
    }
}

}  // namespace contend::queues::ipc
