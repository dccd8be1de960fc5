"""The email digest: its content, the command's errors, and real sending to an SMTP server
(aiosmtpd) that each test starts on 127.0.0.1 — plain, STARTTLS with a login, and SSL — and a
digest's HTML rendered in a real headless Chromium with the network cut off."""

from __future__ import annotations

import datetime as dt
import email
import os
import re
import socket
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from generator.content.collection import load_collection, page_paths
from generator.core.model import Paper
from generator.core.site_config import TopicConfig
from generator.core.site_identity import IdentityError, load_identity
from generator.outputs.digest import Digest, build_message, html_body, select_papers, text_body
from tests.conftest import OUTPUT, ROOT, copy_project

SITE_URL = "https://papershelf.example.org/"
NASTY_TITLE = 'A & B <script>alert("x")</script> <img src=x onerror=alert(1)>'
UNSUBSCRIBE = "https://papershelf.example.org/unsubscribe?list=digest&who=me"
USER, PASSWORD = "digest-bot", "correct horse battery staple"

# Papers added to a copy of the site, in September and October, away from the seed papers' July.
EXTRA_PAPERS = {
    "a-b-script-alert-x-script": (
        "---\n"
        f"title: '{NASTY_TITLE}'\n"
        "date: 2025-09-01\n"
        "authors:\n- Ada <Lovelace>\n- Bob & Co\n"
        "arxiv: '2404.14527'\n"
        "code: https://github.com/example/nasty\n"
        "tags:\n- Digest topic\n"
        "---\n\n"
        "An abstract with <b>markup</b>, an ampersand & and math $a<b$.\n"
    ),
    "sparse-quokka-transformers": (
        "---\ntitle: Sparse Quokka Transformers\ndate: 2025-09-03\nauthors:\n- Q. Uokka\n---\n\n"
        "We scale quokkas. The abstract is long enough to be cut: " + "more words " * 60 + "\n"
    ),
    "the-october-paper": "---\ntitle: The October Paper\ndate: 2025-10-01\n---\n\nOutside the window.\n",
}
WINDOW = ["--since", "2025-09-01", "--until", "2025-09-30"]
IN_WINDOW = [NASTY_TITLE, "Sparse Quokka Transformers"]


# --------------------------------------------------------------------------- helpers


def paper(slug: str, date: str, title: str = "", **kw: Any) -> Paper:
    return Paper(slug=slug, title=title or slug.replace("-", " ").title(), date=dt.date.fromisoformat(date), **kw)


def sample_digest(**kw: Any) -> Digest:
    papers = (
        paper(
            "nasty",
            "2025-09-01",
            NASTY_TITLE,
            abstract="x < y & <b>z</b>",
            authors=("Ada <Lovelace>",),
            arxiv="2404.14527",
            code="https://github.com/example/nasty",
        ),
        paper("plain", "2025-09-01", "Plain Paper", abstract="Plain."),
    )
    values: dict[str, Any] = {
        "site_name": "PaperShelf",
        "site_url": SITE_URL,
        "since": dt.date(2025, 9, 1),
        "until": dt.date(2025, 9, 7),
        "papers": papers,
        "unsubscribe": UNSUBSCRIBE,
    }
    return Digest(**{**values, **kw})


