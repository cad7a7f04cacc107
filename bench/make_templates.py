#!/usr/bin/env python3
"""Generate the template tree that bench/scan.sh times `preflight scan` on (stdlib only).

Writes OUT/templates/ (default bench/out/templates/): 1,000 files, half Word, half PDF,
spread over 10 departments (avd-00 .. avd-09), each with brev/, vedlegg/ and skjema/.

Word (500; one in ten a .dotx template, the rest .docx), 2-20 pages' worth of text
(about nine paragraphs, 3,000 characters, per page; headings, now and then a small table):
  60 %  portrait A4 (11906 x 16838, or 11907 x 16839 with w:orient="portrait")
  12 %  landscape A4 with w:orient="landscape"
  10 %  US Letter (12240 x 15840)
  18 %  two to four sections: portrait A4 with landscape A4 or Letter sections between

PDF (500), 1-30 pages, one Flate content stream of Helvetica text per page:
  65 %  portrait A4
  15 %  landscape A4
  10 %  US Letter
  10 %  portrait A4 with some landscape A4 pages in between

Text starts 25.4 mm from the left edge (PDF) or with 25 mm margins (Word). The
output is deterministic (fixed seed, fixed zip timestamps; Flate output is that of
the local zlib). OUT/templates.json records the generator version, the count and
each file's kind; the tree is regenerated when that version changes, when a file
is missing or has another size, or with --force. It is built in a temporary
directory next to the target and renamed into place when complete.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import sys
import zipfile
import zlib
from pathlib import Path

GENERATOR_VERSION = 1  # bump when the output changes
COUNT = 1000
SEED = 5

DEPARTMENTS = [f"avd-{i:02d}" for i in range(10)]
FOLDERS = ["brev", "vedlegg", "skjema"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAIN_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

# Word page sizes in twips: (w:w, w:h, w:orient or "" for not written)
WORD_A4 = (11906, 16838, "")
WORD_A4_ODD = (11907, 16839, "portrait")
WORD_A4_LANDSCAPE = (16838, 11906, "landscape")
WORD_LETTER = (12240, 15840, "")

# PDF page sizes in points
PDF_A4 = (595.276, 841.89)
PDF_A4_LANDSCAPE = (841.89, 595.276)
PDF_LETTER = (612.0, 792.0)
LEFT = 72  # 25.4 mm

VOCABULARY = (
    "søknad vedtak klage frist opptak studieplass semester emne eksamen karakter "
    "vitnemål permisjon stipend husleie avtale kontrakt behandling grunnlag regelverk "
    "universitet fakultet institutt studieprogram veileder sensur begrunnelse innsyn "
    "tilbud svar dokumentasjon søker opplysninger endring utsettelse godkjenning "
    "avslag merknad saksnummer arkiv kopi adresse telefon skjema vedlegg side "
    "og i på for med til av som er at det den har kan skal vil etter innen fra ved"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + "."


def paragraph_text(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


# ---------------------------------------------------------------- Word

CONTENT_TYPES = (
    XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '</Types>')

RELS = (
    XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>')

CORE = (
    XML + '<cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title>'
    '<dc:creator>preflight bench/make_templates.py</dc:creator></cp:coreProperties>')


def sect_pr(size: tuple[int, int, str]) -> str:
    w, h, orient = size
    o = f' w:orient="{orient}"' if orient else ""
    return (f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}"{o}/><w:pgMar w:top="1417" w:right="1417" '
            'w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')


def w_para(text: str, bold: bool = False, ppr: str = "") -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def w_table(rng: random.Random) -> str:
    rows = []
    for _ in range(rng.randint(2, 6)):
        cells = "".join(f"<w:tc>{w_para(rng.choice(VOCABULARY))}</w:tc>" for _ in range(3))
        rows.append(f"<w:tr>{cells}</w:tr>")
    return "<w:tbl>" + "".join(rows) + "</w:tbl>"


def word_sections(rng: random.Random, kind: str) -> list[tuple[int, int, str]]:
    if kind == "a4":
        return [rng.choice([WORD_A4, WORD_A4, WORD_A4, WORD_A4_ODD])]
    if kind == "landscape":
        return [WORD_A4_LANDSCAPE]
    if kind == "letter":
        return [WORD_LETTER]
    # mixed: starts and ends portrait A4, other sizes in between
    middle = [rng.choice([WORD_A4_LANDSCAPE, WORD_A4_LANDSCAPE, WORD_LETTER]) for _ in range(rng.randint(1, 3))]
    return [WORD_A4, *middle] if rng.random() < 0.5 else [WORD_A4, *middle, WORD_A4]


def word_document(rng: random.Random, kind: str, title: str) -> str:
    sections = word_sections(rng, kind)
    pages = rng.randint(2, 20)
    paragraphs = pages * 9  # about 3,000 characters a page
    per_section = max(1, paragraphs // len(sections))
    body = [w_para(title, bold=True)]
    for i, size in enumerate(sections):
        last = i == len(sections) - 1
        for j in range(per_section):
            if j % 12 == 0:
                body.append(w_para(sentence(rng).rstrip("."), bold=True))
            if rng.random() < 0.03:
                body.append(w_table(rng))
            closing = not last and j == per_section - 1
            body.append(w_para(paragraph_text(rng), ppr=f"<w:pPr>{sect_pr(size)}</w:pPr>" if closing else ""))
        if last:
            body.append(sect_pr(size))
    return XML + f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>' + "".join(body) + "</w:body></w:document>"


def zip_bytes(entries: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode(), compresslevel=6)
    return buf.getvalue()


def make_word(rng: random.Random, kind: str, template: bool, title: str) -> bytes:
    return zip_bytes([
        ("[Content_Types].xml", CONTENT_TYPES.format(main=MAIN_TEMPLATE if template else MAIN_DOCUMENT)),
        ("_rels/.rels", RELS),
        ("word/document.xml", word_document(rng, kind, title)),
        ("docProps/core.xml", CORE.format(title=title)),
    ])


# ---------------------------------------------------------------- PDF

def pdf_string(text: str) -> bytes:
    raw = text.encode("latin-1")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_page_sizes(rng: random.Random, kind: str, pages: int) -> list[tuple[float, float]]:
    if kind == "a4":
        return [PDF_A4] * pages
    if kind == "landscape":
        return [PDF_A4_LANDSCAPE] * pages
    if kind == "letter":
        return [PDF_LETTER] * pages
    sizes = [PDF_A4] * pages  # mixed: a few landscape pages (at least one), never the first
    for i in rng.sample(range(1, pages), k=min(pages - 1, rng.randint(1, 3))) if pages > 1 else []:
        sizes[i] = PDF_A4_LANDSCAPE
    if pages == 1:
        sizes[0] = PDF_A4_LANDSCAPE
    return sizes


def pdf_content(rng: random.Random, width: float, height: float, page: int, pages: int) -> bytes:
    lines = int((height - 144) // 14)
    chars = int((width - 2 * LEFT) / 5.6)  # Helvetica 11 pt averages about 5.5 pt a character
    out = [b"BT /F1 11 Tf 14 TL %d %d Td" % (LEFT, int(height - 72)), pdf_string(f"Side {page} av {pages}") + b" Tj T*"]
    for _ in range(lines):
        text = ""
        while True:
            word = rng.choice(VOCABULARY)
            if len(text) + len(word) + 1 > chars:
                break
            text = f"{text} {word}" if text else word
        out.append(pdf_string(text) + b" '")
    out.append(b"ET")
    return b"\n".join(out)


def make_pdf(rng: random.Random, kind: str, title: str) -> bytes:
    pages = rng.randint(1, 30)
    sizes = pdf_page_sizes(rng, kind, pages)
    objects: list[bytes] = [b"", b""]  # 1 catalog, 2 pages: filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")  # 3
    objects.append(b"<< /Title " + pdf_string(title) + b" /Producer (preflight bench/make_templates.py) >>")  # 4
    kids = []
    for i, (w, h) in enumerate(sizes, start=1):
        page_num, content_num = len(objects) + 1, len(objects) + 2
        kids.append(page_num)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (w, h, content_num))
        data = zlib.compress(pdf_content(rng, w, h, i, pages), 6)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(b"%d 0 R" % k for k in kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------- the tree

def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build(target: Path) -> dict[str, dict]:
    """Writes the tree into `target` (which must not exist); returns path -> {kind, bytes}."""
    rng = random.Random(SEED)
    listing: dict[str, dict] = {}
    for i in range(COUNT):
        dept = DEPARTMENTS[(i // 2) % len(DEPARTMENTS)]  # a Word file and a PDF in turn
        folder = FOLDERS[(i // (2 * len(DEPARTMENTS))) % len(FOLDERS)]
        title = f"Mal {i:04d}: {sentence(rng).rstrip('.')}"
        if i % 2 == 0:
            kind = pick(rng, {"a4": 60, "landscape": 12, "letter": 10, "mixed": 18})
            template = rng.random() < 0.1
            name = f"mal-{i:04d}.{'dotx' if template else 'docx'}"
            data = make_word(rng, kind, template, title)
            kind = f"word-{kind}"
        else:
            kind = pick(rng, {"a4": 65, "landscape": 15, "letter": 10, "mixed": 10})
            name = f"mal-{i:04d}.pdf"
            data = make_pdf(rng, kind, title)
            kind = f"pdf-{kind}"
        rel = f"{dept}/{folder}/{name}"
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        listing[rel] = {"kind": kind, "bytes": len(data)}
    return listing


def cached(out: Path, manifest: dict) -> bool:
    if manifest.get("generator_version") != GENERATOR_VERSION or manifest.get("count") != COUNT:
        return False
    root = out / "templates"
    for rel, entry in manifest.get("files", {}).items():
        try:
            if (root / rel).stat().st_size != entry["bytes"]:
                return False
        except OSError:
            return False
    return len(manifest.get("files", {})) == COUNT


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out",
                    help="cache directory (default: bench/out); the tree goes to OUT/templates")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = ap.parse_args()

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "templates.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    target = out / "templates"
    if args.force or not cached(out, manifest):
        print(f"make_templates.py: generating {COUNT} files in {target} ...", file=sys.stderr, flush=True)
        tmp = out / "templates.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            listing = build(tmp)
            manifest_path.unlink(missing_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        kinds: dict[str, int] = {}
        for entry in listing.values():
            kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
        manifest = {"generator_version": GENERATOR_VERSION, "count": COUNT,
                    "kinds": dict(sorted(kinds.items())), "files": listing}
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
