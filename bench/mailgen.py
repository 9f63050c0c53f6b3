#!/usr/bin/env python3
"""Deterministic helpdesk traffic for the ingest and end-to-end benchmarks (Python stdlib only).

    bench/mailgen.py OUTDIR [--messages 10000] [--seed 42]
    bench/mailgen.py OUTDIR --huge 50          # one 50 MB report (memory benchmark)
    bench/mailgen.py OUTDIR --hostile          # a handful of deep/wide messages (memory benchmark)

Writes OUTDIR/NNNNNNNNNN.eml (zero-padded, the order they arrive in) and OUTDIR/.manifest.json
(counts per kind, bytes). The mix, per 100 messages on average:

  38  complete reports: all six fields labelled, 1-2 PNG/JPEG screenshots (30-300 KB, log-uniform);
      plain text (Thunderbird), text + HTML alternative (Gmail) or Outlook HTML with a field table
  25  incomplete reports: one to three fields missing (often the session ID or the screenshot)
  20  replies from the reporter of an earlier incomplete report: In-Reply-To/References and
      "Re: [HD-nnnnnn]", supplying the missing data (half of them with a screenshot), quoting the
      original
   5  password-reset requests
  12  automated mail: out-of-office replies (Auto-Submitted), delivery-status bounces from
      MAILER-DAEMON, monitoring alerts (Auto-Submitted: auto-generated, Precedence: bulk)

Each message draws from its own random.Random(seed, index), so the first N messages are the same
whatever --messages says. CRLF line endings. Reporters are 4,000 addresses, so the per-address
answer caps of a default configuration would bite on a long run; the bench configuration raises them.
"""

import argparse
import base64
import json
import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus import make_jpeg, make_png  # noqa: E402  (valid image headers around random bytes)

HELPDESK = "helpdesk@example.com"
EPOCH = datetime(2026, 11, 2, 7, 0, 0, tzinfo=timezone.utc)
FIRST = ["Anna", "Daniel", "Margaret", "Li", "Olga", "Tomás", "Priya", "Jonas", "Fatima", "Kenji", "Sofia", "Ahmed",
         "Emma", "Lukas", "Chloé", "Ivan", "Mei", "Oliver", "Zeynep", "Rafael"]
LAST = ["Ellison", "Okafor", "Novak", "Wang", "Petrova", "García", "Natarajan", "Berg", "Haddad", "Sato", "Rossi",
        "Khan", "Dubois", "Schmidt", "Moreau", "Ivanov", "Chen", "Brown", "Yılmaz", "Silva"]
DOMAINS = ["example.edu", "example.org", "uni.example.net", "college.example.ac.uk", "exams.example.de"]
SERVERS = ["https://proctor.example.edu", "https://exam2.proctor.example.edu", "https://proctor.example.org/lms"]
PROBLEMS = [
    ("Camera feed went black mid-exam", "the student's webcam picture in the proctoring window went black and the page "
     "showed \"Camera is not available\". Reloading the page gave the same message and the session could not be resumed."),
    ("Exam will not start: HTTP 502", "when the student pressed Start the browser showed \"502 Bad Gateway\" and then "
     "returned to the dashboard. We tried Chrome and Edge on two different machines with the same result."),
    ("Screen sharing stops after 10 minutes", "the screen share indicator disappears after about ten minutes and the "
     "proctor sees a frozen picture. The student is then asked to share the screen again, which fails."),
    ("Student stuck in \"Connection lost\" loop", "the quiz page keeps showing \"Connection lost, reconnecting\" every "
     "few seconds although the network in the room is fine and other students are not affected."),
    ("Microphone check fails on lab PCs", "the system check stops at the microphone step with \"No audio input\" on "
     "every PC in lab 3, although the headsets work in other applications."),
    ("Session marked as finished too early", "the session was closed as \"Finished\" while the student was still "
     "answering question 14; her answers after 11:20 are not in the report."),
]
BROWSERS = ["Chrome 131.0.6778.86", "Edge 131.0.2903.70", "Firefox 133.0", "Safari 18.1"]
OSES = ["Windows 11 23H2", "Windows 10 22H2", "macOS 15.1", "Ubuntu 24.04"]
FIELDS = ["server", "detected_at", "session_id", "user_id", "description", "screenshots"]


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def b64(data: bytes) -> str:
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def rfc_date(dt: datetime) -> str:
    return dt.strftime("%a, %d %b %Y %H:%M:%S +0000")