def parse_eml(data: bytes) -> EmailMessage:
    msg = email.message_from_bytes(data, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a digest, decoded."""
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    return text.get_content(), html.get_content()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("digest") / "project")
    for slug, text in EXTRA_PAPERS.items():
        (root / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")
    (root / "site_config.orig.yml").write_bytes((root / "site_config.yml").read_bytes())
    return root


def configure(project: Path, **smtp: Any) -> None:
    """Point the copy's digest settings at a test server; the rest of site_config.yml is kept."""
    config = yaml.safe_load((project / "site_config.orig.yml").read_text(encoding="utf-8")) or {}
    taxonomy = [t for t in config.get("taxonomy") or [] if t["name"] != "Digest topic"]
    config["taxonomy"] = [*taxonomy, {"name": "Digest topic", "description": "Only for the digest tests."}]
    config["digest"] = {
        "sender": "PaperShelf Digest <digest@papershelf.example.org>",
        "subscribe": "mailto:digest@papershelf.example.org?subject=subscribe",
        "unsubscribe": UNSUBSCRIBE,
        "smtp": {"host": "127.0.0.1", "port": 25, "security": "none", "timeout": 10, **smtp},
    }
    (project / "site_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def run_digest(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSHELF_SMTP_")}
    return subprocess.run(
        [sys.executable, "-m", "generator", "digest", "--config", str(project / "mkdocs.yml"), *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=project,
        check=False,
        timeout=120,
    )


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses mailboxes named ``nobody``."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": parse_eml(envelope.original_content or envelope.content),
                "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
            }
        )
        return "250 Message accepted for delivery"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with openssl for this test run."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp_server(certificate: tuple[Path, Path]) -> Iterator[Callable[..., tuple[Inbox, int]]]:
    """Start aiosmtpd servers on 127.0.0.1; each is stopped when the test ends."""
    controllers: list[Controller] = []

    def start(mode: str = "plain") -> tuple[Inbox, int]:
        inbox, port = Inbox(), free_port()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        kwargs: dict[str, Any] = {}
        if mode == "starttls":
            kwargs = {"tls_context": context, "require_starttls": True, "authenticator": authenticator}
            kwargs |= {"auth_required": True, "auth_require_tls": True}
        elif mode == "ssl":
            kwargs = {"ssl_context": context, "authenticator": authenticator, "auth_required": True}
            kwargs |= {"auth_require_tls": False}  # the whole connection is TLS already
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return inbox, port

    yield start
    for controller in controllers:
        controller.stop()


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def check_digest_message(msg: EmailMessage, to: str) -> None:
    """Headers, both parts and the titles of a digest sent for the September window."""
    assert msg["From"] == "PaperShelf Digest <digest@papershelf.example.org>"
    assert msg["To"] == to
    assert msg["Subject"] == "PaperShelf: 2 new papers, September 1, 2025 to September 30, 2025"
    assert msg["List-Unsubscribe"].strip() == f"<{UNSUBSCRIBE}>"  # folded onto its own line
    assert re.fullmatch(r"<[^@<>\s]+@papershelf\.example\.org>", msg["Message-ID"])
    assert email.utils.parsedate_to_datetime(msg["Date"]).tzinfo is not None
    text, html = parts(msg)
    for title in IN_WINDOW:
        assert title in text
    assert "A &amp; B &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;" in html
    assert "Sparse Quokka Transformers" in html
    assert "The October Paper" not in text + html
    assert f"Unsubscribe: {UNSUBSCRIBE}" in text
    assert f'href="{UNSUBSCRIBE.replace("&", "&amp;")}"' in html
    assert f'href="{SITE_URL}feeds/atom.xml"' in html and f"{SITE_URL}feeds/atom.xml" in text


# --------------------------------------------------------------------------- unit


def test_window_includes_both_ends_and_filters_topic() -> None:
    papers = [paper("c", "2025-09-08"), paper("b", "2025-09-07"), paper("a", "2025-09-01"), paper("z", "2025-08-31")]
    since, until = dt.date(2025, 9, 1), dt.date(2025, 9, 7)
    assert [p.slug for p in select_papers(papers, since, until)] == ["b", "a"]
    assert [p.slug for p in select_papers(papers, since, None)] == ["c", "b", "a"]
    topic = TopicConfig(name="Quokka Studies")
    topics = {"b": ("quokka studies",), "c": ("Quokka Studies",)}
    assert [p.slug for p in select_papers(papers, since, until, topic, topics)] == ["b"]


