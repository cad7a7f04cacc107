// `preflight lookup ID`: what each registry source says about one identifier, and
// the route a letter to it would take for each process.
#pragma once

#include "registry/directory.hpp"
#include "report/render.hpp"
#include "validator/routing.hpp"

#include <string>
#include <vector>

namespace preflight {

struct LookupResult {
    std::string id;    // normalised
    std::string kind;  // fodselsnummer, d-nummer, h-nummer, synthetic, organisation
    std::vector<registry::Directory::SourceReport> sources;
    registry::Facts facts;   // the layered answer, as a check would see it
    RoutePrediction vedtak;  // route for process vedtak (method general)
    RoutePrediction info;    // route for process info
};

// Throws UsageError when `raw` is no valid person or organisation number.
LookupResult look_up(registry::Directory& directory, const std::string& raw);

std::string render_lookup(const LookupResult& result, Format format, const RenderOptions& options);

}  // namespace preflight
