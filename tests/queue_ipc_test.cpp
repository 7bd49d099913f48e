// Inter-process channels and their throughput scenario. For every channel:
// exactly-once, in-order delivery of whole messages (small and large) from a
// forked sender; end-of-stream after close_sending(); what each side sees
// when the other is SIGKILLed mid-stream (the sender's send() fails instead
// of hanging, the receiver gets what was sent and then the end); that a
// killed case takes its consumer process down with it (PDEATHSIG); and that
// none of this leaves anything behind — no file in /dev/shm or /dev/mqueue,
// no socket file, no listener, no child process. Finally a short
// run_ipc_throughput must produce a valid sample with progress, both
// processes' window marks and no fairness figure of its own, and the window
// end it shares with Team must wait for progress as Team's does.
//
// The test process makes itself a child subreaper, so a grandchild orphaned
// by a killed "case" process is re-parented here rather than to PID 1 (which
// in a container may never reap it): the test can then see how it died, and
// "no child left" covers grandchildren too. Every test runs under alarm(), so
// a channel that hangs kills the binary instead of stalling the run.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "harness/cycle_clock.hpp"
#include "harness/primitive_info.hpp"
#include "harness/registry.hpp"
#include "suites/queues/ipc/channel_catalog.hpp"
#include "suites/queues/ipc/guarded_child.hpp"
#include "suites/queues/ipc/ipc_throughput.hpp"
#include "suites/queues/ipc/pipe.hpp"
#include "suites/queues/ipc/posix_mq.hpp"
#include "suites/queues/ipc/shm_ring.hpp"
#include "suites/queues/ipc/tcp_loopback.hpp"
#include "suites/queues/ipc/unix_socket.hpp"
#include "suites/queues/message.hpp"

namespace contend::queues::ipc {
namespace {

using namespace std::chrono_literals;

constexpr unsigned kWatchdogSeconds = 30;  // per test; the whole suite takes a few seconds

static_assert(Channel<PipeChannel> && Channel<UnixSocketChannel> && Channel<TcpLoopbackChannel> &&
              Channel<PosixMqChannel> && Channel<ShmRingChannel> && Channel<ShmRingFutexChannel>);

// qemu-user (7.2) does not emulate PR_SET_CHILD_SUBREAPER: there orphans go
// to PID 1 and only the tests that follow one need it (requires_subreaper).
// Everything else runs; scripts/cross-test.sh says it runs under emulation.
bool subreaper = false;
class Subreaper : public ::testing::Environment {
  public:
    void SetUp() override { subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }
};
[[maybe_unused]] const auto* const kSubreaper = ::testing::AddGlobalTestEnvironment(new Subreaper);

// Fails where the process should be able to become a subreaper, skips (with
// the reason) only under an emulator that says so (CONTEND_EMULATOR, set by
// scripts/cross-test.sh): a native machine never skips silently.
#define REQUIRE_SUBREAPER()                                                               \
    do {                                                                                  \
        if (subreaper) break;                                                             \
        if (const char* emu = std::getenv("CONTEND_EMULATOR"))                            \
            GTEST_SKIP() << emu << " does not emulate PR_SET_CHILD_SUBREAPER: an orphan " \
                         << "cannot be followed";                                         \
        FAIL() << "prctl(PR_SET_CHILD_SUBREAPER) failed: " << std::strerror(errno);       \
    } while (0)

// ---- what could be left behind ----------------------------------------------

std::set<std::string> entries(const std::string& dir, bool sockets_only) {
    std::set<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (!d) return out;  // e.g. /dev/mqueue not mounted
    while (const dirent* e = readdir(d)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (sockets_only && (lstat((dir + "/" + name).c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)))
            continue;
        out.insert(name);
    }
    closedir(d);
    return out;
}

struct Leftovers {
    std::set<std::string> shm, mqueue, tmp_sockets, cwd_sockets;
    bool operator==(const Leftovers&) const = default;

