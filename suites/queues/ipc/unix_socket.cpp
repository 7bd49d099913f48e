#include "suites/queues/ipc/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <string>
#include <system_error>

namespace contend::queues::ipc {
namespace {

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), std::string("unix_socket: ") + what);
}

}  // namespace

UnixSocketChannel::UnixSocketChannel(std::size_t capacity, std::size_t message_size)
    : StreamChannel(Kind::Socket, capacity, message_size) {
    // Non-blocking listener: our own connection is queued before accept(), so
    // an accept that would block means something is wrong, not "wait".
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listener.valid()) fail("socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    // An address of just the family asks for autobind: a unique abstract name.
    if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(sa_family_t)) != 0)
        fail("bind");
    if (::listen(listener.get(), 1) != 0) fail("listen");
    socklen_t len = sizeof addr;
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        fail("getsockname");
    const std::size_t path_len = len - offsetof(sockaddr_un, sun_path);
    if (path_len < 2 || addr.sun_path[0] != '\0') {
        errno = EADDRNOTAVAIL;
        fail("autobind gave no abstract name");
    }
    address_.assign(addr.sun_path + 1, path_len - 1);

    UniqueFd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!client.valid()) fail("socket");
    const std::size_t want = capacity > INT_MAX / message_size ? INT_MAX : capacity * message_size;
    const int sndbuf = static_cast<int>(want);
    ::setsockopt(client.get(), SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);  // best effort
    if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&addr), len) != 0)
        fail("connect");

    UniqueFd server;
    while (!server.valid()) {
        UniqueFd s(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!s.valid()) {
            if (errno == EINTR) continue;
            fail("accept");  // EAGAIN included: our connection was not queued
        }
        ucred cred{};
        socklen_t cl = sizeof cred;
        if (::getsockopt(s.get(), SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 && cred.pid == getpid())
            server = std::move(s);
        // else: someone else found the name in the moment it existed; drop them.
    }
    listener.reset();  // the abstract name disappears with the listener

    send_end_ = std::move(client);
    receive_end_ = std::move(server);
    fit_socket_capacity(capacity);
}

}  // namespace contend::queues::ipc
