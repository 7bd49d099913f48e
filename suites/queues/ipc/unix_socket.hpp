#pragma once
// unix_socket — a connected AF_UNIX SOCK_STREAM pair made by a real
// listen/connect/accept (not socketpair), so it pays what a local service
// connection pays. The listener is bound in Linux's abstract namespace by
// autobind (the kernel picks a unique name), so there is never a socket file;
// the listener is closed as soon as the connection is accepted, so even the
// abstract name is gone before fork. Connections from anyone but this process
// (checked with SO_PEERCRED) are refused.
//
// Bounded: yes; the sender's socket buffer, to which the kernel charges each
// queued packet's bookkeeping as well as its bytes. Capacity: the buffer
// starts at capacity × message bytes and is grown by the measured shortfall
// (stream_channel.hpp) until the socket holds at least the requested number
// of messages, or net.core.wmem_max stops it; capacity() is the number
// measured by filling the socket, so it is what it really holds (at or a
// little above the request, below it only at the system's limit). Blocking:
// yes (in the kernel). Max message size: any (send() loops over partial
// writes).
#include <cstddef>
#include <string>

#include "suites/queues/ipc/stream_channel.hpp"

namespace contend::queues::ipc {

class UnixSocketChannel : public StreamChannel {
  public:
    static constexpr const char* kName = "unix_socket";
    UnixSocketChannel(std::size_t capacity, std::size_t message_size);  // throws std::system_error

    // The abstract name the listener had (without its leading NUL), for tests.
    const std::string& address() const noexcept { return address_; }

  private:
    std::string address_;
};

}  // namespace contend::queues::ipc