    static Leftovers now() {
        return {entries("/dev/shm", false), entries("/dev/mqueue", false), entries("/tmp", true),
                entries(".", true)};
    }
};

// Whether this process has no child at all (waitpid says ECHILD). If one is
// left, it is killed and reaped so that one failure does not cascade.
bool no_children_left() {
    if (waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD) return true;
    std::ifstream in("/proc/self/task/" + std::to_string(getpid()) + "/children");
    for (pid_t pid; in >> pid;) kill(pid, SIGKILL);
    for (int tries = 0; tries < 200 && !(waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD);
         ++tries)
        std::this_thread::sleep_for(5ms);
    return false;
}

// ---- messages -----------------------------------------------------------------

template <std::size_t B>
void fill(Message<B>& m, std::uint64_t seq) {
    m.sequence = seq;
    m.producer = 3;
    m.priority = static_cast<std::uint32_t>(seq * 7);
    m.sent_ticks = ~seq;
    for (std::size_t i = 0; i < m.payload.size(); ++i)
        m.payload[i] = static_cast<std::byte>((seq * 131 + i) & 0xff);
}

// The whole message arrived, every byte of it, and it is number `seq`.
template <std::size_t B>
bool intact(const Message<B>& m, std::uint64_t seq) {
    Message<B> want{};
    fill(want, seq);
    return std::memcmp(&m, &want, sizeof m) == 0;
}

bool read_with_timeout(int fd, void* buf, std::size_t n, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    return read(fd, buf, n) == static_cast<ssize_t>(n);
}

struct Pipe {
    UniqueFd read_end, write_end;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
        read_end.reset(fds[0]);
        write_end.reset(fds[1]);
    }
};

// ---- the typed fixture --------------------------------------------------------

template <class C>
class IpcChannel : public ::testing::Test {
  protected:
    void SetUp() override {
        before_ = Leftovers::now();
        alarm(kWatchdogSeconds);
    }
    void TearDown() override {
        alarm(0);
        const Leftovers after = Leftovers::now();
        EXPECT_EQ(after.shm, before_.shm) << "new entries in /dev/shm";
        EXPECT_EQ(after.mqueue, before_.mqueue) << "new entries in /dev/mqueue";
        EXPECT_EQ(after.tmp_sockets, before_.tmp_sockets) << "new socket files in /tmp";
        EXPECT_EQ(after.cwd_sockets, before_.cwd_sockets) << "new socket files in .";
        EXPECT_TRUE(no_children_left()) << "a child process was left behind";
    }

