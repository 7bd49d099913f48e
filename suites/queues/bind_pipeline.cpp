#include "suites/queues/pipeline_scenario.hpp"
#include "suites/queues/queue_binding.hpp"

namespace contend::queues {

struct PipelineRun {
    template <class Queue, class T>
    static Sample run(const CaseConfig& c) {
        return run_pipeline<Queue, T>(c);
    }
};

void bind_pipeline(Registry& r, const char* scenario) {
    bind_every_queue<PipelineRun>(r, scenario);
}

}  // namespace contend::queues
