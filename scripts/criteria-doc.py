#!/usr/bin/python3
"""Keeps the catalogue table of docs/CRITERIA.md equal to a grid file's header.

The table (label, unit, group, source and vintage, 5 km rule, coverage of each criterion)
is what `vivrovert grid info --markdown` prints for the reference build: the national grid
built from the data folder alone (`paths.data_dir`, ../shared/data by default), without the
layers of `vivrovert import`. It lies in the document between <!-- coverage:begin --> and
<!-- coverage:end -->.

Usage:
  criteria-doc.py --bin build/vivrovert [--grid FILE] --write-doc docs/CRITERIA.md
  criteria-doc.py --bin build/vivrovert [--grid FILE] --check-doc docs/CRITERIA.md
Without --grid, builds the reference grid in a temporary folder first (about 10 s on 2 cores).
--check-doc exits 1 and prints the differing lines when the document is stale.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"


def reference_grid(binary, work):
    """Builds the reference grid into `work`: every département, no imported layer."""
    env = dict(os.environ)
    env["VIVROVERT_PATHS_VAR_DIR"] = os.path.join(work, "var")  # no var/imports layers
    for name in ("VIVROVERT_PATHS_GRID_FILE", "VIVROVERT_PATHS_RESOURCE_DIR"):
        env.pop(name, None)
    path = os.path.join(work, "reference.grid")
    subprocess.run([binary, "grid", "build", "-o", path], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return path


def table(binary, grid):
    return subprocess.run([binary, "grid", "info", "--markdown", "--grid", grid], check=True,
                          capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the vivrovert binary")
    parser.add_argument("--grid", help="a grid file already built (default: build the reference)")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write-doc", help="rewrite the table of this file")
    action.add_argument("--check-doc", help="fail when this file's table differs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vivrovert-criteria-doc-") as work:
        grid = args.grid or reference_grid(args.bin, work)
        generated = table(args.bin, grid)
    doc = args.write_doc or args.check_doc
    text = open(doc, encoding="utf-8").read()
    pattern = re.escape(BEGIN) + r"\n(.*?)" + re.escape(END)
    match = re.search(pattern, text, re.S)
    if not match:
        print(f"criteria-doc: {doc}: no table between {BEGIN} and {END}")
        return 1
    if args.write_doc:
        text = re.sub(pattern, lambda _: BEGIN + "\n" + generated + END, text, flags=re.S)
        open(doc, "w", encoding="utf-8").write(text)
        print(f"criteria-doc: {doc} rewritten from {'the reference build' if not args.grid else grid}")
        return 0
    if match.group(1) != generated:
        print(f"criteria-doc: {doc}: the catalogue table differs from `grid info --markdown` of the "
              f"reference build (rewrite it with scripts/criteria-doc.py --bin BIN --write-doc {doc}):")
        sys.stdout.writelines(difflib.unified_diff(match.group(1).splitlines(True), generated.splitlines(True),
                                                   doc, "grid info --markdown"))
        return 1
    print(f"criteria-doc: {doc} agrees with the reference build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
