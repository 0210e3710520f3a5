#!/usr/bin/env python3
"""Two real `vivrovert serve` nodes on one PostgreSQL database, as behind nginx.

Checks, with generous waits (the delays measured are printed, for docs/RELIABILITY.md,
never asserted):
  - each node answers /readyz 200 only once migrated, with its grid and matching index;
  - a session opened on node A works on node B (sessions live in the database);
  - a change made through node A (a favourite commune) reaches node B's matching index
    through the change log (vivrovert_matching_changes_followed on B's /metrics);
  - exactly one node leads; after kill -9 of the leader, the other takes over;
  - SIGTERM drains the survivor: it stops answering /readyz and exits 0.

Usage: cluster_test.py VIVROVERT_BIN  (needs VIVROVERT_TEST_POSTGRES_URL, a superuser URL)
"""
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from node_support import check, clean_up, exit_with_count, free_port, psql  # noqa: E402
from node_support import wait_until  # noqa: E402


BIN = os.path.abspath(sys.argv[1])
ADMIN_URL = os.environ["VIVROVERT_TEST_POSTGRES_URL"]
DEMO_PASSWORD = "demo-vivrovert"


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    found = re.search(rf"^{name} (\S+)$", text, re.M)
    return float(found.group(1)) if found else None


work = tempfile.mkdtemp(prefix="vivrovert-cluster-test.")
database = f"cluster_{os.getpid()}"
admin = urllib.parse.urlsplit(ADMIN_URL)
database_url = urllib.parse.urlunsplit(admin._replace(path="/" + database))
nodes = {}
env = dict(os.environ)
env.update({
    "VIVROVERT_DATABASE_URL": database_url,
    "VIVROVERT_PATHS_VAR_DIR": os.path.join(work, "var"),
    "VIVROVERT_PATHS_GRID_FILE": os.path.join(work, "lot.grid"),
    "VIVROVERT_DEMO_ENABLED": "true",
    "VIVROVERT_NIGHTLY_HOUR": "-1",
    "VIVROVERT_SMTP_PORT": "9",
})


def start_node(name):
    port = free_port()
    node_env = dict(env, VIVROVERT_HTTP_PORT=str(port), VIVROVERT_HTTP_HOST="127.0.0.1",
                    VIVROVERT_HTTP_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    log = open(os.path.join(work, f"{name}.log"), "w")
    process = subprocess.Popen([BIN, "serve", "--no-migrate", "--no-access-log"], env=node_env,
                               stdout=log, stderr=subprocess.STDOUT)
    nodes[name] = (process, port)
    return port


try:
    psql(ADMIN_URL, f"CREATE DATABASE {database}")
    subprocess.run([BIN, "grid", "build", "--departements", "46", "-o", env["VIVROVERT_PATHS_GRID_FILE"]],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN, "admin", "seed-demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    port_a = start_node("a")
    port_b = start_node("b")
    for name, port in (("A", port_a), ("B", port_b)):
        delay = wait_until(f"node {name} ready", lambda: status_of(f"http://127.0.0.1:{port}/readyz") == 200, 120)
        check(f"node {name} answers /readyz 200 once started", delay is not None)

    leaders = wait_until("one leader", lambda: metric(port_a, "vivrovert_leader") + metric(port_b, "vivrovert_leader") == 1)
    check("exactly one of the two nodes leads", leaders is not None)

    # Sign in on node A, as a browser would: the login form's CSRF token, then the form.
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"http://127.0.0.1:{port_a}/compte/connexion").read().decode()
    token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"_csrf": token, "email": "demo@vivrovert.localhost",
                                   "password": DEMO_PASSWORD}).encode()
    browser.open(f"http://127.0.0.1:{port_a}/compte/connexion", data=form).read()
    # The session works on node B too (sessions live in the database, keys are shared).
    account = browser.open(f"http://127.0.0.1:{port_b}/compte").read().decode()
    check("a session opened on node A is valid on node B", "Se déconnecter" in account or "déconnexion" in account.lower())
    meta = re.search(r'name="csrf-token" content="([^"]+)"', account).group(1)

    followed_before = metric(port_b, "vivrovert_matching_changes_followed")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port_a}/api/v1/me/favourites", method="POST",
        data=b'{"kind": "commune", "code": "46042"}',
        headers={"Content-Type": "application/json", "X-CSRF-Token": meta})
    changed_at = time.monotonic()
    with browser.open(request) as answer:
        check("node A takes the new favourite (201)", answer.status == 201)
    delay = wait_until("node B follows the change",
                       lambda: metric(port_b, "vivrovert_matching_changes_followed") > followed_before)
    check("node B's matching index follows a change made through node A", delay is not None)
    if delay is not None:
        print(f"measure: change through A seen by B after {time.monotonic() - changed_at:.2f} s", flush=True)

    leader, follower = ("a", "b") if metric(port_a, "vivrovert_leader") == 1 else ("b", "a")
    process, _ = nodes[leader]
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = time.monotonic()
    follower_port = nodes[follower][1]
    delay = wait_until("the other node takes over", lambda: metric(follower_port, "vivrovert_leader") == 1)
    check("after kill -9 of the leader, the other node leads", delay is not None)
    if delay is not None:
        print(f"measure: leadership taken over {time.monotonic() - killed_at:.2f} s after kill -9", flush=True)

    process, _ = nodes[follower]
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        code = None
    check(f"SIGTERM drains the node and it exits 0 (got {code})", code == 0)
    with open(os.path.join(work, f"{follower}.log")) as log:
        text = log.read()
    check("the node says it drained and stopped", "draining" in text and "stopped" in text)
finally:
    for process, _ in nodes.values():
        if process.poll() is None:
            process.kill()
            process.wait()
    clean_up(nodes, work, ADMIN_URL, database)

exit_with_count()