  private:
    Leftovers before_;
};

struct ChannelName {
    template <class C>
    static std::string GetName(int) {
        return C::kName;
    }
};

using Channels = ::testing::Types<PipeChannel, UnixSocketChannel, TcpLoopbackChannel,
                                  PosixMqChannel, ShmRingChannel, ShmRingFutexChannel>;
TYPED_TEST_SUITE(IpcChannel, Channels, ChannelName);

template <class C, std::size_t B>
void expect_delivery_in_order(std::uint64_t n, std::size_t capacity) {
    C ch(capacity, sizeof(Message<B>));
    auto sender = GuardedChild::spawn([&] {
        ch.become_sender();
        Message<B> m{};
        for (std::uint64_t i = 0; i < n; ++i) {
            fill(m, i);
            if (!ch.send(&m)) return 1;
        }
        ch.close_sending();
        return 0;
    });
    ch.become_receiver();
    Message<B> m{};
    std::uint64_t got = 0, broken = 0, first_broken = UINT64_MAX;
    while (ch.receive(&m)) {
        if (!intact(m, got)) {
            ++broken;
            first_broken = std::min(first_broken, got);
        }
        ++got;
    }
    EXPECT_EQ(got, n) << "messages received before end-of-stream";
    EXPECT_EQ(broken, 0u) << "first wrong message at position " << first_broken;
    EXPECT_FALSE(ch.receive(&m)) << "end-of-stream is sticky";
    const ChildExit e = sender.wait(10s);
    EXPECT_TRUE(e.clean()) << "sender " << e.describe();
}

TYPED_TEST(IpcChannel, DeliversSmallMessagesExactlyOnceInOrder) {
    // Deep enough that the spinning shm_ring needs few laps when the two
    // processes share a CPU (each lap may cost a scheduler time slice).
    expect_delivery_in_order<TypeParam, 32>(20000, 1024);
}

TYPED_TEST(IpcChannel, DeliversLargeMessagesExactlyOnceInOrder) {
    expect_delivery_in_order<TypeParam, 1024>(5000, 256);
}

TYPED_TEST(IpcChannel, EndOfStreamWithoutMessages) {
    expect_delivery_in_order<TypeParam, 32>(0, 4);
}

TYPED_TEST(IpcChannel, RejectsZeroCapacity) {
    EXPECT_THROW(TypeParam(0, 32), std::invalid_argument);
}

// The sender dies without close_sending(): what it sent still arrives, then
// receive() reports the end instead of waiting forever.
TYPED_TEST(IpcChannel, ReceiverSeesEndWhenSenderIsKilled) {
    constexpr std::uint64_t kSent = 5;  // fits every channel, posix_mq's depth included
    auto ch = std::make_unique<TypeParam>(16, sizeof(Message<32>));
    Pipe ready;
    auto sender = GuardedChild::spawn([&] {
        ch->become_sender();
        Message<32> m{};
        for (std::uint64_t i = 0; i < kSent; ++i) {
            fill(m, i);
            if (!ch->send(&m)) return 1;
        }
        const char c = 's';
        if (write(ready.write_end.get(), &c, 1) != 1) return 2;
        pause();  // until SIGKILL
        return 0;
    });
    ch->become_receiver();
    char c;
    ASSERT_TRUE(read_with_timeout(ready.read_end.get(), &c, 1, 5s)) << "sender never got going";
    const ChildExit killed = sender.kill_now();
    EXPECT_EQ(killed.signal, SIGKILL) << killed.describe();
    Message<32> m{};
    for (std::uint64_t i = 0; i < kSent; ++i) {
        ASSERT_TRUE(ch->receive(&m)) << "message " << i << " sent before the kill was lost";
        EXPECT_TRUE(intact(m, i));
    }
    EXPECT_FALSE(ch->receive(&m)) << "a dead sender must end the stream";
}

// The receiver is SIGKILLed mid-stream: the sender's send() must return false
// (after at most the channel's capacity more messages), not block forever.
TYPED_TEST(IpcChannel, SenderSeesFailureWhenReceiverIsKilled) {
    auto ch = std::make_unique<TypeParam>(16, sizeof(Message<32>));
    Pipe ready;
    auto receiver = GuardedChild::spawn([&] {
        ch->become_receiver();
        Message<32> m{};
        for (int i = 0; i < 10; ++i)
            if (!ch->receive(&m)) return 1;
        const char c = 'r';
        if (write(ready.write_end.get(), &c, 1) != 1) return 2;
        pause();  // mid-stream, not reading, until SIGKILL
        return 0;
    });
    auto sender = GuardedChild::spawn([&] {
        ch->become_sender();
        Message<32> m{};
        for (std::uint64_t i = 0;; ++i) {
            fill(m, i);
            if (!ch->send(&m)) break;
        }
        ch->close_sending();
        return 0;  // only reached if send() reported the dead receiver
    });
    ch.reset();  // this process must hold no end, or the receiver's death is invisible
    char c;
    ASSERT_TRUE(read_with_timeout(ready.read_end.get(), &c, 1, 5s)) << "receiver never got going";
    const ChildExit killed = receiver.kill_now();
    EXPECT_EQ(killed.signal, SIGKILL) << killed.describe();
    const ChildExit e = sender.wait(5s);
    EXPECT_TRUE(e.clean()) << "sender " << e.describe()
                           << " (send() hung after the receiver died?)";
}

// Whether `pid` still runs: gone, or a zombie that some other parent has not
// reaped yet (without a subreaper, as under qemu-user, an orphan goes to PID
// 1, which in a container may never reap it), is not running.
bool running(pid_t pid) {
    if (kill(pid, 0) != 0 && errno == ESRCH) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    std::getline(stat, text);
    const auto close = text.rfind(')');  // the name may hold spaces and parentheses
    return !(close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z');
}

// Waits up to `timeout` for `pid` (re-parented to us, the subreaper) to die.
// Returns its exit if we reaped it; if it is not our child, whether it is
// gone or a zombie.
struct Death {
    bool dead = false;
    std::optional<ChildExit> exit;
};
Death await_death(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    Death d;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            d.dead = true;
            d.exit = child_exit_from_status(status);
            return d;
        }
        if (r < 0 && !running(pid)) {
            d.dead = true;
            return d;
        }
        std::this_thread::sleep_for(5ms);
    }
    return d;
}

