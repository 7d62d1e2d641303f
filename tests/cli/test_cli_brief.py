"""`okr-health brief` and `okr-health digest` as an operator runs them: a real process on the
demo store; the digest written as .eml files, and sent through a real SMTP server on
loopback (aiosmtpd) that receives and keeps the mails."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

CLI = [sys.executable, "-m", "okr_health.cli"]
BASE = "https://okr.example.com"
SETTINGS = f"""
[dashboard]
base_url = "{BASE}"

[smtp]
from = "OKR Health <okr@acme.test>"

[recipients]
company = ["ceo@acme.test"]

[recipients.departments]
Engineering = ["cto@acme.test", "vp-eng@acme.test"]

[recipients.teams]
"Engineering Data" = "data-lead@acme.test"
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OKR_HEALTH_SMTP")}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300,
                          env={**clean, **(env or {})})  # fmt: skip


def test_brief_prints_markdown_the_same_twice(demo_store: Path):
    first = run("brief", "--department", "Engineering", "--db", str(demo_store))
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.startswith("# Brief: Engineering · Q4 2026\n")
    assert "## Where it stands" in out and "## Needs attention" in out
    assert "The department Engineering has 22 objectives in this cycle: " in out
    assert "](<objective?id=2026-Q4-engineering-" in out  # relative links to the pages
    again = run("brief", "--department", "Engineering", "--db", str(demo_store))
    assert again.stdout.encode() == out.encode()


def test_brief_as_html_with_absolute_links(demo_store: Path):
    done = run("brief", "--team", "Engineering Data", "--format", "html", "--base-url", BASE,
               "--db", str(demo_store))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>")
    assert "<h1>Brief: Engineering Data · Q4 2026</h1>" in done.stdout
    assert (
        f'href="{BASE}/objective?id=2026-Q4-engineering-data-o2&amp;cycle=2026-Q4"' in done.stdout
    )


def test_brief_refuses_a_unit_the_store_lacks(demo_store: Path):
    done = run("brief", "--department", "Legal", "--db", str(demo_store))
    assert done.returncode == 1
    assert "no department 'Legal' in the store; known: Customer Success, Engineering" in done.stderr


def parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_digest_dry_run_writes_one_mail_per_recipient(demo_store: Path, tmp_path: Path):
    settings = tmp_path / "digest.toml"
    settings.write_text(SETTINGS)
    out = tmp_path / "mails"
    done = run("digest", "--dry-run", "--out", str(out), "--settings", str(settings),
               "--db", str(demo_store))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote 4 mail(s)" in done.stdout
    mails = {}
    for path in sorted(out.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        mails[str(message["To"])] = message
    assert sorted(mails) == ["ceo@acme.test", "cto@acme.test", "data-lead@acme.test",
                             "vp-eng@acme.test"]  # fmt: skip
    cto = mails["cto@acme.test"]
    assert cto["Subject"] == "OKR brief: Engineering · Q4 2026"
    assert cto["From"] == "OKR Health <okr@acme.test>"
    text, html = parts(cto)
    assert "The department Engineering has 22 objectives in this cycle" in text
    assert f"Dashboard: {BASE}/?cycle=2026-Q4&department=Engineering" in text
    assert f'href="{BASE}/?cycle=2026-Q4&amp;department=Engineering"' in html
    data_text, _ = parts(mails["data-lead@acme.test"])
    assert "The team Engineering Data has 3 objectives" in data_text
    ceo_text, _ = parts(mails["ceo@acme.test"])
    assert "The company has 158 objectives" in ceo_text


def test_digest_without_recipients_says_where_to_list_them(demo_store: Path, tmp_path: Path):
    done = run("digest", "--dry-run", "--out", str(tmp_path), "--db", str(demo_store))
    assert done.returncode == 1
    assert "the digest has no recipients" in done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_digest_is_delivered_through_a_real_smtp_server(demo_store: Path):
    from aiosmtpd.controller import Controller

    received: list[tuple[list[str], bytes]] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            received.append((list(envelope.rcpt_tos), bytes(envelope.original_content)))
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {
            "OKR_HEALTH_SMTP_HOST": "127.0.0.1",
            "OKR_HEALTH_SMTP_PORT": str(port),
            "OKR_HEALTH_SMTP_SECURITY": "none",
            "OKR_HEALTH_MAIL_FROM": "okr@acme.test",
            "OKR_HEALTH_BASE_URL": BASE,
            "OKR_HEALTH_DIGEST_RECIPIENTS": "department:Engineering=cto@acme.test; "
            "department:Sales=cso@acme.test; team:Engineering Data=data-lead@acme.test",
        }
        done = run("digest", "--db", str(demo_store), env=env)
    finally:
        controller.stop()
    assert done.returncode == 0, done.stderr
    assert f"sent 3 mail(s) through 127.0.0.1:{port}" in done.stdout
    by_recipient = {}
    for recipients, content in received:
        assert len(recipients) == 1
        by_recipient[recipients[0]] = email.message_from_bytes(content, policy=default)
    assert sorted(by_recipient) == ["cso@acme.test", "cto@acme.test", "data-lead@acme.test"]
    for address, unit, words in (
        ("cto@acme.test", "Engineering", "The department Engineering has"),
        ("cso@acme.test", "Sales", "The department Sales has"),
        ("data-lead@acme.test", "Engineering Data", "The team Engineering Data has"),
    ):
        message = by_recipient[address]
        assert message["Subject"] == f"OKR brief: {unit} · Q4 2026"
        text, html = parts(message)
        assert words in text and words in html
        assert f"{BASE}/objective?id=" in html  # links lead to the dashboard


def test_digest_refuses_an_unknown_security_setting(demo_store: Path):
    env = {"OKR_HEALTH_SMTP_SECURITY": "tls", "OKR_HEALTH_SMTP_HOST": "127.0.0.1",
           "OKR_HEALTH_DIGEST_RECIPIENTS": "company=ceo@acme.test"}  # fmt: skip
    done = run("digest", "--db", str(demo_store), env=env)
    assert done.returncode == 1
    assert "OKR_HEALTH_SMTP_SECURITY must be one of starttls, ssl, none" in done.stderr


def test_summary_gives_programme_health_in_text_and_json(demo_store: Path):
    import json

    done = run("summary", "--json", "--db", str(demo_store))
    assert done.returncode == 0, done.stderr
    health = json.loads(done.stdout)["programme_health"]
    assert health["rests_on"] == ["participation", "check_ins", "landing", "alignment", "quality"]
    assert health["parts"]["calibration"] is None  # the running cycle is not judged yet
    parts = [health["parts"][p] for p in health["rests_on"]]
    assert abs(health["index"] - 100 * sum(parts) / len(parts)) < 0.1  # parts rounded to 4 places
    assert set(health["departments"]) == {"Customer Success", "Engineering", "Marketing",
                                          "People", "Product", "Sales"}  # fmt: skip
    text = run("summary", "--db", str(demo_store)).stdout
    assert f"  programme health {health['index']:.0f}/100, from participation " in text
