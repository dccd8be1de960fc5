"""The email digest: the papers listed in a date window, as one multipart message.

Mail clients are hostile ground for HTML: many drop ``<style>`` blocks, block remote images and
never run scripts. So the HTML part uses tables and inline styles only, loads nothing, and
every link is absolute (built from ``site_url``). The plain-text part says the same, for
clients and readers that prefer it. Every contributor field is escaped with ``render.e``, and
only https URLs become links, exactly as on the site.

Pure functions: the clock and the message id are parameters, so a digest can be tested byte
for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from itertools import groupby
from urllib.parse import urlsplit

from generator.core import routes
from generator.core.html import e
from generator.core.links import arxiv_abs, arxiv_pdf
from generator.core.model import Paper
from generator.core.site_config import TopicConfig
from generator.core.text import excerpt, human_date, plain_text
from generator.core.values import is_https_url
from generator.outputs.feeds import FORMATS, absolute, in_topic, topic_feed_folder

FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
INK = "#1f2333"
MUTED = "#5f6473"
ACCENT = "#3f51b5"
RULE = "#e3e5f0"


@dataclass(frozen=True, slots=True)
class Digest:
    """What one digest contains; ``papers`` are every paper of the window, in the site order."""

    site_name: str
    site_url: str
    since: dt.date
    until: dt.date | None
    papers: tuple[Paper, ...]
    unsubscribe: str
    topic: TopicConfig | None = None
    max_papers: int = 100

    @property
    def shown(self) -> tuple[Paper, ...]:
        return self.papers[: self.max_papers]

    @property
    def hidden(self) -> int:
        return len(self.papers) - len(self.shown)


def select_papers(
    papers: Sequence[Paper],
    since: dt.date,
    until: dt.date | None,
    topic: TopicConfig | None = None,
    topics: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Paper, ...]:
    """Papers whose listing date is in ``since..until`` (both included), optionally of one topic."""
    return tuple(
        p
        for p in papers
        if since <= p.date
        and (until is None or p.date <= until)
        and (topic is None or in_topic(p, topic, topics or {}))
    )


def period(since: dt.date, until: dt.date | None) -> str:
    if until is None:
        return f"since {human_date(since)}"
    if until == since:
        return human_date(since)
    return f"{human_date(since)} to {human_date(until)}"


def _count(n: int) -> str:
    return f"{n} new paper" if n == 1 else f"{n} new papers"


def subject(d: Digest) -> str:
    about = f"{d.site_name}: {d.topic.name}" if d.topic else d.site_name
    return f"{about}: {_count(len(d.papers))}, {period(d.since, d.until)}"


def feed_urls(d: Digest) -> list[tuple[str, str]]:
    """(label, absolute URL) of the feeds that follow the same papers as the digest."""
    folder = topic_feed_folder(d.topic) if d.topic else routes.FEEDS_DIR
    return [(f.label, absolute(d.site_url, folder + f.filename)) for f in FORMATS]


def _paper_links(paper: Paper, site_url: str, site_name: str) -> list[tuple[str, str]]:
    links = [(f"Read on {site_name}", absolute(site_url, paper.url))]
    if paper.arxiv:
        links += [("arXiv", arxiv_abs(paper.arxiv)), ("PDF", arxiv_pdf(paper.arxiv))]
    if paper.code and is_https_url(paper.code):
        links.append(("Code", paper.code))
    return links


def eml_name(d: Digest) -> str:
    """A file name that says which window (and topic) the digest covers."""
    window = d.since.isoformat() + (f"-to-{d.until.isoformat()}" if d.until else "-onwards")
    return f"digest-{window}{'-' + d.topic.slug if d.topic else ''}.eml"


# --------------------------------------------------------------------------- plain text


def _wrap(text: str, indent: str, first: str | None = None) -> str:
    start = indent if first is None else first
    return textwrap.fill(text, width=72, initial_indent=start, subsequent_indent=indent, break_on_hyphens=False)


def text_body(d: Digest) -> str:
    heading = f"{d.site_name}{': ' + d.topic.name if d.topic else ''}"
    out = [heading, f"{_count(len(d.papers))}, {period(d.since, d.until)}"]
    number = 0
    for date, group in groupby(d.shown, key=lambda p: p.date):
        heading = human_date(date)
        out += ["", "", heading, "=" * len(heading)]
        for paper in group:
            number += 1
            out += ["", _wrap(f"{number}. {plain_text(paper.title)}", "   ", first="")]
            if paper.authors:
                out.append(_wrap(plain_text(", ".join(paper.authors)), "   "))
            if paper.abstract:
                out.append(_wrap(excerpt(paper.abstract), "   "))
            out += [f"   {label}: {url}" for label, url in _paper_links(paper, d.site_url, d.site_name)]
    if d.hidden:
        more = "1 more paper" if d.hidden == 1 else f"{d.hidden} more papers"
        out += ["", f"And {more} on the site: {absolute(d.site_url, '')}"]
    out += [
        "",
        "-- ",
        f"You receive this digest because you subscribed to {d.site_name}.",
        f"Unsubscribe: {d.unsubscribe}",
        "Follow in a feed reader instead:",
        *(f"  {label}: {url}" for label, url in feed_urls(d)),
        f"All feeds and the digest: {absolute(d.site_url, routes.SUBSCRIBE_URL)}",
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- HTML


def _a(url: str, label: str, style: str) -> str:
    return f'<a href="{e(url)}" style="{style}">{e(label)}</a>'


def _paper_html(paper: Paper, d: Digest) -> str:
    link = f"color:{ACCENT};text-decoration:none;"
    parts = [
        f'<a href="{e(absolute(d.site_url, paper.url))}" style="color:{INK};text-decoration:none;font-size:17px;'
        f'font-weight:bold;line-height:1.35;">{e(paper.title)}</a>'
    ]
    if paper.authors:
        parts.append(
            f'<div style="color:{MUTED};font-size:13px;line-height:1.4;padding-top:4px;">'
            f"{e(', '.join(paper.authors))}</div>"
        )
    if paper.abstract:
        style = f"color:{INK};font-size:14px;line-height:1.5;padding-top:6px;"
        parts.append(f'<div style="{style}">{e(excerpt(paper.abstract))}</div>')
    links = " &middot; ".join(_a(url, label, link) for label, url in _paper_links(paper, d.site_url, d.site_name))
    parts.append(f'<div style="font-size:13px;padding-top:8px;">{links}</div>')
    return (
        f'<tr><td style="padding:14px 28px;border-bottom:1px solid {RULE};font-family:{FONT};">'
        + "".join(parts)
        + "</td></tr>\n"
    )


def html_body(d: Digest) -> str:
    title = subject(d)
    heading = f"{d.site_name}{': ' + d.topic.name if d.topic else ''}"
    home = _a(absolute(d.site_url, ""), heading, "color:#ffffff;text-decoration:none;font-size:22px;font-weight:bold;")
    rows = []
    for date, group in groupby(d.shown, key=lambda p: p.date):
        rows.append(
            f'<tr><td style="padding:22px 28px 4px;font-family:{FONT};font-size:12px;font-weight:bold;'
            f'letter-spacing:0.06em;text-transform:uppercase;color:{ACCENT};">{e(human_date(date))}</td></tr>\n'
        )
        rows += [_paper_html(p, d) for p in group]
    if d.hidden:
        more = "1 more paper" if d.hidden == 1 else f"{d.hidden} more papers"
        rows.append(
            f'<tr><td style="padding:16px 28px;font-family:{FONT};font-size:14px;color:{INK};">And {more} '
            f"on {_a(absolute(d.site_url, ''), d.site_name, f'color:{ACCENT};')}.</td></tr>\n"
        )
    footer_link = f"color:{MUTED};text-decoration:underline;"
    feeds = " &middot; ".join(_a(url, label, footer_link) for label, url in feed_urls(d))
    footer = (
        f'<tr><td style="padding:20px 28px 24px;font-family:{FONT};font-size:12px;line-height:1.6;color:{MUTED};'
        f'background:#f7f8fc;border-radius:0 0 10px 10px;">'
        f"You receive this digest because you subscribed to {e(d.site_name)}. "
        f"{_a(d.unsubscribe, 'Unsubscribe', footer_link)}.<br>"
        f"Follow in a feed reader instead: {feeds}. "
        f"{_a(absolute(d.site_url, routes.SUBSCRIBE_URL), 'All feeds and the digest', footer_link)}."
        "</td></tr>\n"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light">\n'
        f"<title>{e(title)}</title>\n</head>\n"
        '<body style="margin:0;padding:0;background:#eceef6;">\n'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        'style="background:#eceef6;">\n<tr><td align="center" style="padding:24px 12px;">\n'
        '<table role="presentation" width="640" cellpadding="0" cellspacing="0" border="0" '
        'style="width:100%;max-width:640px;background:#ffffff;border-radius:10px;">\n'
        f'<tr><td style="padding:22px 28px;background:{ACCENT};border-radius:10px 10px 0 0;font-family:{FONT};">'
        f"{home}"
        f'<div style="color:#e8eaf6;font-size:14px;padding-top:4px;">'
        f"{e(_count(len(d.papers)))}, {e(period(d.since, d.until))}</div></td></tr>\n"
        + "".join(rows)
        + footer
        + "</table>\n</td></tr>\n</table>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- the message


def build_message(d: Digest, *, sender: str, to: Sequence[str], date: dt.datetime, message_id: str) -> EmailMessage:
    """A multipart/alternative message (text, then HTML: clients show the last they can)."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = subject(d)
    msg["From"] = sender
    msg["To"] = ", ".join(to) if to else "undisclosed-recipients:;"
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    host = urlsplit(d.site_url).hostname or "localhost"
    msg["List-Id"] = f"{d.site_name} digest <digest.{host}>"
    msg["List-Unsubscribe"] = f"<{d.unsubscribe}>"
    text, html = text_body(d), html_body(d)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    # A boundary made from the content (not at random) keeps the message reproducible; "=="
    # cannot occur in quoted-printable or base64 bodies, so it never collides with them.
    msg.set_boundary("==papershelf-" + hashlib.sha256((text + html).encode("utf-8")).hexdigest()[:32])
    return msg
