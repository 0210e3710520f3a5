#!/usr/bin/python3
"""An SMTP server for the mail tests that fails on demand (Debian's python3-aiosmtpd).

Run with /usr/bin/python3. It listens on 127.0.0.1 and a port of its own choosing, prints
"PORT <n>" on stdout once ready, and exits when its stdin closes (so it never outlives
the test that started it) or on a signal.

What it answers depends on the recipient's local part, so one server serves every case:
  temp-...@      451 to RCPT TO, every time
  perm-...@      550 to RCPT TO
  flakyN-...@    451 to the first N RCPT TO of this exact address, then accepts
  datatemp-...@  accepts RCPT TO, 451 at the end of DATA
  dataperm-...@  accepts RCPT TO, 554 at the end of DATA
  anything else  accepted
Accepted mail is stored in the Maildir given, like aiosmtpd.handlers.Mailbox.

--port N listens on that port instead (a relay that comes back where it was).

--auth USER:PASSWORD requires authentication (AUTH LOGIN or PLAIN, allowed without TLS
because this is a test server) with these credentials before MAIL FROM.
"""
import argparse
import asyncio
import logging
import os
import re
import signal
import sys
import warnings

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

FLAKY = re.compile(r"flaky(\d+)-")


def local_part(address):
    return address.split("@", 1)[0].lower()


class FaultHandler(Mailbox):
    def __init__(self, maildir):
        super().__init__(maildir)
        self.rcpt_counts = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = local_part(address)
        count = self.rcpt_counts.get(address, 0) + 1
        self.rcpt_counts[address] = count
        if local.startswith("temp-"):
            return "451 4.3.0 Temporarily unavailable (fault_smtp)"
        if local.startswith("perm-"):
            return "550 5.1.1 No such mailbox (fault_smtp)"
        flaky = FLAKY.match(local)
        if flaky and count <= int(flaky.group(1)):
            return "451 4.3.0 Try again later (fault_smtp, attempt %d)" % count
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            local = local_part(address)
            if local.startswith("datatemp-"):
                return "451 4.3.0 Message deferred (fault_smtp)"
            if local.startswith("dataperm-"):
                return "554 5.6.0 Message refused (fault_smtp)"
        return await super().handle_DATA(server, session, envelope)


class Credentials:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
              and auth_data.password == self.password)
        # handled=False: let aiosmtpd send the 235 or 535 reply itself.
        return AuthResult(success=ok, handled=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("maildir", help="Maildir for accepted mail (created if missing)")
    parser.add_argument("--auth", help="USER:PASSWORD required before sending")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free one)")
    args = parser.parse_args()

    # AUTH without TLS is what this test server is for; aiosmtpd warns about it.
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    options = {"hostname": "fault-smtp.localhost"}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options.update(authenticator=Credentials(user, password), auth_required=True,
                       auth_require_tls=False)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = FaultHandler(args.maildir)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, **options), host="127.0.0.1", port=args.port))

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096):
            loop.stop()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, loop.stop)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
