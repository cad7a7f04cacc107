#!/usr/bin/env python3
"""The CI examples of docs/ci.md work: run by ctest as `ci_examples BINARY SOURCE_DIR`.

1. Each YAML block in docs/ci.md is, byte for byte, one of docs/examples/*.yml.
2. Both files parse as YAML and have the shape GitLab and GitHub need (a job with a
   script, a JUnit and a Code Quality report; a workflow whose SARIF upload reads the file written).
3. Every `preflight scan` command in them runs, as written, in a copy of
   fixtures/templates named templates/ (with the built binary as `preflight`): exit
   status 0 or 1, and the report it writes is what its format promises.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml


def fail(msg: str) -> None:
    print(f"ci_examples: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", markdown, flags=re.S | re.M)


def scan_commands(text: str) -> list[str]:
    """Every shell line that starts a `preflight scan` (YAML list items or run: blocks)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- "):
            line = line[2:].strip()
        if line.startswith("preflight scan"):
            out.append(line)
    return out


def main() -> None:
    binary, source = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    ci = (source / "docs/ci.md").read_text(encoding="utf-8")
    examples = {p.name: p.read_text(encoding="utf-8") for p in (source / "docs/examples").glob("*.yml")}
    blocks = yaml_blocks(ci)
    if sorted(blocks) != sorted(examples.values()):
        fail("the YAML blocks of docs/ci.md differ from docs/examples/*.yml")

    gitlab = yaml.safe_load(examples["gitlab-ci.yml"])
    job = gitlab["preflight-templates"]
    junit_files = job["artifacts"]["reports"]["junit"]
    junit_files = [junit_files] if isinstance(junit_files, str) else junit_files
    quality_file = job["artifacts"]["reports"].get("codequality")
    if not isinstance(quality_file, str):
        fail("GitLab: one Code Quality report expected (artifacts: reports: codequality)")
    if job["artifacts"].get("when") != "always":
        fail("GitLab: the report must be kept when the job fails (artifacts: when: always)")

    github = yaml.safe_load(examples["github-workflow.yml"])
    steps = github["jobs"]["preflight"]["steps"]
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif")]
    if len(uploads) != 1:
        fail("GitHub: one upload-sarif step expected")
    sarif_file = uploads[0]["with"]["sarif_file"]

    commands = scan_commands("\n".join(job["script"])) + scan_commands(
        "\n".join(s.get("run", "") for s in steps))
    if len(commands) < 2:
        fail(f"expected the scan commands of both examples, found {commands}")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(source / "fixtures/templates", work / "templates")
        bindir = work / "bin"
        bindir.mkdir()
        (bindir / "preflight").symlink_to(binary)
        env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}")
        written = set()
        for command in commands:
            r = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True,
                               timeout=120)
            if r.returncode not in (0, 1):
                fail(f"`{command}` exited {r.returncode}: {r.stderr}")
            if "utkast" in r.stdout:
                fail(f"`{command}`: templates/.preflight.ini was not applied")
            if "--format github" in command:
                annotations = [l for l in r.stdout.splitlines() if l.startswith("::")]
                if not any(l.startswith("::error file=templates/brev/us-letter.docx,") for l in annotations):
                    fail(f"`{command}`: no annotation on templates/brev/us-letter.docx:\n{r.stdout}")
            # Reports to files: `-o FILE` / `--output FILE` (or a shell redirect).
            for m in re.finditer(r"(?:^|\s)(?:-o|--output)[ =](\S+)|>\s*(\S+)", command):
                written.add(m.group(1) or m.group(2))
        for name in junit_files:
            if name not in written:
                fail(f"GitLab: {name} is uploaded but no command writes it")
            root = ET.parse(work / name).getroot()
            suite = root.find("testsuite")
            if suite is None or int(suite.get("failures")) != 2 or int(suite.get("tests")) != 7:
                fail(f"{name}: expected 7 test cases and 2 failures")
        if quality_file not in written:
            fail(f"GitLab: {quality_file} is uploaded but no command writes it")
        issues = json.loads((work / quality_file).read_text(encoding="utf-8"))
        if not any(i["location"]["path"] == "templates/brev/us-letter.docx" and i["severity"] == "blocker"
                   for i in issues):
            fail(f"{quality_file}: no blocker on templates/brev/us-letter.docx: {issues}")
        if sarif_file not in written:
            fail(f"GitHub: {sarif_file} is uploaded but no command writes it")
        sarif = json.loads((work / sarif_file).read_text(encoding="utf-8"))
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
        if "templates/brev/us-letter.docx" not in uris:
            fail(f"{sarif_file}: no result on templates/brev/us-letter.docx: {sorted(uris)}")
    print(f"ci_examples: {len(blocks)} YAML blocks match docs/examples/, {len(commands)} scan commands ran")


if __name__ == "__main__":
    main()
