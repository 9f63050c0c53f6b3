#!/usr/bin/env python3
"""Deterministic corpus of helpdesk mail for the parse benchmark.

    bench/corpus.py OUTDIR [--seed 42] [--messages N]
                           [--attachment-messages N] [--text-messages N]

Writes two subsets, one message per .eml file, CRLF line endings throughout:

  OUTDIR/attachments/NNNN.eml        ~300 messages, ~100 MB: reports with 1-3 PNG/JPEG
                                     screenshots (50-500 KB each, base64, 76-char lines),
                                     Outlook inline images (multipart/related), forwarded
                                     messages (message/rfc822 that carry a screenshot)
  OUTDIR/text/NN/NNNNN.eml           ~20,000 messages of 2-8 KB, no attachments: plain
                                     text reports, multipart/alternative with HTML (Gmail-,
                                     Thunderbird- and Outlook-style), replies with quoting
  OUTDIR/manifest.json               what was generated, per subset: messages, bytes, leaf
                                     parts (counted as bench/README.md defines them)

Headers look like real mail: Received chains, DKIM-Signature, ARC, Message-ID, References,
RFC 2047 subjects and display names in UTF-8 (B and Q), KOI8-R, windows-1251, ISO-8859-1,
ISO-2022-JP and GB2312; bodies in the same charsets as 7bit, 8bit, quoted-printable or
base64. Images are a valid PNG/JPEG header followed by pseudo-random IDAT/scan data:
parsers do not decode images, and random bytes cost what compressed pixels cost.

Deterministic: the same seed and counts give byte-identical files on any machine. Every
message draws from its own random.Random seeded with (seed, subset, index), so the first N
messages do not change when more are asked for. Only the standard library is used.

--messages N is the total over both subsets, split 300 : 20,000 as the defaults are (each
subset gets at least one); --attachment-messages / --text-messages set a subset directly.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import random
import shutil
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone

DEFAULT_ATTACHMENT_MESSAGES = 300
DEFAULT_TEXT_MESSAGES = 20_000
TEXT_SHARD = 1000  # files per directory in text/

HELPDESK = ("IT Service Desk", "helpdesk@support.example.com")
HELPDESK_HOST = "support.example.com"

# --------------------------------------------------------------------------------------
# Languages: names (native, latin for the address), subjects, sentences, and the charsets
# and transfer encodings real mailers use for them: (charset, header encoding, body CTE, weight).
# --------------------------------------------------------------------------------------

LOCALES = {
    "en": {
        "weight": 40,
        "first": [("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"),
                  ("Michael", "michael"), ("Jennifer", "jennifer"), ("David", "david"), ("Linda", "linda"),
                  ("William", "william"), ("Sarah", "sarah"), ("Thomas", "thomas"), ("Karen", "karen"),
                  ("Daniel", "daniel"), ("Nancy", "nancy"), ("Matthew", "matthew"), ("Susan", "susan")],
        "last": [("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"),
                 ("Miller", "miller"), ("Davis", "davis"), ("Wilson", "wilson"), ("Anderson", "anderson"),
                 ("Taylor", "taylor"), ("Moore", "moore"), ("Jackson", "jackson"), ("O'Brien", "obrien"),
                 ("Thompson", "thompson"), ("Harris", "harris"), ("Clark", "clark"), ("Walker", "walker")],
        "name_order": "first-last",
        "domains": ["acme-corp.example", "globex.example", "initech.example", "example.com", "example.org"],
        "subjects": [
            "Cannot log in after password reset", "VPN disconnects every few minutes",
            "Outlook keeps asking for my password", "Printer on 3rd floor shows error 50.4",
            "ERP client crashes when exporting invoices", "Request: access to the shared finance drive",
            "Laptop very slow since last update", "Teams meetings have no audio",
            "MFA codes not arriving on my phone", "Urgent: payroll system down for the whole team",
            "Blue screen (IRQL_NOT_LESS_OR_EQUAL) on startup", "Cannot open attachments in the web portal",
            "New starter needs an account and a laptop", "Calendar invites not syncing to mobile",
        ],
        "sentences": [
            "Since this morning I can't log in to the VPN client; it fails with error 809 after about 30 seconds.",
            "I have already restarted the laptop twice, but the problem is still there.",
            "Two colleagues in Accounts Payable have the same issue since the update on Monday.",
            "The error only appears when I'm connected from home, it works fine in the office.",
            "Could you please have a look as soon as possible? We have to close the month today.",
            "I attached a screenshot of the error message so you can see exactly what it says.",
            "Yesterday afternoon everything was still working without any problems.",
            "When I click on Export, the window freezes for a minute and then the client closes itself.",
            "I tried clearing the browser cache and using a private window, it makes no difference.",
            "The asset tag on the laptop is IT-4711 and it is a ThinkPad T14 Gen 3.",
            "Please call me on my mobile if you need anything, I'm in meetings until 2 pm.",
            "The message says that my account is locked, but I didn't enter a wrong password.",
            "It happens with every PDF I open from the customer portal, not just one file.",
            "I'm not sure if this is related, but the Wi-Fi also dropped a few times today.",
            "Our team lead asked me to raise a ticket because this blocks the quarterly report.",
            "Let me know if you need remote access to my machine; I can accept the session any time.",
        ],
        "greetings": ["Hi team,", "Hello,", "Dear IT Support,", "Hi,", "Good morning,"],
        "closings": ["Thanks,", "Best regards,", "Kind regards,", "Many thanks,", "Cheers,"],
        "wrote": "On {date}, {name} <{addr}> wrote:",
        "forwarded": "---------- Forwarded message ----------",
        "fwd_intro": "Forwarding this from a colleague, see the attached message and screenshot.",
        "charsets": [("us-ascii", None, "7bit", 60), ("utf-8", "Q", "quoted-printable", 25),
                     ("utf-8", "B", "base64", 5), ("utf-8", "Q", "8bit", 10)],
        "shot": "Screenshot {d:%Y-%m-%d} at {d:%H.%M.%S}",
    },
    "de": {
        "weight": 15,
        "first": [("Jürgen", "juergen"), ("Björn", "bjoern"), ("Günter", "guenter"), ("Sabine", "sabine"),
                  ("Katrin", "katrin"), ("Jörg", "joerg"), ("Ute", "ute"), ("Lukas", "lukas"), ("Anja", "anja"),
                  ("Sören", "soeren")],
        "last": [("Müller", "mueller"), ("Schröder", "schroeder"), ("Weiß", "weiss"), ("Bäcker", "baecker"),
                 ("Köhler", "koehler"), ("Schmidt", "schmidt"), ("Hoffmann", "hoffmann"), ("Krüger", "krueger"),
                 ("Groß", "gross"), ("Wagner", "wagner")],
        "name_order": "last-comma-first",
        "domains": ["firma-gmbh.example", "stadtwerke.example", "mueller-ag.example", "example.net"],
        "subjects": [
            "Drucker im 2. Stock druckt nicht mehr", "Passwort-Zurücksetzung funktioniert nicht",
            "Outlook stürzt beim Öffnen von Anhängen ab", "Kein Zugriff auf das Laufwerk Buchhaltung",
            "VPN-Verbindung bricht ständig ab", "Dringend: Warenwirtschaft lässt sich nicht starten",
            "Bildschirm flackert nach Treiber-Update", "Zugang für neue Mitarbeiterin benötigt",
        ],
        "sentences": [
            "Seit heute Morgen kann ich mich nicht mehr am System anmelden.",
            "Beim Öffnen der Datei erscheint die Fehlermeldung, dass der Zugriff verweigert wurde.",
            "Ich habe den Rechner bereits neu gestartet, aber das Problem besteht weiterhin.",
            "Die Kollegen in der Buchhaltung sind ebenfalls betroffen.",
            "Könnten Sie sich das bitte so schnell wie möglich ansehen? Wir müssen heute noch den Monatsabschluss erstellen.",
            "Im Anhang finden Sie einen Screenshot der Fehlermeldung.",
            "Der Fehler tritt nur auf, wenn ich über das VPN verbunden bin.",
            "Gestern hat noch alles einwandfrei funktioniert.",
            "Nach dem letzten Windows-Update ist der Drucker nicht mehr verfügbar.",
            "Bitte melden Sie sich telefonisch bei mir, ich bin bis 17 Uhr im Büro.",
            "Es handelt sich um den Laptop mit der Inventarnummer IT-4711.",
            "Die Anmeldung schlägt mit dem Hinweis 'Konto gesperrt' fehl, obwohl ich das Passwort nicht falsch eingegeben habe.",
        ],
        "greetings": ["Hallo zusammen,", "Sehr geehrte Damen und Herren,", "Guten Tag,", "Hallo IT-Team,"],
        "closings": ["Vielen Dank und viele Grüße", "Mit freundlichen Grüßen", "Beste Grüße"],
        "wrote": "Am {date} schrieb {name} <{addr}>:",
        "forwarded": "-------- Weitergeleitete Nachricht --------",
        "fwd_intro": "Ich leite Ihnen die Nachricht meiner Kollegin weiter, der Screenshot ist angehängt.",
        "charsets": [("iso-8859-1", "Q", "quoted-printable", 45), ("iso-8859-1", "Q", "8bit", 15),
                     ("utf-8", "Q", "quoted-printable", 25), ("utf-8", "B", "base64", 15)],
        "shot": "Bildschirmfoto {d:%Y-%m-%d} um {d:%H.%M.%S}",
    },
    "fr": {
        "weight": 8,
        "first": [("François", "francois"), ("Hélène", "helene"), ("Jérôme", "jerome"), ("Cécile", "cecile"),
                  ("Loïc", "loic"), ("Zoé", "zoe"), ("Amélie", "amelie"), ("Gaëlle", "gaelle"),
                  ("Benoît", "benoit"), ("Élodie", "elodie")],
        "last": [("Lefèvre", "lefevre"), ("Dupré", "dupre"), ("Girard", "girard"), ("Bérenger", "berenger"),
                 ("Mercier", "mercier"), ("Lemaître", "lemaitre"), ("Chevalier", "chevalier"),
                 ("Fournier", "fournier"), ("Rousseau", "rousseau"), ("Faure", "faure")],
        "name_order": "first-LAST",
        "domains": ["societe.example", "mairie.example", "cabinet-conseil.example"],
        "subjects": [
            "Impossible de me connecter au VPN", "Problème d'accès à l'application de paie",
            "L'imprimante du 2e étage n'imprime plus", "Écran bleu au démarrage",
            "Demande d'accès au dossier partagé Comptabilité", "Outlook se ferme tout seul",
            "Mot de passe expiré, réinitialisation impossible",
        ],
        "sentences": [
            "Depuis ce matin, je n'arrive plus à me connecter à l'application.",
            "J'ai déjà redémarré le poste, mais le problème persiste.",
            "Mes collègues du service comptabilité rencontrent le même problème.",
            "Vous trouverez en pièce jointe une capture d'écran du message d'erreur.",
            "L'erreur n'apparaît que lorsque je suis connecté depuis la maison.",
            "Pourriez-vous regarder cela rapidement ? Nous devons clôturer le mois aujourd'hui.",
            "Hier après-midi, tout fonctionnait encore correctement.",
            "Depuis la dernière mise à jour de Windows, l'imprimante n'apparaît plus.",
            "Le numéro d'inventaire de l'ordinateur portable est IT-4711.",
            "Je reste joignable sur mon portable jusqu'à 18 h si besoin.",
        ],
        "greetings": ["Bonjour,", "Bonjour à tous,", "Madame, Monsieur,"],
        "closings": ["Merci d'avance,", "Cordialement,", "Bien à vous,"],
        "wrote": "Le {date}, {name} <{addr}> a écrit :",
        "forwarded": "-------- Message transféré --------",
        "fwd_intro": "Je vous transfère le message d'une collègue avec la capture d'écran.",
        "charsets": [("iso-8859-1", "Q", "quoted-printable", 50), ("utf-8", "Q", "quoted-printable", 30),
                     ("utf-8", "B", "base64", 20)],
        "shot": "Capture d'écran {d:%Y-%m-%d} à {d:%H.%M.%S}",
    },
    "ru": {
        "weight": 15,
        "first": [("Иван", "ivan", "m"), ("Ольга", "olga", "f"), ("Сергей", "sergey", "m"),
                  ("Наталья", "natalya", "f"), ("Алексей", "aleksey", "m"), ("Екатерина", "ekaterina", "f"),
                  ("Дмитрий", "dmitry", "m"), ("Татьяна", "tatyana", "f"), ("Андрей", "andrey", "m"),
                  ("Юлия", "yulia", "f")],
        "last": [("Петров", "Петрова", "petrov"), ("Смирнов", "Смирнова", "smirnov"),
                 ("Кузнецов", "Кузнецова", "kuznetsov"), ("Соколов", "Соколова", "sokolov"),
                 ("Попов", "Попова", "popov"), ("Лебедев", "Лебедева", "lebedev"), ("Козлов", "Козлова", "kozlov"),
                 ("Новиков", "Новикова", "novikov"), ("Шевченко", "Шевченко", "shevchenko"),
                 ("Ковальчук", "Ковальчук", "kovalchuk")],
        "name_order": "gendered",
        "domains": ["kontora.example", "zavod.example", "bank-rus.example"],
        "subjects": [
            "Не работает VPN после обновления", "Ошибка при входе в систему", "Принтер на 3 этаже не печатает",
            "Срочно: не открывается почта", "Прошу предоставить доступ к общей папке",
            "Компьютер сильно тормозит", "Синий экран при загрузке", "Не приходят коды подтверждения",
        ],
        "sentences": [
            "С утра не могу войти в систему, пишет, что учётная запись заблокирована.",
            "Перезагрузка компьютера не помогла, ошибка повторяется каждый раз.",
            "Проблема возникает только при подключении через VPN из дома.",
            "Скриншот ошибки во вложении.",
            "Коллеги из бухгалтерии столкнулись с той же проблемой.",
            "Прошу помочь как можно скорее, сегодня сдаём квартальную отчётность.",
            "Вчера всё работало нормально, никаких изменений на компьютере я не делал.",
            "После последнего обновления Windows принтер пропал из списка устройств.",
            "Инвентарный номер ноутбука: IT-4711.",
            "Я на месте до 18:00, можно звонить на мобильный.",
            "При нажатии на кнопку Экспорт программа зависает примерно на минуту и закрывается.",
        ],
        "greetings": ["Добрый день!", "Здравствуйте!", "Коллеги, добрый день."],
        "closings": ["Спасибо!", "С уважением,", "Заранее спасибо,"],
        "wrote": "{date}, {name} <{addr}> пишет:",
        "forwarded": "-------- Пересылаемое сообщение --------",
        "fwd_intro": "Пересылаю письмо коллеги, скриншот во вложении.",
        "charsets": [("koi8-r", "B", "8bit", 20), ("koi8-r", "B", "base64", 10),
                     ("windows-1251", "B", "quoted-printable", 15), ("windows-1251", "Q", "8bit", 15),
                     ("utf-8", "B", "base64", 25), ("utf-8", "B", "quoted-printable", 15)],
        "shot": "Снимок экрана {d:%Y-%m-%d} {d:%H%M%S}",
    },
    "ja": {
        "weight": 10,
        "first": [("太郎", "taro"), ("花子", "hanako"), ("健一", "kenichi"), ("美咲", "misaki"),
                  ("翔太", "shota"), ("由美", "yumi"), ("大輔", "daisuke"), ("恵子", "keiko")],
        "last": [("山田", "yamada"), ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"),
                 ("田中", "tanaka"), ("渡辺", "watanabe"), ("伊藤", "ito"), ("中村", "nakamura")],
        "name_order": "last-first-space",
        "domains": ["kaisha.example", "shoji.example", "example.jp.example"],
        "subjects": [
            "ログインできません", "VPNが頻繁に切断されます", "プリンターで印刷できません",
            "【至急】メールが受信できません", "共有フォルダへのアクセス権限の申請",
            "パソコンの動作が非常に遅い", "パスワードの再設定について",
        ],
        "sentences": [
            "今朝からシステムにログインできなくなりました。",
            "パソコンを再起動しましたが、状況は変わりません。",
            "エラー画面のスクリーンショットを添付します。",
            "同じ部署の他のメンバーも同様の症状が出ています。",
            "本日中に対応が必要なため、至急ご確認いただけますでしょうか。",
            "昨日までは問題なく使用できていました。",
            "VPN接続時のみ発生するようです。",
            "Windowsの更新後からプリンターが表示されなくなりました。",
            "資産番号はIT-4711です。",
            "ご不明な点がありましたら、内線1234までご連絡ください。",
        ],
        "greetings": ["情報システム部 御中", "ヘルプデスク ご担当者様", "お疲れ様です。"],
        "closings": ["よろしくお願いいたします。", "以上、よろしくお願いします。"],
        "wrote": "{date} {name} <{addr}>:",
        "forwarded": "-------- Forwarded Message --------",
        "fwd_intro": "同僚からのメールを転送します。スクリーンショットを添付しています。",
        "charsets": [("iso-2022-jp", "B", "7bit", 65), ("utf-8", "B", "base64", 35)],
        "shot": "スクリーンショット {d:%Y-%m-%d} {d:%H%M%S}",
    },
    "zh": {
        "weight": 12,
        "first": [("伟", "wei"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("强", "qiang"), ("磊", "lei"),
                  ("军", "jun"), ("洋", "yang"), ("艳", "yan"), ("杰", "jie")],
        "last": [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
                 ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu")],
        "name_order": "last-first",
        "domains": ["gongsi.example", "keji.example", "maoyi.example"],
        "subjects": [
            "无法登录系统", "打印机无法打印", "邮箱无法接收邮件", "电脑蓝屏，请尽快处理",
            "申请共享文件夹访问权限", "VPN经常断开", "密码重置失败",
        ],
        "sentences": [
            "从今天早上开始，我无法登录系统，提示账户已被锁定。",
            "已经重启过电脑，但问题依旧。",
            "错误截图见附件。",
            "财务部的其他同事也遇到了同样的问题。",
            "今天需要提交报表，请尽快处理，谢谢。",
            "昨天还一切正常。",
            "只有在连接VPN的时候才会出现这个问题。",
            "Windows更新之后打印机就不见了。",
            "笔记本的资产编号是IT-4711。",
            "如有疑问，请拨打分机1234联系我。",
        ],
        "greetings": ["您好，", "IT支持部门：", "各位好，"],
        "closings": ["谢谢！", "此致", "祝好"],
        "wrote": "在 {date}，{name} <{addr}> 写道：",
        "forwarded": "---------- 转发的邮件 ----------",
        "fwd_intro": "转发同事的邮件，截图在附件中。",
        "charsets": [("gb2312", "B", "base64", 45), ("gb2312", "B", "8bit", 20), ("utf-8", "B", "base64", 35)],
        "shot": "屏幕截图 {d:%Y-%m-%d} {d:%H%M%S}",
    },
}
LOCALE_NAMES = list(LOCALES)
LOCALE_WEIGHTS = [LOCALES[k]["weight"] for k in LOCALE_NAMES]

AGENT_REPLY = [
    "Thank you for contacting the IT Service Desk. Your request has been registered as {ticket} and "
    "assigned to the Workplace team.",
    "Could you please send us a screenshot of the full error message and tell us since when the "
    "problem occurs?",
    "Please also confirm whether you are working from the office or remotely, and the asset tag of the device.",
    "Our standard response time for priority P3 requests is one business day.",
]
AGENT_NAMES = ["Priya Natarajan", "Tom Becker", "Lena Fischer", "Marco Rossi", "Aisha Bello"]

DISCLAIMER = (
    "This e-mail and any attachments are confidential and may be privileged. If you are not the "
    "intended recipient, please notify the sender immediately and delete this e-mail from your "
    "system; any use, copying or disclosure of its contents is prohibited. E-mail transmission "
    "cannot be guaranteed to be secure or error-free, and the sender accepts no liability for any "
    "damage caused by this e-mail. Registered office: 1 Example Way, Springfield. Company no. 01234567."
)

LOG_TEMPLATES = [
    "{ts},{ms:03d} ERROR [pool-{a}-thread-{b}] c.e.erp.sync.Worker - Sync failed: java.net.SocketTimeoutException: Read timed out",
    "\tat java.base/sun.nio.ch.NioSocketImpl.timedFinishRead(NioSocketImpl.java:{a}{b})",
    "{ts}.{ms:03d} [WARN ] vpnagent[{a}{b}]: IKEv2 negotiation failed: NO_PROPOSAL_CHOSEN (peer 198.51.100.{b})",
    "{ts} kernel: [ {a}.{ms:03d}] e1000e 0000:00:1f.6 eth0: NIC Link is Down",
    "{ts} Outlook: Error 0x800CCC0E: Cannot connect to the server (attempt {b})",
    "{ts},{ms:03d} INFO  [main] AuthService - Login failed for user id={a}{b}: ACCOUNT_LOCKED",
    "Faulting application name: erpclient.exe, version: 7.4.{a}.{b}, exception code: 0xc0000005",
]
OS_NAMES = ["Windows 11 Pro 23H2 (build 22631.3593)", "Windows 10 Enterprise 22H2 (build 19045.4412)",
            "macOS Sonoma 14.4.1", "Ubuntu 22.04.4 LTS", "Windows 11 Enterprise 24H2 (build 26100.1742)"]
APPS = ["Contoso ERP client 7.4.2", "Cisco Secure Client 5.1.2.42", "Microsoft Outlook 16.0.17531",
        "FortiClient VPN 7.2.4", "SAP GUI 8.00 PL 7", "Chrome 124.0.6367.119"]

TZS = [(2, "CEST"), (1, "CET"), (0, "UTC"), (-4, "EDT"), (-5, "EST"), (3, "MSK"), (9, "JST"), (8, "CST"), (5.5, "IST")]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EPOCH = datetime(2024, 1, 2, 6, 0, 0, tzinfo=timezone.utc)

B64CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"
HEXU = "0123456789ABCDEF"
Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

_TABLES: dict[str, bytes] = {}


def rstr(rng: random.Random, alphabet: str, n: int) -> str:
    """n random characters of `alphabet` (random bytes mapped through a table: cheap)."""
    table = _TABLES.get(alphabet)
    if table is None:
        table = _TABLES[alphabet] = bytes(ord(alphabet[i % len(alphabet)]) for i in range(256))
    return rng.randbytes(n).translate(table).decode("ascii")


def b64_lines(data: bytes) -> bytes:
    """Base64 in 76-character lines, CRLF, as every mailer writes it."""
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def rfc2822_date(dt: datetime, comment: bool) -> str:
    off = dt.utcoffset()
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    s = (f"{DAYS[dt.weekday()]}, {dt.day} {MONTHS[dt.month - 1]} {dt.year} "
         f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} {sign}{mins // 60:02d}{mins % 60:02d}")
    if comment and dt.tzname():
        s += f" ({dt.tzname()})"
    return s


def encoded_words(text: str, charset: str, enc: str) -> list[str]:
    """RFC 2047 encoded-words of at most 75 characters, never splitting a character
    (nor, for ISO-2022-JP, leaving a word outside ASCII mode: each chunk is encoded on its own)."""
    prefix = f"=?{charset}?{enc}?"
    room = 75 - len(prefix) - 2
    chunks: list[str] = []
    cur: list[str] = []
    used = 0
    jis = charset.lower() == "iso-2022-jp"
    for ch in text:
        if jis:
            n = 1 if ord(ch) < 128 else 2
            cost_bytes = n + (6 if n == 2 else 0)  # worst case: escape in and out around it
        else:
            cost_bytes = len(ch.encode(charset))
        if enc == "B":
            # base64 of the chunk's bytes so far plus this one
            new_bytes = used + cost_bytes
            width = 4 * ((new_bytes + 2) // 3)
        else:
            b = ch.encode(charset)
            q = sum(1 if (c in Q_SAFE or c == 0x20) else 3 for c in b)
            new_bytes = used + q
            width = new_bytes
        if cur and width > room:
            chunks.append("".join(cur))
            cur, used = [], 0
            new_bytes = cost_bytes if enc == "B" else sum(
                1 if (c in Q_SAFE or c == 0x20) else 3 for c in ch.encode(charset))
        cur.append(ch)
        used = new_bytes
    if cur:
        chunks.append("".join(cur))
    out = []
    for chunk in chunks:
        raw = chunk.encode(charset)
        if enc == "B":
            out.append(prefix + base64.b64encode(raw).decode("ascii") + "?=")
        else:
            out.append(prefix + "".join(
                "_" if c == 0x20 else (chr(c) if c in Q_SAFE else f"={c:02X}") for c in raw) + "?=")
    return out


def fold_words(name: str, words: list[str], lead: str = "") -> str:
    """A header whose value is `lead` followed by encoded words, one per line after the first."""
    return f"{name}: {lead}" + "\r\n ".join(words)


def wrap(text: str, width: int = 74, cjk: bool = False) -> list[str]:
    if cjk:
        w = width // 2
        return [text[i:i + w] for i in range(0, len(text), w)] or [""]
    lines, cur, n = [], [], 0
    for word in text.split(" "):
        if cur and n + 1 + len(word) > width:
            lines.append(" ".join(cur))
            cur, n = [word], len(word)
        else:
            cur.append(word)
            n += len(word) + (1 if n else 0)
    lines.append(" ".join(cur))
    return lines


def html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def transfer_encode(data: bytes, cte: str) -> bytes:
    if cte == "base64":
        return b64_lines(data)
    if cte == "quoted-printable":
        return binascii.b2a_qp(data)
    return data


# --------------------------------------------------------------------------------------
# MIME entities: (header lines, body bytes, leaf-part count)
# --------------------------------------------------------------------------------------

class Entity:
    __slots__ = ("headers", "body", "leaves")

    def __init__(self, headers: list[str], body: bytes, leaves: int):
        self.headers = headers
        self.body = body
        self.leaves = leaves

    def to_bytes(self) -> bytes:
        return ("\r\n".join(self.headers) + "\r\n\r\n").encode("ascii") + self.body


def boundary_for(rng: random.Random, style: str) -> str:
    if style == "gmail":
        return "0000000000" + rstr(rng, HEX, 16)
    if style == "outlook":
        return "_000_" + rstr(rng, HEXU + "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 36) + "_"
    if style == "apple":
        return "Apple-Mail=_" + "-".join(rstr(rng, HEXU, n) for n in (8, 4, 4, 4, 12))
    return "------------" + rstr(rng, ALNUM, 24)


def multipart(subtype: str, boundary: str, parts: list[Entity], extra: list[str] | None = None,
              preamble: bool = False, ctype_params: str = "") -> Entity:
    chunks = []
    if preamble:
        chunks.append(b"This is a multi-part message in MIME format.\r\n")
    b = boundary.encode("ascii")
    for p in parts:
        chunks.append(b"--" + b + b"\r\n")
        chunks.append(p.to_bytes())
        chunks.append(b"\r\n")
    chunks.append(b"--" + b + b"--\r\n")
    headers = [f'Content-Type: multipart/{subtype};{ctype_params}\r\n\tboundary="{boundary}"'] + (extra or [])
    return Entity(headers, b"".join(chunks), sum(p.leaves for p in parts))


def text_entity(text: str, subtype: str, charset: str, cte: str, extra: list[str] | None = None,
                quote_charset: bool = True) -> Entity:
    raw = text.encode(charset)
    cs = f'"{charset}"' if quote_charset else charset
    headers = [f"Content-Type: text/{subtype}; charset={cs}", f"Content-Transfer-Encoding: {cte}"] + (extra or [])
    return Entity(headers, transfer_encode(raw, cte), 1)


# --------------------------------------------------------------------------------------
# Images: valid header, pseudo-random payload
# --------------------------------------------------------------------------------------

def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


SCREEN_SIZES = [(1920, 1080), (1366, 768), (2560, 1440), (1280, 1024), (1440, 900), (3024, 1964), (1024, 768)]


def make_png(rng: random.Random, size: int) -> bytes:
    w, h = rng.choice(SCREEN_SIZES)
    head = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, rng.choice((2, 6)), 0, 0, 0))
    head += png_chunk(b"sRGB", b"\x00") + png_chunk(b"pHYs", struct.pack(">IIB", 3779, 3779, 1))
    head += png_chunk(b"tEXt", b"Software\x00" + rng.choice([b"Greenshot", b"Snipping Tool", b"gnome-screenshot",
                                                               b"macOS Screenshot", b"ShareX"]))
    tail = png_chunk(b"IEND", b"")
    payload = size - len(head) - len(tail)
    data = b"\x78\x9c" + rng.randbytes(max(payload - 2, 16))
    out = [head]
    step = 8192 * 4 - 12
    for i in range(0, len(data), step):
        out.append(png_chunk(b"IDAT", data[i:i + step]))
    out.append(tail)
    return b"".join(out)


# Baseline JPEG tables (ITU T.81 Annex K): quantisation as published, Huffman tables with the
# published code-length counts; AC symbol lists are the run/size pairs in order (structurally valid).
_QT_LUMA = bytes([16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37,
                  29, 40, 58, 51, 61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
                  95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99])
_QT_CHROMA = bytes([17, 18, 18, 24, 21, 24, 47, 26, 26, 47] + [99] * 54)
_AC_SYMBOLS = bytes([0x00, 0xF0] + [(r << 4) | s for r in range(16) for s in range(1, 11)])


def _dht(cls_id: int, counts: list[int], symbols: bytes) -> bytes:
    body = bytes([cls_id]) + bytes(counts) + symbols
    return b"\xff\xc4" + struct.pack(">H", len(body) + 2) + body


def make_jpeg(rng: random.Random, size: int) -> bytes:
    w, h = rng.choice([(4032, 3024), (3024, 4032), (1920, 1080), (1600, 1200), (2048, 1536)])
    head = b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00"
    head += b"\xff\xdb\x00\x43\x00" + _QT_LUMA + b"\xff\xdb\x00\x43\x01" + _QT_CHROMA
    head += b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", h, w) + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    head += _dht(0x00, [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], bytes(range(12)))
    head += _dht(0x10, [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D], _AC_SYMBOLS)
    head += _dht(0x01, [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], bytes(range(12)))
    head += _dht(0x11, [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77], _AC_SYMBOLS)
    head += b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    scan = rng.randbytes(max(int((size - len(head) - 2) * 0.996), 16)).replace(b"\xff", b"\xff\x00")
    return head + scan[: max(size - len(head) - 2, 16)].rstrip(b"\xff") + b"\xff\xd9"


# --------------------------------------------------------------------------------------
# One message's people, dates and headers
# --------------------------------------------------------------------------------------

class Sender:
    def __init__(self, rng: random.Random, loc_name: str | None = None):
        self.loc_name = loc_name or rng.choices(LOCALE_NAMES, LOCALE_WEIGHTS)[0]
        L = self.loc = LOCALES[self.loc_name]
        self.charset, self.henc, self.cte, _ = rng.choices(L["charsets"], [c[3] for c in L["charsets"]])[0]
        first = rng.choice(L["first"])
        last = rng.choice(L["last"])
        order = L["name_order"]
        if order == "gendered":
            lname = last[0] if first[2] == "m" else last[1]
            self.name = f"{first[0]} {lname}" if rng.random() < 0.6 else f"{lname} {first[0]}"
            local = f"{first[1]}.{last[2]}"
        elif order == "last-comma-first":
            self.name = f"{last[0]}, {first[0]}" if rng.random() < 0.5 else f"{first[0]} {last[0]}"
            local = f"{first[1]}.{last[1]}"
        elif order == "first-LAST":
            self.name = f"{first[0]} {last[0].upper()}" if rng.random() < 0.4 else f"{first[0]} {last[0]}"
            local = f"{first[1]}.{last[1]}"
        elif order == "last-first-space":
            self.name = f"{last[0]} {first[0]}"
            local = f"{last[1]}-{first[1]}"
        elif order == "last-first":
            self.name = f"{last[0]}{first[0]}"
            local = f"{last[1]}{first[1]}{rng.randint(1, 99)}"
        else:
            self.name = f"{first[0]} {last[0]}"
            local = f"{first[1]}.{last[1]}"
        self.domain = rng.choice(L["domains"])
        self.addr = f"{local}@{self.domain}"
        if self.loc_name == "en" and self.charset == "utf-8":
            self.name = self.name.replace("'", "\u2019")

    def mailbox(self, rng: random.Random) -> str:
        return format_mailbox(rng, self.name, self.addr, self.charset, self.henc)


def format_mailbox(rng: random.Random, name: str, addr: str, charset: str, henc: str | None) -> str:
    if name.isascii():
        if "," in name or "'" in name or rng.random() < 0.3:
            return f'"{name}" <{addr}>'
        return f"{name} <{addr}>"
    words = encoded_words(name, charset, henc or "B")
    if rng.random() < 0.03:  # Outlook habit: a quoted encoded-word (not RFC-conformant, very common)
        return f'"{words[0]}" <{addr}>' if len(words) == 1 else " ".join(words) + f" <{addr}>"
    return " ".join(words) + f" <{addr}>"


class MailStyle:
    """Which mailer wrote the message: decides boundaries, Message-ID, extra headers, HTML flavour."""
    KINDS = [("gmail", 35), ("outlook", 35), ("thunderbird", 15), ("apple", 15)]

    def __init__(self, rng: random.Random):
        self.kind = rng.choices([k for k, _ in self.KINDS], [w for _, w in self.KINDS])[0]


def message_id(rng: random.Random, style: str, domain: str) -> str:
    if style == "gmail":
        return f"<CA{rstr(rng, B64CHARS.replace('/', '_'), 44)}@mail.gmail.example>"
    if style == "outlook":
        host = f"{rng.choice(['AM0PR07MB', 'DB8PR02MB', 'VI1PR04MB', 'PAXPR08MB', 'BN6PR11MB'])}{rng.randint(1000, 9999)}"
        return f"<{host}{rstr(rng, HEXU, 32)}@{host}.eurprd07.prod.outlook.example>"
    if style == "apple":
        return "<" + "-".join(rstr(rng, HEXU, n) for n in (8, 4, 4, 4, 12)) + f"@{domain}>"
    return "<" + "-".join(rstr(rng, HEX, n) for n in (8, 4, 4, 4, 12)) + f"@{domain}>"


def received_chain(rng: random.Random, sender: Sender, style: str, t_sent: datetime) -> tuple[list[str], datetime]:
    """Received headers, newest first, plus the delivery time."""
    hops = []
    t = t_sent
    ip = lambda: f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
    n = rng.randint(2, 5)
    if style == "outlook":
        for _ in range(n - 1):
            t += timedelta(seconds=rng.randint(0, 3), microseconds=rng.randint(0, 999999))
            a = f"{rng.choice(['AM0PR07MB', 'DB8PR02MB', 'VI1PR04MB'])}{rng.randint(1000, 9999)}.eurprd07.prod.outlook.example"
            b = f"{rng.choice(['AM6P194CA', 'DU2PR04CA', 'FR0P281CA'])}{rng.randint(1000, 9999)}.EURP194.PROD.OUTLOOK.EXAMPLE"
            hops.append(f"Received: from {a} (2603:10a6:20b:{rng.randint(1, 999):x}::{rng.randint(1, 99)}) by\r\n {b}"
                        f" (2603:10a6:10:{rng.randint(1, 999):x}::{rng.randint(1, 99)}) with Microsoft SMTP Server"
                        f" (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.{rng.randint(7000, 7999)}.{rng.randint(10, 99)}; "
                        f"{rfc2822_date(t.astimezone(timezone.utc), False)}")
    elif style == "gmail":
        t += timedelta(seconds=rng.randint(0, 2))
        hops.append(f"Received: by 2002:a05:6a10:{rng.randint(4096, 65535):x}:0:0:0:0 with SMTP id {rstr(rng, 'abcdefghijklmnopqrstuvwxyz0123456789', 6)};\r\n"
                    f"        {rfc2822_date(t.astimezone(timezone(timedelta(hours=-8))), False)} (PST)")
        for _ in range(n - 2):
            t += timedelta(seconds=rng.randint(0, 2))
            host = f"mail-{rng.choice(['ej1', 'wr1', 'lf1', 'pj1'])}-f{rng.randint(10, 99)}.mailhost.example"
            hops.append(f"Received: from {host} ({host} [{ip()}])\r\n"
                        f"        by mx.mailhost.example with ESMTPS id {rstr(rng, ALNUM, 16)}.{rng.randint(10, 99)}\r\n"
                        f"        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\r\n"
                        f"        {rfc2822_date(t.astimezone(timezone(timedelta(hours=-8))), False)} (PST)")
    else:
        for _ in range(n - 1):
            t += timedelta(seconds=rng.randint(0, 5))
            host = f"smtp{rng.randint(1, 9)}.{sender.domain}"
            hops.append(f"Received: from [{ip()}] (unknown [{ip()}])\r\n"
                        f"\t(Authenticated sender: {sender.addr})\r\n"
                        f"\tby {host} (Postfix) with ESMTPSA id {rstr(rng, HEXU, 11)}\r\n"
                        f"\tfor <{HELPDESK[1]}>; {rfc2822_date(t, True)}")
    t += timedelta(seconds=rng.randint(1, 20))
    edge = f"mail-{rstr(rng, 'abcdefghijklmnopqrstuvwxyz', 3)}{rng.randint(1, 9)}.{sender.domain}"
    hops.append(f"Received: from {edge} ({edge} [{ip()}])\r\n"
                f"\tby mx{rng.randint(1, 3)}.{HELPDESK_HOST} (Postfix) with ESMTPS id 4{rstr(rng, ALNUM, 11)}\r\n"
                f"\tfor <{HELPDESK[1]}>; {rfc2822_date(t.astimezone(timezone(timedelta(hours=2), 'CEST')), True)}")
    t += timedelta(seconds=rng.randint(0, 2))
    hops.append(f"Received: from mx{rng.randint(1, 3)}.{HELPDESK_HOST} (mx.{HELPDESK_HOST} [203.0.113.25])\r\n"
                f"\tby imap.{HELPDESK_HOST} (Postfix) with ESMTPS id {rstr(rng, HEXU, 10)}\r\n"
                f"\tfor <{HELPDESK[1]}>; {rfc2822_date(t.astimezone(timezone(timedelta(hours=2), 'CEST')), True)}")
    hops.reverse()
    return hops, t


def dkim(rng: random.Random, domain: str, t: datetime) -> str:
    b = rstr(rng, B64CHARS, 342) + "=="
    lines = [b[i:i + 70] for i in range(0, len(b), 70)]
    return ("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
            f"        d={domain}; s={rng.choice(['selector1', 'google', 's2048', 'mail'])}; t={int(t.timestamp())};\r\n"
            "        h=from:to:subject:date:message-id:references:in-reply-to\r\n"
            "         :mime-version:content-type;\r\n"
            f"        bh={rstr(rng, B64CHARS, 43)}=;\r\n"
            "        b=" + "\r\n         ".join(lines))


def message_headers(rng: random.Random, sender: Sender, style: str, subject: str, subject_lead: str,
                    t_sent: datetime, reply_refs: list[str], to: str, cc: list[str],
                    outer: bool = True) -> tuple[list[str], str]:
    """The message's own header block (not its MIME headers); returns (lines, Message-ID)."""
    mid = message_id(rng, style, sender.domain)
    h: list[str] = []
    if outer:
        h.append(f"Return-Path: <{sender.addr}>")
        h.append(f"Delivered-To: {HELPDESK[1]}")
        chain, t_recv = received_chain(rng, sender, style, t_sent)
        h.extend(chain)
        h.append(f"Authentication-Results: mx1.{HELPDESK_HOST};\r\n"
                 f"\tdkim=pass (2048-bit key; unprotected) header.d={sender.domain} header.i=@{sender.domain}"
                 f' header.b="{rstr(rng, B64CHARS, 8)}";\r\n'
                 f"\tspf=pass (mx1.{HELPDESK_HOST}: domain of {sender.addr} designates 198.51.100.{rng.randint(1, 254)}"
                 " as permitted sender) smtp.mailfrom=" + sender.domain + ";\r\n"
                 f"\tdmarc=pass (p=QUARANTINE sp=NONE dis=NONE) header.from={sender.domain}")
        if style == "outlook" and rng.random() < 0.6:
            h.append("ARC-Seal: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.example; cv=none;\r\n"
                     " b=" + "\r\n ".join(rstr(rng, B64CHARS, 76) for _ in range(4)) + "==")
        h.append(dkim(rng, sender.domain, t_sent))
    words_subject = subject
    if subject.isascii():
        h.append(f"Subject: {subject_lead}{subject}")
    else:
        h.append(fold_words("Subject", encoded_words(words_subject, sender.charset, sender.henc or "B"), subject_lead))
    h.append(f"From: {sender.mailbox(rng)}")
    h.append(f"To: {to}")
    if cc:
        h.append("Cc: " + ",\r\n\t".join(cc))
    h.append(f"Date: {rfc2822_date(t_sent, rng.random() < 0.2)}")
    h.append(f"Message-ID: {mid}")
    if reply_refs:
        h.append(f"In-Reply-To: {reply_refs[-1]}")
        h.append("References: " + "\r\n ".join(reply_refs))
    if style == "outlook":
        h.append(fold_words("Thread-Topic", encoded_words(subject, sender.charset, sender.henc or "B"))
                 if not subject.isascii() else f"Thread-Topic: {subject}")
        h.append(f"Thread-Index: {rstr(rng, B64CHARS, 30)}==")
        h.append("Accept-Language: " + {"de": "de-DE, en-US", "fr": "fr-FR, en-US", "ru": "ru-RU, en-US",
                                         "ja": "ja-JP, en-US", "zh": "zh-CN, en-US"}.get(sender.loc_name, "en-US"))
        h.append("Content-Language: " + {"de": "de-DE", "fr": "fr-FR", "ru": "ru-RU", "ja": "ja-JP",
                                          "zh": "zh-CN"}.get(sender.loc_name, "en-US"))
        h.append("X-MS-Has-Attach: ")
        h.append("X-MS-TNEF-Correlator: ")
        h.append(f"x-originating-ip: [198.51.100.{rng.randint(1, 254)}]")
    elif style == "thunderbird":
        h.append("User-Agent: Mozilla Thunderbird")
    elif style == "apple":
        h.append("X-Mailer: Apple Mail (2.3774.500.171.1.1)")
    h.append("MIME-Version: 1.0")
    return h, mid


