#!/usr/bin/env python3
"""Screenshots of exam-proctoring trouble, rendered by headless Chromium from HTML pages written here, with the
values each one shows (the truth `eval_ocr.py` scores against).

    Tests/OCR/screenshots.py --out DIR [--count N] [--seed S]

Writes DIR/NNN-kind.png, DIR/NNN-kind.eml (an email that says only "see screenshot" with the image attached, dated
a few minutes after the screenshot) and DIR/truth.json. Deterministic for a seed. Kinds:

- `page`: a browser frame (tabs, address bar with the proctoring server's URL, sometimes the session in it) around
  an error or exam page in English, German, French, Spanish or Russian, light or dark, normal or small fonts, with
  a task-bar clock (Windows: time over date, bottom right), a macOS menu-bar clock (top right) or none;
- `photo`: the same page photographed: rotated, blurred, with noise and a vignette;
- negatives (`logo`, `noise`, `blank`, `gradient`, `chart`): images that must give no field at all.

Needs Debian's chromium and chromium-driver and Python's selenium (`make deps`).
"""

import argparse
import base64
import email.message
import email.policy
import email.utils
import html
import json
import os
import random
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone

LANGS = {
    "en": {
        "title": ["Connection to the proctoring server lost", "Your exam session could not be started",
                  "Camera check failed"],
        "session": ["Session ID", "Exam session", "Attempt ID"],
        "user": ["User ID", "Student ID", "Candidate ID"],
        "time": ["Time", "Timestamp"],
        "body": "Please contact support and quote the details below. Do not close this window.",
        "button": "Try again", "date": "%d/%m/%Y",
    },
    "de": {
        "title": ["Verbindung zum Prüfungsserver unterbrochen", "Die Prüfungssitzung konnte nicht gestartet werden"],
        "session": ["Sitzungs-ID", "Sitzungsnummer"],
        "user": ["Matrikelnummer", "Benutzer-ID", "Benutzerkennung"],
        "time": ["Zeit", "Zeitpunkt"],
        "body": "Bitte wenden Sie sich an den Support und geben Sie die folgenden Angaben an.",
        "button": "Erneut versuchen", "date": "%d.%m.%Y",
    },
    "fr": {
        "title": ["Connexion au serveur de surveillance perdue", "Impossible de démarrer la session d'examen"],
        "session": ["ID de session", "Identifiant de session"],
        "user": ["Identifiant", "Numéro étudiant"],
        "time": ["Heure", "Date et heure"],
        "body": "Veuillez contacter le support en indiquant les informations ci-dessous.",
        "button": "Réessayer", "date": "%d/%m/%Y",
    },
    "es": {
        "title": ["Se perdió la conexión con el servidor", "No se pudo iniciar la sesión de examen"],
        "session": ["ID de sesión", "Identificador de sesión"],
        "user": ["ID de usuario", "Usuario", "Matrícula"],
        "time": ["Hora", "Fecha y hora"],
        "body": "Póngase en contacto con soporte e indique los datos siguientes.",
        "button": "Reintentar", "date": "%d/%m/%Y",
    },
    "ru": {
        "title": ["Соединение с сервером прокторинга потеряно", "Не удалось начать сессию экзамена"],
        "session": ["ID сессии", "Идентификатор сессии"],
        "user": ["ID пользователя", "Логин"],
        "time": ["Время", "Дата и время"],
        "body": "Обратитесь в службу поддержки и сообщите данные ниже.",
        "button": "Повторить", "date": "%d.%m.%Y",
    },
}
ZONES = {"en": 0, "de": 60, "fr": 60, "es": 60, "ru": 180}
SUBS = ["proctor", "exam", "pruefung", "examen", "online-exam", "proctoring", "testing", "lms", "eassessment"]
ORGS = [("uni-mannheim", "de"), ("tu-berlin", "de"), ("univ-lyon2", "fr"), ("ucm", "es"), ("hse", "ru"),
        ("example-university", "edu"), ("polimi", "it"), ("kth", "se"), ("ucl", "ac.uk"), ("spbu", "ru"),
        ("uva", "nl"), ("unibo", "it"), ("proctorcloud", "com"), ("examhub", "io")]
