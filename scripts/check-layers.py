#!/usr/bin/env python3
"""Fails when a layer includes a layer above it, or a library another layer owns, or
when a check code is written outside checks/ and the catalogue.

The build runs this before any layer compiles (cmake/layers.cmake), with the table
CMake wrote from the layers' declared dependencies:

    base deps= third-party=utf8proc.h,magic.h
    pdf deps=base third-party=podofo/,zlib.h,openssl/
    ...

A file in folder L may include (with quotes) files of L and of every layer L depends
on, directly or through others; and (with angle brackets) a third-party header only
when L declares it. Headers that no layer declares (the standard library, POSIX, fmt,
nlohmann-json) are free. The table itself must be a DAG.

Tests (L/*_test.cpp) are held to their layer as well, with three allowances: the
layers L declares as TEST_DEPS (test-deps= in the table: e.g. the gate's tests read the
whole configuration from app/), the test helpers in tests/ (each counted as the layers
it includes, through other helpers too), and PoDoFo and GoogleTest, which any test may
use (tests build their PDF fixtures with PoDoFo). The tests in tests/ itself are the
whole program's (the CLI, end to end) and may include anything.

    scripts/check-layers.py --table build/layers.txt --root .      # the tree
    scripts/check-layers.py --self-test                            # that it catches both
"""
import argparse
import os
import re
import sys
import tempfile

# A check code in a string ("DP301", "DP301.docx-unreadable"): written only in checks/
# and in the catalogue (validator/catalogue*), where the checks and their texts are.
CODE = re.compile(r'"DP[0-9]{3}[".]')
CODE_HOMES = ("checks/", "validator/catalogue")
# Third-party headers any test may include, whichever layer owns them.
TEST_FREE = ("podofo/", "gtest/", "gmock/")
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^">]+)[">]', re.M)


def read_table(path):
    layers = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            name, *fields = line.split()
            entry = {"deps": [], "third-party": [], "test-deps": []}
            for field in fields:
                key, _, value = field.partition("=")
                entry[key] = [v for v in value.split(",") if v]
            layers[name] = entry
    return layers


def closure(layers):
    """Each layer's transitive dependencies; raises on a cycle or an unknown layer."""
    done, state = {}, {}

    def visit(name, path):
        if state.get(name) == "open":
            raise ValueError("the layers form a cycle: " + " -> ".join(path + [name]))
        if name in done:
            return done[name]
        if name not in layers:
            raise ValueError(f"{path[-1]} depends on {name}, which is not a layer")
        state[name] = "open"
        below = set()
        for dep in layers[name]["deps"]:
            below |= {dep} | visit(dep, path + [name])
        state[name] = "done"
        done[name] = below
        return below

    for name in layers:
        visit(name, [])
    return done


def helper_layers(root, layers, helper, seen=None):
    """The layers a test helper (tests/NAME.hpp) includes, through other helpers too."""
    seen = set() if seen is None else seen
    if helper in seen:
        return set()
    seen.add(helper)
    path = os.path.join(root, helper)
    if not os.path.isfile(path):
        return set()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = set()
    for kind, target in INCLUDE.findall(text):
        if kind != '"' or "/" not in target:
            continue
        top = target.split("/", 1)[0]
        if top == "tests":
            found |= helper_layers(root, layers, target, seen)
        elif top in layers:
            found.add(top)
    return found


def check(root, layers):
    below = closure(layers)
    owners = {}
    for name, entry in layers.items():
        for prefix in entry["third-party"]:
            owners.setdefault(prefix, set()).add(name)
    problems = []
    for name in layers:
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            problems.append(f"{name}/: the layer's folder is missing")
            continue
        # What a test of this layer may reach: the layer, what is below it, its test-deps
        # and what is below those.
        test_reach = {name} | below[name]
        for extra in layers[name].get("test-deps", []):
            if extra not in layers:
                problems.append(f"{name}: test-deps names {extra}, which is not a layer")
                continue
            test_reach |= {extra} | below[extra]
        for file in sorted(os.listdir(folder)):
            if not file.endswith((".cpp", ".hpp", ".inc")):
                continue
            is_test = file.endswith("_test.cpp")
            path = os.path.join(folder, file)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            rel = f"{name}/{file}"
            if not is_test and not rel.startswith(CODE_HOMES):
                for match in CODE.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{rel}:{line}: a check code ({match.group(0)[1:6]}) outside checks/ and the "
                                    "catalogue: ask the check (validator/check.hpp) instead")
            for match in INCLUDE.finditer(text):
                kind, target = match.groups()
                line = text.count("\n", 0, match.start()) + 1
                where = f"{name}/{file}:{line}"
                if kind == '"':
                    top = target.split("/", 1)[0] if "/" in target else name
                    if is_test:
                        if top == "tests":
                            beyond = helper_layers(root, layers, target) - test_reach
                            if beyond:
                                problems.append(f"{where}: includes {target}, which uses {', '.join(sorted(beyond))}/: "
                                                f"not below {name}/ nor in its test-deps")
                            continue
                        if top in test_reach:
                            continue
                        problems.append(f"{where}: includes {target}, but {top}/ is neither below {name}/ nor in its "
                                        "test-deps")
                        continue
                    if top == name or top in below[name]:
                        continue
                    if top in layers:
                        problems.append(f"{where}: includes {target}, but {top}/ is not below {name}/")
                    else:
                        problems.append(f"{where}: includes {target}, which is in no layer below {name}/")
                else:
                    if is_test and target.startswith(TEST_FREE):
                        continue
                    for prefix, allowed in owners.items():
                        if target == prefix or (prefix.endswith("/") and target.startswith(prefix)):
                            if name in allowed or (is_test and allowed & test_reach):
                                continue
                            problems.append(f"{where}: includes <{target}>, which only {', '.join(sorted(allowed))}/ may use")
    return problems