# --------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------

def env_block(rng: random.Random) -> list[str]:
    return ["Environment:",
            f"  OS:       {rng.choice(OS_NAMES)}",
            f"  App:      {rng.choice(APPS)}",
            f"  Hostname: WS-{rng.choice(['FIN', 'HR', 'OPS', 'SAL', 'DEV'])}-{rng.randint(1, 999):04d}",
            f"  IP:       10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"]


def log_block(rng: random.Random, t: datetime) -> list[str]:
    out = []
    for _ in range(rng.randint(3, 9)):
        t += timedelta(milliseconds=rng.randint(1, 20000))
        out.append(rng.choice(LOG_TEMPLATES).format(ts=t.strftime("%Y-%m-%d %H:%M:%S"), ms=t.microsecond // 1000,
                                                    a=rng.randint(1, 40), b=rng.randint(1, 99)))
    return out


class Body:
    """Paragraphs of a report (each a list of lines, or a "quote" block), rendered to text and HTML."""

    def __init__(self, rng: random.Random, sender: Sender, t: datetime):
        self.rng, self.sender, self.t = rng, sender, t
        self.cjk = sender.loc_name in ("ja", "zh")
        self.sep = "" if self.cjk else " "

    def paragraph(self) -> list[str]:
        L = self.sender.loc
        kind = self.rng.random()
        if kind < 0.12:
            return env_block(self.rng)
        if kind < 0.22:
            return log_block(self.rng, self.t)
        if kind < 0.30:
            return [f"{i}. {s}" for i, s in enumerate(self.rng.sample(L["sentences"], 3), 1)]
        text = self.sep.join(self.rng.sample(L["sentences"], self.rng.randint(2, 4)))
        if self.sender.loc_name == "en" and self.sender.charset == "utf-8":
            text = text.replace("'", "\u2019").replace(" - ", " \u2013 ")
        return wrap(text, cjk=self.cjk)

    def build(self, budget: int, cost_per_char: float, reply: tuple[str, str, list[str]] | None) -> list[list[str]]:
        """Greeting, paragraphs until about `budget` encoded bytes, closing and signature, quoted text."""
        L = self.sender.loc
        paras: list[list[str]] = [[self.rng.choice(L["greetings"])]]
        sig = [self.rng.choice(L["closings"]), self.sender.name]
        tail: list[list[str]] = [sig]
        if self.rng.random() < 0.5:
            tail.append(["-- ", self.sender.name, f"{self.sender.domain} | Phone +1 555 01{self.rng.randint(10, 99)}"])
            if budget > 2500 and self.rng.random() < 0.4:
                tail.append(wrap(DISCLAIMER))
        if reply:
            header, agent, quoted = reply
            tail.append([header] + ["> " + q if q else ">" for q in quoted])
        used = sum(len(x) + 2 for p in paras + tail for x in p) * cost_per_char
        while True:
            p = self.paragraph()
            cost = sum(len(x) + 2 for x in p) * cost_per_char + 2
            if used + cost > budget and len(paras) > 1:
                break
            paras.append(p)
            used += cost
            if len(paras) > 60:
                break
        return paras + tail


