// Declared promises (harness/primitive_info.hpp): a suite's declaration
// becomes a PrimitiveInfo whose suite promises only that suite reads back,
// and which list, results and the report print without knowing the keys.
#include <gtest/gtest.h>

#include "harness/primitive_info.hpp"
#include "suites/locks/lock_promises.hpp"
#include "suites/queues/queue_promises.hpp"

namespace contend {
namespace {

TEST(PrimitivePromises, LockDeclarationRoundTrips) {
    const PrimitiveInfo p = LockDeclaration{
        .name = "array", .family = "spinlock", .fair = true, .spins = true, .max_threads = 4};
    EXPECT_EQ(p.name, "array");
    EXPECT_TRUE(p.spins);
    EXPECT_FALSE(p.blocking);
    const auto& lock = promises_as<LockPromises>(p);
    EXPECT_TRUE(lock.fair);
    EXPECT_EQ(lock.max_threads, 4);
    EXPECT_TRUE(lock.mutual_exclusion);
    EXPECT_EQ(declared_promises(p),
              (nlohmann::json{{"spins", true}, {"fair", true}, {"max_threads", 4}}));
    EXPECT_EQ(promises_text(p), "spins, fair, max_threads=4");
}

TEST(PrimitivePromises, AnotherSuitesPromisesReadAsDefaults) {
    const PrimitiveInfo lock = LockDeclaration{.name = "ticket", .fair = true};
    EXPECT_TRUE(promises_as<QueuePromises>(lock).ordering.empty());
    EXPECT_FALSE(promises_as<QueuePromises>(lock).bounded);
    const PrimitiveInfo bare{.name = "thread_start", .blocking = true};
    EXPECT_TRUE(promises_as<LockPromises>(bare).mutual_exclusion);
    EXPECT_EQ(declared_promises(bare), (nlohmann::json{{"blocking", true}}));
    EXPECT_EQ(promises_text(PrimitiveInfo{.name = "x"}), "-");
}

TEST(PrimitivePromises, QueueDeclarationRoundTrips) {
    const PrimitiveInfo p = QueueDeclaration{.name = "ring",
                                             .blocking = true,
                                             .bounded = true,
                                             .ordering = "fifo",
                                             .shapes = "spsc",
                                             .max_capacity = 64};
    const auto& queue = promises_as<QueuePromises>(p);
    EXPECT_EQ(queue.ordering, "fifo");
    EXPECT_EQ(queue.shapes, "spsc");
    EXPECT_EQ(queue.max_capacity, 64u);
    EXPECT_EQ(declared_promises(p), (nlohmann::json{{"blocking", true},
                                                    {"bounded", true},
                                                    {"ordering", "fifo"},
                                                    {"shapes", "spsc"},
                                                    {"max_capacity", 64}}));
}

TEST(PrimitivePromises, NoMutualExclusionIsDeclaredAsFalse) {
    const PrimitiveInfo none = LockDeclaration{.name = "none", .mutual_exclusion = false};
    EXPECT_FALSE(promises_as<LockPromises>(none).mutual_exclusion);
    EXPECT_EQ(declared_promises(none), (nlohmann::json{{"mutual_exclusion", false}}));
    EXPECT_EQ(promises_text(none), "mutual_exclusion=false");
}

}  // namespace
}  // namespace contend