def self_test():
    """The checker must catch an upward include, a foreign library and a cycle."""
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, text):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(text)

        for d in ("low", "high"):
            os.mkdir(os.path.join(tmp, d))
        table = {"low": {"deps": [], "third-party": ["zlib.h"]}, "high": {"deps": ["low"], "third-party": []}}
        write("low/a.cpp", '#include "low/a.hpp"\n#include <zlib.h>\n#include <vector>\n')
        write("high/b.cpp", '#include "low/a.hpp"\n#include "high/b.hpp"\n')
        assert check(tmp, table) == [], check(tmp, table)
        write("low/c.cpp", '#include "high/b.hpp"\n')
        write("high/d.cpp", '\n#include <zlib.h>\n')
        write("high/d_test.cpp", '#include <zlib.h>\nconst char* c = "DP301";\n')
        write("high/e.cpp", 'bool blocks(const F& f) {\n    return f.code == "DP404";\n}\n')
        found = check(tmp, table)
        assert sorted(found) == ["high/d.cpp:2: includes <zlib.h>, which only low/ may use",
                                 "high/e.cpp:2: a check code (DP404) outside checks/ and the catalogue: ask the check "
                                 "(validator/check.hpp) instead",
                                 "low/c.cpp:1: includes high/b.hpp, but high/ is not below low/"], found
        # Tests: held to their layer, with tests/ helpers counted as what they include,
        # PoDoFo free, and the declared test-deps.
        for f in ("c.cpp", "d.cpp", "e.cpp"):
            os.remove(os.path.join(tmp, "high" if f != "c.cpp" else "low", f))
        os.mkdir(os.path.join(tmp, "tests"))
        write("tests/harness.hpp", '#include "tests/inner.hpp"\n')
        write("tests/inner.hpp", '#include "high/b.hpp"\n')
        write("high/f_test.cpp", '#include "low/a.hpp"\n#include "tests/harness.hpp"\n#include <podofo/podofo.h>\n')
        write("low/g_test.cpp", '#include <podofo/podofo.h>\n#include "high/b.hpp"\n#include "tests/harness.hpp"\n')
        found = check(tmp, table)
        assert sorted(found) == ["low/g_test.cpp:2: includes high/b.hpp, but high/ is neither below low/ nor in "
                                 "its test-deps",
                                 "low/g_test.cpp:3: includes tests/harness.hpp, which uses high/: not below low/ "
                                 "nor in its test-deps"], found
        table["low"]["test-deps"] = ["high"]
        assert check(tmp, table) == [], check(tmp, table)
        table["low"]["test-deps"] = []
        table["low"]["deps"] = ["high"]
        try:
            check(tmp, table)
        except ValueError as e:
            assert "cycle" in str(e), e
        else:
            raise AssertionError("a cycle was not reported")
    print("check-layers: self-test passed (upward include, foreign library, check code, tests and their helpers, "
          "cycle)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table")
    parser.add_argument("--root", default=".")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return 0
    if not args.table:
        parser.error("--table is needed (build/layers.txt)")
    layers = read_table(args.table)
    try:
        problems = check(args.root, layers)
    except ValueError as e:
        print(f"check-layers: {e}", file=sys.stderr)
        return 1
    for p in problems:
        print(f"check-layers: {p}", file=sys.stderr)
    if problems:
        print(f"check-layers: {len(problems)} include(s) against the layers (cmake/layers.cmake, docs/design.md)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
