#!/usr/bin/env python3
"""Per-field precision and recall of `helpdeskd extract` on the evaluation corpus (Tests/Evaluation/README.md).

    Tests/Evaluation/eval_extract.py --bin PATH/helpdeskd [--part dev|heldout|both] [--failures FIELD|all]
                                     [--json OUT]

Precision: of the values helpdeskd gave, how many are right. Recall: of the values the email holds, how many
helpdeskd gave right. Fields are scored on mail a person wrote (expected `automated: false`); machine mail is
never answered, so what matters there is recognising it (the `automated` row). `--failures` prints the cases a
field got wrong, for the development part only unless `--part heldout` is asked for explicitly (look at the
held-out failures only after a change is finished).
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = {"dev": os.path.join(HERE, "extraction", "dev"), "heldout": os.path.join(HERE, "extraction", "heldout")}
FIELDS = ["server", "detected_at", "session_id", "user_id", "screenshots", "description"]
TRIAGE = ["severity", "automated", "password_request", "ticket_ref"]


def host(value):
    if not value:
        return None
    text = value.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        name = urlsplit(text).hostname
    except ValueError:
        return None
    return name.lower().rstrip(".") if name else None


def minute(value):
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M")


def extract(binary, path):
    # The helpdesk's name and address as the corpus's conventions give them (our quoted answers name us so).
    config = os.path.join(HERE, "helpdeskd.toml")
    proc = subprocess.run([binary, "extract", "--config", config, path], capture_output=True, timeout=120)
    if proc.returncode != 0:
        return {"error": proc.stderr.decode(errors="replace")[-300:]}
    return json.loads(proc.stdout)


def predicted(report):
    """The report's answers in the label's terms."""
    fields = report.get("fields", {})
    shots = fields.get("screenshots") or []
    return {
        "server": host(fields.get("server")),
        "detected_at": minute(fields.get("detected_at")),
        "session_id": fields.get("session_id"),
        "user_id": fields.get("user_id"),
        "screenshots": len(shots),
        "description": bool(fields.get("description")),
        "severity": report.get("severity"),
        "automated": report.get("automated") is not None,
        "password_request": report.get("category") == "password-reset",
        "ticket_ref": report.get("ticket_ref"),
    }


def expected(label):
    want = dict(label["expected"])
    want["server"] = host(want.get("server"))
    want["detected_at"] = minute(want.get("detected_at"))
    return want


def judge(field, want, got):
    """(has_expected, has_predicted, correct)"""
    if field == "screenshots":
        return want > 0, got > 0, want > 0 and got > 0
    if field == "description":
        return bool(want), bool(got), bool(want) and bool(got)
    if field in ("session_id", "user_id") and isinstance(want, list):
        wanted = [str(v).strip() for v in want]
        return bool(wanted), got is not None, got is not None and got.strip() in wanted
    has_want = want is not None and want != ""
    has_got = got is not None and got != ""
    if not (has_want and has_got):
        return has_want, has_got, False
    if field in ("session_id", "user_id"):
        return True, True, str(want).strip() == str(got).strip()
    return True, True, want == got


def score(cases):
    rows = {}
    for field in FIELDS:
        tp = want_n = got_n = 0
        for case in cases:
            if case["want"]["automated"]:
                continue
            has_want, has_got, correct = judge(field, case["want"][field], case["got"][field])
            want_n += has_want
            got_n += has_got
            tp += correct
        rows[field] = (tp, got_n, want_n)
    accuracy = {}
    for field in TRIAGE:
        pool = [c for c in cases if field in ("automated",) or not c["want"]["automated"]]
        right = sum(1 for c in pool if c["want"][field] == c["got"][field])
        accuracy[field] = (right, len(pool))
    human = [c for c in cases if not c["want"]["automated"]]
    asked = 0  # people asked for something they had sent
    for case in human:
        if case["got"]["automated"] or case["got"]["password_request"]:
            continue
        if any(judge(f, case["want"][f], case["got"][f])[0] and not judge(f, case["want"][f], case["got"][f])[1]
               for f in FIELDS):
            asked += 1
    complete = [c for c in human if all(judge(f, c["want"][f], c["got"][f])[0] for f in FIELDS)
                and not c["want"]["password_request"]]
    suspended = sum(1 for c in complete if not all(judge(f, c["want"][f], c["got"][f])[1] for f in FIELDS))
    return rows, accuracy, {"human": len(human), "asked_for_what_they_sent": asked, "complete": len(complete),
                            "complete_suspended": suspended}


def pct(a, b):
    return "—" if b == 0 else "%.1f%%" % (100.0 * a / b)


def table(name, rows, accuracy, headline):
    lines = ["### %s" % name, "", "| field | precision | recall | right / given / in mail |", "| --- | ---: | ---: | --- |"]
    for field in FIELDS:
        tp, got_n, want_n = rows[field]
        lines.append("| %s | %s | %s | %d / %d / %d |" % (field, pct(tp, got_n), pct(tp, want_n), tp, got_n, want_n))
    for field in TRIAGE:
        right, total = accuracy[field]
        lines.append("| %s (accuracy) | %s | | %d / %d |" % (field, pct(right, total), right, total))
    lines.append("")
    lines.append("%d emails written by people: %d would be asked for something they had sent; %d of %d complete "
                 "reports would be suspended." % (headline["human"], headline["asked_for_what_they_sent"],
                                                   headline["complete_suspended"], headline["complete"]))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--part", default="both", choices=["dev", "heldout", "both"])
    parser.add_argument("--failures", default=None, help="a field, or all")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    parts = ["dev", "heldout"] if args.part == "both" else [args.part]
    results = {}
    for part in parts:
        folder = PARTS[part]
        names = sorted(f[:-len(".eml")] for f in os.listdir(folder) if f.endswith(".eml"))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            reports = list(pool.map(lambda n: extract(args.bin, os.path.join(folder, n + ".eml")), names))
        cases = []
        for name, report in zip(names, reports):
            with open(os.path.join(folder, name + ".label.json"), encoding="utf-8") as handle:
                label = json.load(handle)
            if "error" in report:
                print("%s/%s: extract failed: %s" % (part, name, report["error"]), file=sys.stderr)
                continue
            cases.append({"name": name, "want": expected(label), "got": predicted(report), "raw": report})
        results[part] = cases
        rows, accuracy, headline = score(cases)
        print(table("%s (%d emails)" % (part, len(cases)), rows, accuracy, headline))
        print()
    if args.failures:
        shown = [p for p in parts if p == "dev" or args.part == "heldout"]
        for part in shown:
            for case in results[part]:
                fields = FIELDS + TRIAGE if args.failures == "all" else [args.failures]
                for field in fields:
                    want, got = case["want"][field], case["got"][field]
                    if field in FIELDS:
                        if case["want"]["automated"]:
                            continue
                        has_want, has_got, correct = judge(field, want, got)
                        if correct or (not has_want and not has_got):
                            continue
                    elif want == got or (field != "automated" and case["want"]["automated"]):
                        continue
                    print("%s %-40s %-16s want %-40r got %r" % (part, case["name"], field, want, got))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({part: [{"name": c["name"], "want": c["want"], "got": c["got"]} for c in cases]
                       for part, cases in results.items()}, out, indent=1, default=str)


if __name__ == "__main__":
    main()
