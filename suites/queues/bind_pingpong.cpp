#include "suites/queues/pingpong_scenario.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

void bind_pingpong(Registry& r, const char* scenario) {
    bind_every_queue<PingpongRun>(r, scenario);
}

}  // namespace contend::queues
