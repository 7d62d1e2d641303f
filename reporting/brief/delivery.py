"""The digest, delivered (docs/cli.md, "`digest`"): each recipient gets the brief of their unit
by e-mail, a multipart/alternative mail (plain text and HTML) with a link to the dashboard.

Settings come from a TOML file (`--settings FILE` or `OKR_HEALTH_DIGEST_SETTINGS`) and the
environment, the environment winning:

  OKR_HEALTH_SMTP_HOST, OKR_HEALTH_SMTP_PORT (587), OKR_HEALTH_SMTP_SECURITY (starttls, ssl or
  none), OKR_HEALTH_SMTP_USER, OKR_HEALTH_SMTP_PASSWORD, OKR_HEALTH_MAIL_FROM,
  OKR_HEALTH_BASE_URL (the dashboard's address), OKR_HEALTH_DIGEST_RECIPIENTS
  (`company=ceo@x.com; department:Engineering=cto@x.com,vp@x.com; team:Data=lead@x.com`)

The file's tables: [smtp] host, port, security, user, password, from; [dashboard] base_url;
[recipients] company (a list of addresses), owners (true: every owner whose name in the
data is an e-mail address gets their own brief), [recipients.departments] and
[recipients.teams] (unit name = list of addresses).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from pipelines.settings import PREFIX, SettingsError
from reporting.brief.model import Brief, Scope, absolute
from reporting.brief.render import plain_line, to_html, to_text

SECURITY = ("starttls", "ssl", "none")
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")
FILE_VARIABLE = PREFIX + "DIGEST_SETTINGS"


@dataclass(frozen=True)
class Recipient:
    """One address and the unit whose brief it receives."""

    address: str
    scope: Scope  # its cycle is filled in when the digest is made


@dataclass(frozen=True)
class DigestSettings:
    host: str | None = None
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "okr-health@localhost"
    base_url: str | None = None
    company: tuple[str, ...] = ()
    departments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    teams: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owners: bool = False


def _addresses(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    out = []
    for item in items:
        for part in str(item).split(","):
            address = part.strip()
            if not address:
                continue
            if not ADDRESS.match(address):
                raise SettingsError(f"{where}: {address!r} is not an e-mail address")
            out.append(address)
    return tuple(out)


def _parse_recipients(text: str) -> dict[str, Any]:
    """`company=a@x; department:Eng=b@x,c@x; team:Data=d@x` → the file's [recipients]."""
    variable = PREFIX + "DIGEST_RECIPIENTS"
    found: dict[str, Any] = {"company": (), "departments": {}, "teams": {}}
    for entry in (e.strip() for e in text.split(";")):
        if not entry:
            continue
        unit, _, addresses = entry.partition("=")
        kind, _, name = unit.strip().partition(":")
        kind = kind.strip().lower()
        if kind == "company" and not name:
            found["company"] = _addresses(addresses, variable)
        elif kind in ("department", "team") and name.strip():
            found[kind + "s"][name.strip()] = _addresses(addresses, variable)
        else:
            raise SettingsError(
                f"{variable}: {entry!r} should read company=…, department:NAME=… or team:NAME=…"
            )
    return found


def digest_settings(
    file: Path | None = None, environ: Mapping[str, str] | None = None
) -> DigestSettings:
    """The digest's settings: the TOML file (`file`, else $OKR_HEALTH_DIGEST_SETTINGS), then
    the environment over it. Raises SettingsError naming what is wrong."""
    env = os.environ if environ is None else environ
    path = file or (Path(env[FILE_VARIABLE]) if env.get(FILE_VARIABLE) else None)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"digest settings {path}: {exc}") from None
    smtp, dashboard = data.get("smtp", {}), data.get("dashboard", {})
    listed = data.get("recipients", {})
    recipients: dict[str, Any] = {
        "company": _addresses(listed.get("company"), f"{path}: recipients.company"),
        "departments": {
            str(k): _addresses(v, f"{path}: recipients.departments.{k}")
            for k, v in listed.get("departments", {}).items()
        },
        "teams": {
            str(k): _addresses(v, f"{path}: recipients.teams.{k}")
            for k, v in listed.get("teams", {}).items()
        },
    }
    if env.get(PREFIX + "DIGEST_RECIPIENTS"):
        recipients = _parse_recipients(env[PREFIX + "DIGEST_RECIPIENTS"])

    def pick(variable: str, value: Any) -> Any:
        return env.get(PREFIX + variable) or value

    security = str(pick("SMTP_SECURITY", smtp.get("security", "starttls"))).lower()
    if security not in SECURITY:
        raise SettingsError(f"{PREFIX}SMTP_SECURITY must be one of {', '.join(SECURITY)}")
    port = pick("SMTP_PORT", smtp.get("port", 465 if security == "ssl" else 587))
    try:
        port = int(port)
    except ValueError:
        raise SettingsError(f"{PREFIX}SMTP_PORT must be a number, not {port!r}") from None
    return DigestSettings(
        host=pick("SMTP_HOST", smtp.get("host")),
        port=port,
        security=security,
        user=pick("SMTP_USER", smtp.get("user")),
        password=pick("SMTP_PASSWORD", smtp.get("password")),
        sender=str(pick("MAIL_FROM", smtp.get("from", DigestSettings.sender))),
        base_url=pick("BASE_URL", dashboard.get("base_url")),
        company=recipients["company"],
        departments=recipients["departments"],
        teams=recipients["teams"],
        owners=bool(listed.get("owners", False)),
    )


