"""``digest``: email the papers listed in a date window, as a ``.eml`` file and optionally by SMTP.

Exit status: 0 done; 1 sending failed for at least one recipient (those that succeeded are
named); 2 bad input or settings; 3 no papers in the window (nothing written or sent), which a
scheduled job can tell apart from a failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path

from generator.content.collection import load_collection, page_paths
from generator.content.writer import write_bytes_if_changed
from generator.core.routes import PAPERS_DIR
from generator.core.site_config import ConfigError, SiteConfig, TopicConfig, load_site_config
from generator.core.site_identity import IdentityError, SiteIdentity, load_identity
from generator.core.slugs import slugify
from generator.outputs.digest import Digest, build_message, eml_name, select_papers
from generator.outputs.mailer import SendError, credentials, send_each
from generator.site.subscribe import unsubscribe_link
from generator.taxonomy.topics import assign_topics

EXIT_SEND_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_EMPTY = 3


def _date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _address(text: str) -> str:
    _, addr = parseaddr(text)
    if not addr or "@" not in addr or any(c in text for c in "\r\n") or addr.count("@") != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not an email address")
    return text.strip()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "digest",
        help="write (and optionally send) the email digest of the papers listed in a date window",
        description="Render the papers whose listing date is in the window as an email (plain text and "
        "HTML) and write it to DIR as a .eml file; with --send, also send it to each --to address "
        "through the SMTP server set in site_config.yml (digest.smtp).",
        epilog="Links use site_url from mkdocs.yml. SMTP credentials come from the environment variables "
        "PAPERSHELF_SMTP_USER and PAPERSHELF_SMTP_PASSWORD. Exit status: 0 done, 1 a send failed, "
        "2 bad input or settings, 3 no papers in the window.",
    )
    p.add_argument("--since", type=_date, required=True, metavar="YYYY-MM-DD", help="first listing date (included)")
    p.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="last listing date (included; default: none)")
    p.add_argument("--topic", metavar="NAME", help="only papers of this topic of the taxonomy")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the .eml file to")
    p.add_argument("--send", action="store_true", help="also send the digest by SMTP to each --to address")
    p.add_argument("--to", type=_address, nargs="+", default=[], metavar="ADDR", help="recipients")
    p.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml")
    p.set_defaults(run=run)


def _error(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _find_topic(name: str, site: SiteConfig, config_path: Path) -> TopicConfig:
    wanted = slugify(name)
    for topic in site.taxonomy:
        if topic.slug == wanted:
            return topic
    known = ", ".join(t.name for t in site.taxonomy) or "none: the taxonomy is empty"
    raise ValueError(f"--topic: no topic {name!r} in {config_path} (topics: {known})")


def _load(args: argparse.Namespace) -> tuple[SiteIdentity, SiteConfig]:
    identity = load_identity(args.config)
    site = load_site_config(identity.site_config)
    return identity, site


def run(args: argparse.Namespace) -> int:
    if args.until is not None and args.until < args.since:
        return _error(f"--until {args.until} is before --since {args.since}")
    if args.send and not args.to:
        return _error("--send needs at least one --to address")
    try:
        identity, site = _load(args)
    except (IdentityError, ConfigError) as err:
        return _error(str(err))
    if not identity.url.startswith(("https://", "http://")):
        return _error(f"{args.config}: site_url must be set to the site's address: the digest links to it")
    try:
        topic = _find_topic(args.topic, site, identity.site_config) if args.topic else None
    except ValueError as err:
        return _error(str(err))

    collection = load_collection(page_paths(identity.content_dir / PAPERS_DIR))
    for path, problems in sorted(collection.broken.items()):
        print(f"warning: left out: {problems[0].format(str(path))}", file=sys.stderr)
    topics = assign_topics(collection.papers, site.taxonomy)
    papers = select_papers(collection.papers, args.since, args.until, topic, topics)
    digest = Digest(
        site_name=identity.name,
        site_url=identity.url,
        since=args.since,
        until=args.until,
        papers=papers,
        unsubscribe=unsubscribe_link(site.digest, identity.url),
        topic=topic,
        max_papers=site.digest.max_papers,
    )
    if not papers:
        where = f" in the topic {topic.name!r}" if topic else ""
        window = f"from {args.since} to {args.until}" if args.until else f"since {args.since}"
        return _error(f"no papers listed {window}{where}: nothing to write or send", EXIT_EMPTY)

    sender = site.digest.sender or f"{identity.name} <digest@localhost>"
    _, envelope_from = parseaddr(sender)
    if args.send and not site.digest.sender:
        return _error(f"{identity.site_config}: digest.sender is not set: it is the From address of the digest")
    domain = envelope_from.rpartition("@")[2] or "localhost"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def message(to: list[str]) -> EmailMessage:
        return build_message(digest, sender=sender, to=to, date=now, message_id=make_msgid(domain=domain))

    out = args.out / eml_name(digest)
    try:
        write_bytes_if_changed(out, message(args.to).as_bytes())
    except OSError as err:
        return _error(f"cannot write {out}: {err.strerror or err}")
    print(f"wrote {out} ({len(papers)} papers)")
    if not args.send:
        return 0

    try:
        report = send_each(
            [(addr, message([addr])) for addr in args.to],
            envelope_from=envelope_from,
            smtp=site.digest.smtp,
            login=credentials(os.environ),
            base_dir=identity.site_config.parent,
        )
    except SendError as err:
        return _error(f"{err}; the digest was not sent", EXIT_SEND_FAILED)
    for addr in report.sent:
        print(f"sent to {addr}")
    for addr, why in report.failed.items():
        print(f"error: not sent to {addr}: {why}", file=sys.stderr)
    return EXIT_SEND_FAILED if report.failed else 0
