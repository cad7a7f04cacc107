#include "checks/check_set.hpp"

namespace preflight::checks {
#define PREFLIGHT_CHECK(factory) std::unique_ptr<Check> factory();
#include "checks/list.inc"
#undef PREFLIGHT_CHECK
}  // namespace preflight::checks

namespace preflight {

const CheckSet& builtin_checks() {
    static const CheckSet check_set = [] {
        CheckSet r;
#define PREFLIGHT_CHECK(factory) r.add(checks::factory());
#include "checks/list.inc"
#undef PREFLIGHT_CHECK
        return r;
    }();
    return check_set;
}

}  // namespace preflight
