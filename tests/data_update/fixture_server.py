#!/usr/bin/python3
"""A local stand-in for the publishers' servers in the `data update` tests: never the network.

Serves the files of ROOT on 127.0.0.1 and a free port, which it prints on its first line,
as the publishers do: ETag and Last-Modified, conditional requests (304), byte ranges (206,
If-Range). Paths with a prefix behave like the cases the tests need:
  /files/NAME            the file
  /redirect/NAME         302 to /moved/NAME, which 301s to /files/NAME (two redirects)
  /truncate-once/NAME    the first whole-file request gets the full Content-Length but only
                         half the bytes before the connection closes; later ones are served
  /api/1/datasets/ID/    ROOT/datasets/ID.json with {base} replaced by this server's address
  anything else          404
Each request is logged to ROOT/requests.log as "METHOD PATH RANGE".
Usage: fixture_server.py ROOT
"""
import hashlib
import http.server
import os
import socketserver
import sys
import threading
from email.utils import formatdate

ROOT = sys.argv[1]
truncated = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        with lock, open(os.path.join(ROOT, "requests.log"), "a") as log:
            log.write(f"{self.command} {self.path} {self.headers.get('Range', '-')}\n")

    def plain(self, status, body=b"", headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.record()
        path = self.path.split("?")[0]
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if path.startswith("/redirect/"):
            return self.plain(302, headers={"Location": "/moved/" + path[len("/redirect/"):]})
        if path.startswith("/moved/"):
            return self.plain(301, headers={"Location": base + "/files/" + path[len("/moved/"):]})
        if path.startswith("/api/1/datasets/"):
            name = path[len("/api/1/datasets/"):].strip("/")
            file = os.path.join(ROOT, "datasets", name + ".json")
            if not os.path.isfile(file):
                return self.plain(404, b'{"message": "dataset not found"}')
            with open(file, encoding="utf-8") as handle:
                body = handle.read().replace("{base}", base).encode()
            return self.plain(200, body, {"Content-Type": "application/json"})
        for prefix in ("/files/", "/truncate-once/"):
            if path.startswith(prefix):
                return self.serve(path[len(prefix):], prefix == "/truncate-once/")
        return self.plain(404, b"not found")

    def serve(self, name, truncate_once):
        file = os.path.join(ROOT, "files", name)
        if not os.path.isfile(file):
            return self.plain(404, b"not found")
        with open(file, "rb") as handle:
            data = handle.read()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        modified = formatdate(os.path.getmtime(file), usegmt=True)
        headers = {"ETag": etag, "Last-Modified": modified, "Accept-Ranges": "bytes"}
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            return
        wanted = self.headers.get("Range")
        if wanted and self.headers.get("If-Range") not in (None, etag):
            wanted = None  # the file changed: whole again
        if wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
            start = int(wanted[len("bytes="):-1])
            if start >= len(data):
                return self.plain(416, headers={"Content-Range": f"bytes */{len(data)}"})
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            return self.plain(206, data[start:], headers)
        with lock:
            cut = truncate_once and name not in truncated
            truncated.add(name)
        if cut:
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        return self.plain(200, data, headers)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
