#!/usr/bin/env python3
"""Counts the answers of nginx's JSON access log (deploy/nginx.conf.template) read on stdin:
all of them, the failed ones (status 500 or more) by method and route, those nginx
retried on another node (several upstream statuses), and with --routes every route's
statuses. bench/cluster_load.sh runs it."""
import collections
import json
import re
import sys

total = 0
by_route = collections.Counter()
failed = collections.Counter()
retried = collections.Counter()
for line in sys.stdin:
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    total += 1
    route = entry["method"] + " " + entry["uri"].split("?")[0]
    by_route[(re.sub(r"/[0-9]+(?=/|$)", "/{id}", route), entry["status"])] += 1
    if entry["status"] >= 500:
        failed[f'{route} -> {entry["status"]} (upstream {entry["upstream_status"]})'] += 1
    if "," in entry["upstream_status"] or ":" in entry["upstream_status"]:
        retried[entry["method"]] += 1
print(f"  nginx: {total} answers, {sum(failed.values())} failed (status >= 500), "
      f"{sum(retried.values())} retried on another node "
      f"({', '.join(f'{m} {n}' for m, n in sorted(retried.items())) or 'none'})")
for what, count in failed.most_common(20):
    print(f"    {count} × {what}")
if "--routes" in sys.argv:
    for (route, status), count in sorted(by_route.items()):
        print(f"    {route}: {count} × {status}")
