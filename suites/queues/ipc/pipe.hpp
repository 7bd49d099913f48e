#pragma once
// pipe — an anonymous pipe (pipe2) between a parent and its forked child.
//
// Bounded: yes; the kernel's pipe buffer. Capacity: the buffer is asked for
// capacity × message bytes with F_SETPIPE_SZ; the kernel rounds it up to a
// power-of-two number of pages (one page at least) and refuses more than
// /proc/sys/fs/pipe-max-size to unprivileged users, in which case the largest
// allowed size is taken. capacity() reports buffer bytes / message bytes.
// Blocking: yes; a full or empty pipe puts the thread to sleep in the kernel.
// Max message size: any; messages above PIPE_BUF (4096) are not written
// atomically, which is harmless with one writer (send() loops).
// Nothing to leave behind: the pipe has no name and dies with the last
// process holding an end.
#include <cstddef>

#include "suites/queues/ipc/stream_channel.hpp"

namespace contend::queues::ipc {

class PipeChannel : public StreamChannel {
  public:
    static constexpr const char* kName = "pipe";
    PipeChannel(std::size_t capacity, std::size_t message_size);  // throws std::system_error
};

}  // namespace contend::queues::ipc
