#include "suites/queues/ipc/tcp_loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <system_error>

namespace contend::queues::ipc {
namespace {

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), std::string("tcp_loopback: ") + what);
}

void set_int(int fd, int level, int opt, int value) {
    ::setsockopt(fd, level, opt, &value, sizeof value);  // best effort: sizes are clamped anyway
}

sockaddr_in loopback(std::uint16_t port_net) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = port_net;
    return a;
}

}  // namespace

TcpLoopbackChannel::TcpLoopbackChannel(std::size_t capacity, std::size_t message_size)
    : StreamChannel(Kind::Socket, capacity, message_size) {
    const std::size_t want = capacity > INT_MAX / message_size ? INT_MAX : capacity * message_size;
    // Data waits in both buffers, so each gets half of the request.
    const int bytes = static_cast<int>(std::max<std::size_t>(want / 2, 1));

    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listener.valid()) fail("socket");
    // Set before listen(): the accepted socket inherits it, and the window
    // scale is fixed during the handshake.
    set_int(listener.get(), SOL_SOCKET, SO_RCVBUF, bytes);
    sockaddr_in addr = loopback(0);
    if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
        fail("bind 127.0.0.1:0");
    if (::listen(listener.get(), 1) != 0) fail("listen");
    socklen_t len = sizeof addr;
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        fail("getsockname");
    port_ = ntohs(addr.sin_port);

    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!client.valid()) fail("socket");
    set_int(client.get(), SOL_SOCKET, SO_SNDBUF, bytes);
    set_int(client.get(), IPPROTO_TCP, TCP_NODELAY, 1);
    const sockaddr_in target = loopback(addr.sin_port);
    // On loopback the handshake completes inside connect(), so the connection
    // is in the listener's queue when it returns.
    if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0)
        fail("connect");
    sockaddr_in mine{};
    len = sizeof mine;
    if (::getsockname(client.get(), reinterpret_cast<sockaddr*>(&mine), &len) != 0)
        fail("getsockname");

    UniqueFd server;
    while (!server.valid()) {
        sockaddr_in peer{};
        socklen_t pl = sizeof peer;
        UniqueFd s(
            ::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &pl, SOCK_CLOEXEC));
        if (!s.valid()) {
            if (errno == EINTR) continue;
            fail("accept");  // EAGAIN included: our connection was not queued
        }
        // Another local process may have raced to the port; keep only ours.
        if (peer.sin_addr.s_addr == mine.sin_addr.s_addr && peer.sin_port == mine.sin_port)
            server = std::move(s);
    }
    listener.reset();
    set_int(server.get(), IPPROTO_TCP, TCP_NODELAY, 1);

    send_end_ = std::move(client);
    receive_end_ = std::move(server);
    fit_socket_capacity(capacity);
}

}  // namespace contend::queues::ipc
