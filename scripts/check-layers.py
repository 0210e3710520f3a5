#!/usr/bin/python3
"""Checks the layers of src/ and prints their dependency table.

src/ is made of layers, bottom to top: core, engine, data, domain, jobs, web, app, cli. A
layer is a folder of parts (src/domain/listings), or a part itself (src/engine, src/app,
src/cli). The rules, from the quoted #include lines and the SQL of every .cpp and .hpp
under src/:
  - a part includes only parts of its own layer or of lower layers;
  - the parts include each other without a cycle;
  - a part with a door is entered through it alone (the engine: engine/engine.hpp);
  - each table is written by one part, its owner, and read by no other part (the others
    call the owner's batch reads).

Usage:
  check-layers.py [--src DIR]                 check; exit 1 naming each violation
  check-layers.py --markdown                  print the table of parts and what they include
  check-layers.py --tables                    print which parts write and read each table
  check-layers.py --write-doc FILE            rewrite both tables in FILE, then check
  check-layers.py --check-doc FILE            also check FILE holds both tables, between
                                              <!-- layers:begin --> and <!-- layers:end -->,
                                              <!-- tables:begin --> and <!-- tables:end -->
"""

import argparse
import os
import re
import sys
from collections import defaultdict

LAYERS = ["core", "engine", "data", "domain", "jobs", "web", "app", "cli"]
SINGLE_PART_LAYERS = {"engine", "app", "cli"}
DOORS = {"engine": {"engine/engine.hpp"}}
BEGIN, END = "<!-- layers:begin -->", "<!-- layers:end -->"
TABLES_BEGIN, TABLES_END = "<!-- tables:begin -->", "<!-- tables:end -->"
MIGRATIONS = "core/storage/migrations"


def part_of(path):
    """'domain/listings/listing_store.hpp' -> 'domain/listings'; None outside the layers."""
    pieces = path.split("/")
    if pieces[0] not in LAYERS:
        return None
    if pieces[0] in SINGLE_PART_LAYERS:
        return pieces[0]
    return "/".join(pieces[:2]) if len(pieces) > 2 else None


def read_graph(src):
    """{part: {included part: [(file, included file)]}}, the parts, and errors."""
    graph = defaultdict(lambda: defaultdict(list))
    parts, errors = set(), []
    for root, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.relpath(os.path.join(root, name), src)
            part = part_of(path)
            if part is None:
                errors.append(f"{path}: not inside a part of a layer ({', '.join(LAYERS)})")
                continue
            parts.add(part)
            for included in re.findall(r'^\s*#include "([^"]+)"', open(os.path.join(root, name)).read(), re.M):
                if not os.path.exists(os.path.join(src, included)):
                    continue  # a generated file or a test helper: not a part
                target = part_of(included)
                if target is not None and target != part:
                    graph[part][target].append((path, included))
    return graph, parts, errors


def strongly_connected(graph, parts):
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(parts):
        if v not in index:
            visit(v)
    return found


def violations(graph, parts):
    problems = []
    for part in sorted(graph):
        for target, uses in sorted(graph[part].items()):
            file, included = uses[0]
            if LAYERS.index(target.split("/")[0]) > LAYERS.index(part.split("/")[0]):
                problems.append(f"{file} includes {included}: layer {part.split('/')[0]} may not include "
                                f"the higher layer {target.split('/')[0]}")
            door = DOORS.get(target)
            if door:
                for file, included in uses:
                    if included not in door:
                        problems.append(f"{file} includes {included}: enter {target} through "
                                        f"{' or '.join(sorted(door))}")
    for component in strongly_connected(graph, parts):
        edges = [f"{a} → {b} ({graph[a][b][0][0]} includes {graph[a][b][0][1]})"
                 for a in component for b in component if b in graph[a]]
        problems.append("include cycle between " + ", ".join(component) + ": " + "; ".join(edges))
    return problems


def markdown(graph, parts):
    lines = ["| layer | part | includes |", "|---|---|---|"]
    for part in sorted(parts, key=lambda p: (LAYERS.index(p.split("/")[0]), p)):
        layer = part.split("/")[0]
        targets = sorted(graph.get(part, {}), key=lambda p: (LAYERS.index(p.split("/")[0]), p))
        lines.append(f"| {layer} | `{part}` | {', '.join(targets) if targets else '—'} |")
    return "\n".join(lines) + "\n"


