#!/usr/bin/env python3
"""Generate the large PDFs that bench/run.sh measures (stdlib only, plus qpdf).

Files written to the cache directory (default bench/out/), each once:

  text-2000.pdf              2,000 A4 pages of Helvetica text, one flat /Pages node
  objstm-10000.pdf           10,000 A4 pages, 100 x 100 page tree, MediaBox inherited
                             from the root, page dicts in object streams and a
                             cross-reference stream (made by `qpdf --object-streams=generate`)
  images-50mb.pdf            5 A4 pages, each drawing one 2048 x 1700 RGB image
                             XObject of uncompressed pseudo-random bytes (~52 MB)
  images-50mb-truncated.pdf  the first half of images-50mb.pdf: no xref, no trailer,
                             no %%EOF

All pages are portrait A4 with content 25.4 mm from the left edge, so a correct
`preflight check --channel print` has nothing to block on the first three files.
Output is deterministic (fixed seed). A manifest (manifest.json) records the
generator version; files are regenerated when it changes, or with --force.
Every file is written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

GENERATOR_VERSION = 2  # bump when the output of any generator changes

A4 = (595.276, 841.89)  # points
LEFT = 72  # 25.4 mm: clear of the 18 mm print margin (DP307)

WORDS = (
    "vedtak studieplass klage frist saksbehandler arkiv journalpost mottaker "
    "postkasse digital utsending brev vedlegg forvaltningsloven begrunnelse "
    "kommune fylke adresse dokument side kopi underskrift rettigheter innsyn "
    "blåbær ærlig øya søknad"
).split()


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (Latin-1 covers æøå)."""
    raw = text.encode("latin-1")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw + b")"


class PdfWriter:
    """Writes numbered objects in order and a classic xref table at the end."""

    def __init__(self, path: Path, version: str = "1.4"):
        self.f = open(path, "wb")
        self.offsets: dict[int, int] = {}
        self.next_num = 1
        self.f.write(b"%PDF-" + version.encode() + b"\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        num = self.next_num
        self.next_num += 1
        return num

    def write(self, num: int, body: bytes) -> None:
        self.offsets[num] = self.f.tell()
        self.f.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    def write_stream(self, num: int, data: bytes, extra: bytes = b"", flate: bool = False) -> None:
        if flate:
            data = zlib.compress(data, 6)
            extra = b"/Filter /FlateDecode " + extra
        self.offsets[num] = self.f.tell()
        self.f.write(b"%d 0 obj\n<< /Length %d %s>>\nstream\n" % (num, len(data), extra))
        self.f.write(data)
        self.f.write(b"\nendstream\nendobj\n")

    def close(self, root: int, info: int) -> None:
        size = self.next_num
        missing = [n for n in range(1, size) if n not in self.offsets]
        if missing:
            raise RuntimeError(f"objects reserved but not written: {missing[:5]}")
        xref = self.f.tell()
        out = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        out += [b"%010d 00000 n \n" % self.offsets[n] for n in range(1, size)]
        out.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (size, root, info))
        out.append(b"startxref\n%d\n%%%%EOF\n" % xref)
        self.f.write(b"".join(out))
        self.f.close()


def text_page_content(rng: random.Random, page_no: int, total: int, lines: int) -> bytes:
    out = [b"BT /F1 11 Tf 14 TL %d 780 Td" % LEFT]
    out.append(pdf_string(f"Side {page_no} av {total}") + b" Tj T*")
    for _ in range(lines):
        words = [rng.choice(WORDS)]
        while len(words[-1]) + sum(len(x) + 1 for x in words) < 78:  # stays inside the right margin
            words.append(rng.choice(WORDS))
        out.append(pdf_string(" ".join(words).capitalize() + ".") + b" '")
    out.append(b"ET")
    return b"\n".join(out)


def common_objects(w: PdfWriter, title: str) -> tuple[int, int, int]:
    """The shared font, the resources naming it, and the Info dictionary."""
    font, resources, info = w.reserve(), w.reserve(), w.reserve()
    w.write(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    w.write(resources, b"<< /Font << /F1 %d 0 R >> /ProcSet [/PDF /Text /ImageC] >>" % font)
    w.write(info, b"<< /Title " + pdf_string(title) + b" /Producer (preflight bench/make_pdfs.py) >>")
    return font, resources, info


def media_box() -> bytes:
    return b"[0 0 %.3f %.3f]" % A4


def make_text_flat(path: Path, pages: int, lines: int = 50) -> None:
    """(a) `pages` text pages under one flat /Pages node, MediaBox on every page."""
    rng = random.Random(2000)
    w = PdfWriter(path)
    catalog, root = w.reserve(), w.reserve()
    _, resources, info = common_objects(w, f"Benchmark: {pages} pages of text, flat page tree")
    kids = []
    for i in range(1, pages + 1):
        page, content = w.reserve(), w.reserve()
        kids.append(page)
        w.write(page, b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources %d 0 R /Contents %d 0 R >>"
                % (root, media_box(), resources, content))
        w.write_stream(content, text_page_content(rng, i, pages, lines), flate=True)
    kid_refs = b" ".join(b"%d 0 R" % k for k in kids)
    w.write(root, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kid_refs))
    w.write(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % root)
    w.close(catalog, info)