def person(index: int) -> tuple[str, str]:
    rng = random.Random(f"person-{index}")
    first, last = rng.choice(FIRST), rng.choice(LAST)
    domain = DOMAINS[index % len(DOMAINS)]
    local = f"{first[0]}.{last}".lower().encode("ascii", "ignore").decode() + str(index)
    return f"{first} {last}", f"{local}@{domain}"


def received(rng: random.Random, addr: str, dt: datetime) -> str:
    host = addr.split("@")[1]
    ip = f"198.51.100.{rng.randrange(1, 254)}"
    qid = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTVWXYZ") for _ in range(12))
    return (f"Return-Path: <{addr}>\nDelivered-To: {HELPDESK}\n"
            f"Received: from mail.{host} (mail.{host} [{ip}])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
            f"(256/256 bits))\n\tby mx.example.com (Postfix) with ESMTPS id {qid}\n\tfor <{HELPDESK}>; "
            f"{rfc_date(dt)} (UTC)\n"
            f"Authentication-Results: mx.example.com;\n\tdkim=pass header.d={host} header.s=mail2026\n"
            f"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple; d={host}; s=mail2026;\n"
            f"\th=Date:To:From:Subject:Message-ID;\n\tbh={base64.b64encode(rng.randbytes(32)).decode()};\n"
            f"\tb={b64(rng.randbytes(256)).replace(chr(10), chr(10) + chr(9))}\n")


def screenshot(rng: random.Random, n: int) -> tuple[str, bytes, str]:
    size = int(math.exp(rng.uniform(math.log(30_000), math.log(300_000))))
    if rng.random() < 0.8:
        return f"screenshot-{n}.png", make_png(rng, size), "image/png"
    return f"IMG_{rng.randrange(1000, 9999)}.jpg", make_jpeg(rng, size), "image/jpeg"


def field_lines(values: dict) -> list[tuple[str, str]]:
    labels = {"server": "Server", "detected_at": "Time of detection", "session_id": "Session ID", "user_id": "User ID"}
    return [(labels[k], values[k]) for k in ("server", "detected_at", "session_id", "user_id") if k in values]


def report_values(rng: random.Random, dt: datetime, missing: set) -> dict:
    title, text = rng.choice(PROBLEMS)
    detected = dt - timedelta(minutes=rng.randrange(5, 90))
    values = {
        "server": rng.choice(SERVERS),
        "detected_at": detected.strftime("%Y-%m-%d %H:%M +00:00"),
        "session_id": "%08x-%04x-4%03x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                       0x8000 | rng.getrandbits(14), rng.getrandbits(48)),
        "user_id": f"s{rng.randrange(1000000, 9999999)}",
        "description": f"During the exam {text} Browser: {rng.choice(BROWSERS)} on {rng.choice(OSES)}.",
        "title": title,
    }
    for field in missing:
        values.pop(field, None)
    return values


def multipart(subtype: str, boundary: str, parts: list[str]) -> str:
    body = f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\n\n"
    if subtype == "mixed":
        body += "This is a multi-part message in MIME format.\n"
    for part in parts:
        body += f"--{boundary}\n{part}\n"
    return body + f"--{boundary}--\n"


def text_part(text: str) -> str:
    return f"Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n{text}"


def html_part(html: str) -> str:
    return f"Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n{html}"


def image_part(name: str, data: bytes, ctype: str) -> str:
    return (f"Content-Type: {ctype}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n"
            f"Content-Transfer-Encoding: base64\n\n{b64(data)}")


