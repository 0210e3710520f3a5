#!/usr/bin/env python3
"""Two real `vivrovert serve` nodes sharing one grid file, replaced while they serve.

Both nodes serve grid A (the Lot); searches run in loops against both; grid B (another
scope, written aside in the same folder) is renamed over the file, as `vivrovert grid build`
and `data update` do. Checks: both nodes switch to B (their /readyz names B's sha256), no
search fails, every answer is A's or B's (its green count), and every search sent once both
nodes serve B is B's. Prints, never asserts, the delays and memory measured (for
docs/RELIABILITY.md): the time from the rename to each node serving B, and each node's
resident memory before, at its peak during, and after the switch.

Usage: grid_swap_test.py VIVROVERT_BIN  (needs VIVROVERT_TEST_POSTGRES_URL, a superuser URL)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_support import check, clean_up, exit_with_count, free_port, psql  # noqa: E402
from node_support import wait_until as wait_every  # noqa: E402


def wait_until(description, predicate, seconds=120):
    return wait_every(description, predicate, seconds, interval=0.05)


BIN = os.path.abspath(sys.argv[1])
ADMIN_URL = os.environ["VIVROVERT_TEST_POSTGRES_URL"]


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


def served_sha(port):
    status, body = ready(port)
    return body.get("grid_file", {}).get("sha256") if status == 200 else None


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


work = tempfile.mkdtemp(prefix="vivrovert-grid-swap-test.")
database = f"grid_swap_{os.getpid()}"
admin = urllib.parse.urlsplit(ADMIN_URL)
database_url = urllib.parse.urlunsplit(admin._replace(path="/" + database))
grid_dir = os.path.join(work, "grid")
grid_path = os.path.join(grid_dir, "vivrovert.grid")
nodes = {}
env = dict(os.environ)
env.update({
    "VIVROVERT_DATABASE_URL": database_url,
    "VIVROVERT_PATHS_GRID_FILE": grid_path,
    "VIVROVERT_NIGHTLY_HOUR": "-1",
    "VIVROVERT_SMTP_PORT": "9",
    "VIVROVERT_API_RATE_LIMIT": "0",
})


def start_node(name):
    port = free_port()
    node_env = dict(env, VIVROVERT_HTTP_PORT=str(port), VIVROVERT_HTTP_HOST="127.0.0.1",
                    VIVROVERT_HTTP_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
                    VIVROVERT_PATHS_VAR_DIR=os.path.join(work, f"var-{name}"))
    log = open(os.path.join(work, f"{name}.log"), "w")
    process = subprocess.Popen([BIN, "serve", "--no-migrate", "--no-access-log"], env=node_env,
                               stdout=log, stderr=subprocess.STDOUT)
    nodes[name] = (process, port)
    return port


SEARCH = json.dumps({"level": "5km", "page": {"limit": 5},
                     "criteria": [{"criterion": "dist_prefecture_km", "max": 100000}]}).encode()


def search(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/search", data=SEARCH,
                                     method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())["green_count"]
    except urllib.error.HTTPError as error:
        return error.code, None
    except (OSError, urllib.error.URLError) as error:
        return str(error), None


try:
    psql(ADMIN_URL, f"CREATE DATABASE {database}")
    os.makedirs(grid_dir)
    # Grid A, the Lot, and grid B, the Lot and the Corrèze, built beside it (not yet served).
    next_path = os.path.join(grid_dir, "next.grid")
    subprocess.run([BIN, "grid", "build", "--departements", "46", "-o", grid_path],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN, "grid", "build", "--departements", "46,19", "-o", next_path],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)

    ports = [start_node("a"), start_node("b")]
    for port in ports:
        check(f"node on {port} ready", wait_until("ready", lambda: ready(port)[0] == 200) is not None)
    sha_a = served_sha(ports[0])
    check("both nodes serve grid A", sha_a is not None and served_sha(ports[1]) == sha_a)
    counts_a = {search(port)[1] for port in ports}
    check(f"grid A answers one green count ({counts_a})", len(counts_a) == 1 and None not in counts_a)
    green_a = counts_a.pop()

    # Searches in loops on both nodes, bounded in count and time.
    stop = threading.Event()
    both_on_b = threading.Event()
    answers = []  # (started once both served B, status, green count)
    lock = threading.Lock()

    def loop(port):
        deadline = time.monotonic() + 240
        for _ in range(20000):
            if stop.is_set() or time.monotonic() > deadline:
                return
            after = both_on_b.is_set()
            status, green = search(port)
            with lock:
                answers.append((after, status, green))

    threads = [threading.Thread(target=loop, args=(port,)) for port in ports for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    memory_before = {name: rss_kib(process.pid) for name, (process, _) in nodes.items()}
    peak = dict(memory_before)
    renamed_at = time.monotonic()
    os.replace(next_path, grid_path)
    switched = {}
    while len(switched) < 2 and time.monotonic() - renamed_at < 120:
        for name, (process, port) in nodes.items():
            peak[name] = max(peak[name], rss_kib(process.pid))
            if name not in switched:
                sha = served_sha(port)
                if sha is not None and sha != sha_a:
                    switched[name] = time.monotonic() - renamed_at
        time.sleep(0.05)
    both_on_b.set()
    check("both nodes switch to grid B", len(switched) == 2)
    sha_b = served_sha(ports[0])
    check("both nodes serve the same grid B", sha_b is not None and served_sha(ports[1]) == sha_b)
    # More searches once both serve B, then stop.
    wait_until("searches after the switch",
               lambda: sum(1 for answer in answers if answer[0]) >= 40, 60)
    stop.set()
    for thread in threads:
        thread.join()
    memory_after = {name: rss_kib(process.pid) for name, (process, _) in nodes.items()}

    failed = [answer for answer in answers if answer[1] != 200]
    check(f"no search failed ({len(failed)} of {len(answers)}; first: {failed[:1]})", not failed)
    greens = {answer[2] for answer in answers if answer[1] == 200}
    after = {answer[2] for answer in answers if answer[0] and answer[1] == 200}
    check(f"every answer is grid A's or one other grid's ({sorted(greens, key=str)})",
          len(greens - {green_a}) <= 1)
    check(f"every search sent once both nodes serve B is B's ({sorted(after, key=str)})",
          len(after) == 1 and green_a not in after)
    for name in sorted(switched):
        print(f"measure: node {name} serves the new grid {switched[name]:.2f} s after the rename",
              flush=True)
    for name in sorted(nodes):
        print(f"measure: node {name} resident memory {memory_before[name] // 1024} MiB before, "
              f"{peak[name] // 1024} MiB at the peak sampled during the switch, "
              f"{memory_after[name] // 1024} MiB after", flush=True)
    print(f"measure: {len(answers)} searches during the test, {len(failed)} failed", flush=True)
    for name in sorted(nodes):
        with open(os.path.join(work, f"{name}.log")) as log:
            for line in log:
                if line.startswith("grid: switched"):
                    print(f"measure: node {name}: {line.strip()}", flush=True)
finally:
    for process, _ in nodes.values():
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    clean_up(nodes, work, ADMIN_URL, database)

exit_with_count()
