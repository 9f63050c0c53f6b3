#!/usr/bin/python3
"""A throw-away SMTP server for the Mail tests and `make demo`: it keeps every message it accepts.

    /usr/bin/python3 smtp_sink.py --dir DIR --port PORT [--auth USER] [--starttls | --implicit-tls]
                                  [--cert CERT --key KEY] [--watch-pid PID]

Every accepted message is stored byte for byte (after SMTP dot-unstuffing, nothing else) as a
Maildir file DIR/maildir/new/NNNNNN.sink, and its envelope as DIR/envelopes/NNNNNN.json
({"mail_from" ("" for the null sender <>), "rcpt_tos", "auth_mechanism", "auth_login", "tls"}), written before the message so a
reader that sees the message also sees its envelope. DIR/connections gets one line per accepted
connection.

--auth USER requires AUTH (PLAIN or LOGIN) as USER with the password in the environment variable
SMTP_SINK_PASSWORD (not on the command line, where `ps` would show it). With --oauth-introspection URL it
also offers XOAUTH2 and OAUTHBEARER (SASL with an OAuth 2.0 bearer token) and accepts a token when the
identity provider's introspection endpoint at URL (RFC 7662, e.g. oauth_idp.py's) says it is active for
USER. --starttls offers and requires
STARTTLS, --implicit-tls speaks TLS from the first byte (SMTPS); both need --cert/--key.

Outage simulation: while DIR/control exists and holds "STAGE CODE TEXT" (STAGE = MAIL, RCPT or DATA),
that stage answers "CODE TEXT" instead of accepting, e.g. "DATA 451 4.3.0 Try again later" or
"RCPT 550 5.1.1 No such user". The file is read on every command, so a test can switch it on and off.

Needs Debian's python3-aiosmtpd; stop it with SIGTERM.
"""

import argparse
import base64
import asyncio
import json
import logging
import os
import signal
import ssl
import sys
import urllib.parse
import urllib.request

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, implicit_tls):
        self.directory = directory
        self.implicit_tls = implicit_tls
        self.maildir = os.path.join(directory, "maildir")
        self.envelopes = os.path.join(directory, "envelopes")
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(self.maildir, sub), exist_ok=True)
        os.makedirs(self.envelopes, exist_ok=True)
        self.count = len(os.listdir(os.path.join(self.maildir, "new")))

    def forced_reply(self, stage):
        """The reply DIR/control forces for this stage, or None to behave normally."""
        try:
            with open(os.path.join(self.directory, "control"), encoding="utf-8") as control:
                line = control.readline().strip()
        except FileNotFoundError:
            return None
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[0].upper() == stage:
            return parts[1]
        return None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        forced = self.forced_reply("MAIL")
        if forced:
            return forced
        envelope.mail_from = address or "<>"
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        forced = self.forced_reply("RCPT")
        if forced:
            return forced
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        forced = self.forced_reply("DATA")
        if forced:
            return forced
        self.count += 1
        name = "%06d.sink" % self.count
        record = {
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,  # "" is the null sender
            "rcpt_tos": envelope.rcpt_tos,
            "auth_mechanism": getattr(session, "sink_mechanism", None),
            "auth_login": getattr(session, "sink_login", None),
            "tls": self.implicit_tls or session.ssl is not None,
        }
        with open(os.path.join(self.envelopes, name[:-5] + ".json"), "w", encoding="utf-8") as out:
            json.dump(record, out)
        temporary = os.path.join(self.maildir, "tmp", name)
        with open(temporary, "wb") as out:
            out.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.maildir, "new", name))
        return "250 2.0.0 Message accepted for delivery"


