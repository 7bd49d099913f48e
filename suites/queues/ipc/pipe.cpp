#include "suites/queues/ipc/pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <limits>
#include <system_error>

namespace contend::queues::ipc {
namespace {

long pipe_max_size() {
    long v = 1 << 20;  // the kernel's default limit
    std::ifstream("/proc/sys/fs/pipe-max-size") >> v;
    return v;
}

}  // namespace

PipeChannel::PipeChannel(std::size_t capacity, std::size_t message_size)
    : StreamChannel(Kind::Pipe, capacity, message_size) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe: pipe2");
    receive_end_.reset(fds[0]);
    send_end_.reset(fds[1]);

    const std::size_t want = capacity > std::numeric_limits<int>::max() / message_size
                                 ? static_cast<std::size_t>(std::numeric_limits<int>::max())
                                 : capacity * message_size;
    if (::fcntl(send_end_.get(), F_SETPIPE_SZ, static_cast<int>(want)) < 0) {
        // EPERM above pipe-max-size (unprivileged), EBUSY if the user's total
        // pipe allowance is used up: take the largest size allowed, else keep
        // the default.
        const long limit = pipe_max_size();
        ::fcntl(send_end_.get(), F_SETPIPE_SZ,
                static_cast<int>(std::min<long>(limit, static_cast<long>(want))));
    }
    const int bytes = ::fcntl(send_end_.get(), F_GETPIPE_SZ);
    capacity_ = bytes > 0 ? static_cast<std::size_t>(bytes) / message_size : 0;
}

}  // namespace contend::queues::ipc