def test_html_part_is_safe_for_mail_clients() -> None:
    html = html_body(sample_digest())
    for forbidden in ("<script", "<style", "<img", "<link", "<iframe", "<form", "javascript:"):
        assert forbidden not in html.lower(), forbidden
    tags = re.findall(r"<[a-z][^>]*>", html)
    assert not [tag for tag in tags if re.search(r"\s(src|class|on\w+)=", tag)]  # nothing loads, no stylesheet
    assert "&lt;script&gt;" in html and "&lt;b&gt;z&lt;/b&gt;" in html and "Ada &lt;Lovelace&gt;" in html
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert len(hrefs) == html.count("<a ")
    assert all(h.startswith("https://") for h in hrefs)  # absolute, and https only
    assert all('style="' in a for a in re.findall(r"<a [^>]*>", html))  # inline styles only
    assert f"{SITE_URL}papers/nasty/" in hrefs and "https://arxiv.org/abs/2404.14527" in hrefs
    assert UNSUBSCRIBE.replace("&", "&amp;") in html
    text = text_body(sample_digest())
    assert NASTY_TITLE in text and "Ada <Lovelace>" in text and "&amp;" not in text


def test_long_digests_link_the_rest() -> None:
    many = tuple(paper(f"p-{i:03d}", "2025-09-01", f"Paper {i}") for i in range(30))
    d = sample_digest(papers=many, max_papers=25)
    html, text = html_body(d), text_body(d)
    assert "Paper 24<" in html and "Paper 25<" not in html
    assert "And 5 more papers on" in html and f"And 5 more papers on the site: {SITE_URL}" in text


def test_message_is_multipart_and_deterministic() -> None:
    when = dt.datetime(2025, 9, 8, 7, 0, tzinfo=dt.UTC)
    args: dict[str, Any] = {"sender": "S <s@example.org>", "to": ["r@example.org"], "date": when}
    first = build_message(sample_digest(), message_id="<1@example.org>", **args).as_bytes()
    assert first == build_message(sample_digest(), message_id="<1@example.org>", **args).as_bytes()
    msg = parse_eml(first)
    assert msg["Date"] == "Mon, 08 Sep 2025 07:00:00 +0000"
    assert msg["Subject"] == "PaperShelf: 2 new papers, September 1, 2025 to September 7, 2025"
    text, html = parts(msg)
    assert NASTY_TITLE in text and "&lt;script&gt;" in html
    topic = build_message(sample_digest(topic=TopicConfig(name="Quokka <Studies>")), message_id="<2@e.org>", **args)
    assert topic["Subject"].startswith("PaperShelf: Quokka <Studies>: 2 new papers")
    assert f"{SITE_URL}topics/quokka-studies/atom.xml" in parts(topic)[0]


# --------------------------------------------------------------------------- the command


def test_command_writes_an_eml_file(project: Path, tmp_path: Path) -> None:
    configure(project)
    result = run_digest(project, *WINDOW, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "digest-2025-09-01-to-2025-09-30.eml"
    assert result.stdout == f"wrote {path} (2 papers)\n"
    msg = parse_eml(path.read_bytes())
    assert msg["To"] == "undisclosed-recipients:;"
    text, html = parts(msg)
    assert all(title in text for title in IN_WINDOW) and "The October Paper" not in text
    assert "Sparse Quokka Transformers" in html
    topic = run_digest(project, *WINDOW, "--topic", "digest TOPIC", "--out", str(tmp_path))
    assert topic.returncode == 0, topic.stderr
    msg = parse_eml((tmp_path / "digest-2025-09-01-to-2025-09-30-digest-topic.eml").read_bytes())
    assert msg["Subject"] == "PaperShelf: Digest topic: 1 new paper, September 1, 2025 to September 30, 2025"
    assert "Sparse Quokka" not in parts(msg)[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2025-02-30"], "argument --since: '2025-02-30' is not a date written YYYY-MM-DD"),
        (["--since", "last week"], "argument --since: 'last week' is not a date written YYYY-MM-DD"),
        (["--since", "2025-9-1"], "is not a date written YYYY-MM-DD"),
        (["--since", "2025-09-30", "--until", "2025-09-01"], "--until 2025-09-01 is before --since 2025-09-30"),
        (["--since", "2025-09-01", "--topic", "Astrology"], "--topic: no topic 'Astrology'"),
        (["--since", "2025-09-01", "--send"], "--send needs at least one --to address"),
        (["--since", "2025-09-01", "--to", "not-an-address"], "'not-an-address' is not an email address"),
    ],
)
def test_bad_input_is_a_clear_error(project: Path, tmp_path: Path, args: list[str], message: str) -> None:
    configure(project)
    result = run_digest(project, *args, "--out", str(tmp_path))
    assert result.returncode == 2
    assert message in result.stderr
    no_traceback(result)
    assert list(tmp_path.iterdir()) == []


