#include "harness/os_thread_state.hpp"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace contend {

std::optional<OsThreadState> read_os_thread_state(int tid) {
    std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/status");
    std::string line;
    OsThreadState s;
    bool state = false, count = false;
    while (std::getline(f, line)) {
        if (line.rfind("State:", 0) == 0) {
            const auto at = line.find_first_not_of(" \t", 6);
            s.asleep = at != std::string::npos && (line[at] == 'S' || line[at] == 'D');
            state = true;
        } else if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
            s.voluntary_switches = std::stol(line.substr(24));
            count = true;
        }
    }
    if (!state || !count) return std::nullopt;
    return s;
}

std::vector<int> process_thread_ids() {
    std::vector<int> ids;
    if (DIR* d = opendir("/proc/self/task")) {
        while (const dirent* e = readdir(d))
            if (e->d_name[0] != '.') ids.push_back(std::atoi(e->d_name));
        closedir(d);
    }
    return ids;
}

}  // namespace contend
