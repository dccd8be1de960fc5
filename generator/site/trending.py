"""Trending: the papers listed this week and this month, ordered by what readers think of them.

A paper's score adds its two kinds of votes, each weighted (``trending`` in site_config.yml):

    score = (vote_weight × votes + upvote_weight × upvotes) × 0.5 ^ (age / half_life_days)

- *votes*: 👍 reactions and upvotes on the paper's GitHub discussion, counted weekly into
  ``content/votes.json`` (``python -m generator votes``);
- *upvotes*: the Hugging Face upvotes the paper had when it was imported (its ``upvotes``);
- *age*: days from the paper's listing date to "now", the newest listing date on the shelf —
  never the clock, so the same content builds the same pages whenever it is built.

Papers with a score of 0 (no votes of either kind) follow the scored ones in the listing's own
order (``model.sort_key``), so a shelf without any votes shows its newest papers, as the home
page does. Pure functions: papers and votes in, ``{source path: markdown}`` out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.content.votes import Vote
from generator.core.html import e, relative_url
from generator.core.model import Paper, sort_key
from generator.core.routes import ATOM_FILE, TRENDING_MONTH_SRC, TRENDING_WEEK_SRC, src_to_url
from generator.core.site_config import TrendingConfig
from generator.core.text import human_date
from generator.site.listings import count_label, front_matter
from generator.site.render import paper_item


@dataclass(frozen=True, slots=True)
class Window:
    """One trending page: its source path, its title and how many days of listings it covers."""

    src: str
    name: str  # "this week"
    days: int

    @property
    def url(self) -> str:
        return src_to_url(self.src)

    @property
    def feed(self) -> str:
        return self.url + ATOM_FILE


def windows(config: TrendingConfig) -> tuple[Window, Window]:
    return (
        Window(TRENDING_WEEK_SRC, "this week", config.week_days),
        Window(TRENDING_MONTH_SRC, "this month", config.month_days),
    )


@dataclass(frozen=True, slots=True)
class Ranked:
    """A paper on a trending page, with what its score is made of."""

    paper: Paper
    votes: int
    upvotes: int
    score: float


def score(votes: int, upvotes: int, age_days: int, config: TrendingConfig) -> float:
    """The documented score (see the module's docstring)."""
    weighted = config.vote_weight * votes + config.upvote_weight * upvotes
    return weighted * 0.5 ** (age_days / config.half_life_days) if weighted else 0.0


def ranked(
    papers: Sequence[Paper], votes: Mapping[str, Vote], days: int, config: TrendingConfig
) -> tuple[list[Ranked], int]:
    """The papers listed in the ``days`` up to the newest listing date, best score first (then
    the listing's order), cut to ``config.max_papers``; and how many papers the window holds."""
    if not papers:
        return [], 0
    now = max(p.date for p in papers)
    start = now - dt.timedelta(days=days - 1)
    out = []
    for paper in papers:
        if paper.date < start:
            continue
        vote = votes.get(paper.slug)
        up = vote.up if vote is not None else 0
        hf = paper.upvotes or 0
        out.append(Ranked(paper, up, hf, score(up, hf, (now - paper.date).days, config)))
    out.sort(key=lambda r: (-r.score, sort_key(r.paper)))
    return out[: config.max_papers], len(out)


def _votes_html(item: Ranked) -> str:
    """What the score is made of, each part labelled with where it comes from."""
    parts = []
    if item.votes:
        parts.append(f"{count_label(item.votes, 'vote')} here")
    if item.upvotes:
        parts.append(f"{count_label(item.upvotes, 'upvote')} on Hugging Face")
    if not parts:
        return '<p class="ps-score">No votes yet</p>'
    return f'<p class="ps-score">{" · ".join(parts)} · score {item.score:.1f}</p>'


def _tabs(current: Window, all_windows: Sequence[Window]) -> str:
    links = []
    for window in all_windows:
        label = f"Trending {window.name}"
        if window == current:
            links.append(f'<span class="md-button ps-tab-current" aria-current="page">{e(label)}</span>')
        else:
            links.append(f'<a class="md-button" href="{e(relative_url(current.url, window.url))}">{e(label)}</a>')
    return f'<nav class="ps-trending-tabs" aria-label="Trending periods">{" ".join(links)}</nav>\n'


def _explanation(window: Window, now: dt.date | None, shown: int, total: int, config: TrendingConfig) -> str:
    if now is None:
        return ""
    start = now - dt.timedelta(days=window.days - 1)
    held = f"The {count_label(total)} listed from {human_date(start)} to {human_date(now)}"
    if shown < total:
        held += f" (the first {shown} shown)"
    return (
        f'<p class="ps-trending-how">{held}, ordered by score: votes here (thumbs-up reactions and upvotes'
        " on the paper's discussion) and the upvotes it had on Hugging Face when imported, with a time decay:"
        " a paper's score"
        f" halves every {config.half_life_days:g} days since it was listed, counted to the newest listing"
        f" date, {human_date(now)}. Papers without votes follow in the listing's order."
        f' <a href="{e(relative_url(window.url, window.feed))}">Atom feed</a></p>\n'
    )


def trending_page(
    window: Window,
    papers: Sequence[Paper],
    votes: Mapping[str, Vote],
    config: TrendingConfig,
    excerpt_chars: int,
    all_windows: Sequence[Window],
) -> tuple[str, list[Paper]]:
    """A trending page's markdown, and its papers in order (for its feed)."""
    items, total = ranked(papers, votes, window.days, config)
    now = max((p.date for p in papers), default=None)
    title = f"Trending {window.name}"
    entries = "".join(
        paper_item(item.paper, window.url, "", excerpt_chars).removesuffix("</li>") + _votes_html(item) + "</li>"
        for item in items
    )
    body = f'<ol class="ps-list ps-trending">{entries}</ol>\n' if entries else "<p>No papers yet.</p>\n"
    page = (
        front_matter(title, [item.paper for item in items])
        + f"<h1>{e(title)}</h1>\n\n{_tabs(window, all_windows)}{_explanation(window, now, len(items), total, config)}"
        + body
    )
    return page, [item.paper for item in items]


def trending_pages(
    papers: Sequence[Paper], votes: Mapping[str, Vote], config: TrendingConfig, excerpt_chars: int
) -> tuple[dict[str, str], dict[Window, list[Paper]]]:
    """Both trending pages, and each one's papers in its order."""
    pages: dict[str, str] = {}
    chosen: dict[Window, list[Paper]] = {}
    all_windows = windows(config)
    for window in all_windows:
        pages[window.src], chosen[window] = trending_page(window, papers, votes, config, excerpt_chars, all_windows)
    return pages, chosen