def report_body(rng: random.Random, values: dict, name: str, intro: str, shots: list, quote: str = "") -> str:
    """The body entity (with its Content-Type) in one of three mail-client styles."""
    lines = [f"{label}: {value}" for label, value in field_lines(values)]
    desc = values.get("description", "")
    style = rng.choice(["thunderbird", "gmail", "outlook"])
    b = "------------" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh0123456789") for _ in range(24))
    text = f"Hello,\n\n{intro}\n\n" + "\n".join(lines) + ("\n\nDescription:\n" + desc if desc else "")
    text += f"\n\nKind regards,\n{name}\n-- \n{name}\nExaminations Office\n"
    if quote:
        text += "\n" + "\n".join("> " + line for line in quote.splitlines()) + "\n"
    if style == "thunderbird":
        body = text_part(text)
    elif style == "gmail":
        html = ("<div dir=\"ltr\"><div>Hello,</div><div><br></div><div>" + intro + "</div><div><br></div>"
                + "".join(f"<div>{label}: {value}</div>" for label, value in field_lines(values))
                + (f"<div><br></div><div>Description:</div><div>{desc}</div>" if desc else "")
                + f"<div><br></div><div>Kind regards,<br>{name}</div></div>")
        body = multipart("alternative", b + "alt", [text_part(text), html_part(html)])
    else:
        rows = "".join(f"<tr><td style='padding:2pt'><p class=MsoNormal><b>{label}<o:p></o:p></b></p></td>"
                       f"<td style='padding:2pt'><p class=MsoNormal>{value}<o:p></o:p></p></td></tr>"
                       for label, value in field_lines(values) + ([("Description", desc)] if desc else []))
        html = ("<html><head><style><!-- p.MsoNormal {margin:0cm;font-size:11.0pt;font-family:\"Calibri\",sans-serif;}"
                " --></style></head><body lang=EN-GB><div class=WordSection1><p class=MsoNormal>Hello,<o:p></o:p></p>"
                f"<p class=MsoNormal>{intro}<o:p></o:p></p><table class=MsoTableGrid border=1>{rows}</table>"
                f"<p class=MsoNormal>Kind regards,<br>{name}<o:p></o:p></p></div></body></html>")
        body = html_part(html)
    if shots:
        body = multipart("mixed", b, [body.rstrip("\n")] + [image_part(*s) for s in shots])
    return body


def headers(rng: random.Random, name: str, addr: str, subject: str, dt: datetime, msgid: str, extra: str = "") -> str:
    return (received(rng, addr, dt) + f"Message-ID: <{msgid}>\nDate: {rfc_date(dt)}\nMIME-Version: 1.0\n"
            f"User-Agent: Mozilla Thunderbird\nFrom: {name} <{addr}>\nTo: Example Helpdesk <{HELPDESK}>\n"
            f"Subject: {subject}\n{extra}")


