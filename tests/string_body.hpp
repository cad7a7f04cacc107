// A request body from a string, for the gate's handlers tested without a socket
// (server/routes_test.cpp, server/proxy_routes_test.cpp): handed on in pieces of
// 1000 bytes, as the connection hands a body on; over `max` it reads nothing and
// says so (too_large), as the connection then answers 413 itself.
#pragma once

#include "server/internal.hpp"
#include "server/routes.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace preflight::server::testing_gate {

class StringBody final : public BodySource {
public:
    StringBody(Gate::Impl& gate, std::string body) : gate_(gate), body_(std::move(body)) {}
    bool read(const std::function<void(std::string_view)>& sink, std::uint64_t max) override {
        ++reads;
        if (max != 0 && body_.size() > max) {
            too_large = true;
            return false;
        }
        for (std::size_t at = 0; at < body_.size(); at += 1000) {
            sink(std::string_view(body_).substr(at, 1000));
        }
        return true;
    }
    bool take_upload_slot() override {
        if (!gate_.uploads.try_acquire()) {
            return false;
        }
        ++slots;
        return true;
    }
    int reads = 0;
    int slots = 0;
    bool too_large = false;

private:
    Gate::Impl& gate_;
    std::string body_;
};

}  // namespace preflight::server::testing_gate
