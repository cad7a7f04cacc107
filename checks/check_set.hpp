// The set of built-in checks: one line each in checks/list.inc.
#pragma once

#include "validator/check.hpp"

namespace preflight {

// Every built-in check, in code order.
const CheckSet& builtin_checks();

}  // namespace preflight