def generate(outdir: str, count: int, seed: int) -> dict:
    os.makedirs(outdir, exist_ok=True)
    kinds = {}
    total = 0
    # Earlier incomplete reports a reply may answer: (ticket number, reporter index, subject, msgid, values, missing)
    waiting = []
    ticket = 0
    for index in range(1, count + 1):
        rng = random.Random(f"{seed}-{index}")
        dt = EPOCH + timedelta(seconds=index * 7)
        roll = rng.random()
        reporter = rng.randrange(4000)
        name, addr = person(reporter)
        msgid = f"{rng.getrandbits(64):016x}.{index}@{addr.split('@')[1]}"
        if roll < 0.20 and waiting:
            kind = "reply"
            number, reporter, subject, original, values, missing = waiting.pop(rng.randrange(len(waiting)))
            name, addr = person(reporter)
            supplied = {k: v for k, v in report_values(rng, dt, set()).items() if k in missing}
            shots = [screenshot(rng, 1)] if "screenshots" in missing or rng.random() < 0.5 else []
            quote = "Please send us the following so we can work on your report:\n" + "\n".join(f"- {m}" for m in missing)
            body = report_body(rng, supplied, name, "Here is the missing information.", shots, quote)
            raw = headers(rng, name, addr, f"Re: [HD-{number:06d}] {subject}", dt, msgid,
                          f"In-Reply-To: <{original}>\nReferences: <{original}>\n") + body
        elif roll < 0.32:
            kind = rng.choice(["out-of-office", "out-of-office", "bounce", "monitoring"])
            if kind == "out-of-office":
                raw = headers(rng, name, addr, "Automatic reply: exam support", dt, msgid,
                              "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n") \
                    + text_part(f"I am out of the office until Monday and will answer your message then.\n\n{name}\n")
            elif kind == "bounce":
                b = f"bounce{index}"
                raw = (received(rng, "MAILER-DAEMON@mx.example.edu", dt).replace("<MAILER-DAEMON@mx.example.edu>", "<>")
                       + f"Message-ID: <{msgid}>\nDate: {rfc_date(dt)}\nMIME-Version: 1.0\n"
                       f"From: Mail Delivery System <MAILER-DAEMON@mx.example.edu>\nTo: {HELPDESK}\n"
                       f"Subject: Undelivered Mail Returned to Sender\nAuto-Submitted: auto-replied\n"
                       + f"Content-Type: multipart/report; report-type=delivery-status; boundary=\"{b}\"\n\n"
                       f"--{b}\n" + text_part(f"This is the mail system at host mx.example.edu.\n\nI'm sorry to have to "
                                              f"inform you that your message could not be delivered to {addr}.\n")
                       + f"\n--{b}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.edu\n\n"
                       f"Final-Recipient: rfc822; {addr}\nAction: failed\nStatus: 5.1.1\n\n--{b}--\n")
            else:
                raw = headers(rng, "Proctor Monitoring", "monitoring@proctor.example.edu",
                              f"[ALERT] exam2 queue latency {rng.randrange(2, 30)} s", dt, msgid,
                              "Auto-Submitted: auto-generated\nPrecedence: bulk\n") \
                    + text_part("Queue latency above threshold for 5 minutes.\nThis message was sent automatically.\n")
        elif roll < 0.37:
            kind = "password-reset"
            ticket += 1
            raw = headers(rng, name, addr, "Forgot my password", dt, msgid) + text_part(
                "Hello,\n\nI forgot my password and cannot log in to the exam portal. Can you reset it please?\n\n"
                f"Thanks,\n{name}\n")
        else:
            complete = rng.random() < 0.6  # 38 of the 63 reports per 100 messages
            missing = set()
            if not complete:
                # The session ID and the screenshot are what people forget most; never the description.
                missing = set(rng.sample(["server", "detected_at", "user_id"] + ["session_id", "screenshots"] * 3,
                                         rng.randrange(1, 4))) or {"session_id"}
            kind = "complete-report" if not missing else "incomplete-report"
            ticket += 1
            values = report_values(rng, dt, missing)
            shots = [] if "screenshots" in missing else [screenshot(rng, n + 1) for n in range(rng.choice([1, 1, 1, 2]))]
            body = report_body(rng, values, name, "I would like to report a problem we had with a proctored exam.", shots)
            raw = headers(rng, name, addr, values["title"], dt, msgid) + body
            if missing:
                waiting.append((ticket, reporter, values["title"], msgid, values, sorted(missing)))
        data = crlf(raw)
        total += len(data)
        kinds[kind] = kinds.get(kind, 0) + 1
        with open(os.path.join(outdir, f"{index:010d}.eml"), "wb") as out:
            out.write(data)
    manifest = {"messages": count, "bytes": total, "seed": seed, "kinds": kinds, "tickets": ticket}
    with open(os.path.join(outdir, ".manifest.json"), "w") as out:
        json.dump(manifest, out, indent=1)
    return manifest