// A "case" process that set up a channel and a consumer the way
// run_ipc_throughput does is SIGKILLed (as the watchdog does). Here the
// consumer is busy elsewhere (paused, not reading), so the channel's
// end-of-stream cannot end it: only PDEATHSIG can, within a second.
TYPED_TEST(IpcChannel, KilledCaseTakesItsConsumerDown) {
    Pipe report;
    auto the_case = GuardedChild::spawn([&] {
        TypeParam ch(16, sizeof(Message<32>));
        auto consumer = GuardedChild::spawn([&] {
            ch.become_receiver();
            const pid_t me = getpid();
            if (write(report.write_end.get(), &me, sizeof me) != sizeof me) return 1;
            pause();  // stuck: not reading, not watching the channel
            return 0;
        });
        ch.become_sender();
        Message<32> m{};
        for (std::uint64_t i = 0;; ++i) {
            fill(m, i);
            if (!ch.send(&m)) break;
        }
        return 3;  // not expected: the consumer never goes away by itself
    });
    pid_t consumer = -1;
    ASSERT_TRUE(read_with_timeout(report.read_end.get(), &consumer, sizeof consumer, 5s))
        << "the consumer never started";
    std::this_thread::sleep_for(20ms);  // the case is now blocked in send() on a full channel
    const ChildExit killed = the_case.kill_now();
    EXPECT_EQ(killed.signal, SIGKILL) << killed.describe();
    const Death d = await_death(consumer, 1s);
    EXPECT_TRUE(d.dead) << "consumer " << consumer << " outlived its killed parent";
    if (d.exit) {
        EXPECT_EQ(d.exit->signal, SIGKILL) << "consumer " << d.exit->describe();
    }
    EXPECT_FALSE(running(consumer));
}

// ---- run_ipc_throughput ---------------------------------------------------------

struct Calibrations {
    cycle_clock::Calibration clock = cycle_clock::calibrate();
};
const Calibrations& calibrations() {
    static const Calibrations c;
    return c;
}

// A CaseConfig as harness/runner.cpp builds one for queues.throughput.
template <class C>
CaseConfig small_case(std::int64_t duration_ns, std::int64_t capacity = 64) {
    static PrimitiveInfo info = ipc::channel_info(C::kName, "");
    CaseConfig cfg;
    cfg.scenario = "queues.throughput";
    cfg.primitive = &info;
    cfg.params.set("producers", std::int64_t{1});
    cfg.params.set("consumers", std::int64_t{1});
    cfg.params.set("capacity", capacity);
    cfg.threads = 2;
    cfg.warmup_ns = 10'000'000;
    cfg.duration_ns = duration_ns;
    cfg.sample_every = 4;
    cfg.clock = &calibrations().clock;
    return cfg;
}

