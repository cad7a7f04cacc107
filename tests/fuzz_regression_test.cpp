// The fuzz targets (fuzz/targets.cpp) outside libFuzzer: every input a fuzzer once
// crashed on (fuzz/regressions/<target>/) and every seed inside the repository
// (fuzz/seeds.conf) goes through its target in this build, the sanitizer build
// included. A target that breaks an invariant aborts, and the test dies with it.
#include "fuzz/targets.hpp"

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using preflight::fuzz::find_target;
using preflight::fuzz::targets;

const fs::path kSource = PREFLIGHT_SOURCE_DIR;

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const preflight::fuzz::Target& target, const fs::path& file) {
    SCOPED_TRACE(std::string(target.name) + " " + file.string());
    const std::string bytes = read_file(file);
    target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// fuzz/seeds.conf: target -> patterns.
std::map<std::string, std::vector<std::string>> seed_patterns() {
    std::map<std::string, std::vector<std::string>> out;
    std::ifstream in(kSource / "fuzz/seeds.conf");
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream words(line);
        std::string target;
        words >> target;
        std::string pattern;
        auto& patterns = out[target];
        while (words >> pattern) {
            patterns.push_back(pattern);
        }
    }
    return out;
}

// The files a pattern of seeds.conf names: `dir/GLOB` or `dir/**/GLOB`.
std::vector<fs::path> expand(const std::string& pattern) {
    std::vector<fs::path> files;
    const auto recursive = pattern.find("/**/");
    const auto slash = pattern.rfind('/');
    const fs::path dir = kSource / pattern.substr(0, recursive != std::string::npos ? recursive : slash);
    const std::string glob = pattern.substr(slash + 1);
    if (!fs::is_directory(dir)) {
        return files;
    }
    const auto take = [&](const fs::directory_entry& e) {
        if (e.is_regular_file() && ::fnmatch(glob.c_str(), e.path().filename().c_str(), 0) == 0) {
            files.push_back(e.path());
        }
    };
    if (recursive != std::string::npos) {
        std::for_each(fs::recursive_directory_iterator(dir), fs::recursive_directory_iterator(), take);
    } else {
        std::for_each(fs::directory_iterator(dir), fs::directory_iterator(), take);
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(FuzzTargets, SeedsConfNamesEveryTargetAndNoOther) {
    const auto patterns = seed_patterns();
    std::set<std::string> named;
    for (const auto& [target, list] : patterns) {
        EXPECT_NE(find_target(target), nullptr) << "fuzz/seeds.conf names no target " << target;
        EXPECT_FALSE(list.empty()) << target << " has no seed pattern";
        named.insert(target);
    }
    for (const auto& t : targets()) {
        EXPECT_TRUE(named.contains(std::string(t.name))) << "fuzz/seeds.conf has no line for " << t.name;
    }
}

// The seeds in the repository hold every invariant (a target that could not take a
// valid input would make every fuzz run fail at once).
TEST(FuzzTargets, EverySeedInTheRepositoryPasses) {
    for (const auto& [name, patterns] : seed_patterns()) {
        const auto* target = find_target(name);
        ASSERT_NE(target, nullptr) << name;
        std::size_t seeds = 0;
        for (const auto& pattern : patterns) {
            if (pattern.starts_with("../")) {
                continue;  // ../shared/corpus: the fuzz runs seed from it, this test does not
            }
            for (const auto& file : expand(pattern)) {
                run(*target, file);
                ++seeds;
            }
        }
        EXPECT_GT(seeds, 0U) << name << " has no seed inside the repository";
    }
}

// Every input a fuzzer crashed on, under the target that crashed: it must pass now.
TEST(FuzzTargets, SavedCrashesStayFixed) {
    const fs::path root = kSource / "fuzz/regressions";
    ASSERT_TRUE(fs::is_directory(root));
    std::size_t inputs = 0;
    for (const auto& dir : fs::directory_iterator(root)) {
        if (!dir.is_directory()) {
            continue;
        }
        const auto* target = find_target(dir.path().filename().string());
        ASSERT_NE(target, nullptr) << dir.path() << " is not named after a fuzz target";
        for (const auto& file : fs::directory_iterator(dir.path())) {
            if (file.is_regular_file() && file.path().filename() != "README.md") {
                run(*target, file.path());
                ++inputs;
            }
        }
    }
    RecordProperty("inputs", static_cast<int>(inputs));
}

}  // namespace