class OAuthSink(Sink):
    """A sink that also takes SASL XOAUTH2 and OAUTHBEARER, checking the token with the identity provider."""

    def __init__(self, directory, implicit_tls, introspection, user):
        super().__init__(directory, implicit_tls)
        self.introspection = introspection
        self.user = user

    async def response(self, server, args):
        if len(args) > 1:
            try:
                return base64.b64decode(args[1], validate=True)
            except ValueError:
                return MISSING
        return await server.challenge_auth("")

    def check(self, server, mechanism, user, auth):
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        try:
            body = urllib.parse.urlencode({"token": token}).encode("ascii")
            with urllib.request.urlopen(self.introspection, data=body, timeout=10) as answer:
                verdict = json.load(answer)
        except OSError:
            return AuthResult(success=False, handled=False, message="454 4.7.0 Temporary authentication failure")
        ok = verdict.get("active") is True and verdict.get("username") == user and user == self.user
        if ok:
            server.session.sink_mechanism = mechanism
            server.session.sink_login = user
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    async def auth_XOAUTH2(self, server, args):
        blob = await self.response(server, args)
        if blob is MISSING:
            return AuthResult(success=False, handled=False)
        fields = dict(part.split("=", 1) for part in blob.decode("utf-8", "replace").split("\x01") if "=" in part)
        return self.check(server, "XOAUTH2", fields.get("user"), fields.get("auth", ""))

    async def auth_OAUTHBEARER(self, server, args):
        blob = await self.response(server, args)
        if blob is MISSING:
            return AuthResult(success=False, handled=False)
        gs2, _, rest = blob.decode("utf-8", "replace").partition("\x01")
        user = next((part[2:] for part in gs2.split(",") if part.startswith("a=")), None)
        fields = dict(part.split("=", 1) for part in rest.split("\x01") if "=" in part)
        return self.check(server, "OAUTHBEARER", user, fields.get("auth", ""))


def main():
    parser = argparse.ArgumentParser(description="SMTP sink for the helpdeskd Mail tests")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--auth", metavar="USER")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--starttls", action="store_true")
    mode.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--watch-pid", type=int)
    parser.add_argument("--oauth-introspection", metavar="URL")
    args = parser.parse_args()
    if args.oauth_introspection and not args.auth:
        parser.error("--oauth-introspection needs --auth USER")

    # A parent may have spawned us with signals blocked; SIGTERM must stop the sink.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    # aiosmtpd's own informational logging would only be noise in the test logs.
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    # Inherit nothing from the test process but stdio: its sockets must close when it closes them.
    os.closerange(3, 4096)

    tls_context = None
    if args.starttls or args.implicit_tls:
        if not (args.cert and args.key):
            parser.error("--starttls and --implicit-tls need --cert and --key")
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)

    password = os.environ.get("SMTP_SINK_PASSWORD", "")

    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode("utf-8", "replace")
        ok = login == args.auth and auth_data.password.decode("utf-8", "replace") == password
        if ok:
            session.sink_mechanism = mechanism
            session.sink_login = login
        # handled=False: aiosmtpd itself answers a failure with "535 5.7.8 Authentication credentials invalid".
        return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

    if args.oauth_introspection:
        sink = OAuthSink(args.dir, args.implicit_tls, args.oauth_introspection, args.auth)
    else:
        sink = Sink(args.dir, args.implicit_tls)
    connections = os.path.join(args.dir, "connections")

    def factory():
        with open(connections, "a", encoding="utf-8") as out:
            out.write("connection\n")
        return SMTP(
            sink,
            hostname="sink.localhost",
            ident="helpdeskd test sink",
            tls_context=tls_context if args.starttls else None,
            require_starttls=args.starttls,
            authenticator=authenticator if args.auth else None,
            auth_required=bool(args.auth),
            # aiosmtpd only knows about STARTTLS; on an implicit-TLS port the whole session is TLS already.
            auth_require_tls=bool(args.starttls),
        )

    async def serve():
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, lambda: stop.done() or stop.set_result(None))
        server = await loop.create_server(
            factory, host="127.0.0.1", port=args.port, ssl=tls_context if args.implicit_tls else None
        )

        async def watch_parent():
            while True:
                await asyncio.sleep(0.5)
                try:
                    os.kill(args.watch_pid, 0)
                except ProcessLookupError:
                    if not stop.done():
                        stop.set_result(None)
                    return

        watcher = loop.create_task(watch_parent()) if args.watch_pid else None
        await stop
        if watcher:
            watcher.cancel()
        server.close()
        await server.wait_closed()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
