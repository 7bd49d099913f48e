#pragma once
// A file descriptor owned by exactly one object. The inter-process channels
// hold several descriptors each and close some of them after fork (the ends
// the process does not use); an end that stays open by mistake in either
// process is what keeps a pipe or socket from ever reporting end-of-stream,
// so ownership is made explicit and closing is idempotent.
#include <unistd.h>

#include <utility>

namespace contend::queues::ipc {

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    // Linux releases the descriptor even when close() reports EINTR, so it is
    // never retried (a retry could close a descriptor another thread just got).
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace contend::queues::ipc