def table_users(src):
    """{table: {part: writes?}} from the migrations' CREATE TABLE and the SQL text of the code."""
    tables = set()
    for name in sorted(os.listdir(os.path.join(src, MIGRATIONS))):
        if name.endswith(".sql"):
            text = open(os.path.join(src, MIGRATIONS, name)).read()
            tables.update(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", text))
    users = {table: {} for table in tables}
    for root, _, names in os.walk(src):
        for name in names:
            if not name.endswith(".cpp"):
                continue
            path = os.path.relpath(os.path.join(root, name), src)
            part = part_of(path)
            text = open(os.path.join(root, name)).read()
            for table in tables:
                # SQL may be cut into adjacent literals: "… FROM " "saved_searches …".
                gap = r'(?:\s|"\s*")+'
                if re.search(r"\b(INTO|UPDATE|DELETE FROM)" + gap + table + r"\b", text):
                    users[table][part] = True
                elif re.search(r"\b(FROM|JOIN)" + gap + table + r"\b", text):
                    users[table].setdefault(part, False)
    return users


def table_problems(src):
    """Each table has one part that writes it, and no other part reads it: the others go
    through that part's batch reads."""
    problems = []
    for table, parts in sorted(table_users(src).items()):
        writers = sorted(p for p, writes in parts.items() if writes)
        readers = sorted(p for p, writes in parts.items() if not writes)
        if len(writers) > 1:
            problems.append(f"table {table}: written by {', '.join(writers)} (one owner only)")
        if writers and readers:
            problems.append(f"table {table}: read directly by {', '.join(readers)}; go through "
                            f"{writers[0]}'s batch reads")
    return problems


def tables_markdown(src):
    lines = ["| table | written by | also read by |", "|---|---|---|"]
    for table, parts in sorted(table_users(src).items()):
        writers = sorted(p for p, writes in parts.items() if writes)
        readers = sorted(p for p, writes in parts.items() if not writes)
        lines.append(f"| `{table}` | {', '.join(writers) or '—'} | {', '.join(readers) or '—'} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--tables", action="store_true", help="print which parts write and read each table")
    parser.add_argument("--check-doc")
    parser.add_argument("--write-doc", help="rewrite both tables of this file from the code")
    args = parser.parse_args()
    graph, parts, errors = read_graph(args.src)
    if args.markdown:
        sys.stdout.write(markdown(graph, parts))
        return 0
    if args.tables:
        sys.stdout.write(tables_markdown(args.src))
        return 0
    if args.write_doc:
        text = open(args.write_doc, encoding="utf-8").read()
        for begin, end, table in ((BEGIN, END, markdown(graph, parts)),
                                  (TABLES_BEGIN, TABLES_END, tables_markdown(args.src))):
            text = re.sub(re.escape(begin) + r"\n.*?" + re.escape(end),
                          lambda _: begin + "\n" + table + end, text, flags=re.S)
        open(args.write_doc, "w", encoding="utf-8").write(text)
    problems = errors + violations(graph, parts) + table_problems(args.src)
    if args.check_doc:
        text = open(args.check_doc, encoding="utf-8").read()
        match = re.search(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), text, re.S)
        if not match:
            problems.append(f"{args.check_doc}: no table between {BEGIN} and {END}")
        elif match.group(1) != markdown(graph, parts):
            problems.append(f"{args.check_doc}: the layers table is out of date "
                            f"(regenerate it with scripts/check-layers.py --markdown)")
        match = re.search(re.escape(TABLES_BEGIN) + r"\n(.*?)" + re.escape(TABLES_END), text, re.S)
        if not match:
            problems.append(f"{args.check_doc}: no table between {TABLES_BEGIN} and {TABLES_END}")
        elif match.group(1) != tables_markdown(args.src):
            problems.append(f"{args.check_doc}: the tables' owners are out of date "
                            f"(regenerate them with scripts/check-layers.py --tables)")
    for problem in problems:
        print("check-layers: " + problem)
    if problems:
        return 1
    edges = sum(len(targets) for targets in graph.values())
    print(f"check-layers: {len(parts)} parts in {len(LAYERS)} layers, {edges} dependencies, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
