#!/usr/bin/env python3
"""Writes helpdeskd.8 and helpdeskd.toml.5.

helpdeskd.8 comes from the binary's own help (`helpdeskd --experimental-dump-help`: the same abstracts,
discussions and options `--help` prints, as JSON), so the page never disagrees with the program.
helpdeskd.toml.5 comes from Samples/helpdeskd.toml, whose comments document every key with its default.

Usage: manpages.py BINARY SAMPLE_TOML OUTDIR VERSION DATE
"""
import json
import re
import subprocess
import sys


def roff(text):
    """Text escaped for roff: backslashes, hyphens in words, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def paragraphs(text):
    """Discussion text: blank lines separate paragraphs; lines inside one are joined."""
    result = []
    for block in re.split(r"\n\s*\n", text.strip()):
        result.append(" ".join(line.strip() for line in block.split("\n")))
    return [p for p in result if p]


def option_label(argument):
    names = argument.get("names", [])
    spelled = []
    for name in names:
        prefix = "-" if name["kind"] == "short" else "--"
        spelled.append("\\fB" + roff(prefix + name["name"]) + "\\fR")
    label = ", ".join(spelled)
    if argument["kind"] == "option":
        label += " \\fI" + roff(argument.get("valueName", "value")) + "\\fR"
    if argument["kind"] == "positional":
        label = "\\fI" + roff(argument.get("valueName", "argument")) + "\\fR" + (" ..." if argument.get("isRepeating") else "")
    return label


def synopsis(path, command):
    parts = ["\\fB" + roff(" ".join(path)) + "\\fR"]
    for argument in command.get("arguments", []):
        if not argument.get("shouldDisplay", True) or argument.get("valueName") in ("help", "version"):
            continue
        label = option_label(argument)
        if argument["kind"] != "positional":
            label = label.split(", ")[-1]
        parts.append("[" + label + "]" if argument.get("isOptional") else label)
    return " ".join(parts)


def command_section(out, path, command):
    subcommands = [s for s in command.get("subcommands", []) if s.get("shouldDisplay", True) and s["commandName"] != "help"]
    if not subcommands or command.get("arguments"):
        out.append('.SS "' + roff(" ".join(path)) + '"')
        out.append(synopsis(path, command))
        out.append(".PP")
        out.append(roff(command.get("abstract", "")))
        for paragraph in paragraphs(command.get("discussion", "")):
            out.append(".PP")
            out.append(roff(paragraph))
        for argument in command.get("arguments", []):
            if not argument.get("shouldDisplay", True) or argument.get("valueName") in ("help", "version"):
                continue
            out.append(".TP")
            out.append(option_label(argument))
            abstract = argument.get("abstract", "")
            if "defaultValue" in argument and argument["defaultValue"] not in ("", "false"):
                abstract += " (default: " + argument["defaultValue"] + ")"
            out.append(roff(abstract))
    for sub in subcommands:
        command_section(out, path + [sub["commandName"]], sub)


def helpdeskd_page(binary, version, date):
    dump = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True).stdout)
    root = dump["command"]
    out = [
        '.TH HELPDESKD 8 "%s" "helpdeskd %s" "System Administration"' % (date, version),
        ".SH NAME",
        "helpdeskd \\- " + roff(root["abstract"].rstrip(".").lower()[0] + root["abstract"].rstrip(".")[1:]),
        ".SH SYNOPSIS",
        "\\fBhelpdeskd\\fR \\fIcommand\\fR [\\fIoptions\\fR]",
        ".SH DESCRIPTION",
    ]
    for paragraph in paragraphs(root.get("discussion", "")):
        out += [roff(paragraph), ".PP"]
    out += [
        "Commands that use the store take \\fB\\-\\-config\\fR \\fIfile\\fR (default /etc/helpdeskd/helpdeskd.toml) and",
        "\\fB\\-\\-db\\fR \\fIfile\\fR (default helpdeskd.sqlite in the configured state directory).",
        "Run them as the store's owner: \\fBsudo \\-u helpdeskd helpdeskd status\\fR;",
        "\\fBbackup\\fR and \\fBrestore\\fR run as root.",
        ".SH COMMANDS",
    ]
    for sub in root["subcommands"]:
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            command_section(out, ["helpdeskd", sub["commandName"]], sub)
    out += [
        ".SH FILES",
        ".TP", "/etc/helpdeskd/helpdeskd.toml", "The configuration; see \\fBhelpdeskd.toml\\fR(5).",
        ".TP", "/etc/helpdeskd/imap.secret, smtp.secret, imap.token, hmac.key",
        "Secrets, root's alone (mode 0600); systemd hands them to the service with LoadCredential=.",
        ".TP", "/var/lib/helpdeskd/helpdeskd.sqlite",
        "The store: tickets, messages, attachments, events, answers (with its \\-wal and \\-shm journals).",
        ".TP", "/var/lib/helpdeskd/helpdeskd.sqlite\\-relay\\-journal",
        "Answers being sent, before they are recorded in the store.",
        ".TP", "/var/lib/helpdeskd/helpdeskd.sqlite\\-erasures",
        "One line per \\fBsubject erase\\fR (date and the address's SHA\\-256), replayed after a restore.",
        ".TP", "/var/backups/helpdeskd",
        "Nightly archives of \\fBhelpdeskd\\-backup.timer\\fR.",
        ".SH EXIT STATUS",
        "0 on success; 1 when a command failed or found a problem (\\fBcheck\\-config\\fR, \\fBsubject erase\\fR);",
        "64 for a usage error.",
        ".SH SEE ALSO",
        "\\fBhelpdeskd.toml\\fR(5), \\fBsystemctl\\fR(1), \\fBjournalctl\\fR(1),",
        "/usr/share/doc/helpdeskd/README.md.gz",
    ]
    return "\n".join(out) + "\n"


def toml_page(sample, version, date):
    lines = open(sample, encoding="utf-8").read().split("\n")
    out = [
        '.TH HELPDESKD.TOML 5 "%s" "helpdeskd %s" "File Formats"' % (date, version),
        ".SH NAME",
        "helpdeskd.toml \\- configuration of the helpdeskd email intake daemon",
        ".SH SYNOPSIS",
        "/etc/helpdeskd/helpdeskd.toml",
        ".SH DESCRIPTION",
    ]
    comments = []
    in_code = False

    def flush_paragraph():
        nonlocal comments
        text, code = [], []
        for comment in comments:
            is_code = bool(re.match(r"^\[|^\w+ = |^\s", comment))
            if is_code:
                if text:
                    out.append(roff(" ".join(text)))
                    text = []
                code.append(comment)
            else:
                if code:
                    out.extend([".PP", ".nf", roff("\n".join(code)), ".fi", ".PP"])
                    code = []
                if comment == "":
                    if text:
                        out.extend([roff(" ".join(text)), ".PP"])
                        text = []
                else:
                    text.append(comment)
        if text:
            out.append(roff(" ".join(text)))
        if code:
            out.extend([".PP", ".nf", roff("\n".join(code)), ".fi"])
        comments = []

    section_seen = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            comments.append(stripped[1:].strip() if not stripped.startswith("# ") else stripped[2:].rstrip())
            continue
        if not stripped:
            if comments and not section_seen:
                flush_paragraph()
                out.append(".PP")
            elif comments:
                comments.append("")
            continue
        match = re.match(r"^\[(\[?[\w.]+\]?)\]$", stripped)
        if match:
            if comments:
                out.append(".PP")
                flush_paragraph()
            if not section_seen:
                out.append(".SH SECTIONS")
            section_seen = True
            out.append('.SS "[' + roff(match.group(1)) + ']"')
            continue
        key, _, value = stripped.partition("=")
        out.append(".TP")
        out.append("\\fB" + roff(key.strip()) + "\\fR = " + roff(value.strip()))
        out.append(roff(" ".join(c for c in comments if c)))
        comments = []
    if comments:
        out.append(".PP")
        flush_paragraph()
    out += [
        ".SH SEE ALSO",
        "\\fBhelpdeskd\\fR(8); the sample with every key: /usr/share/doc/helpdeskd/examples/helpdeskd.toml",
    ]
    return "\n".join(out) + "\n"


def main():
    binary, sample, outdir, version, date = sys.argv[1:6]
    with open(outdir + "/helpdeskd.8", "w", encoding="utf-8") as page:
        page.write(helpdeskd_page(binary, version, date))
    with open(outdir + "/helpdeskd.toml.5", "w", encoding="utf-8") as page:
        page.write(toml_page(sample, version, date))


if __name__ == "__main__":
    main()
