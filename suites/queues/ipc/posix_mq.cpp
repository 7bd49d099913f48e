#include "suites/queues/ipc/posix_mq.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace contend::queues::ipc {
namespace {

std::size_t read_proc(const char* path, std::size_t fallback) {
    long long v = -1;
    std::ifstream(path) >> v;
    return v > 0 ? static_cast<std::size_t>(v) : fallback;
}

void close_queue(mqd_t& q) noexcept {
    if (q != static_cast<mqd_t>(-1)) ::mq_close(q);
    q = static_cast<mqd_t>(-1);
}

// Unique across processes (pid), objects (counter) and pid reuse (clock).
std::string fresh_name() {
    static std::atomic<unsigned> counter{0};
    const auto t = std::chrono::steady_clock::now().time_since_epoch().count();
    return "/contend-mq-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(static_cast<unsigned long long>(t) & 0xffffffffu);
}

}  // namespace

std::size_t PosixMqChannel::depth_limit() {
    return read_proc("/proc/sys/fs/mqueue/msg_max", 10);
}

std::size_t PosixMqChannel::message_size_limit() {
    return read_proc("/proc/sys/fs/mqueue/msgsize_max", 8192);
}

PosixMqChannel::PosixMqChannel(std::size_t capacity, std::size_t message_size)
    : message_size_(message_size) {
    if (capacity == 0) throw std::invalid_argument("posix_mq: capacity must be at least 1 message");
    if (message_size == 0 || message_size > message_size_limit())
        throw std::invalid_argument("posix_mq: message size " + std::to_string(message_size) +
                                    " is outside 1.." + std::to_string(message_size_limit()) +
                                    " (/proc/sys/fs/mqueue/msgsize_max)");
    capacity_ = std::min(capacity, depth_limit());
    mq_attr attr{};
    attr.mq_maxmsg = static_cast<long>(capacity_);
    attr.mq_msgsize = static_cast<long>(message_size_);
    for (int attempt = 0; send_q_ == static_cast<mqd_t>(-1); ++attempt) {
        name_ = fresh_name();
        send_q_ = ::mq_open(name_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NONBLOCK, 0600, &attr);
        if (send_q_ == static_cast<mqd_t>(-1) && (errno != EEXIST || attempt == 8))
            throw std::system_error(errno, std::generic_category(), "posix_mq: mq_open " + name_);
    }
    receive_q_ = ::mq_open(name_.c_str(), O_RDONLY | O_NONBLOCK);
    const int open_errno = errno;
    ::mq_unlink(name_.c_str());  // before anything else can fail or any message flows
    if (receive_q_ == static_cast<mqd_t>(-1)) {
        close_queue(send_q_);
        throw std::system_error(open_errno, std::generic_category(),
                                "posix_mq: mq_open " + name_ + " for reading");
    }
}

PosixMqChannel::~PosixMqChannel() {
    close_queue(send_q_);
    close_queue(receive_q_);
}

void PosixMqChannel::become_sender() noexcept {
    close_queue(receive_q_);
    link_.keep_sender_end();
}

void PosixMqChannel::become_receiver() noexcept {
    close_queue(send_q_);
    link_.keep_receiver_end();
}

bool PosixMqChannel::wait(mqd_t q, short events) const noexcept {
    pollfd p[2] = {{q, events, 0}, {link_.fd(), POLLIN | POLLRDHUP, 0}};
    while (true) {
        const int r = ::poll(p, link_.fd() >= 0 ? 2 : 1, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (p[0].revents & events) return true;
        if (p[0].revents & (POLLERR | POLLNVAL)) return false;
        if (PeerLink::hung_up(p[1].revents)) {
            // The peer may have sent its last messages just before dying.
            pollfd again{q, events, 0};
            return ::poll(&again, 1, 0) > 0 && (again.revents & events);
        }
    }
}

bool PosixMqChannel::put(const void* msg, std::size_t bytes) noexcept {
    if (send_q_ == static_cast<mqd_t>(-1)) return false;
    while (true) {
        if (::mq_send(send_q_, static_cast<const char*>(msg), bytes, 0) == 0) return true;
        if (errno == EINTR) continue;
        if (errno != EAGAIN || !wait(send_q_, POLLOUT)) return false;
    }
}

bool PosixMqChannel::send(const void* msg) noexcept {
    return put(msg, message_size_);
}

bool PosixMqChannel::receive(void* msg) noexcept {
    if (ended_ || receive_q_ == static_cast<mqd_t>(-1)) return false;
    while (true) {
        // The buffer must be at least mq_msgsize, which is message_size_.
        const ssize_t n = ::mq_receive(receive_q_, static_cast<char*>(msg), message_size_, nullptr);
        if (n == static_cast<ssize_t>(message_size_)) return true;
        if (n == 0) {
            ended_ = true;
            return false;
        }
        if (n > 0) return false;  // cannot happen: every message is full size
        if (errno == EINTR) continue;
        if (errno != EAGAIN || !wait(receive_q_, POLLIN)) return false;
    }
}

void PosixMqChannel::close_sending() noexcept {
    if (send_q_ == static_cast<mqd_t>(-1)) return;
    const char end_of_stream = 0;
    put(&end_of_stream, 0);  // fails quietly when the receiver is gone
    close_queue(send_q_);
}

}  // namespace contend::queues::ipc
