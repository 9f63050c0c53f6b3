#!/usr/bin/python3
"""A throw-away OAuth 2.0 identity provider for the helpdeskd tests: it issues, rotates, expires and revokes
tokens on command, and answers token introspection for Dovecot's oauth2 passdb and the SMTP sink.

    /usr/bin/python3 oauth_idp.py --dir DIR --port HTTPS_PORT --plain-port HTTP_PORT --cert C --key K
                                  --jwt-public-key PUB --client-id ID [--issuer ISS] [--username USER]
                                  [--lifetime SECONDS] [--auto-approve] [--watch-pid PID]

HTTPS_PORT (TLS with C/K, a certificate of the test CA: oauth_ca.sh) serves what helpdeskd calls:
  POST /token       grant_type=client_credentials (client_id, client_secret or a client_assertion: an RS256 JWT
                    checked with PUB, iss = sub = client_id), refresh_token (rotation: every refresh issues a new
                    refresh token and retires the old one; presenting a retired one revokes them all, as real
                    providers do), urn:ietf:params:oauth:grant-type:jwt-bearer (an RS256 assertion checked with PUB:
                    iss = ISS, aud = this endpoint, at most an hour, sub = the mailbox user), and
                    urn:ietf:params:oauth:grant-type:device_code (RFC 8628: authorization_pending until approved);
  POST /devicecode  the device authorization endpoint (RFC 8628 §3.1).
The client secret is the environment variable OAUTH_IDP_CLIENT_SECRET. Access tokens live LIFETIME seconds
(default 3600) and belong to USER (default "helpdesk") unless the grant names another (a JWT's sub).

HTTP_PORT (plain, loopback) serves what the servers and the tests call:
  POST /introspect          token=…  → {"active": true, "username": …} or {"active": false} (RFC 7662)
  POST /control/expire      every access token issued so far expires now
  POST /control/revoke      every refresh and access token is revoked
  POST /control/approve     approves the waiting device codes (?username=… for whom; default USER)
  POST /control/lifetime    ?seconds=N: the lifetime of tokens issued from now on
  GET  /control/stats       {"issued": {grant: count}, "refused": {error: count}, "introspections": n, …}
Every request is logged to DIR/idp.log (without tokens). Stop it with SIGTERM.
"""

