#!/usr/bin/env python3
"""Python peers of `helpdeskd parse --stats`.

    python_peers.py email PATH...              Python's stdlib email, policy.default
    python_peers.py fast-mail-parser PATH...   PyPI fast-mail-parser (or fast-mail-parser-ng)

Loads every file under the given paths (directories recursively, sorted, hidden files skipped)
into memory, then times a full parse of each and prints one JSON line:

  {"parser":"python-email","messages":N,"bytes":N,"seconds":S,"mb_per_s":X,"messages_per_s":Y,
   "leaf_parts":N,"decoded_bytes":N}

email: message_from_bytes(policy=policy.default); for every part that walk() yields (the
message, every MIME part, and the message inside every message/rfc822 part) every header value
is touched with str() -- policy.default parses address headers into addresses, Date into a
datetime and decodes RFC 2047 in the rest -- and every leaf (not multipart, not message/rfc822)
is get_content()'d: transfer-decoded, and for text/* decoded from its charset to str.

fast-mail-parser: parse_email(bytes); subject, date, every header value, the parsed address
lists, every text/plain and text/html body (already decoded to str) and every attachment's
content are read. Its result is flat: multipart containers are dropped (as the others do not
count them either), and a message/rfc822 part comes back as one attachment holding the embedded
message's raw bytes. The other peers parse an embedded message, so this mode hands such an
attachment to parse_email again and counts its leaves instead; leaf_parts and decoded_bytes then
agree with GMime's and python-email's (and with corpus manifest.json's leaf count).

decoded_bytes: bytes of each leaf after transfer decoding; text is counted as its UTF-8 length.
"""

from __future__ import annotations

import json
import os
import sys
import time


def collect(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
        elif os.path.isfile(p):
            out.append(p)
        else:
            sys.exit(f"python_peers: {p}: no such file or directory")
    return out


def utf8_len(s: str) -> int:
    # isascii() is O(1) on CPython; only non-ASCII text pays for an encode.
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


def run_email(blobs: list[bytes]) -> tuple[int, int, int]:
    from email import message_from_bytes, policy

    pol = policy.default
    leaves = decoded = errors = 0
    for data in blobs:
        try:
            msg = message_from_bytes(data, policy=pol)
            for part in msg.walk():
                for _name, value in part.items():
                    str(value)
                if part.is_multipart():  # multipart/* and message/rfc822: containers
                    continue
                leaves += 1
                content = part.get_content()
                decoded += utf8_len(content) if isinstance(content, str) else len(content)
        except Exception as e:  # a peer that raises on a message is reported, not fatal
            errors += 1
            print(f"python_peers(email): {type(e).__name__}: {e}", file=sys.stderr)
    return leaves, decoded, errors


def run_fast_mail_parser(blobs: list[bytes]) -> tuple[int, int, int]:
    try:
        from fast_mail_parser import parse_email
    except ImportError:
        from fast_mail_parser_ng import parse_email  # type: ignore[no-redef]

    def full_parse(data: bytes, depth: int = 0) -> tuple[int, int]:
        mail = parse_email(data)
        leaves = decoded = 0
        len(mail.subject)
        len(mail.date)
        for values in mail.headers.values():
            for v in values if isinstance(values, list) else (values,):
                len(v)
        for attr in ("from_", "to", "cc", "bcc", "reply_to"):  # parsed addresses (newer releases)
            addrs = getattr(mail, attr, None)
            if addrs is None:
                continue
            for a in addrs if isinstance(addrs, list) else (addrs,):
                a.address
        for text in mail.text_plain:
            leaves += 1
            decoded += utf8_len(text)
        for html in mail.text_html:
            leaves += 1
            decoded += utf8_len(html)
        for att in mail.attachments:
            content = att.content
            if att.mimetype.lower() == "message/rfc822" and depth < 16:
                # parse_email reports a forwarded message as one opaque attachment; the other peers
                # parse it, so this one does too and counts its leaves instead.
                sub_leaves, sub_decoded = full_parse(content, depth + 1)
                leaves += sub_leaves
                decoded += sub_decoded
            else:
                leaves += 1
                decoded += len(content)
        return leaves, decoded

    leaves = decoded = errors = 0
    for data in blobs:
        try:
            n, d = full_parse(data)
            leaves += n
            decoded += d
        except Exception as e:
            errors += 1
            print(f"python_peers(fast-mail-parser): {type(e).__name__}: {e}", file=sys.stderr)
    return leaves, decoded, errors


MODES = {"email": ("python-email", run_email), "fast-mail-parser": ("fast-mail-parser", run_fast_mail_parser)}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in MODES:
        print(f"usage: python_peers.py {{{'|'.join(MODES)}}} PATH...", file=sys.stderr)
        return 2
    name, run = MODES[argv[0]]
    files = collect(argv[1:])
    blobs = []
    for f in files:
        with open(f, "rb") as fh:
            blobs.append(fh.read())
    total = sum(len(b) for b in blobs)

    t0 = time.perf_counter()
    leaves, decoded, errors = run(blobs)
    seconds = max(time.perf_counter() - t0, 1e-9)

    print(json.dumps({
        "parser": name, "messages": len(blobs), "bytes": total, "seconds": round(seconds, 6),
        "mb_per_s": round(total / 1e6 / seconds, 2), "messages_per_s": round(len(blobs) / seconds, 1),
        "leaf_parts": leaves, "decoded_bytes": decoded,
    }, separators=(",", ":")))
    if errors:
        print(f"python_peers: {errors} message(s) raised", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