PATHS = ["/exam/session", "/attempt/view.php", "/proctoring/room", "/quiz/start", "/lti/launch", "/test"]


def session_id(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return str(uuid.UUID(int=rng.getrandbits(128)))
    if kind == 1:
        return "sess_" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(12))
    if kind == 2:
        return "%x" % rng.getrandbits(48)
    return "S-%d-%06d" % (rng.randrange(2024, 2027), rng.randrange(10**6))


def user_id(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return "s%06d" % rng.randrange(10**6)
    if kind == 1:
        return "%07d" % rng.randrange(10**6, 10**7)
    if kind == 2:
        return rng.choice("ABKMT") + "%06d" % rng.randrange(10**6)
    return rng.choice(["ivanova", "petrov", "mueller", "garcia", "dupont", "smith"]) + "%02d" % rng.randrange(100)


def page_case(rng, number, photo=False):
    lang = rng.choice(list(LANGS))
    words = LANGS[lang]
    sub, (org, tld) = rng.choice(SUBS), rng.choice(ORGS)
    host = f"{sub}.{org}.{tld}"
    session, user = session_id(rng), user_id(rng)
    zone = timezone(timedelta(minutes=ZONES[lang]))
    shot = datetime(2026, rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(7, 20), rng.randrange(60),
                    rng.randrange(60), tzinfo=zone)
    sent = shot + timedelta(minutes=rng.randrange(3, 50))
    dark = rng.random() < 0.3
    small = rng.random() < 0.3
    clock = rng.choice(["windows", "windows", "mac", "none"])
    in_url = rng.random() < 0.35
    on_page = {"session": rng.random() < 0.85 or not in_url, "user": rng.random() < 0.8,
               "time": rng.random() < 0.35}
    size = rng.choice([(1920, 1080), (1920, 1080), (1920, 1080), (1366, 768), (1280, 800)])
    path = rng.choice(PATHS)
    url = f"https://{host}{path}" + (f"?sid={session}" if in_url else f"?id={rng.randrange(100, 9999)}")
    truth = {"server": host, "session_id": session if (on_page["session"] or in_url) else None,
             "user_id": user if on_page["user"] else None,
             "detected_at": shot.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M") if (
                 clock != "none" or on_page["time"]) else None}
    fg, bg, card, bar = ("#e8e8e8", "#1e1f22", "#2b2d31", "#35363a") if dark else ("#202124", "#ffffff", "#f4f6f8",
                                                                                    "#dee1e6")
    font = rng.choice(["Arial, sans-serif", "DejaVu Sans, sans-serif", "Liberation Serif, serif",
                       "Noto Sans, sans-serif"])
    base = 11 if small else rng.choice([14, 15, 16])
    rows = []
    if on_page["session"]:
        rows.append((rng.choice(words["session"]), session))
    if on_page["user"]:
        rows.append((rng.choice(words["user"]), user))
    if on_page["time"]:
        rows.append((rng.choice(words["time"]), shot.strftime("%Y-%m-%d %H:%M:%S")))
    rng.shuffle(rows)
    table = "".join(f"<tr><td class=k>{html.escape(k)}:</td><td class=v>{html.escape(v)}</td></tr>" for k, v in rows)
    decoys = "".join(f"<p>{html.escape(rng.choice(words['body']))}</p>" for _ in range(rng.randrange(2)))
    clock_html = ""
    if clock == "windows":
        date = shot.strftime(words["date"])
        clock_html = f"""<div class=taskbar><span class=start>&#9638;</span><span class=apps>&#9635; &#9635; &#9635;</span>
          <div class=tray>{'ENG' if lang == 'en' else lang.upper()} &nbsp; <div class=clock><div>{shot:%H:%M}</div>
          <div>{date}</div></div></div></div>"""
    menubar = ""
    if clock == "mac":
        stamp = shot.strftime("%a %-d %b  %H:%M")
        menubar = f"<div class=menubar><b>&#63743;</b> Chrome &nbsp; File &nbsp; Edit &nbsp; View<span>{stamp}</span></div>"
    width, height = size
    page = f"""<!doctype html><html lang={lang}><head><meta charset=utf-8><style>
      body {{ margin:0; font-family:{font}; background:{bg}; color:{fg}; font-size:{base}px;
             width:{width}px; height:{height}px; overflow:hidden; position:relative }}
      .menubar {{ height:24px; background:{'#2a2a2a' if dark else '#ececec'}; font-size:13px; padding:3px 12px;
                  box-sizing:border-box }}
      .menubar span {{ float:right }}
      .tabs {{ background:{bar}; height:34px; padding:6px 8px 0; box-sizing:border-box }}
      .tab {{ display:inline-block; background:{bg}; border-radius:8px 8px 0 0; padding:6px 16px; font-size:12px;
              width:200px }}
      .toolbar {{ background:{bg}; height:38px; padding:5px 10px; box-sizing:border-box;
                  border-bottom:1px solid {bar} }}
      .nav {{ display:inline-block; width:90px; color:#888; font-size:16px }}
      .omnibox {{ display:inline-block; background:{bar if dark else '#f1f3f4'}; border-radius:14px; padding:5px 14px;
                  width:{width - 260}px; font-size:14px; font-family:Arial, sans-serif }}
      .omnibox .lock {{ color:#888 }}
      .content {{ padding:{40 if small else 60}px {80 if small else 120}px }}
      h1 {{ font-size:{base + 12}px; font-weight:600 }}
      .card {{ background:{card}; border-radius:6px; padding:16px 24px; display:inline-block; margin-top:12px }}
      td {{ padding:4px 12px 4px 0 }} td.v {{ font-family:monospace; font-size:{base + 1}px }}
      button {{ margin-top:20px; padding:8px 18px; font-size:{base}px }}
      .taskbar {{ position:absolute; bottom:0; left:0; right:0; height:{40 if width > 1400 else 36}px;
                  background:{'#1c1c1c' if rng.random() < 0.6 else '#dfe6ef'};
                  color:{'#fff' if True else '#000'}; font-family:'Segoe UI', Arial, sans-serif; font-size:12px }}
      .taskbar .start {{ font-size:20px; padding:6px 14px; display:inline-block }}
      .taskbar .apps {{ font-size:18px; letter-spacing:8px }}
      .tray {{ position:absolute; right:14px; top:3px; text-align:center; display:flex; align-items:center; gap:12px }}
      .clock {{ text-align:center; line-height:16px }}
      </style></head><body>{menubar}
      <div class=tabs><span class=tab>{html.escape(rng.choice(words['title'])[:24])}…</span></div>
      <div class=toolbar><span class=nav>&#8592; &#8594; &#8635;</span><span class=omnibox><span class=lock>&#128274;</span>
        {html.escape(url)}</span></div>
      <div class=content><h1>{html.escape(rng.choice(words['title']))}</h1><p>{html.escape(words['body'])}</p>
        {decoys}<div class=card><table>{table}</table></div><br><button>{html.escape(words['button'])}</button></div>
      {clock_html}</body></html>"""
    if clock_html and ("#dfe6ef" in page):
        page = page.replace("color:#fff", "color:#000")
    style = ""
    if photo:
        angle = rng.uniform(-4, 4)
        style = (f"transform: perspective(1400px) rotateY({rng.uniform(-8, 8):.1f}deg) rotate({angle:.1f}deg) "
                 f"scale(0.82); filter: blur({rng.uniform(0.6, 1.4):.1f}px) brightness(0.85) contrast(0.9);")
    return {"kind": "photo" if photo else "page", "lang": lang, "dark": dark, "small": small, "clock": clock,
            "size": size, "html": page, "style": style, "truth": truth, "sent": sent, "url": url}


