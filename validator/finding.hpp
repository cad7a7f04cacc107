// A finding is data: which check, how bad, where, and a message in no language yet.
#pragma once

#include "base/error.hpp"
#include "validator/model.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace preflight {

struct Finding {
    std::string code;   // DP301
    std::string check;  // page-format
    Severity severity = Severity::block;
    std::optional<std::string> document;  // the document's `file`
    std::optional<int> page;
    std::optional<int> recipient;  // index into the manifest's recipients
    std::string message_id;        // catalogue key of the message
    std::string remedy_id;         // catalogue key of the remedy
    MessageArgs args;
};

}  // namespace preflight