def test_empty_window_is_an_error_with_its_own_status(project: Path, tmp_path: Path) -> None:
    configure(project)
    result = run_digest(project, "--since", "2001-01-01", "--until", "2001-12-31", "--out", str(tmp_path))
    assert result.returncode == 3
    assert result.stderr == "error: no papers listed from 2001-01-01 to 2001-12-31: nothing to write or send\n"
    no_traceback(result)
    assert list(tmp_path.iterdir()) == []


def test_missing_mkdocs_yml_is_named(tmp_path: Path) -> None:
    result = run_digest(tmp_path, "--since", "2025-09-01", "--out", str(tmp_path))
    assert result.returncode == 2
    assert f"error: {tmp_path / 'mkdocs.yml'}: no such file" in result.stderr
    no_traceback(result)


# --------------------------------------------------------------------------- sending


def test_send_to_a_real_smtp_server(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("plain")
    configure(project, port=port, security="none")
    to = ["reader.one@example.org", "Reader Two <reader.two@example.org>"]
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", *to)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [f"sent to {a}" for a in to]
    assert len(inbox.received) == 2  # one copy each: no reader sees the others' addresses
    for got, addr, bare in zip(inbox.received, to, ["reader.one@example.org", "reader.two@example.org"], strict=True):
        assert got["from"] == "digest@papershelf.example.org"
        assert got["to"] == [bare]
        check_digest_message(got["message"], addr)


LOGIN = {"PAPERSHELF_SMTP_USER": USER, "PAPERSHELF_SMTP_PASSWORD": PASSWORD}


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # SSL: the socket itself is TLS
def test_send_over_tls_with_a_login_from_the_environment(
    project: Path, tmp_path: Path, smtp_server: Any, certificate: tuple[Path, Path], mode: str
) -> None:
    inbox, port = smtp_server(mode)
    configure(project, port=port, security=mode, ca_file=str(certificate[0]))
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org", env=LOGIN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("sent to reader@example.org\n")
    (got,) = inbox.received
    assert got["authenticated"]
    assert got["tls"] or mode == "ssl"  # aiosmtpd reports TLS only for STARTTLS sessions
    check_digest_message(got["message"], "reader@example.org")
    assert PASSWORD not in (project / "site_config.yml").read_text(encoding="utf-8")


def test_an_untrusted_certificate_is_refused(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("starttls")
    configure(project, port=port, security="starttls")  # no ca_file: the self-signed cert is not trusted
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org", env=LOGIN)
    assert result.returncode == 1
    assert "certificate verify failed" in result.stderr and "the digest was not sent" in result.stderr
    assert "sent to" not in result.stdout
    assert inbox.received == []
    no_traceback(result)


def test_a_wrong_password_sends_nothing(
    project: Path, tmp_path: Path, smtp_server: Any, certificate: tuple[Path, Path]
) -> None:
    inbox, port = smtp_server("starttls")
    configure(project, port=port, security="starttls", ca_file=str(certificate[0]))
    env = {**LOGIN, "PAPERSHELF_SMTP_PASSWORD": "wrong"}
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org", env=env)
    assert result.returncode == 1
    assert "refused the login from PAPERSHELF_SMTP_USER/PAPERSHELF_SMTP_PASSWORD: 535" in result.stderr
    assert "sent to" not in result.stdout and inbox.received == []
    no_traceback(result)


def test_an_unreachable_server_is_reported_not_sent(project: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    configure(project, port=port, security="starttls")
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org")
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot connect to the SMTP server 127.0.0.1:{port}: ")
    assert result.stderr.rstrip().endswith("the digest was not sent")
    assert "sent to" not in result.stdout
    assert (tmp_path / "digest-2025-09-01-to-2025-09-30.eml").is_file()  # the file is still there to send later
    no_traceback(result)


def test_a_refused_recipient_does_not_stop_the_others(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("plain")
    configure(project, port=port, security="none")
    to = ["nobody@example.org", "reader@example.org"]
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", *to)
    assert result.returncode == 1
    assert "error: not sent to nobody@example.org: 550 5.1.1 No such mailbox here" in result.stderr
    assert "sent to reader@example.org" in result.stdout and "sent to nobody" not in result.stdout
    assert [got["to"] for got in inbox.received] == [["reader@example.org"]]
    no_traceback(result)


def test_no_password_over_an_unencrypted_connection(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("plain")
    configure(project, port=port, security="none")
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org", env=LOGIN)
    assert result.returncode == 1
    assert "refusing to send the SMTP password to 127.0.0.1" in result.stderr
    assert inbox.received == []
    no_traceback(result)


def test_starttls_that_the_server_lacks_is_an_error(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("plain")
    configure(project, port=port, security="starttls")
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org")
    assert result.returncode == 1
    assert f"127.0.0.1:{port} does not offer STARTTLS" in result.stderr
    assert inbox.received == []


def test_only_one_of_the_login_variables_is_an_error(project: Path, tmp_path: Path, smtp_server: Any) -> None:
    inbox, port = smtp_server("plain")
    configure(project, port=port, security="none")
    env = {"PAPERSHELF_SMTP_USER": USER}
    result = run_digest(project, *WINDOW, "--out", str(tmp_path), "--send", "--to", "reader@example.org", env=env)
    assert result.returncode == 1
    assert "PAPERSHELF_SMTP_PASSWORD is not set" in result.stderr
    assert inbox.received == []


# --------------------------------------------------------------------------- the browser


@pytest.mark.browser
def test_digest_renders_in_chromium_without_the_network(project: Path, tmp_path: Path, page: Any) -> None:
    configure(project)
    result = run_digest(project, "--since", "2025-07-08", "--until", "2025-09-30", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    _, html = parts(parse_eml((tmp_path / "digest-2025-07-08-to-2025-09-30.eml").read_bytes()))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route("**/*", lambda route: route.abort())
    page.set_viewport_size({"width": 760, "height": 1400})
    page.set_content(html, wait_until="load")
    assert requests == []  # nothing is fetched: no images, fonts, styles or scripts from anywhere
    window = load_collection(page_paths(project / "content" / "papers")).papers
    count = sum(dt.date(2025, 7, 8) <= p.date <= dt.date(2025, 9, 30) for p in window)
    assert page.title().startswith(f"PaperShelf: {count} new papers, July 8, 2025 to September 30, 2025")
    first = page.locator("a", has_text="A & B <script>")
    assert first.count() == 1 and first.get_attribute("href") == SITE_URL + "papers/a-b-script-alert-x-script/"
    assert page.evaluate("document.querySelectorAll('script, img, style, link').length") == 0
    assert page.evaluate("document.title") != "broken"
    assert page.locator("a", has_text="Unsubscribe").get_attribute("href") == UNSUBSCRIBE
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "digest.png"))
    assert page.console_errors == []


# --------------------------------------------------------------------------- the weekly workflow

WORKFLOW = ROOT / ".github" / "workflows" / "digest.yml"


def workflow_step(name: str) -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return next(s for job in data["jobs"].values() for s in job["steps"] if s.get("name") == name)


def run_step(name: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run a step's script with bash as the runner does (``bash -e``); returns it and its outputs."""
    output = cwd / "github-output.txt"
    output.write_text("", encoding="utf-8")
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(cwd)), "GITHUB_OUTPUT": str(output)}
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", workflow_step(name)["run"]],
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=cwd,
        check=False,
        timeout=120,
    )
    return result, output.read_text(encoding="utf-8")


def test_workflow_runs_weekly_and_on_demand_with_a_read_only_token() -> None:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = data.get("on", data.get(True))
    assert triggers["schedule"] == [{"cron": "0 7 * * 1"}] and "workflow_dispatch" in triggers
    assert data["permissions"] == {"contents": "read"}
    (job,) = data["jobs"].values()
    assert "env" not in job  # secrets go only to the steps that use them
    with_secrets = [s["name"] for s in job["steps"] if "secrets." in str(s.get("env", ""))]
    assert with_secrets == ["Check for the SMTP secrets", "Send the digest"]


def test_workflow_skips_with_a_clear_line_without_the_secrets(tmp_path: Path) -> None:
    result, outputs = run_step("Check for the SMTP secrets", tmp_path, {"PAPERSHELF_SMTP_USER": "someone"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Digest skipped: the repository secrets PAPERSHELF_SMTP_PASSWORD PAPERSHELF_DIGEST_TO are not set"
    )
    assert outputs == "send=false\n"
    result, outputs = run_step("Check for the SMTP secrets", tmp_path, {**LOGIN, "PAPERSHELF_DIGEST_TO": "a@b.org"})
    assert result.returncode == 0 and result.stdout == "" and outputs == "send=true\n"


def test_workflow_sends_and_accepts_a_quiet_week(
    project: Path, smtp_server: Any, certificate: tuple[Path, Path]
) -> None:
    inbox, port = smtp_server("starttls")
    configure(project, port=port, security="starttls", ca_file=str(certificate[0]))
    venv = project / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.executable).parent.parent)
    env = {**LOGIN, "PAPERSHELF_DIGEST_TO": "one@example.org, two@example.org"}
    result, _ = run_step("Send the digest", project, {**env, "SINCE": "2025-09-01", "UNTIL": "2025-09-30"})
    assert result.returncode == 0, result.stderr
    assert "sent to one@example.org\nsent to two@example.org\n" in result.stdout
    assert [got["to"] for got in inbox.received] == [["one@example.org"], ["two@example.org"]]
    result, _ = run_step("Send the digest", project, {**env, "SINCE": "2024-01-01", "UNTIL": "2024-01-07"})
    assert result.returncode == 0, result.stderr
    assert "No papers were listed from 2024-01-01 to 2024-01-07: no digest this week." in result.stdout
    assert len(inbox.received) == 2
    env["PAPERSHELF_SMTP_PASSWORD"] = "wrong"  # a failed send fails the run
    result, _ = run_step("Send the digest", project, {**env, "SINCE": "2025-09-01", "UNTIL": "2025-09-30"})
    assert result.returncode == 1 and "the digest was not sent" in result.stderr


# --------------------------------------------------------------------------- reading mkdocs.yml


def test_site_identity_reads_mkdocs_yml_with_its_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Shelf & Co\n"
        "site_url: !ENV [PAPERSHELF_TEST_SITE_URL, 'https://fallback.example.org']\n"
        "docs_dir: pages\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - search\n"
        "  - papershelf:\n"
        "      site_config: settings/site.yml\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("PAPERSHELF_TEST_SITE_URL", raising=False)
    identity = load_identity(config)
    assert identity.name == "Shelf & Co"
    assert identity.url == "https://fallback.example.org/"
    assert identity.docs_dir == tmp_path / "pages"
    assert identity.site_config == tmp_path / "settings" / "site.yml"
    monkeypatch.setenv("PAPERSHELF_TEST_SITE_URL", "https://shelf.example.org/sub")
    assert load_identity(config).url == "https://shelf.example.org/sub/"
    config.write_text("site_name: [unclosed\n", encoding="utf-8")
    with pytest.raises(IdentityError, match=r"mkdocs\.yml: not valid YAML"):
        load_identity(config)
