#include "suites/queues/pingpong_scenario.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

struct PingpongRun {
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_pingpong<Queue, T>(c);
    }
};

void bind_pingpong(Registry& r, const char* scenario) {
    bind_every_queue<PingpongRun>(r, scenario);
}

}  // namespace contend::queues
