#include "validator/check.hpp"

namespace preflight::checks {
#define PREFLIGHT_CHECK(factory) std::unique_ptr<Check> factory();
#include "checks/list.inc"
#undef PREFLIGHT_CHECK
}  // namespace preflight::checks

namespace preflight {

const Registry& builtin_checks() {
    static const Registry registry = [] {
        Registry r;
#define PREFLIGHT_CHECK(factory) r.add(checks::factory());
#include "checks/list.inc"
#undef PREFLIGHT_CHECK
        return r;
    }();
    return registry;
}

}  // namespace preflight