def negative_case(rng, kind):
    width, height = rng.choice([(1920, 1080), (1280, 800), (800, 600)])
    if kind == "logo":
        name = rng.choice(["ACME", "Northwind", "Globex", "Initech", "UNI"])
        body = f"""<div style="font:bold 120px Georgia,serif;color:#1a4d8f;text-align:center;margin-top:{height // 3}px">
          {name}<div style="font-size:28px;color:#777">since {rng.randrange(1900, 2000)}</div></div>"""
    elif kind == "noise":
        body = "<canvas id=c></canvas><script>let c=document.getElementById('c');c.width=innerWidth;c.height=innerHeight;" \
               "let x=c.getContext('2d');let d=x.createImageData(c.width,c.height);let s=%d;" \
               "for(let i=0;i<d.data.length;i++){s=(s*1103515245+12345)%%2147483648;d.data[i]=i%%4==3?255:s%%256}" \
               "x.putImageData(d,0,0)</script>" % rng.randrange(1, 10**6)
    elif kind == "gradient":
        body = f"<div style='width:100%;height:100%;background:radial-gradient(circle,#{rng.randrange(16**6):06x},#{rng.randrange(16**6):06x})'></div>"
    elif kind == "chart":
        bars = "".join(f"<div style='display:inline-block;width:40px;margin:0 8px;height:{rng.randrange(50, 600)}px;"
                       f"background:#{rng.randrange(16**6):06x}'></div>" for _ in range(14))
        body = f"<div style='position:absolute;bottom:40px;left:60px'>{bars}</div>"
    else:
        body = ""
    page = f"<!doctype html><html><head><meta charset=utf-8></head><body style='margin:0;width:{width}px;" \
           f"height:{height}px;overflow:hidden;position:relative;background:#fafafa'>{body}</body></html>"
    return {"kind": kind, "size": (width, height), "html": page, "style": "", "sent":
            datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc),
            "truth": {"server": None, "session_id": None, "user_id": None, "detected_at": None}}


