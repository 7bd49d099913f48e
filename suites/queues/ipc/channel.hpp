#pragma once
// The contract of an inter-process ("network") queue: one sending process and
// one receiving process move fixed-size messages through the kernel or
// through shared memory. Unlike the in-process queues (queue_concepts.hpp) a
// channel is set up whole in one process and then split by fork():
//
//   Channel ch(capacity, message_bytes);  // parent, before fork: every
//                                          // descriptor and mapping exists
//   fork();
//   ch.become_sender();    // in one process: closes the receiving ends
//   ch.become_receiver();  // in the other: closes the sending ends
//
// Creating everything before fork means there is never a name to find (no
// rendezvous through the file system), and whatever a process holds dies
// with it. Closing the unused ends matters: a pipe or socket reports
// end-of-stream, and a dead peer is noticed, only once no process holds the
// other side.
//
// send() and receive() move one whole message of exactly message_bytes and
// block until they can (looping over partial transfers); they return false
// once the peer is gone (receive: end-of-stream after close_sending(), or the
// sender died and nothing is left to read). A channel is FIFO: messages
// arrive in the order they were sent. capacity() is the number of messages
// the channel really holds, which may differ from the requested one (each
// header says how). kName is the primitive's name in the catalogue.
//
// become_sender(), send() and close_sending() are called on one thread (the
// pipe channel masks SIGPIPE for that thread between the first and the last).
#include <concepts>
#include <cstddef>

namespace contend::queues::ipc {

template <class C>
concept Channel =
    std::constructible_from<C, std::size_t, std::size_t> && !std::copy_constructible<C> &&
    requires(C & c, const C& cc, const void* in, void* out) {
    { C::kName } -> std::convertible_to<const char*>;
    c.become_sender();
    c.become_receiver();
    { c.send(in) } -> std::same_as<bool>;
    { c.receive(out) } -> std::same_as<bool>;
    c.close_sending();
    { cc.capacity() } -> std::same_as<std::size_t>;
    { cc.message_size() } -> std::same_as<std::size_t>;
};

}  // namespace contend::queues::ipc
