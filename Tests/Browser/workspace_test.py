#!/usr/bin/env python3
"""The staff web workspace in a real headless Chromium, against a real helpdeskd.

    Tests/Browser/workspace_test.py --bin PATH/helpdeskd [--screenshots DIR] [--keep]

Starts Dovecot (IMAP, as in `make demo`) with the sample emails in the inbox and the SMTP sink, runs
`helpdeskd run` with `[web] listen` set (intake, relay and the workspace in one service group) over a
temporary store, plus a second `helpdeskd web` process over the same store with a short session idle time,
then drives Chromium through Selenium: log in, queue order, search, open a ticket, screenshot rendered,
reply (reaches the sink threaded), note, ask for data, resolve with summary; and checks that CSRF, session
expiry, login throttling and file access without a session (or to another ticket's file) are refused.
Screenshots of the queue and a ticket page are written to --screenshots (README's "For support staff").

Needs root (Dovecot), Debian's chromium, chromium-driver, dovecot-imapd, python3-aiosmtpd, and Python's
selenium (`make deps` installs them). Exit status 0 when every check passed.
"""

import argparse
import email
import email.policy
import glob
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVERS = os.path.join(ROOT, "Tests", "Servers")
PASSWORD = "correct horse battery staple"

failures = []


def check(name, condition, detail=""):
    print(("ok     " if condition else "FAILED ") + name + ("" if condition else f"  ({detail})"), flush=True)
    if not condition:
        failures.append(name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def wait_for(predicate, seconds=30, step=0.25):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def queue_refs(driver):
    """The queue's ticket references, read in one script call: live updates may replace the rows at any time,
    so element handles taken one by one can go stale between two reads."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#queue tbody tr')).map(r => r.getAttribute('data-ref'))")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(url, data=None, cookies=None, headers=None):
    """(status, headers, body) of one request, redirects not followed."""
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode() if data is not None else None)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sink_messages(sink):
    messages = []
    for path in sorted(glob.glob(os.path.join(sink, "maildir", "new", "*.sink"))):
        with open(path, "rb") as f:
            messages.append(email.message_from_bytes(f.read(), policy=email.policy.default))
    return messages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--screenshots", default=os.path.join(ROOT, ".build", "web-screenshots"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)

    work = tempfile.mkdtemp(prefix="helpdeskd-browser.")
    os.chmod(work, 0o755)
    processes = []
    driver = None
    try:
        imap_port, smtp_port, web_port, web2_port = free_port(), free_port(), free_port(), free_port()
        os.makedirs(os.path.join(work, "dovecot"), mode=0o755)
        subprocess.run([os.path.join(SERVERS, "dovecot.sh"), "start", os.path.join(work, "dovecot"), str(imap_port)],
                       check=True, stdout=subprocess.DEVNULL)
        sink = os.path.join(work, "sink")
        processes.append(subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SERVERS, "smtp_sink.py"), "--dir", sink, "--port", str(smtp_port),
             "--watch-pid", str(os.getpid())],
            stdout=open(os.path.join(work, "sink.log"), "w"), stderr=subprocess.STDOUT))
        check("SMTP sink listens", wait_port(smtp_port))
        maildir = os.path.join(work, "dovecot", "home", "Maildir", "new")
        os.makedirs(maildir, exist_ok=True)
        samples = sorted(glob.glob(os.path.join(ROOT, "Samples", "*.eml")))
        for n, sample in enumerate(samples, 1):
            shutil.copy(sample, os.path.join(maildir, f"{n:010d}.test:2,"))
        subprocess.run(["chown", "-R", "nobody:nogroup", os.path.join(work, "dovecot", "home")], check=True)

        etc = os.path.join(work, "etc")
        os.makedirs(etc, mode=0o700)
        with open(os.path.join(etc, "imap.secret"), "w") as f:
            f.write("helpdesk-secret")
        base = f"""
[helpdesk]
address = "helpdesk@example.com"
name = "Example Helpdesk"
state_directory = "{work}/state"
[imap]
url = "imap://127.0.0.1:{imap_port}/INBOX"
user = "helpdesk"
password_file = "{etc}/imap.secret"
allow_plaintext = true
poll_interval = "1s"
[smtp]
url = "smtp://127.0.0.1:{smtp_port}"
tls = "none"
[web]
login_failures = 3
"""
        config = os.path.join(etc, "helpdeskd.toml")
        with open(config, "w") as f:
            f.write(base + f'listen = "127.0.0.1:{web_port}"\n')
        short = os.path.join(etc, "short-sessions.toml")
        with open(short, "w") as f:
            f.write(base + 'session_idle = "3s"\n')
        os.makedirs(os.path.join(work, "state"), mode=0o700)

        with open(os.path.join(etc, "olga.password"), "w") as f:
            f.write(PASSWORD + "\n")
        for name, role in (("olga", "admin"), ("ivan", "agent")):
            subprocess.run([binary, "staff", "add", name, "--role", role, "--email", f"{name}@example.com",
                            "--password-file", os.path.join(etc, "olga.password"), "--config", config], check=True)
        listed = subprocess.run([binary, "staff", "list", "--config", config], capture_output=True, text=True).stdout
        check("staff list shows the accounts", "olga" in listed and "admin" in listed and "ivan" in listed, listed)

        daemon_log = open(os.path.join(work, "daemon.log"), "w")
        processes.append(subprocess.Popen([binary, "run", "--config", config], stdout=daemon_log,
                                          stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen([binary, "web", "--config", short, "--listen", f"127.0.0.1:{web2_port}"],
                                          stdout=daemon_log, stderr=subprocess.STDOUT))
        check("the daemon serves the workspace", wait_port(web_port))
        check("helpdeskd web serves the workspace", wait_port(web2_port))

        def tickets():
            out = subprocess.run([binary, "tickets", "list", "--json", "--config", config], capture_output=True,
                                 text=True)
            return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else []

        check("intake opened the sample tickets", wait_for(lambda: len(tickets()) >= 7, 60), len(tickets()))
        web = f"http://localhost:{web_port}"

        # Without a session: pages send to the login form, files and actions are refused.
        status, headers, _ = http(web + "/tickets/HD-000001")
        check("a page without a session redirects to the login", status == 303 and
              headers.get("Location", "").startswith("/login"), status)
        status, _, _ = http(web + "/tickets/HD-000001/files/1")
        check("a file without a session is refused", status == 401, status)
        status, _, _ = http(web + "/tickets/HD-000001/note", data={"body": "x", "csrf": "x"})
        check("an action without a session is refused", status == 401, status)

        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.implicitly_wait(5)

        def login(base_url, user="olga", password=PASSWORD):
            driver.get(base_url + "/login")
            driver.find_element(By.NAME, "username").send_keys(user)
            driver.find_element(By.NAME, "password").send_keys(password)
            button = driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
            button.click()
            # The answer replaced the page: a next attempt must not cut this one's request short. Chromium reports a
            # detached button as stale or as "node does not belong to the document": either means the page changed.
            def replaced(_):
                try:
                    button.is_enabled()
                    return False
                except WebDriverException:
                    return True

            WebDriverWait(driver, 10).until(replaced)

        login(web, password="wrong password, sorry")
        check("a wrong password is refused", "Wrong name or password" in driver.page_source)
        login(web)
        check("login leads to the queue", driver.find_elements(By.ID, "queue") != [], driver.current_url)
        cookie = next((c for c in driver.get_cookies() if c["name"].endswith("helpdeskd")), None)
        check("the session cookie is Secure, HttpOnly, SameSite=Strict, __Host-",
              cookie is not None and cookie["name"] == "__Host-helpdeskd" and cookie.get("secure")
              and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict", cookie)
        session = {cookie["name"]: cookie["value"]} if cookie else {}

        # Queue order: the due times the CLI reports, soonest first; open and suspended tickets only.
        refs = queue_refs(driver)
        listed = tickets()
        due = {t["ref"]: t["due_at"] for t in listed}
        working = [t for t in listed if t["status"] in ("open", "suspended")]
        expected = [t["ref"] for t in sorted(working, key=lambda t: (t["due_at"] is None, t["due_at"] or "",
                                                                       t["ref"]))]
        check("the queue is sorted by time left", refs == expected, f"{refs} != {expected}")
        critical = [t["ref"] for t in listed if t["severity"] == "critical"]
        check("critical tickets are highlighted",
              all("critical" in driver.find_element(By.CSS_SELECTOR, f'tr[data-ref="{r}"]').get_attribute("class")
                  for r in critical) and critical != [], critical)
        counts = driver.find_element(By.CSS_SELECTOR, "ul.counts").text
        check("counts per status", "open" in counts and "redirected" in counts, counts)
        os.makedirs(args.screenshots, exist_ok=True)
        driver.save_screenshot(os.path.join(args.screenshots, "queue.png"))

        # Live queue: a new email becomes a row without a reload (server-sent events).
        driver.get(web + "/")
        time.sleep(1)
        new_mail = ("From: Priya Raman <p.raman@example.edu>\r\nTo: helpdesk@example.com\r\n"
                    "Subject: Microphone check fails before the oral exam\r\n"
                    "Message-ID: <live-1@example.edu>\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                    "The microphone check fails for one student before the oral exam.\r\n")
        path = os.path.join(maildir, "0000000099.live:2,")
        with open(path, "w") as f:
            f.write(new_mail)
        subprocess.run(["chown", "nobody:nogroup", path], check=True)
        live = wait_for(lambda: driver.find_element(By.ID, "live").text, 40)
        check("a new ticket appears in the open queue without a reload", live.startswith("New ticket HD-")
              and "Microphone check" in driver.find_element(By.ID, "queue").text, live)

        # Search (FTS5): a word of one subject finds that ticket alone.
        search = driver.find_element(By.NAME, "q")
        search.send_keys("camera feed")
        driver.find_element(By.CSS_SELECTOR, "form.filters button").click()
        # The search is a new page: wait for it before reading its rows.
        wait_for(lambda: "q=" in driver.current_url
                 and driver.execute_script("return document.readyState") == "complete", 10)
        found = wait_for(lambda: queue_refs(driver) == ["HD-000001"] and queue_refs(driver), 5) or queue_refs(driver)
        check("search finds the ticket by its subject", found == ["HD-000001"], found)
        driver.get(web + "/?q=okafor")
        found = queue_refs(driver)
        check("search finds the ticket by its reporter", found == ["HD-000002"], found)

        # The ticket page: fields with their source, screenshot rendered, audited.
        driver.get(web + "/")
        driver.find_element(By.LINK_TEXT, "HD-000001").click()
        check("the ticket page opens", "HD-000001" in driver.find_element(By.TAG_NAME, "h1").text)
        sources = driver.find_element(By.CSS_SELECTOR, "table.fields").text
        check("fields show where they came from", "m.ellison@example.edu" in sources and "label" in sources,
              sources[:300])
        image = driver.find_element(By.CSS_SELECTOR, "figure.shot img")
        driver.execute_script("arguments[0].scrollIntoView()", image)
        loaded = wait_for(lambda: driver.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", image), 10)
        check("the screenshot renders", loaded == 1920, loaded)
        image_url = image.get_attribute("src")
        status, headers, _ = http(image_url, cookies=session)
        check("the image is served inline, nosniff, sandboxed, as PNG",
              status == 200 and headers.get("Content-Type") == "image/png"
              and headers.get("X-Content-Type-Options") == "nosniff"
              and headers.get("Content-Disposition", "").startswith("inline")
              and "sandbox" in headers.get("Content-Security-Policy", ""), dict(headers or {}))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.set_window_size(1280, 1400)
        driver.save_screenshot(os.path.join(args.screenshots, "ticket.png"))
        driver.set_window_size(1280, 900)
        other = image_url.replace("HD-000001", "HD-000002")
        status, _, _ = http(other, cookies=session)
        check("another ticket's file is refused", status == 404, status)

        # Reply: queued as kind reply and delivered threaded to the reporter's message.
        before = len(sink_messages(sink))
        driver.find_element(By.NAME, "body").send_keys("We restarted the proctoring session.\nPlease try again.")
        driver.find_element(By.XPATH, "//button[text()='Send reply']").click()
        wait_for(lambda: "Reply queued" in driver.page_source, 10)
        check("the reply is confirmed", "Reply queued" in driver.page_source)
        reply = wait_for(lambda: next((m for m in sink_messages(sink)[before:] if "restarted the proctoring"
                                       in m.get_body(("plain",)).get_content()), None), 40)
        check("the reply reaches the SMTP sink", reply is not None)
        if reply is not None:
            check("the reply is threaded to the reporter's message",
                  reply["In-Reply-To"] == "<5b0e3c1d-8a27-4f6b-9c43-2e7d1f0a9b68@example.edu>"
                  and "[HD-000001]" in reply["Subject"] and reply["To"] == "m.ellison@example.edu"
                  and "HD-000001" in reply["Message-ID"] and reply["Auto-Submitted"] is None,
                  f'{reply["In-Reply-To"]} {reply["Subject"]} {reply["Message-ID"]}')
        outbox = subprocess.run([binary, "outbox", "list", "--json", "--config", config], capture_output=True,
                                text=True).stdout
        check("the outbox has a reply", any(r["kind"] == "reply" for r in json.loads(outbox)))

        # Note: on the audit trail, never emailed.
        before = len(sink_messages(sink))
        driver.find_element(By.ID, "note-body").send_keys("Called the exam office.")
        driver.find_element(By.XPATH, "//button[text()='Add note']").click()
        wait_for(lambda: "Note added." in driver.page_source, 10)
        events = driver.find_element(By.CSS_SELECTOR, "ol.events").text
        check("the note is on the audit trail with its author", "olga: Called the exam office." in events)
        # Views are written in batches once a second (ViewAudit): reload until the file view's batch is in.
        def audited_views():
            # Until the first batch is in, the page has no list of views at all.
            found = driver.find_elements(By.CSS_SELECTOR, "details.views")
            text = found[0].get_attribute("textContent") if found else ""
            if "file camera-error-s2219874.png by olga" in text:
                return text
            time.sleep(0.5)
            driver.get(web + "/tickets/HD-000001")
            return None
        views = wait_for(audited_views, 10) or "".join(
            element.get_attribute("textContent") for element in driver.find_elements(By.CSS_SELECTOR, "details.views"))
        check("viewing the ticket and its screenshot is audited", "Personal data viewed" in views
              and "ticket page by olga" in views and "file camera-error-s2219874.png by olga" in views, views[:300])

        # Ask for missing data: the ticket waits and the reporter is asked.
        driver.get(web + "/tickets/HD-000003")
        driver.find_element(By.CSS_SELECTOR, "input[name=field][value=session_id]").click()
        driver.find_element(By.XPATH, "//button[text()='Ask the reporter']").click()
        wait_for(lambda: "Information request queued." in driver.page_source, 10)
        check("asking suspends the ticket", driver.find_element(By.CSS_SELECTOR, "dd.status").text == "suspended")
        ask = wait_for(lambda: next((m for m in sink_messages(sink)[before:] if "[HD-000003]" in m["Subject"]), None),
                       40)
        check("the information request reaches the reporter", ask is not None and
              "session" in ask.get_body(("plain",)).get_content().lower())

        # Resolve with a summary, emailed.
        driver.get(web + "/tickets/HD-000001")
        driver.find_element(By.ID, "summary").send_keys("The proctoring proxy was restarted; the session resumed.")
        driver.find_element(By.XPATH, "//button[text()='Resolve and send summary']").click()
        wait_for(lambda: "Resolved; the summary" in driver.page_source, 10)
        check("resolving marks the ticket resolved",
              driver.find_element(By.CSS_SELECTOR, "dd.status").text == "resolved")
        summary = wait_for(lambda: next((m for m in sink_messages(sink) if "proxy was restarted" in
                                         m.get_body(("plain",)).get_content()), None), 40)
        check("the summary reaches the reporter", summary is not None)

        # The same actions from the command line, for scripts.
        with open(os.path.join(work, "note.txt"), "w") as f:
            f.write("Escalated to the exam board.\n")
        with open(os.path.join(work, "reply.txt"), "w") as f:
            f.write("Your identity check is fixed; please start again.\n")
        cli = [["tickets", "note", "HD-000005", "--body-file", os.path.join(work, "note.txt")],
               ["tickets", "assign", "HD-000005", "ivan"],
               ["tickets", "reply", "HD-000005", "--body-file", os.path.join(work, "reply.txt")],
               ["tickets", "resolve", "HD-000006", "--summary-file", os.path.join(work, "note.txt")]]
        for command in cli:
            done = subprocess.run([binary] + command + ["--config", config], capture_output=True, text=True)
            check("helpdeskd " + " ".join(command[:2]) + " works", done.returncode == 0, done.stderr)
        driver.get(web + "/tickets/HD-000005")
        page = driver.find_element(By.TAG_NAME, "main").text
        check("command-line actions show on the ticket page", "Escalated to the exam board." in page
              and "ivan" in driver.find_element(By.CSS_SELECTOR, "dl.summary").text, page[:200])
        cli_reply = wait_for(lambda: next((m for m in sink_messages(sink) if "identity check is fixed" in
                                           m.get_body(("plain",)).get_content()), None), 40)
        check("the command-line reply reaches the reporter threaded", cli_reply is not None
              and cli_reply["In-Reply-To"] == "<1795361024.20241118104412@training.example.org>",
              cli_reply and cli_reply["In-Reply-To"])
        bad = subprocess.run([binary, "tickets", "assign", "HD-000005", "nobody-here", "--config", config],
                             capture_output=True, text=True)
        check("assigning to an unknown staff member fails", bad.returncode != 0 and "no staff member" in bad.stderr,
              bad.stderr)

        # CSRF: the session cookie alone does not make a form valid.
        status, _, _ = http(web + "/tickets/HD-000005/note", data={"body": "forged", "csrf": "0" * 64},
                            cookies=session)
        check("a form without the session's CSRF token is refused", status == 403, status)
        status, _, _ = http(web + "/tickets/HD-000005/note", data={"body": "forged"}, cookies=session)
        check("a form with no CSRF token is refused", status == 403, status)
        status, _, _ = http(web + "/login", data={"username": "olga", "password": PASSWORD, "csrf": "x"})
        check("a login without its CSRF cookie is refused", status == 403, status)
        status, headers, body = http(web + "/", cookies=session)
        check("pages carry a strict CSP and nosniff", "default-src 'none'" in headers.get(
            "Content-Security-Policy", "") and headers.get("X-Content-Type-Options") == "nosniff")

        # Session expiry: idle for longer than session_idle (3 s on the second process) logs out.
        web2 = f"http://localhost:{web2_port}"
        # Cookies are per host, not per port: start the second process's session from a clean browser.
        driver.delete_all_cookies()
        login(web2)
        check("the second process logs in", driver.find_elements(By.ID, "queue") != [], driver.current_url)
        time.sleep(5)
        driver.get(web2 + "/tickets/HD-000002")
        check("an idle session expires", "/login" in driver.current_url, driver.current_url)

        # Login throttling: after login_failures (3) failures, even the right password is refused for a while.
        for _ in range(3):
            login(web, user="ivan", password="not the password")
        login(web, user="ivan")
        check("logins are throttled after repeated failures", "Too many failed logins" in driver.page_source)
    finally:
        if driver is not None:
            driver.quit()
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run([os.path.join(SERVERS, "dovecot.sh"), "stop", os.path.join(work, "dovecot"), "--now"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.keep or failures:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all browser checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