def make_text_tree(path: Path, pages: int, fanout: int = 100, lines: int = 12) -> None:
    """Input for (b): a two-level page tree, MediaBox and Resources inherited from the root."""
    rng = random.Random(10000)
    w = PdfWriter(path)
    catalog, root = w.reserve(), w.reserve()
    _, resources, info = common_objects(w, f"Benchmark: {pages} pages, page tree, object streams")
    nodes = []
    page_no = 0
    while page_no < pages:
        node = w.reserve()
        kids = []
        for _ in range(min(fanout, pages - page_no)):
            page_no += 1
            page, content = w.reserve(), w.reserve()
            kids.append(page)
            w.write(page, b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (node, content))
            w.write_stream(content, text_page_content(rng, page_no, pages, lines), flate=True)
        w.write(node, b"<< /Type /Pages /Parent %d 0 R /Count %d /Kids [%s] >>"
                % (root, len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
        nodes.append(node)
    w.write(root, b"<< /Type /Pages /Count %d /MediaBox %s /Resources %d 0 R /Kids [%s] >>"
            % (pages, media_box(), resources, b" ".join(b"%d 0 R" % n for n in nodes)))
    w.write(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % root)
    w.close(catalog, info)


def make_objstm(path: Path, pages: int) -> None:
    """(b) the page-tree file rewritten by qpdf with object streams."""
    plain = path.with_name(path.name + ".plain.tmp")
    try:
        make_text_tree(plain, pages)
        subprocess.run(["qpdf", "--object-streams=generate", str(plain), str(path)], check=True)
    finally:
        plain.unlink(missing_ok=True)


def make_images(path: Path, images: int = 5, width: int = 2048, height: int = 1700) -> None:
    """(c) `images` pages, each one uncompressed RGB image XObject of random bytes."""
    rng = random.Random(50)
    w = PdfWriter(path)
    catalog, root = w.reserve(), w.reserve()
    font, _, info = common_objects(w, f"Benchmark: {images} large uncompressed images")
    draw_w = A4[0] - LEFT - 72
    draw_h = draw_w * height / width
    kids = []
    for i in range(1, images + 1):
        page, content, image = w.reserve(), w.reserve(), w.reserve()
        kids.append(page)
        w.write(page, b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Contents %d 0 R "
                      b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (root, media_box(), content, font, image))
        ops = (b"BT /F1 11 Tf %d 780 Td " % LEFT + pdf_string(f"Bilde {i} av {images}") + b" Tj ET\n"
               b"q %.3f 0 0 %.3f %d %.3f cm /Im1 Do Q" % (draw_w, draw_h, LEFT, 760 - draw_h))
        w.write_stream(content, ops)
        w.write_stream(image, rng.randbytes(width * height * 3),
                       b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                       b"/ColorSpace /DeviceRGB /BitsPerComponent 8 " % (width, height))
    w.write(root, b"<< /Type /Pages /Count %d /Kids [%s] >>"
            % (images, b" ".join(b"%d 0 R" % k for k in kids)))
    w.write(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % root)
    w.close(catalog, info)


def make_truncated(path: Path, source: Path) -> None:
    """(d) the first half of `source`: cut in the middle of an image stream."""
    data = source.read_bytes()
    cut = data[: len(data) // 2]
    for marker in (b"%%EOF", b"startxref", b"trailer", b"\nxref"):
        if marker in cut:
            raise RuntimeError(f"truncated file unexpectedly contains {marker!r}")
    path.write_bytes(cut)


# name -> (builder, dependencies)
FILES = {
    "text-2000.pdf": (lambda p, out: make_text_flat(p, 2000), []),
    "objstm-10000.pdf": (lambda p, out: make_objstm(p, 10000), []),
    "images-50mb.pdf": (lambda p, out: make_images(p), []),
    "images-50mb-truncated.pdf": (lambda p, out: make_truncated(p, out / "images-50mb.pdf"),
                                  ["images-50mb.pdf"]),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out",
                    help="cache directory (default: bench/out)")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = ap.parse_args()

    if shutil.which("qpdf") is None:
        print("make_pdfs.py: qpdf not found (apt-get install qpdf)", file=sys.stderr)
        return 2
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("generator_version") != GENERATOR_VERSION:
        manifest = {"generator_version": GENERATOR_VERSION, "files": {}}
    files = manifest["files"]

    rebuilt: set[str] = set()
    for name, (build, deps) in FILES.items():
        path = out / name
        cached = (not args.force and name in files and path.is_file()
                  and path.stat().st_size == files[name]
                  and not any(d in rebuilt for d in deps))
        if cached:
            continue
        print(f"make_pdfs.py: generating {path} ...", file=sys.stderr, flush=True)
        tmp = path.with_name(path.name + ".tmp")
        try:
            build(tmp, out)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        files[name] = path.stat().st_size
        rebuilt.add(name)
        manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    for name in FILES:
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