def render_text(paras: list[list[str]]) -> str:
    return "\r\n\r\n".join("\r\n".join(p) for p in paras) + "\r\n"


OUTLOOK_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {{behavior:url(#default#VML);}}
o\\:* {{behavior:url(#default#VML);}}
w\\:* {{behavior:url(#default#VML);}}
.shape {{behavior:url(#default#VML);}}
</style><![endif]--><style><!--
/* Font Definitions */
@font-face
\t{{font-family:"Cambria Math";
\tpanose-1:2 4 5 3 5 4 6 3 2 4;}}
@font-face
\t{{font-family:Calibri;
\tpanose-1:2 15 5 2 2 2 4 3 2 4;}}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
\t{{margin:0cm;
\tfont-size:11.0pt;
\tfont-family:"Calibri",sans-serif;
\tmso-fareast-language:EN-US;}}
a:link, span.MsoHyperlink
\t{{mso-style-priority:99;
\tcolor:#0563C1;
\ttext-decoration:underline;}}
span.EmailStyle17
\t{{mso-style-type:personal-compose;
\tfont-family:"Calibri",sans-serif;
\tcolor:windowtext;}}
.MsoChpDefault
\t{{mso-style-type:export-only;
\tfont-family:"Calibri",sans-serif;
\tmso-fareast-language:EN-US;}}
@page WordSection1
\t{{size:612.0pt 792.0pt;
\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}}
div.WordSection1
\t{{page:WordSection1;}}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->
</head>
<body lang="{lang}" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
""".replace("\n", "\r\n")


def render_html(paras: list[list[str]], style: str, charset: str, lang: str, cids: list[str]) -> str:
    out: list[str] = []
    if style == "outlook":
        out.append(OUTLOOK_HEAD.format(charset=charset, lang=lang))
        for p in paras:
            if p and p[0].startswith(">") or (len(p) > 1 and p[1].startswith(">")):
                out.append('<div style="border:none;border-left:solid #E1E1E1 1.0pt;padding:0cm 0cm 0cm 4.0pt">\r\n')
                for line in p:
                    out.append(f'<p class="MsoNormal">{html_escape(line.lstrip("> "))}<o:p></o:p></p>\r\n')
                out.append("</div>\r\n")
                continue
            for line in p:
                out.append(f'<p class="MsoNormal"><span lang="{lang}">{html_escape(line)}</span><o:p></o:p></p>\r\n')
            out.append('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\r\n')
        for i, cid in enumerate(cids, 1):
            out.append(f'<p class="MsoNormal"><img width="{960}" height="{540}" style="width:10.0in;height:5.625in"'
                       f' id="Picture_x0020_{i}" src="cid:{cid}"><o:p></o:p></p>\r\n')
        out.append("</div>\r\n</body>\r\n</html>\r\n")
        return "".join(out)
    if style == "gmail":
        out.append('<div dir="ltr">')
        for p in paras:
            if p and p[0].startswith(">") or (len(p) > 1 and p[1].startswith(">")):
                out.append('<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
                           f'{html_escape(p[0])}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px '
                           '0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">')
                out.append("<br>".join(html_escape(line.lstrip("> ")) for line in p[1:]))
                out.append("</blockquote></div>")
                continue
            out.append("<div>" + "<br>".join(html_escape(line) for line in p) + "</div><div><br></div>")
        for cid in cids:
            out.append(f'<div><img src="cid:{cid}" alt="image.png" width="562" height="316"><br></div>')
        out.append("</div>\r\n")
        # Gmail writes one long line; quoted-printable soft-wraps it.
        return "".join(out)
    out.append(f'<html><head><meta http-equiv="content-type" content="text/html; charset={charset}">'
               "</head>\r\n<body>\r\n")
    for p in paras:
        out.append("<p>" + "<br>\r\n".join(html_escape(line) for line in p) + "</p>\r\n")
    for cid in cids:
        out.append(f'<p><img src="cid:{cid}" alt=""></p>\r\n')
    out.append("</body>\r\n</html>\r\n")
    return "".join(out)


def cost_factor(sender: Sender) -> float:
    """Rough encoded bytes per character of body text, to size messages without re-rendering."""
    per_char = {"ja": 2.2, "zh": 2.0 if sender.charset != "utf-8" else 3.0,
                "ru": 1.9 if sender.charset == "utf-8" else 1.0}.get(sender.loc_name, 1.03)
    if sender.cte == "base64":
        return per_char * 1.37
    if sender.cte == "quoted-printable":
        return {"ru": 2.6 if sender.charset != "utf-8" else 5.5, "ja": 6.5, "zh": 6.5}.get(sender.loc_name, 1.15)
    return per_char


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------

class Draft:
    """Everything one report has before rendering: who, when, what, in reply to what."""

    def __init__(self, rng: random.Random, base_seconds: int, outer: bool = True, loc: str | None = None):
        self.rng = rng
        self.sender = Sender(rng, loc)
        self.style = MailStyle(rng).kind
        tzh, tzn = rng.choice(TZS)
        tz = timezone(timedelta(hours=tzh), tzn)
        self.t = (EPOCH + timedelta(seconds=base_seconds + rng.randint(0, 3600))).astimezone(tz)
        L = self.sender.loc
        self.subject = rng.choice(L["subjects"])
        self.lang = {"en": "EN-US", "de": "DE", "fr": "FR", "ru": "RU", "ja": "JA", "zh": "ZH-CN"}[self.sender.loc_name]
        self.reply = None
        self.refs: list[str] = []
        self.lead = ""
        if outer and rng.random() < 0.35:
            ticket = f"INC{rng.randint(1000000, 9999999)}"
            agent = rng.choice(AGENT_NAMES)
            self.refs = [message_id(rng, rng.choice(["gmail", "outlook", "thunderbird"]), rng.choice(L["domains"]))
                         for _ in range(rng.randint(1, 6))]
            self.lead = rng.choice(["Re: ", "RE: ", "AW: ", "Re: "]) + f"[{ticket}] "
            quoted: list[str] = []
            for s in AGENT_REPLY[: rng.randint(2, 4)]:
                quoted.extend(wrap(s.format(ticket=ticket), 72))
                quoted.append("")
            quoted.extend([agent, "IT Service Desk | ext. 4357"])
            when = rfc2822_date(self.t - timedelta(hours=rng.randint(1, 30)), False)
            self.reply = (L["wrote"].format(date=when, name=agent, addr=HELPDESK[1]), agent, quoted)
        self.to = format_mailbox(rng, HELPDESK[0], HELPDESK[1], "us-ascii", None)
        self.cc = []
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
            other = Sender(rng, self.sender.loc_name)
            self.cc.append(other.mailbox(rng))

    def headers(self, outer: bool = True) -> tuple[list[str], str]:
        return message_headers(self.rng, self.sender, self.style, self.subject, self.lead, self.t, self.refs,
                               self.to, self.cc, outer)

    def body_entity(self, budget: int, alternative: bool, cids: list[str]) -> Entity:
        """text/plain, or multipart/alternative of text/plain and text/html, of about `budget` bytes."""
        s = self.sender
        html_share = 0.0
        fixed = 0
        if alternative:
            html_share = {"outlook": 2.6, "gmail": 1.25, "thunderbird": 1.3, "apple": 1.3}[self.style]
            fixed = {"outlook": 2400, "gmail": 120, "thunderbird": 200, "apple": 200}[self.style]
            if s.cte == "base64":
                fixed = int(fixed * 1.37)
        text_budget = max((budget - fixed) / (1.0 + html_share), 300)
        paras = Body(self.rng, s, self.t).build(int(text_budget), cost_factor(s), self.reply)
        plain = text_entity(render_text(paras), "plain", s.charset, s.cte,
                            quote_charset=self.style != "gmail")
        if not alternative:
            return plain
        html_cte = "quoted-printable" if s.cte in ("7bit", "8bit") and self.style in ("outlook", "gmail") else s.cte
        if s.charset == "iso-2022-jp":
            html_cte = "7bit"
        html = text_entity(render_html(paras, self.style, s.charset, self.lang, cids), "html", s.charset, html_cte,
                           quote_charset=self.style != "gmail")
        return multipart("alternative", boundary_for(self.rng, self.style), [plain, html])


def finish(headers: list[str], entity: Entity) -> tuple[bytes, int]:
    return Entity(headers + entity.headers, entity.body, entity.leaves).to_bytes(), entity.leaves


def screenshot(rng: random.Random, draft: Draft, index: int, inline_cid: str | None) -> Entity:
    """A PNG or JPEG attachment, 50-500 KB, skewed towards the small end as real screenshots are."""
    size = int(50_000 * 10 ** (rng.random() ** 1.6))
    t = draft.t + timedelta(seconds=index * 7 - 300)
    if rng.random() < 0.65:
        data, ctype = make_png(rng, size), "image/png"
        name = (f"image{index:03d}.png" if inline_cid else
                rng.choice([draft.sender.loc["shot"].format(d=t) + ".png", f"screenshot_{index}.png",
                            f"Screenshot_{t:%Y%m%d-%H%M%S}.png"]))
    else:
        data, ctype = make_jpeg(rng, size), "image/jpeg"
        name = f"image{index:03d}.jpg" if inline_cid else rng.choice([f"IMG_{t:%Y%m%d_%H%M%S}.jpg", f"photo{index}.jpg"])
    if name.isascii():
        ct = f'Content-Type: {ctype}; name="{name}"'
        cd = f'Content-Disposition: {"inline" if inline_cid else "attachment"}; filename="{name}"'
    elif draft.style == "outlook" or rng.random() < 0.5:
        # RFC 2047 inside a quoted parameter: what Outlook and Gmail send
        words = encoded_words(name, "utf-8", "B")
        ct = f'Content-Type: {ctype};\r\n\tname="' + "\r\n\t".join(words) + '"'
        cd = 'Content-Disposition: attachment;\r\n\tfilename="' + "\r\n\t".join(words) + '"'
    else:
        # RFC 2231 with continuations: what Thunderbird and Apple Mail send
        pieces, cur = [], ""
        for ch in name:  # continuations split between characters, never inside one
            enc = "".join(chr(c) if (c < 128 and chr(c).isalnum()) or chr(c) in "-._" else f"%{c:02X}"
                          for c in ch.encode("utf-8"))
            if len(cur) + len(enc) > 60:
                pieces.append(cur)
                cur = ""
            cur += enc
        pieces.append(cur)
        ct = f"Content-Type: {ctype}"
        cd = "Content-Disposition: attachment;" + ";".join(
            f"\r\n filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{p}" for i, p in enumerate(pieces))
    headers = [ct, cd, "Content-Transfer-Encoding: base64"]
    if inline_cid:
        headers.append(f"Content-ID: <{inline_cid}>")
    if draft.style == "outlook":
        headers.append(f"Content-Description: {name}" if name.isascii() else "Content-Description: image")
    return Entity(headers, b64_lines(data), 1)


def text_message(rng: random.Random, base_seconds: int) -> tuple[bytes, int]:
    """A 2-8 KB report, no attachments."""
    target = rng.randint(2048, 8192)
    d = Draft(rng, base_seconds)
    headers, _ = d.headers()
    head_len = sum(len(x) + 2 for x in headers) + 120
    alternative = rng.random() < (0.85 if d.style in ("outlook", "gmail") else 0.4)
    if alternative and d.style == "outlook" and target - head_len < 3600:
        d.style = "gmail"
    budget = max(target - head_len, 400)
    for _ in range(12):
        data, leaves = finish(headers, d.body_entity(budget, alternative, []))
        if len(data) > 8192:
            budget -= (len(data) - 8192) + 200
            if budget < 700:
                # Headers, quoting and an Outlook stylesheet leave no room: shed what costs most.
                if alternative and d.style == "outlook":
                    d.style = "gmail"
                elif alternative:
                    alternative = False
                else:
                    d.reply = None
                budget = 1500
        elif len(data) < 2048:
            budget += (2048 - len(data)) + 200
        else:
            break
    return data, leaves


def attachment_message(rng: random.Random, base_seconds: int) -> tuple[bytes, int]:
    kind = rng.choices(["attached", "inline", "forward", "log"], [55, 20, 20, 5])[0]
    d = Draft(rng, base_seconds)
    budget = rng.randint(900, 5000)
    if kind == "attached":
        headers, _ = d.headers()
        body = d.body_entity(budget, rng.random() < 0.6, [])
        shots = [screenshot(rng, d, i, None) for i in range(1, rng.choices([1, 2, 3], [55, 30, 15])[0] + 1)]
        return finish(headers, multipart("mixed", boundary_for(rng, d.style), [body] + shots,
                                         preamble=d.style == "thunderbird"))
    if kind == "inline":
        d.style = "outlook"
        headers, _ = d.headers()
        n = rng.choices([1, 2, 3], [50, 35, 15])[0]
        suffix = f"@01DA{rstr(rng, HEXU, 4)}.{rstr(rng, HEXU, 8)}"
        cids = [f"image{i:03d}.png{suffix}" for i in range(1, n + 1)]
        alt = d.body_entity(budget, True, cids)
        shots = [screenshot(rng, d, i, cids[i - 1]) for i in range(1, n + 1)]
        related = multipart("related", boundary_for(rng, "outlook"), [alt] + shots,
                            ctype_params="\r\n\ttype=\"multipart/alternative\";")
        return finish(headers, related)
    if kind == "forward":
        inner = Draft(rng, base_seconds - rng.randint(3600, 86400), outer=False, loc=d.sender.loc_name)
        ih, _ = inner.headers(outer=rng.random() < 0.5)
        ibody = inner.body_entity(rng.randint(600, 3000), rng.random() < 0.5, [])
        ishots = [screenshot(rng, inner, i, None) for i in range(1, rng.choice([1, 1, 2]) + 1)]
        inner_bytes, inner_leaves = finish(ih, multipart("mixed", boundary_for(rng, inner.style), [ibody] + ishots))
        d.lead = rng.choice(["Fwd: ", "FW: ", "WG: ", "Fw: "])
        d.subject = inner.subject
        headers, _ = d.headers()
        intro_text = "\r\n".join(wrap(d.sender.loc["fwd_intro"], cjk=d.sender.loc_name in ("ja", "zh")))
        intro_text = (f"{d.sender.loc['greetings'][0]}\r\n\r\n{intro_text}\r\n\r\n"
                      f"{d.sender.loc['closings'][0]}\r\n{d.sender.name}\r\n")
        intro = text_entity(intro_text, "plain", d.sender.charset, d.sender.cte)
        fname = inner.subject + ".eml"
        if fname.isascii():
            disp = f'Content-Disposition: attachment; filename="{fname}"'
        else:
            disp = 'Content-Disposition: attachment;\r\n\tfilename="' + "\r\n\t".join(
                encoded_words(fname, "utf-8", "B")) + '"'
        attached = Entity(["Content-Type: message/rfc822", disp], inner_bytes, inner_leaves)
        return finish(headers, multipart("mixed", boundary_for(rng, d.style), [intro, attached]))
    # a screenshot plus a text log file (a text/* leaf that is an attachment)
    headers, _ = d.headers()
    body = d.body_entity(budget, False, [])
    shot = screenshot(rng, d, 1, None)
    log = "\r\n".join(log_block(rng, d.t) * rng.randint(20, 200)) + "\r\n"
    log_part = text_entity(log, "plain", "utf-8", rng.choice(["quoted-printable", "base64"]),
                           extra=['Content-Disposition: attachment; filename="client.log"'])
    return finish(headers, multipart("mixed", boundary_for(rng, d.style), [body, shot, log_part]))


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------

def _write_range(job: tuple[str, str, int, int, int]) -> dict:
    """Writes messages [lo, hi) of one subset; returns their counts. Runs in a worker process."""
    outdir, subset, seed, lo, hi = job
    stats = {"messages": 0, "bytes": 0, "leaf_parts": 0}
    for i in range(lo, hi):
        rng = random.Random(f"{seed}:{subset}:{i}")
        if subset == "attachments":
            data, leaves = attachment_message(rng, i * 57_600)
            path = os.path.join(outdir, "attachments", f"{i:04d}.eml")
        else:
            data, leaves = text_message(rng, i * 1500)
            path = os.path.join(outdir, "text", f"{i // TEXT_SHARD:02d}", f"{i:05d}.eml")
        with open(path, "wb") as f:
            f.write(data)
        stats["messages"] += 1
        stats["bytes"] += len(data)
        stats["leaf_parts"] += leaves
    return stats


def generate(outdir: str, seed: int, n_attach: int, n_text: int, jobs: int) -> dict:
    for sub in ("attachments", "text"):
        path = os.path.join(outdir, sub)
        if os.path.isdir(path):
            shutil.rmtree(path)
    os.makedirs(os.path.join(outdir, "attachments"), exist_ok=True)
    for shard in range((n_text + TEXT_SHARD - 1) // TEXT_SHARD):
        os.makedirs(os.path.join(outdir, "text", f"{shard:02d}"), exist_ok=True)
    work = [(outdir, "attachments", seed, lo, min(lo + 20, n_attach)) for lo in range(0, n_attach, 20)]
    work += [(outdir, "text", seed, lo, min(lo + 500, n_text)) for lo in range(0, n_text, 500)]
    if jobs > 1 and len(work) > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_write_range, work, chunksize=1)
    else:
        results = [_write_range(w) for w in work]
    manifest = {"seed": seed, "generator": "bench/corpus.py", "subsets": {}}
    for subset in ("attachments", "text"):
        total = {"messages": 0, "bytes": 0, "leaf_parts": 0}
        for w, r in zip(work, results):
            if w[1] == subset:
                for k in total:
                    total[k] += r[k]
        manifest["subsets"][subset] = total
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--messages", type=int, default=None,
                    help="total messages over both subsets, split 300:20000 (default 20300)")
    ap.add_argument("--attachment-messages", type=int, default=None)
    ap.add_argument("--text-messages", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4),
                    help="worker processes (output does not depend on it)")
    args = ap.parse_args(argv)
    n_attach, n_text = DEFAULT_ATTACHMENT_MESSAGES, DEFAULT_TEXT_MESSAGES
    if args.messages is not None:
        if args.messages < 2:
            ap.error("--messages must be at least 2")
        n_attach = max(1, round(args.messages * DEFAULT_ATTACHMENT_MESSAGES
                                / (DEFAULT_ATTACHMENT_MESSAGES + DEFAULT_TEXT_MESSAGES)))
        n_text = max(1, args.messages - n_attach)
    if args.attachment_messages is not None:
        n_attach = args.attachment_messages
    if args.text_messages is not None:
        n_text = args.text_messages
    m = generate(args.outdir, args.seed, n_attach, n_text, args.jobs)
    for name, s in m["subsets"].items():
        print(f"{name:12s} {s['messages']:6d} messages {s['bytes'] / 1e6:8.1f} MB {s['leaf_parts']:7d} leaf parts",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
