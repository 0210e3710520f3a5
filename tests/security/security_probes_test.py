#!/usr/bin/python3
"""The security review's probes, replayed over real HTTP against `vivrovert serve`.

The server runs on a fresh SQLite database, a grid of the Lot, 127.0.0.1 and a free port,
with 127.0.0.1 as its only trusted reverse proxy. Probes come from other loopback
addresses (127.0.0.2…) when they play a client talking to the server directly, and from
127.0.0.1 when they play nginx forwarding a client's address.

Usage: security_probes_test.py VIVROVERT_BINARY SOURCE_ROOT (ctest passes both).
"""

import http.client
import json
import os
import re
import sqlite3
import urllib.parse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BINARY = None
SOURCE_ROOT = None
API_LIMIT = 5  # searches per client network and minute, low so that probes reach it


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """`vivrovert serve` on a temporary database and port; stop() removes everything."""

    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="vivrovert-security-")
        self.port = free_port()
        self.env = dict(os.environ)
        self.env.update({
            "VIVROVERT_DATABASE_URL": "sqlite:" + os.path.join(self.work, "vivrovert.db"),
            "VIVROVERT_PATHS_VAR_DIR": os.path.join(self.work, "var"),
            "VIVROVERT_PATHS_RESOURCE_DIR": SOURCE_ROOT,
            "VIVROVERT_HTTP_HOST": "127.0.0.1",
            "VIVROVERT_HTTP_PORT": str(self.port),
            "VIVROVERT_HTTP_THREADS": "4",
            "VIVROVERT_HTTP_PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "VIVROVERT_HTTP_TRUSTED_PROXIES": "127.0.0.1",
            "VIVROVERT_HTTP_REQUEST_DEADLINE_SECONDS": "2",
            "VIVROVERT_API_RATE_LIMIT": str(API_LIMIT),
            "VIVROVERT_NIGHTLY_HOUR": "-1",
            "VIVROVERT_DEMO_ENABLED": "true",
        })
        self.run("grid", "build", "--departements", "46", "--threads", "2")
        self.run("migrate")
        self.run("admin", "seed-demo")
        self.server = subprocess.Popen([BINARY, "serve", "--no-access-log"], env=self.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = ""
        for line in self.server.stdout:
            if "listening on" in line:
                break
        else:
            raise RuntimeError("vivrovert serve exited before listening: " + line)

    def run(self, *args):
        done = subprocess.run([BINARY, *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"vivrovert {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self):
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def connect(self, source="127.0.0.2", timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                                source_address=(source, 0))
        return connection

    def request(self, method, path, body=None, headers=None, source="127.0.0.2"):
        """(status, headers as a list of (name, value), body text)."""
        connection = self.connect(source)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def raw(self, request_bytes, source="127.0.0.2"):
        """Sends bytes as they are and returns the whole answer's head (status line and headers)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=30, source_address=(source, 0)) as s:
            s.sendall(request_bytes)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        return answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")


class Browser:
    """Cookies and CSRF tokens over http.client, as a browser keeps them."""

    def __init__(self, site, source="127.0.0.7"):
        self.site, self.source, self.cookies = site, source, {}

    def send(self, method, path, form=None):
        headers = {"Origin": f"http://127.0.0.1:{self.site.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, answer_headers, text = self.site.request(method, path, body, headers, self.source)
        for name, value in answer_headers:
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if "Max-Age=0" in value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        return status, dict((k.lower(), v) for k, v in answer_headers), text

    def csrf(self, path):
        status, _, page = self.send("GET", path)
        match = re.search(r'name="_csrf" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path} ({status})"
        return match.group(1)

    def log_in(self, email, password):
        token = self.csrf("/compte/connexion")
        return self.send("POST", "/compte/connexion", {"_csrf": token, "email": email, "password": password})


SEARCH = json.dumps({"level": "5km", "criteria": [
    {"criterion": "dist_station_km", "max": 30, "importance": "required"}]})


class SecurityProbes(unittest.TestCase):
    site = None

    @classmethod
    def setUpClass(cls):
        cls.site = Site()

    @classmethod
    def tearDownClass(cls):
        cls.site.stop()

    def search(self, source, forwarded_for=None):
        headers = {"Content-Type": "application/json"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        status, _, body = self.site.request("POST", "/api/v1/search", SEARCH, headers, source)
        return status, body

    # High: header injection through the login redirect's `suivant`.
    def test_a_path_cannot_write_headers(self):
        for path in ("/operateur/partenaires/%0D%0AX-Injected:%20yes",
                     "/partenaire/x%0D%0ASet-Cookie:%20vv_session=attacker"):
            head = self.site.raw(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            lines = head.split("\r\n")
            self.assertTrue(lines[0].startswith("HTTP/1.1 303"), head)
            names = [line.split(":", 1)[0].lower() for line in lines[1:]]
            self.assertNotIn("x-injected", names, head)
            self.assertNotIn("vv_session=attacker", head)
            location = next(line for line in lines if line.lower().startswith("location:"))
            self.assertIn("suivant=", location)
            self.assertIn("%0D%0A", location, "the line break stays encoded")

    # High: per-client limits behind a proxy, and forged X-Forwarded-For from others.
    def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(self):
        # 127.0.0.3 talks to the server directly: every forged address counts as 127.0.0.3.
        for i in range(API_LIMIT):
            status, body = self.search("127.0.0.3", f"198.51.100.{i + 1}")
            self.assertEqual(status, 200, body)
        status, body = self.search("127.0.0.3", "198.51.100.200")
        self.assertEqual(status, 429, body)

    def test_clients_behind_the_trusted_proxy_have_their_own_limits(self):
        # 127.0.0.1 plays nginx: each forwarded client has its own budget…
        for i in range(API_LIMIT):
            self.assertEqual(self.search("127.0.0.1", "203.0.113.10")[0], 200)
        self.assertEqual(self.search("127.0.0.1", "203.0.113.10")[0], 429)
        self.assertEqual(self.search("127.0.0.1", "203.0.113.11")[0], 200,
                         "another client behind the same proxy is not locked out")
        # …and an IPv6 client's budget is its /64's.
        for i in range(API_LIMIT):
            self.assertEqual(self.search("127.0.0.1", f"2001:db8:5:6::{i + 1}")[0], 200)
        self.assertEqual(self.search("127.0.0.1", "2001:db8:5:6:ffff::1")[0], 429)
        self.assertEqual(self.search("127.0.0.1", "2001:db8:5:7::1")[0], 200)
        # What a client writes left of the proxy's entry is not believed.
        self.assertEqual(self.search("127.0.0.1", "203.0.113.12, 203.0.113.10")[0], 429)

    # Medium: nested JSON overflowed the stack.
    def test_deeply_nested_json_is_refused_and_the_server_lives(self):
        for path in ("/api/v1/search", "/api/v1/map/searches"):
            body = "[" * 50000 + "]" * 50000
            status, _, text = self.site.request("POST", path, body, {"Content-Type": "application/json"},
                                                source="127.0.0.4")
            self.assertEqual(status, 400, text)
            error = json.loads(text)["error"]
            self.assertEqual(error["field"], "body")
            self.assertIn("64 niveaux", error["message"])
        status, _, _ = self.site.request("GET", "/healthz", source="127.0.0.4")
        self.assertEqual(status, 200)

    # Medium: slow clients held every thread.
    def test_slow_clients_are_cut_off_and_others_served(self):
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 400
        slow = []
        for _ in range(6):  # more than the server's 4 threads
            s = socket.create_connection(("127.0.0.1", self.site.port), source_address=("127.0.0.5", 0))
            s.settimeout(0.01)
            slow.append(s)
        closed = [False] * len(slow)
        sent = 0
        give_up = time.monotonic() + 40
        try:
            while not all(closed) and time.monotonic() < give_up:
                for i, s in enumerate(slow):
                    if closed[i]:
                        continue
                    try:
                        s.send(request[sent % len(request):sent % len(request) + 1])
                        if s.recv(1) == b"":
                            closed[i] = True
                    except socket.timeout:
                        pass
                    except OSError:
                        closed[i] = True
                sent += 1
                time.sleep(0.1)
        finally:
            for s in slow:
                s.close()
        self.assertTrue(all(closed), f"slow clients still connected after {sent} bytes each")
        status, _, _ = self.site.request("GET", "/healthz", source="127.0.0.6")
        self.assertEqual(status, 200)

    # Medium: a deleted account left its traces (CV, mails, throttle keys…).
    def test_a_deleted_account_leaves_no_trace(self):
        email, name = "camille.demo@vivrovert.localhost", "Camille Martin"
        browser = Browser(self.site)
        status, headers, _ = browser.log_in(email, "demo-vivrovert")
        self.assertEqual(status, 303, "the demo exodeur logs in")
        token = browser.csrf("/compte")
        status, headers, text = browser.send("POST", "/compte/suppression",
                                             {"_csrf": token, "current_password": "demo-vivrovert"})
        self.assertEqual(status, 303, text[:500])
        status, headers, page = Browser(self.site, "127.0.0.8").log_in(email, "demo-vivrovert")
        self.assertNotEqual(status, 303, "the login fails")
        self.assertIn("connexion", page.lower())
        database = sqlite3.connect(os.path.join(self.site.work, "vivrovert.db"))
        try:
            tables = [row[0] for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            for table in tables:
                columns = [row[1] for row in database.execute(f'PRAGMA table_info("{table}")')]
                for column in columns:
                    found = database.execute(
                        f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE ? '
                        f'OR CAST("{column}" AS TEXT) LIKE ?', (f"%{email}%", f"%{name}%")).fetchone()[0]
                    self.assertEqual(found, 0, f"{table}.{column} still names the deleted person")
        finally:
            database.close()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: security_probes_test.py VIVROVERT_BINARY SOURCE_ROOT")
    BINARY, SOURCE_ROOT = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
