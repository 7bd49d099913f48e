#pragma once
// tcp_loopback — a TCP connection over 127.0.0.1 with TCP_NODELAY: what two
// processes on one host pay when they talk through the network stack. The
// listener binds 127.0.0.1 port 0 (an ephemeral port the kernel picks; never
// any other address), accepts exactly the connection this object made (the
// accepted socket's peer must be our client's address and port, anything
// else is dropped) and is closed before fork, so no port stays open.
//
// Bounded: yes; the client's send buffer plus the server's receive buffer
// (set before the handshake, which also turns off TCP buffer autotuning).
// Capacity: each buffer starts at half of capacity × message bytes and the
// send buffer grows by the measured shortfall until the connection holds at
// least the requested number of messages or net.core.wmem_max stops it;
// capacity() is what filling the connection measured. It is approximate:
// TCP's receiver packs small segments densely, so with small messages and
// large capacities the connection can hold a few times the request.
// Blocking: yes (in the kernel). Max message size: any.
// The closing side's connection sits in TIME_WAIT for a minute afterwards;
// that is kernel bookkeeping, not a resource this process holds.
#include <cstddef>
#include <cstdint>

#include "suites/queues/ipc/stream_channel.hpp"

namespace contend::queues::ipc {

class TcpLoopbackChannel : public StreamChannel {
  public:
    static constexpr const char* kName = "tcp_loopback";
    TcpLoopbackChannel(std::size_t capacity, std::size_t message_size);  // throws std::system_error

    // The ephemeral port the listener had (host order), for tests.
    std::uint16_t port() const noexcept { return port_; }

  private:
    std::uint16_t port_ = 0;
};

}  // namespace contend::queues::ipc
