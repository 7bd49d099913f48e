#include "harness/extensions.hpp"

#include <utility>
#include <vector>

namespace contend {
namespace {

// A function-local static: added to from other translation units' static
// initializers, whose order relative to this file's is unspecified.
std::vector<Extension>& added() {
    static std::vector<Extension> list;
    return list;
}

}  // namespace

bool add_extension(Extension e) {
    added().push_back(std::move(e));
    return true;
}

void register_extensions(Registry& r) {
    for (const auto& e : added()) e(r);
}

}  // namespace contend