def recipients(
    settings: DigestSettings, cycle_id: str, owners: Iterable[str] = ()
) -> list[Recipient]:
    """Everyone the digest goes to, with their unit: the company's, each department's and
    team's list, and (with `owners` on) each owner named by an e-mail address in the data.
    An address listed for several units gets one mail per unit."""
    out = [Recipient(a, Scope(cycle_id)) for a in settings.company]
    for name, addresses in sorted(settings.departments.items()):
        out += [Recipient(a, Scope(cycle_id, department=name)) for a in addresses]
    for name, addresses in sorted(settings.teams.items()):
        out += [Recipient(a, Scope(cycle_id, team=name)) for a in addresses]
    if settings.owners:
        named = sorted({str(o) for o in owners if isinstance(o, str) and ADDRESS.match(o)})
        out += [Recipient(o, Scope(cycle_id, owner=o)) for o in named]
    return out


def digest_message(brief: Brief, to: str, settings: DigestSettings) -> EmailMessage:
    """One recipient's mail: the brief as text and HTML, the dashboard's link in both."""
    message = EmailMessage()
    message["Subject"] = f"OKR brief: {plain_line(brief.title)}"
    message["From"] = settings.sender
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2].strip(">"))
    message["X-OKR-Health-Unit"] = f"{brief.scope.level}:{brief.scope.name or ''}"
    text = to_text(brief, settings.base_url)
    if not settings.base_url:
        text += "\n(The dashboard's address is not set: OKR_HEALTH_BASE_URL.)\n"
    message.set_content(text)
    message.add_alternative(to_html(brief, settings.base_url), subtype="html")
    return message


def view_url(brief: Brief, settings: DigestSettings) -> str:
    return absolute(brief.scope.view_link(), settings.base_url)


def eml_name(index: int, recipient: Recipient) -> str:
    """A file name for a recipient's mail: order, unit, address, in safe characters."""
    unit = recipient.scope.name or "company"
    raw = f"{index:03d}-{recipient.scope.level}-{unit}-{recipient.address}"
    safe = re.sub(r"\.{2,}", "-", re.sub(r"[^A-Za-z0-9@._-]+", "-", raw))
    return re.sub(r"-{2,}", "-", safe).strip("-.")[:150] + ".eml"


def write_eml(messages: list[tuple[Recipient, EmailMessage]], folder: Path) -> list[Path]:
    """Each mail as an .eml file in `folder` (made when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (recipient, message) in enumerate(messages, start=1):
        path = folder / eml_name(i, recipient)
        path.write_bytes(message.as_bytes())
        paths.append(path)
    return paths


def send(messages: list[tuple[Recipient, EmailMessage]], settings: DigestSettings) -> int:
    """Send every mail over one SMTP connection; returns how many were sent. Raises
    SettingsError when no host is set, smtplib's errors when the server refuses."""
    if not settings.host:
        raise SettingsError(
            f"no SMTP server: set {PREFIX}SMTP_HOST or [smtp] host in the digest settings "
            "(or write the mails to files with --dry-run --out DIR)"
        )
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, context=context, timeout=60)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=60)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for _, message in messages:
            smtp.send_message(message)
    return len(messages)