def huge(outdir: str, megabytes: int) -> dict:
    """One report whose attachments (five screenshots plus a log) add up to about `megabytes` MB."""
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random("huge")
    name, addr = person(1)
    dt = EPOCH
    raw_target = megabytes * 1_000_000 * 3 // 4  # base64 grows by 4/3
    shots = [(f"screen-{n}.png", make_png(rng, raw_target // 6), "image/png") for n in range(5)]
    log = "".join(f"2026-11-02T07:{n // 600 % 60:02d}:{n // 10 % 60:02d}Z client websocket reconnect attempt {n}\n"
                  for n in range(raw_target // 6 // 60))
    shots.append(("client.log", log.encode(), "text/plain"))
    values = report_values(rng, dt, set())
    body = report_body(random.Random(1), values, name, "Full recording and logs attached.", shots)
    data = crlf(headers(rng, name, addr, values["title"], dt, "huge@example.edu") + body)
    path = os.path.join(outdir, f"huge-{megabytes}mb.eml")
    with open(path, "wb") as out:
        out.write(data)
    return {"file": path, "bytes": len(data)}


def hostile(outdir: str) -> dict:
    """A handful of messages that stress structure rather than size (each well under 25 MB)."""
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random("hostile")
    name, addr = person(2)
    head = headers(rng, name, addr, "hostile", EPOCH, "hostile@example.edu")
    files = {}
    # 1. Nested multiparts 5,000 deep (the parser keeps the deepest levels as opaque bytes).
    depth = 5000
    text = "".join(f"Content-Type: multipart/mixed; boundary=\"b{n}\"\n\n--b{n}\n" for n in range(depth))
    text += "Content-Type: text/plain\n\ndeep\n" + "".join(f"--b{n}--\n" for n in reversed(range(depth)))
    files["deep-multipart-5000.eml"] = head + text
    # 2. message/rfc822 inside message/rfc822, 2,000 deep.
    inner = "Content-Type: text/plain\n\ninnermost\n"
    for n in range(2000):
        inner = f"Content-Type: message/rfc822\n\nSubject: level {n}\nFrom: a@example.org\n{inner}"
    files["deep-rfc822-2000.eml"] = head + inner
    # 3. 20,000 small parts in one multipart (over the default limit of 10,000 parts).
    files["wide-20000-parts.eml"] = head + multipart("mixed", "w", [f"Content-Type: text/plain\n\npart {n}"
                                                                 for n in range(20000)])
    # 4. 5,000 parts, each a small base64 image (within the part limit).
    files["wide-5000-images.eml"] = head + multipart("mixed", "i", [image_part(f"i{n}.png", make_png(rng, 600),
                                                                             "image/png") for n in range(5000)])
    # 5. 9,000 header lines and one 900 KB folded Subject.
    many = "".join(f"X-Trace-{n}: {'x' * 60}\n" for n in range(9000))
    long_subject = "Subject: " + "\n ".join("word" * 18 for _ in range(12000)) + "\n"
    files["many-headers.eml"] = received(rng, addr, EPOCH) + many + long_subject + f"From: {addr}\n" \
        + text_part("body\n")
    # 6. A 20 MB base64 attachment on a single line (no line breaks).
    blob = base64.b64encode(rng.randbytes(15_000_000)).decode()
    files["one-line-base64-20mb.eml"] = head + multipart("mixed", "l", [text_part("see attachment"),
                                                                       f"Content-Type: application/octet-stream\n"
                                                                       f"Content-Transfer-Encoding: base64\n\n{blob}"])
    out = {}
    for file, text in files.items():
        data = crlf(text)
        with open(os.path.join(outdir, file), "wb") as handle:
            handle.write(data)
        out[file] = len(data)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--huge", type=int, metavar="MB")
    parser.add_argument("--hostile", action="store_true")
    args = parser.parse_args()
    if args.huge:
        print(json.dumps(huge(args.outdir, args.huge)))
    elif args.hostile:
        print(json.dumps(hostile(args.outdir)))
    else:
        print(json.dumps(generate(args.outdir, args.messages, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
