// Every configuration section preflight reads (--config, .preflight.ini): each layer
// declares its own next to the code that reads it; this top layer gathers them.
#pragma once

#include "validator/check.hpp"
#include "validator/config.hpp"

#include <vector>

namespace preflight::app {

// In the order of `preflight checks --dump-config`: one section per check, the
// registries' ([registry], [krr], [maskinporten], [enhetsregisteret],
// [capabilities]), the gate's [serve], [scan], and the analysing child's [pdf].
std::vector<Section> config_sections(const CheckSet& check_set);

}  // namespace preflight::app
