#pragma once
// The common half of the byte-stream channels (pipe, unix_socket,
// tcp_loopback): one descriptor to write, one to read, and whole fixed-size
// messages moved over a stream that may split them anywhere. The derived
// channels only create and size the two descriptors.
//
// A stream reports the peer's death by itself: the reader sees end-of-stream
// once no process holds the write end, and the writer gets EPIPE once no
// process holds the read end. Sockets are written with MSG_NOSIGNAL; a pipe
// cannot be, so become_sender() blocks SIGPIPE in the sending thread (the
// write then fails with EPIPE instead of killing the process), send()
// discards the SIGPIPE the failed write left pending, and close_sending()
// restores the thread's mask.
#include <signal.h>

#include <cstddef>

#include "suites/queues/ipc/unique_fd.hpp"

namespace contend::queues::ipc {

class StreamChannel {
  public:
    StreamChannel(const StreamChannel&) = delete;
    StreamChannel& operator=(const StreamChannel&) = delete;

    void become_sender() noexcept;
    void become_receiver() noexcept;
    bool send(const void* msg) noexcept;
    bool receive(void* msg) noexcept;
    // Shuts down writing (sockets: shutdown(SHUT_WR), so the reader sees
    // end-of-stream even while a forked copy of the descriptor lingers), then
    // closes the write end.
    void close_sending() noexcept;

    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t message_size() const noexcept { return message_size_; }

  protected:
    enum class Kind { Pipe, Socket };
    // Throws std::invalid_argument for a capacity or message size of 0.
    StreamChannel(Kind kind, std::size_t capacity, std::size_t message_size);
    ~StreamChannel();

    // Sockets: the kernel sizes socket buffers in bytes and charges each
    // queued packet's bookkeeping (several hundred bytes) against them, so a
    // buffer of capacity × message bytes holds far fewer small messages than
    // asked. How many a socket holds is found by filling it (non-blocking,
    // before fork, while this process still holds both ends) and reading
    // everything back; fit_socket_capacity() then grows the buffers by the
    // shortfall until the socket holds at least `wanted` messages or the
    // kernel's limit (net.core.wmem_max / rmem_max) stops the growth, and
    // leaves capacity_ at what was measured last. Throw std::system_error.
    void measure_socket_capacity();
    void fit_socket_capacity(std::size_t wanted);

    Kind kind_;
    std::size_t message_size_;
    std::size_t capacity_ = 0;  // set by the derived constructor
    UniqueFd send_end_, receive_end_;

  private:
    bool masked_sigpipe_ = false;  // this object blocked SIGPIPE in the sending thread
};

}  // namespace contend::queues::ipc
