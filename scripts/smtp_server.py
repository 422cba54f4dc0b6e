#!/usr/bin/env python3
"""A real SMTP server on loopback for the tests (aiosmtpd, from PyPI's client), which keeps each
accepted message as a file the test reads, and can misbehave as a mail server does.

    smtp_server.py --dir DIR [--tls none|starttls|implicit] [--auth USER:PASSWORD]
                   [--mode accept|refuse|tempfail|drop|slow] [--delay SECONDS]

It prints one line, `READY <port> <ca.pem or ->`, once it listens on 127.0.0.1 (with TLS, a
certificate for 127.0.0.1 and localhost signed by a fresh test CA, written to DIR/ca.pem), and
serves until killed. Each accepted message is DIR/<n>.eml with DIR/<n>.json (sender, recipients,
whether the session was encrypted and authenticated).

Modes: `refuse` answers 550 to every recipient; `tempfail` answers 451 to DATA; `drop` closes the
connection when the message has been sent, before answering; `slow` waits `--delay` seconds
before answering DATA (and then accepts).
"""

import argparse
import asyncio
import json
import os
import socket
import ssl
import sys
import time
import warnings

# aiosmtpd warns about its own deprecated attribute on every login.
warnings.filterwarnings("ignore", category=DeprecationWarning)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keeper:
    def __init__(self, directory, mode, delay):
        self.directory, self.mode, self.delay, self.count = directory, mode, delay, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail":
            return "451 4.3.0 try again later"
        if self.mode == "drop":
            server.transport.close()
            return "421 closing"
        if self.mode == "slow":
            await asyncio.sleep(self.delay)
        self.count += 1
        stem = os.path.join(self.directory, "%d" % self.count)
        with open(stem + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(stem + ".json", "w") as f:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "encrypted": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        return "250 2.0.0 Message accepted for delivery"


def tls_context(directory):
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--tls", default="none", choices=["none", "starttls", "implicit"])
    p.add_argument("--auth")
    p.add_argument("--mode", default="accept", choices=["accept", "refuse", "tempfail", "drop", "slow"])
    p.add_argument("--delay", type=float, default=30.0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    kwargs = {}
    if a.tls != "none":
        ctx = tls_context(a.dir)
        if a.tls == "starttls":
            kwargs.update(tls_context=ctx, require_starttls=True)
        else:
            kwargs.update(ssl_context=ctx)
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        # With implicit TLS aiosmtpd does not see the session as encrypted; it is.
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=a.tls == "starttls")
    port = free_port()
    controller = Controller(Keeper(a.dir, a.mode, a.delay), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    ca = os.path.join(a.dir, "ca.pem") if a.tls != "none" else "-"
    print("READY %d %s" % (port, ca), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
