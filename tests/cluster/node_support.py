"""What the cluster tests share: checks that are counted, free ports, waiting for a
condition with a limit, psql. The tests wait with generous limits and report the delays
they measured; they never assert a timing."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error

failures = []


def check(description, condition):
    print(("ok: " if condition else "FAILED: ") + description, flush=True)
    if not condition:
        failures.append(description)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(description, predicate, seconds=90, interval=0.1):
    """Polls predicate every `interval` s; returns the delay, or None when it never held."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if predicate():
                return time.monotonic() - start
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(interval)
    print(f"gave up waiting for: {description}", flush=True)
    return None


def psql(url, sql):
    subprocess.run(["/usr/lib/postgresql/15/bin/psql", url, "-q", "-c", sql], check=True)



def clean_up(nodes, work, admin_url, database):
    """After a test, in its `finally`: on failure, the end of each node's log; then the test
    database and folder removed."""
    if failures:
        for name in nodes:
            print(f"---- node {name} log ----")
            with open(os.path.join(work, f"{name}.log")) as log:
                print(log.read()[-4000:])
    try:
        psql(admin_url, f"DROP DATABASE IF EXISTS {database}")
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(work, ignore_errors=True)


def exit_with_count():
    """Prints how many checks failed and exits 1 when any did."""
    print(f"{len(failures)} failed", flush=True)
    sys.exit(1 if failures else 0)
