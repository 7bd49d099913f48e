#include "suites/queues/pipeline_scenario.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

void bind_pipeline(Registry& r, const char* scenario) {
    bind_every_queue<PipelineRun>(r, scenario);
}

}  // namespace contend::queues