template <class C, class T>
void expect_valid_throughput() {
    const Sample s = run_ipc_throughput<C, T>(small_case<C>(50'000'000));
    EXPECT_TRUE(s.valid) << s.detail;
    ASSERT_EQ(s.threads.size(), 2u);
    EXPECT_EQ(s.threads[0].role, "producer");
    EXPECT_FALSE(s.threads[0].counted);
    EXPECT_EQ(s.threads[1].role, "consumer");
    EXPECT_TRUE(s.threads[1].counted);
    EXPECT_GT(s.threads[1].ops, 0u);
    EXPECT_GT(s.total_ops(), 0u);
    EXPECT_GT(s.window_ns, 40e6);
    EXPECT_EQ(s.checks["lost_or_duplicated"], 0);
    EXPECT_EQ(s.checks["order_violations"], 0);
    EXPECT_EQ(s.metrics["messages_sent"], s.metrics["messages_received"]);
    ASSERT_EQ(s.latencies.size(), 1u);
    EXPECT_EQ(s.latencies[0].first, "sojourn");
    EXPECT_GT(s.latencies[0].second.count(), 0u);
    EXPECT_GT(s.threads[1].cpu_ns, 0u);
    // Both threads marked their window the harness's way (ThreadContext in
    // each process): CPU time on both sides, and a start skew measured from
    // their marks, which both fall inside the window.
    // The producer's own count may be 0: one blocking send can span the whole
    // 50 ms window (TCP's 200 ms persist timer, seen on tcp_loopback about 1
    // run in 15 when its buffer is smaller than the loopback MSS), so what
    // must hold is that it sent at all.
    EXPECT_GT(s.threads[0].cpu_ns, 0u);
    EXPECT_GT(s.metrics["messages_sent"].get<std::uint64_t>(), 0u);
    EXPECT_GE(s.start_skew_ns, 0.0);
    EXPECT_LT(s.start_skew_ns, s.window_ns);
    // Per-role fairness is the harness's, from the roles (sample.cpp): the
    // scenario writes no index of its own that would override it.
    EXPECT_FALSE(s.metrics.contains("producer_jain_index"));
    EXPECT_FALSE(s.metrics.contains("consumer_jain_index"));
    const nlohmann::json row = sample_to_json(s, calibrations().clock, 2);
    EXPECT_TRUE(row["metrics"].contains("producer_jain_index"));
    EXPECT_TRUE(row["metrics"].contains("consumer_jain_index"));
    // For the eye only (no timing is asserted): loaded machines vary widely.
    const auto& lat = s.latencies[0].second;
    std::printf(
        "%s, %zu-byte messages: %.0f messages/s, enqueue->dequeue p50 %.0f ns, capacity %s\n",
        C::kName, sizeof(T), static_cast<double>(s.total_ops()) / s.window_ns * 1e9,
        calibrations().clock.to_ns(lat.percentile(50)),
        s.metrics["channel_capacity"].dump().c_str());
}

TYPED_TEST(IpcChannel, ThroughputSampleIsValid) {
    expect_valid_throughput<TypeParam, Message<32>>();
    expect_valid_throughput<TypeParam, Message<1024>>();
}

TYPED_TEST(IpcChannel, ThroughputRefusesMoreThanOneProducer) {
    CaseConfig cfg = small_case<TypeParam>(1'000'000);
    cfg.params.set("producers", std::int64_t{2});
    EXPECT_THROW((run_ipc_throughput<TypeParam, Message<32>>(cfg)), std::invalid_argument);
}