def cases(count, seed):
    rng = random.Random(seed)
    result = []
    negatives = ["logo", "noise", "blank", "gradient", "chart"]
    for number in range(count):
        if number % 10 == 9:
            result.append(negative_case(rng, negatives[(number // 10) % len(negatives)]))
        elif number % 10 == 8 and number % 20 == 18:
            result.append(page_case(rng, number, photo=True))
        else:
            result.append(page_case(rng, number))
    return result


def render(all_cases, out):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--force-device-scale-factor=1"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    truth = {}
    try:
        with tempfile.TemporaryDirectory() as work:
            for number, case in enumerate(all_cases):
                name = f"{number:03d}-{case['kind']}"
                width, height = case["size"]
                page = case["html"]
                if case["style"]:
                    # A photo of the screen: the page in an iframe, transformed, on a dark desk.
                    inner = os.path.join(work, name + "-inner.html")
                    with open(inner, "w") as f:
                        f.write(page)
                    page = (f"<!doctype html><body style='margin:0;background:#3a3430;overflow:hidden;width:{width}px;"
                            f"height:{height}px'><iframe src='file://{inner}' style='border:0;width:{width}px;"
                            f"height:{height}px;{case['style']}'></iframe><div style='position:absolute;inset:0;"
                            f"background:radial-gradient(ellipse,transparent 55%,rgba(0,0,0,.45))'></div></body>")
                path = os.path.join(work, name + ".html")
                with open(path, "w") as f:
                    f.write(page)
                driver.set_window_size(width, height)
                # The window's inner size is what is captured: make the viewport exactly width × height.
                inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
                driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])
                driver.get("file://" + path)
                png = os.path.join(out, name + ".png")
                driver.save_screenshot(png)
                write_email(case, name, png, os.path.join(out, name + ".eml"))
                truth[name] = {key: case.get(key) for key in ["kind", "lang", "dark", "small", "clock", "url", "size"]
                               if key in case} | {"expected": case["truth"]}
    finally:
        driver.quit()
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)


def write_email(case, name, png, path):
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = "Candidate <candidate@example.net>"
    message["To"] = "helpdesk@example.com"
    message["Subject"] = "Problem with the exam"
    message["Date"] = email.utils.format_datetime(case["sent"])
    message["Message-ID"] = f"<{name}@example.net>"
    message.set_content("Hello,\n\nsee screenshot.\n")
    with open(png, "rb") as f:
        message.add_attachment(f.read(), maintype="image", subtype="png", filename="screenshot.png")
    with open(path, "wb") as f:
        f.write(message.as_bytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=21)
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    render(cases(arguments.count, arguments.seed), arguments.out)
    print(f"{arguments.count} screenshots in {arguments.out}")


if __name__ == "__main__":
    sys.exit(main())
