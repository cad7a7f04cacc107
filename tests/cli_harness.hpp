// Runs the built preflight binary and captures its exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace preflight::testing {

struct CliResult {
    int exit_code = -1;  // -1: killed by a signal
    std::string out;
    std::string err;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// With `input`, standard input is a file holding it; without, /dev/null (never the
// test's own terminal).
// Where and with what the binary runs: `cwd` (empty: this process's) and `env`
// (NAME=VALUE, added to this process's environment).
struct CliPlace {
    std::string cwd;
    std::vector<std::string> env;
};

inline CliResult run_cli(const std::vector<std::string>& args, const std::string* input = nullptr,
                         const CliPlace& place = {}) {
    static int counter = 0;
    const std::string base = "/tmp/preflight-cli-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    const std::string out_path = base + ".out";
    const std::string err_path = base + ".err";
    const std::string in_path = input != nullptr ? base + ".in" : std::string("/dev/null");
    if (input != nullptr) {
        std::ofstream(in_path, std::ios::binary) << *input;
    }
    const pid_t pid = fork();
    if (pid == 0) {
        std::FILE* i = std::freopen(in_path.c_str(), "r", stdin);
        std::FILE* o = std::freopen(out_path.c_str(), "w", stdout);
        std::FILE* e = std::freopen(err_path.c_str(), "w", stderr);
        if (i == nullptr || o == nullptr || e == nullptr) {
            _exit(127);
        }
        if (!place.cwd.empty() && chdir(place.cwd.c_str()) != 0) {
            _exit(127);
        }
        for (const auto& variable : place.env) {
            std::string copy = variable;
            const auto eq = copy.find('=');
            setenv(copy.substr(0, eq).c_str(), copy.substr(eq + 1).c_str(), 1);
        }
        std::vector<char*> argv;
        std::string binary = PREFLIGHT_BINARY;
        argv.push_back(binary.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::remove(out_path.c_str());
    std::remove(err_path.c_str());
    if (input != nullptr) {
        std::remove(in_path.c_str());
    }
    return r;
}

inline std::string fixture(const std::string& rel) { return std::string(PREFLIGHT_SOURCE_DIR) + "/fixtures/" + rel; }

}  // namespace preflight::testing
