#!/usr/bin/env python3
"""The machine-readable reports as their consumers read them (issue 25, items 9 and 10):

- json: every report `check`, `check --manifest`, `scan` and the gate's POST /v1/check
  write validates against docs/report.schema.json, and its summary adds up;
- sarif: validates against the SARIF 2.1.0 schema (tests/schemas/), every result has a
  location, and every location's URI (absolute file://, or relative to a declared
  uriBaseId) names a file that exists; a finding about the journal post points at
  the manifest;
- junit: validates against Jenkins' strict schema (xunit's junit-10.xsd) with xmllint;
- gitlab: GitLab Code Quality issues with the fields GitLab reads, unique fingerprints,
  paths relative to the repository that exist.

    tests/report_formats_test.py PREFLIGHT SOURCE_DIR

Runs in SOURCE_DIR (relative paths as in CI). Exit 0 pass, 1 fail, 77 skipped (no
python3-jsonschema or no xmllint: scripts/install-deps.sh installs both).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET

FORMATS = ("json", "sarif", "junit", "gitlab")
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
E2E_CONFIG = "fixtures/e2e/preflight.ini"  # recipients from fixtures/e2e/registry.json: no network


def runs(source):
    """Every command line whose reports are validated: (name, arguments)."""
    absolute = os.path.join(source, "fixtures/pdf/slides_16x9.pdf")
    return [
        ("loose PDFs", ["check", "fixtures/pdf/slides_16x9.pdf", "fixtures/pdf/a4_portrait.pdf"]),
        ("loose, absolute path, print", ["check", "--channel", "print", absolute]),
        ("loose Word, e-mail, en", ["check", "--channel", "email", "--lang", "en", "fixtures/docs/brev_fnr.docx"]),
        ("loose, damaged and missing", ["check", "fixtures/pdf/junk_only.pdf", "fixtures/pdf/no-such-file.pdf"]),
        ("manifest: reserved recipient", ["check", "--config", E2E_CONFIG, "--manifest",
                                          "fixtures/e2e/slides-reserved.json"]),
        ("manifest: duplicate names", ["check", "--config", E2E_CONFIG, "--manifest",
                                       "fixtures/e2e/duplicate-names.json"]),
        ("manifest: access code by e-mail", ["check", "--config", E2E_CONFIG, "--manifest",
                                             "fixtures/e2e/email-access-code.json"]),
        ("manifest: main name mismatch", ["check", "--config", E2E_CONFIG, "--manifest",
                                          "fixtures/e2e/main-mismatch.json"]),
        ("manifest: example, --channel print", ["check", "--config", E2E_CONFIG, "--channel", "print",
                                                "--manifest", "fixtures/example/post.json"]),
        ("scan of templates", ["scan", "--jobs", "2", "fixtures/templates"]),
        ("scan, print, en", ["scan", "--jobs", "1", "--channel", "print", "--lang", "en", "fixtures/templates/brev"]),
    ]


# documents[].fixable where it is known: slides stopped for print can be made
# print-ready; a damaged, a missing and a Word file cannot.
FIXABLE = {
    "loose, absolute path, print": [True],
    "loose, damaged and missing": [False, False],
    "loose Word, e-mail, en": [False],
}


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, what):
        if not ok:
            self.items.append(what)
        return ok


def uri_to_path(uri, bases):
    """The local path of a SARIF artifactLocation, or None when it cannot be resolved."""
    base_id = uri.get("uriBaseId")
    text = uri["uri"]
    if base_id is not None:
        base = bases.get(base_id)
        if base is None:
            return None
        text = urllib.parse.urljoin(base["uri"], text)
    parsed = urllib.parse.urlparse(text)
    if parsed.scheme != "file":
        return None
    return urllib.parse.unquote(parsed.path)


def check_json(name, report, schema_validator, fail):
    errors = sorted(schema_validator.iter_errors(report), key=lambda e: list(e.path))
    for e in errors[:5]:
        fail.check(False, f"{name}: json: {'/'.join(map(str, e.path))}: {e.message}")
    if errors:
        return
    summary = report["summary"]
    for severity in ("block", "warn", "info"):
        n = sum(1 for f in report["findings"] if f["severity"] == severity)
        fail.check(summary[severity] == n, f"{name}: json: summary.{severity} {summary[severity]}, findings {n}")
    fail.check(summary["documents"] == len(report["documents"]), f"{name}: json: summary.documents")
    fail.check(summary["recipients"] == len(report["recipients"]), f"{name}: json: summary.recipients")
    worst = "block" if summary["block"] else "warn" if summary["warn"] else "pass"
    fail.check(report["verdict"] == worst, f"{name}: json: verdict {report['verdict']}, counts say {worst}")


def check_sarif(name, sarif, validator, report, manifest, fail):
    errors = list(validator.iter_errors(sarif))
    for e in errors[:5]:
        fail.check(False, f"{name}: sarif: {'/'.join(map(str, e.path))}: {e.message}")
    run = sarif["runs"][0]
    bases = run.get("originalUriBaseIds", {})
    for base_id, base in bases.items():
        fail.check(base["uri"].startswith("file:///") and base["uri"].endswith("/"),
                   f"{name}: sarif: uriBaseId {base_id} is not an absolute file:// folder URI: {base['uri']}")
    results = run["results"]
    fail.check(len(results) == len(report["findings"]),
               f"{name}: sarif: {len(results)} results for {len(report['findings'])} findings")
    post_level = 0
    for result, finding in zip(results, report["findings"]):
        where = f"{name}: sarif: {result['ruleId']}"
        locations = result.get("locations", [])
        if not fail.check(len(locations) == 1 and "physicalLocation" in locations[0], f"{where}: no file location"):
            continue
        artifact = locations[0]["physicalLocation"]["artifactLocation"]
        uri = artifact["uri"]
        fail.check(uri.startswith("file:///") or artifact.get("uriBaseId") in bases,
                   f"{where}: {uri} is neither absolute nor relative to a declared uriBaseId")
        path = uri_to_path(artifact, bases)
        if finding["document"] is None:
            post_level += 1
            if manifest:
                fail.check(path == os.path.realpath(manifest) or path == os.path.abspath(manifest),
                           f"{where}: a finding about the journal post points at {path}, not the manifest {manifest}")
        elif "no-such-file" not in finding["document"]:
            fail.check(path is not None and os.path.isfile(path), f"{where}: {uri} resolves to no file ({path})")
        if "index" in artifact:
            listed = run["artifacts"][artifact["index"]]["location"]
            fail.check(listed.get("uri") == uri, f"{where}: artifact index {artifact['index']} is another file")
    return post_level


def check_junit(name, xml_path, report, fail):
    r = subprocess.run(["xmllint", "--noout", "--schema", "tests/schemas/junit-10.xsd", xml_path],
                       capture_output=True, text=True)
    fail.check(r.returncode == 0, f"{name}: junit: not valid against junit-10.xsd:\n{r.stderr.strip()}")
    # One test case per document, and one for the journal post when there is one.
    cases = ET.parse(xml_path).getroot().findall("testsuite/testcase")
    documents = len(report["documents"])
    fail.check(documents <= len(cases) <= documents + 1, f"{name}: junit: {len(cases)} test cases, {documents} documents")


def check_gitlab(name, issues, report, fail):
    if not fail.check(isinstance(issues, list), f"{name}: gitlab: not a JSON array"):
        return
    fail.check(len(issues) == len(report["findings"]),
               f"{name}: gitlab: {len(issues)} issues for {len(report['findings'])} findings")
    prints = [i.get("fingerprint") for i in issues]
    fail.check(len(set(prints)) == len(prints), f"{name}: gitlab: fingerprints repeat: {prints}")
    for issue, finding in zip(issues, report["findings"]):
        where = f"{name}: gitlab: {finding['code']}"
        fail.check(isinstance(issue.get("description"), str) and finding["message"] in issue["description"],
                   f"{where}: description without the message")
        fail.check(issue.get("check_name") == finding["code"], f"{where}: check_name {issue.get('check_name')}")
        fail.check(isinstance(issue.get("fingerprint"), str) and issue["fingerprint"] != "", f"{where}: fingerprint")
        fail.check(issue.get("severity") in GITLAB_SEVERITIES, f"{where}: severity {issue.get('severity')}")
        expected = {"block": "blocker", "warn": "minor", "info": "info"}[finding["severity"]]
        fail.check(issue.get("severity") == expected, f"{where}: severity {issue.get('severity')}, not {expected}")
        location = issue.get("location", {})
        path = location.get("path")
        fail.check(isinstance(path, str) and not path.startswith("/"), f"{where}: path {path} not relative")
        if finding["document"] is None or "no-such-file" not in finding["document"]:
            fail.check(isinstance(path, str) and os.path.isfile(path), f"{where}: path {path} is no file")
        fail.check(location.get("lines", {}).get("begin") == 1, f"{where}: lines.begin")


def run_cli(preflight, args, fmt):
    r = subprocess.run([preflight, *args, "--format", fmt], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"preflight {' '.join(args)} --format {fmt}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(parts):
    """(body, content type) of multipart/form-data: parts are (name, filename, bytes)."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def gate_reports(preflight, tmp):
    """The gate's answers to POST /v1/check: (name, report)."""
    port = free_port()
    log = open(os.path.join(tmp, "gate.log"), "w+b")  # noqa: SIM115 - read back on failure
    gate = subprocess.Popen([preflight, "serve", "--config", E2E_CONFIG, "--listen", f"127.0.0.1:{port}",
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline or gate.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"the gate did not start:\n{log.read().decode(errors='replace')}")
                time.sleep(0.1)
        example = "fixtures/example"
        with open(os.path.join(example, "post.json"), "rb") as f:
            manifest = f.read()
        files = ("vedtak.pdf", "vedlegg/klageskjema.pdf", "vedlegg/presentasjon.pdf")
        documents = []
        for name in files:
            with open(os.path.join(example, name), "rb") as f:
                documents.append(("document", name, f.read()))
        mismatch = json.loads(manifest)
        mismatch["journalpost"]["title"] = "Noe annet enn hoveddokumentet"
        mismatch["documents"].append({"file": "mangler.pdf", "name": "Mangler", "role": "attachment"})
        requests = [
            ("gate: example post", "", manifest, documents),
            ("gate: example post, channel print, en", "?channel=print&lang=en", manifest, documents),
            ("gate: title mismatch, missing part", "", json.dumps(mismatch).encode(), documents),
        ]
        out = []
        for name, query, text, parts in requests:
            body, content_type = multipart([("manifest", "post.json", text), *parts])
            request = urllib.request.Request(base + "/v1/check" + query, data=body, method="POST",
                                             headers={"Content-Type": content_type})
            with urllib.request.urlopen(request, timeout=60) as r:
                out.append((name, json.loads(r.read())))
        return out
    finally:
        gate.terminate()
        gate.wait(timeout=30)
        log.close()


def main():
    preflight, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    try:
        import jsonschema
    except ImportError:
        print("report_formats: python3-jsonschema not installed (scripts/install-deps.sh): skipped")
        return 77
    if shutil.which("xmllint") is None:
        print("report_formats: xmllint not installed (libxml2-utils, scripts/install-deps.sh): skipped")
        return 77
    os.chdir(source)
    with open("docs/report.schema.json", encoding="utf-8") as f:
        report_schema = json.load(f)
    with open("tests/schemas/sarif-schema-2.1.0.json", encoding="utf-8") as f:
        sarif_schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(report_schema)
    report_validator = jsonschema.Draft7Validator(report_schema, format_checker=jsonschema.FormatChecker())
    sarif_validator = jsonschema.Draft4Validator(sarif_schema, format_checker=jsonschema.FormatChecker())

    fail = Failures()
    post_level = 0
    counted = {"reports": 0, "findings": 0}
    with tempfile.TemporaryDirectory(prefix="preflight-formats-") as tmp:
        for name, args in runs(source):
            outputs = {fmt: run_cli(preflight, args, fmt) for fmt in FORMATS}
            report = json.loads(outputs["json"])
            counted["reports"] += 1
            counted["findings"] += len(report["findings"])
            check_json(name, report, report_validator, fail)
            if name in FIXABLE:
                got = [d["fixable"] for d in report["documents"]]
                fail.check(got == FIXABLE[name], f"{name}: documents fixable {got}, expected {FIXABLE[name]}")
            manifest = args[args.index("--manifest") + 1] if "--manifest" in args else None
            post_level += check_sarif(name, json.loads(outputs["sarif"]), sarif_validator, report, manifest, fail)
            xml_path = os.path.join(tmp, "junit.xml")
            with open(xml_path, "w", encoding="utf-8") as f:
                f.write(outputs["junit"])
            check_junit(name, xml_path, report, fail)
            check_gitlab(name, json.loads(outputs["gitlab"]), report, fail)
        for name, report in gate_reports(preflight, tmp):
            counted["reports"] += 1
            counted["findings"] += len(report["findings"])
            check_json(name, report, report_validator, fail)

    # The runs must exercise what is validated: findings, and findings about the post.
    fail.check(counted["findings"] >= 20, f"only {counted['findings']} findings in all: the fixtures changed?")
    fail.check(post_level >= 2, f"only {post_level} findings about a journal post: the manifests changed?")
    for item in fail.items:
        print("FAIL " + item)
    print(f"report_formats: {counted['reports']} reports, {counted['findings']} findings, "
          f"{post_level} about a journal post; {len(fail.items)} failures")
    return 1 if fail.items else 0


if __name__ == "__main__":
    sys.exit(main())
