#!/usr/bin/env python3
"""gzip -9n SRC > DST, reproducibly (no name, no time stamp): for changelog.Debian.gz."""
import gzip
import shutil
import sys

with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as raw:
    with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as dst:
        shutil.copyfileobj(src, dst)
