#pragma once
// The one list of inter-process channels (the "network queues"): producer
// and consumer in different processes. Adding one = a header here and a line
// below. A Visitor provides:
//   template <class Ch> void channel(PrimitiveInfo info);
// Every channel is FIFO, single producer and single consumer, and blocking
// on both ends (a full or empty channel waits in the kernel or spins, as its
// header says).
#include "harness/primitive_info.hpp"
#include "suites/queues/ipc/pipe.hpp"
#include "suites/queues/ipc/posix_mq.hpp"
#include "suites/queues/ipc/shm_ring.hpp"
#include "suites/queues/ipc/tcp_loopback.hpp"
#include "suites/queues/ipc/unix_socket.hpp"
#include "suites/queues/queue_promises.hpp"

namespace contend::queues::ipc {

inline QueueDeclaration channel_info(const char* name, const char* description) {
    QueueDeclaration q;
    q.name = name;
    q.family = "ipc";
    q.description = description;
    q.blocking = true;
    q.bounded = true;
    q.ordering = "fifo";
    q.shapes = "spsc";
    return q;
}

template <class Visitor>
void for_each_channel(Visitor& visit) {
    visit.template channel<PipeChannel>(channel_info(
        PipeChannel::kName, "anonymous pipe between two processes (capacity in whole pages)"));
    visit.template channel<UnixSocketChannel>(channel_info(
        UnixSocketChannel::kName, "AF_UNIX stream socket, abstract namespace (no socket file)"));
    visit.template channel<TcpLoopbackChannel>(
        channel_info(TcpLoopbackChannel::kName, "TCP over 127.0.0.1, TCP_NODELAY"));
    visit.template channel<PosixMqChannel>(
        channel_info(PosixMqChannel::kName,
                     "POSIX message queue, unlinked before use (depth <= fs.mqueue.msg_max)"));
    visit.template channel<ShmRingChannel>(channel_info(
        ShmRingChannel::kName, "SPSC ring in shared memory between processes, spinning"));
    visit.template channel<ShmRingFutexChannel>(channel_info(
        ShmRingFutexChannel::kName, "SPSC ring in shared memory, spins then sleeps on a futex"));
}

}  // namespace contend::queues::ipc