import argparse
import base64
import json
import os
import secrets
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Refused(Exception):
    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Provider:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.secret = os.environ.get("OAUTH_IDP_CLIENT_SECRET", "")
        self.lifetime = args.lifetime
        self.access = {}  # token -> {"username", "expires_at", "active"}
        self.refresh = {}  # token -> {"username", "state": "active" | "used" | "revoked"}
        self.devices = {}  # device_code -> {"user_code", "username", "expires_at"}
        self.issued = {}
        self.refused = {}
        self.introspections = 0
        self.log_path = os.path.join(args.dir, "idp.log")

    def log(self, text):
        with open(self.log_path, "a", encoding="utf-8") as out:
            out.write("%.3f %s\n" % (time.time(), text))

    # -- token endpoint

    def token(self, form, endpoint):
        grant = form.get("grant_type", "")
        with self.lock:
            try:
                if grant == "client_credentials":
                    self.authenticate_client(form, endpoint)
                    answer = self.issue(self.args.username, "client_credentials", refresh=False)
                elif grant == "refresh_token":
                    answer = self.rotate(form.get("refresh_token", ""))
                elif grant == JWT_BEARER:
                    claims = self.verify_jwt(form.get("assertion", ""), endpoint, self.args.issuer)
                    if not claims.get("sub"):
                        raise Refused("invalid_grant", "the assertion has no sub")
                    answer = self.issue(claims["sub"], "jwt_bearer", refresh=False)
                elif grant == DEVICE_CODE:
                    answer = self.device_token(form.get("device_code", ""))
                else:
                    raise Refused("unsupported_grant_type", "grant_type %r is not supported" % grant)
            except Refused as refusal:
                if refusal.error not in ("authorization_pending", "slow_down"):
                    self.refused[refusal.error] = self.refused.get(refusal.error, 0) + 1
                self.log("token %s refused: %s: %s" % (grant, refusal.error, refusal.description))
                return refusal.status, {"error": refusal.error, "error_description": refusal.description}
        self.log("token %s issued for %s" % (grant, answer.pop("_username")))
        return 200, answer

    def authenticate_client(self, form, endpoint):
        if form.get("client_id") != self.args.client_id:
            raise Refused("invalid_client", "unknown client_id", 401)
        if form.get("client_assertion_type") == CLIENT_ASSERTION:
            claims = self.verify_jwt(form.get("client_assertion", ""), endpoint, self.args.client_id, header_x5t=True)
            if claims.get("sub") != self.args.client_id:
                raise Refused("invalid_client", "the client assertion's sub is not the client", 401)
            return
        if not self.secret or form.get("client_secret") != self.secret:
            raise Refused("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401)

    def issue(self, username, grant, refresh):
        access = "at-" + secrets.token_urlsafe(24)
        self.access[access] = {"username": username, "expires_at": time.time() + self.lifetime, "active": True}
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": self.lifetime, "_username": username}
        if refresh:
            token = "rt-" + secrets.token_urlsafe(32)
            self.refresh[token] = {"username": username, "state": "active"}
            answer["refresh_token"] = token
        self.issued[grant] = self.issued.get(grant, 0) + 1
        return answer

    def rotate(self, token):
        record = self.refresh.get(token)
        if record is None:
            raise Refused("invalid_grant", "unknown refresh token")
        if record["state"] == "revoked":
            raise Refused("invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked.")
        if record["state"] == "used":
            # A rotated token presented again: someone kept a copy. Revoke the lot.
            for other in self.refresh.values():
                other["state"] = "revoked"
            raise Refused("invalid_grant", "the refresh token was already used; all tokens revoked")
        record["state"] = "used"
        return self.issue(record["username"], "refresh_token", refresh=True)

    def device_token(self, code):
        record = self.devices.get(code)
        if record is None or record["expires_at"] < time.time():
            raise Refused("expired_token", "the device code expired")
        if record["username"] is None and self.args.auto_approve:
            record["username"] = self.args.username
        if record["username"] is None:
            raise Refused("authorization_pending", "waiting for the user")
        del self.devices[code]
        return self.issue(record["username"], "device_code", refresh=True)

    def verify_jwt(self, assertion, endpoint, issuer, header_x5t=False):
        parts = assertion.split(".")
        if len(parts) != 3:
            raise Refused("invalid_grant", "the assertion is not a JWT")
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except ValueError:
            raise Refused("invalid_grant", "the assertion does not decode")
        if header.get("alg") != "RS256":
            raise Refused("invalid_grant", "the assertion is not RS256")
        if header_x5t and not header.get("x5t"):
            raise Refused("invalid_client", "the client assertion names no certificate (x5t)", 401)
        with tempfile.TemporaryDirectory() as scratch:
            data_path = os.path.join(scratch, "data")
            signature_path = os.path.join(scratch, "signature")
            with open(data_path, "wb") as out:
                out.write((parts[0] + "." + parts[1]).encode("ascii"))
            with open(signature_path, "wb") as out:
                out.write(signature)
            check = subprocess.run(
                ["openssl", "dgst", "-sha256", "-verify", self.args.jwt_public_key, "-signature", signature_path,
                 data_path], capture_output=True)
        if check.returncode != 0:
            raise Refused("invalid_grant", "the assertion's signature does not verify")
        now = time.time()
        if claims.get("iss") != issuer:
            raise Refused("invalid_grant", "the assertion's iss is not %s" % issuer)
        if claims.get("aud") != endpoint:
            raise Refused("invalid_grant", "the assertion's aud is not %s" % endpoint)
        if not isinstance(claims.get("exp"), int) or claims["exp"] < now:
            raise Refused("invalid_grant", "the assertion expired")
        if not isinstance(claims.get("iat"), int) or claims["exp"] - claims["iat"] > 3600:
            raise Refused("invalid_grant", "the assertion is valid for more than an hour")
        return claims

    # -- device authorization

    def device_authorization(self, form, endpoint):
        with self.lock:
            if form.get("client_id") != self.args.client_id:
                return 400, {"error": "invalid_client", "error_description": "unknown client_id"}
            code = "dc-" + secrets.token_urlsafe(24)
            user_code = "%s-%s" % (secrets.token_hex(2).upper(), secrets.token_hex(2).upper())
            self.devices[code] = {"user_code": user_code, "username": None, "expires_at": time.time() + 600}
        self.log("device authorization for scope %r" % form.get("scope", ""))
        base = endpoint.rsplit("/", 1)[0]
        return 200, {
            "device_code": code, "user_code": user_code, "verification_uri": base + "/device",
            "expires_in": 600, "interval": 1,
        }

    # -- introspection and control

    def introspect(self, token):
        with self.lock:
            self.introspections += 1
            record = self.access.get(token)
            active = record is not None and record["active"] and record["expires_at"] > time.time()
        self.log("introspect: %s" % ("active for %s" % record["username"] if active else "inactive"))
        return {"active": True, "username": record["username"]} if active else {"active": False}

    def control(self, action, query):
        with self.lock:
            if action == "expire":
                for record in self.access.values():
                    record["expires_at"] = 0
            elif action == "revoke":
                for record in self.refresh.values():
                    record["state"] = "revoked"
                for record in self.access.values():
                    record["active"] = False
            elif action == "approve":
                for record in self.devices.values():
                    record["username"] = query.get("username", self.args.username)
            elif action == "lifetime":
                self.lifetime = int(query.get("seconds", "3600"))
            elif action == "stats":
                return {
                    "issued": self.issued, "refused": self.refused, "introspections": self.introspections,
                    "active_refresh_tokens": sum(1 for r in self.refresh.values() if r["state"] == "active"),
                }
            else:
                return None
        self.log("control %s %s" % (action, query))
        return {"ok": True}


def handler(provider, public):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def form(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8") if length else ""
            return {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}

        def do_POST(self):
            url = urllib.parse.urlsplit(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            if public:
                endpoint = "https://%s%s" % (self.headers.get("Host", ""), url.path)
                if url.path == "/token":
                    return self.reply(*provider.token(self.form(), endpoint))
                if url.path == "/devicecode":
                    return self.reply(*provider.device_authorization(self.form(), endpoint))
            else:
                if url.path == "/introspect":
                    return self.reply(200, provider.introspect(self.form().get("token", "")))
                if url.path.startswith("/control/"):
                    self.form()
                    answer = provider.control(url.path[len("/control/"):], query)
                    if answer is not None:
                        return self.reply(200, answer)
            self.reply(404, {"error": "not_found"})

        def do_GET(self):
            if not public and self.path == "/control/stats":
                return self.reply(200, provider.control("stats", {}))
            self.reply(404, {"error": "not_found"})

    return Handler


def main():
    parser = argparse.ArgumentParser(description="OAuth 2.0 identity provider for the helpdeskd tests")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plain-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--jwt-public-key", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--issuer", default="helpdeskd@test-project.iam.gserviceaccount.example")
    parser.add_argument("--username", default="helpdesk")
    parser.add_argument("--lifetime", type=int, default=3600)
    parser.add_argument("--auto-approve", action="store_true")
    parser.add_argument("--watch-pid", type=int)
    args = parser.parse_args()

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    os.closerange(3, 4096)
    provider = Provider(args)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    secure = ThreadingHTTPServer(("127.0.0.1", args.port), handler(provider, public=True))
    secure.socket = tls.wrap_socket(secure.socket, server_side=True)
    plain = ThreadingHTTPServer(("127.0.0.1", args.plain_port), handler(provider, public=False))
    for server in (secure, plain):
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    provider.log("listening on %d (https) and %d (http)" % (args.port, args.plain_port))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        if args.watch_pid:
            try:
                os.kill(args.watch_pid, 0)
            except ProcessLookupError:
                break
    secure.shutdown()
    plain.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