// The real scenario in a case process that the watchdog SIGKILLs mid-window:
// its consumer, orphaned to us (the subreaper), must be gone within a second.
// Either of its two exits may come first: the kernel closes the dead case's
// descriptors (the consumer sees end-of-stream, reports and exits 0) before it
// sends PDEATHSIG (SIGKILL); both are fine, surviving is not.
TYPED_TEST(IpcChannel, KilledThroughputCaseLeavesNoConsumer) {
    REQUIRE_SUBREAPER();
    const CaseConfig cfg = small_case<TypeParam>(20'000'000'000);  // far longer than we wait
    auto the_case = GuardedChild::spawn([&] {
        run_ipc_throughput<TypeParam, Message<32>>(cfg);
        return 3;
    });
    std::this_thread::sleep_for(200ms);
    const ChildExit killed = the_case.kill_now();
    EXPECT_EQ(killed.signal, SIGKILL) << killed.describe();
    int orphans = 0;
    const auto deadline = std::chrono::steady_clock::now() + 1s;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        const pid_t r = waitpid(-1, &status, WNOHANG);
        if (r < 0) break;  // ECHILD: nothing left
        if (r > 0) {
            ++orphans;
            const ChildExit e = child_exit_from_status(status);
            EXPECT_TRUE(e.signal == SIGKILL || e.clean()) << "orphan " << e.describe();
        } else {
            std::this_thread::sleep_for(5ms);
        }
    }
    EXPECT_EQ(orphans, 1) << "the case's consumer process, reaped here after PDEATHSIG";
    errno = 0;
    EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

// ---- per-channel promises ------------------------------------------------------

TEST(PosixMq, DepthIsClampedAndTheNameIsGoneBeforeUse) {
    PosixMqChannel ch(100000, sizeof(Message<64>));
    EXPECT_EQ(ch.capacity(), std::min<std::size_t>(100000, PosixMqChannel::depth_limit()));
    RecordProperty("effective_capacity", std::to_string(ch.capacity()));
    std::printf("posix_mq: msg_max %zu, msgsize_max %zu, effective capacity %zu\n",
                PosixMqChannel::depth_limit(), PosixMqChannel::message_size_limit(), ch.capacity());
    errno = 0;
    EXPECT_EQ(mq_open(ch.name().c_str(), O_RDONLY), static_cast<mqd_t>(-1));
    EXPECT_EQ(errno, ENOENT) << ch.name() << " still has a name";
}

TEST(PosixMq, RejectsMessagesAboveTheSystemLimit) {
    EXPECT_THROW(PosixMqChannel(4, PosixMqChannel::message_size_limit() + 1),
                 std::invalid_argument);
}

// Lines of /proc/net/unix naming `address` (abstract: "@name"), and how many
// of them are listening (flag __SO_ACCEPTCON, 0x10000).
std::pair<int, int> unix_entries(const std::string& address) {
    std::ifstream in("/proc/net/unix");
    std::string line;
    int named = 0, listening = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string num, refs, proto, flags, type, state, inode, path;
        if (!(f >> num >> refs >> proto >> flags >> type >> state >> inode >> path)) continue;
        if (path != "@" + address) continue;
        ++named;
        listening += (std::stoul(flags, nullptr, 16) & 0x10000) != 0;
    }
    return {named, listening};
}

TEST(UnixSocket, AbstractNameNoListenerNoFile) {
    std::string address;
    {
        UnixSocketChannel ch(64, 32);
        address = ch.address();
        ASSERT_FALSE(address.empty());
        EXPECT_EQ(unix_entries(address).second, 0) << "the listener outlived the constructor";
        EXPECT_GT(ch.capacity(), 0u);
    }
    EXPECT_EQ(unix_entries(address).first, 0) << "sockets outlived the channel";
}

TEST(TcpLoopback, OnlyLoopbackAndNoListener) {
    TcpLoopbackChannel ch(64, 32);
    char port[8];
    std::snprintf(port, sizeof port, ":%04X", ch.port());
    std::ifstream in("/proc/net/tcp");
    std::string line;
    int ours = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string slot, local, remote, state;
        if (!(f >> slot >> local >> remote >> state)) continue;
        if (local.ends_with(port) || remote.ends_with(port)) {
            ++ours;
            EXPECT_NE(state, "0A") << "still listening: " << line;
            EXPECT_TRUE(local.starts_with("0100007F") && remote.starts_with("0100007F")) << line;
        }
    }
    EXPECT_EQ(ours, 2) << "the two ends of one loopback connection";
    EXPECT_GT(ch.capacity(), 0u);
}

TEST(ShmRing, CapacityIsAPowerOfTwo) {
    EXPECT_EQ(ShmRingChannel(100, 32).capacity(), 128u);
    EXPECT_EQ(ShmRingFutexChannel(64, 32).capacity(), 64u);
    EXPECT_THROW(ShmRingChannel(ShmRingChannel::kMaxCapacity + 1, 32), std::invalid_argument);
}

TEST(Pipe, CapacityIsTheBufferInMessages) {
    PipeChannel ch(256, 32);  // 8 KiB: rounded up to whole pages
    EXPECT_GE(ch.capacity(), 256u);
}

}  // namespace
}  // namespace contend::queues::ipc
