// fake_registry: serves the registry fakes on 127.0.0.1 for benchmarks and manual
// trials. Prints "port N" once listening; stops when stdin closes.
//
//   fake_registry DATA.json [--delay-ms N] [--token T]
#include "base/files.hpp"
#include "tests/fake_registry.hpp"

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    using namespace preflight::testing;
    if (argc < 2) {
        std::fprintf(stderr, "usage: fake_registry DATA.json [--delay-ms N] [--token T]\n");
        return 2;
    }
    const auto text = preflight::read_regular_file(argv[1]);
    if (!text) {
        std::fprintf(stderr, "fake_registry: cannot read %s\n", argv[1]);
        return 2;
    }
    const nlohmann::json data = nlohmann::json::parse(*text);
    FakeRegistryOptions options;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--delay-ms") == 0) {
            options.delay = std::chrono::milliseconds(std::stoi(argv[i + 1]));
        } else if (std::strcmp(argv[i], "--token") == 0) {
            options.token = argv[i + 1];
        }
    }
    FakeHttpServer server([&](const FakeRequest& r) { return fake_registry_answer(data, options, r); });
    std::printf("port %d\n", server.port());
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line == "count") {
            std::printf("requests %zu\n", server.request_count());
            std::fflush(stdout);
        }
    }
    std::fprintf(stderr, "fake_registry: %zu requests\n", server.request_count());
    return 0;
}
