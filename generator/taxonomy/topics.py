"""Topics: a paper's own ``tags`` plus what the taxonomy's keyword rules suggest. Pure functions.

Rules: a topic is suggested when one of its keywords occurs in the title, or at least twice in
the abstract. A single mention deep in an abstract is usually a passing remark ("unlike
fine-tuning, …"), and the threshold keeps those papers off the topic's page.

Explicit tags always win: they come first, keep their order, and a tag that names a taxonomy
topic in another spelling (``llm serving and inference``) is shown under the taxonomy's name,
so one topic never splits into two pages. A tag outside the taxonomy is a topic of its own.

The topics' pages are listings like the others (``site.listings.topic_pages``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from generator.core.model import Paper
from generator.core.routes import topic_url
from generator.core.site_config import TopicConfig
from generator.core.slugs import slugify
from generator.core.words import words

# A title mention counts this many abstract mentions: titles are short and deliberate.
TITLE_WEIGHT = 2
SUGGEST_THRESHOLD = 2


_Index = dict[str, tuple[tuple[tuple[str, ...], int], ...]]


@lru_cache(maxsize=64)
def _phrase_index(keyword_sets: tuple[tuple[str, ...], ...]) -> _Index:
    """First word -> (keyword phrase, topic number) pairs, so that a text is scanned once for
    every topic: at 10,000 papers, one pass of dictionary look-ups instead of a regular
    expression per topic."""
    entries: dict[str, set[tuple[tuple[str, ...], int]]] = {}
    for number, keywords in enumerate(keyword_sets):
        for keyword in keywords:
            phrase = tuple(words(keyword))
            if phrase:
                entries.setdefault(phrase[0], set()).add((phrase, number))
    return {first: tuple(sorted(group)) for first, group in entries.items()}


def _counts(tokens: tuple[str, ...], index: _Index, size: int) -> list[int]:
    """Mentions per topic; a position counts once per topic even if two of its phrases start there."""
    counts = [0] * size
    present = index.keys() & set(tokens)  # most words start no keyword: skip them in C
    if not present:
        return counts
    for i in [i for i, token in enumerate(tokens) if token in present]:
        seen: set[int] = set()
        for phrase, number in index[tokens[i]]:
            if number not in seen and tokens[i : i + len(phrase)] == phrase:
                seen.add(number)
                counts[number] += 1
    return counts


def topic_scores(paper: Paper, taxonomy: Sequence[TopicConfig]) -> list[int]:
    """Weighted keyword mentions per topic, in taxonomy order; title mentions weigh ``TITLE_WEIGHT``."""
    index = _phrase_index(tuple(tuple(t.keywords) for t in taxonomy))
    title = _counts(words(paper.title), index, len(taxonomy))
    abstract = _counts(words(paper.abstract), index, len(taxonomy))
    return [TITLE_WEIGHT * t + a for t, a in zip(title, abstract, strict=True)]


def suggest_topics(paper: Paper, taxonomy: Sequence[TopicConfig]) -> tuple[str, ...]:
    """Topics whose keywords occur in the title, or at least twice in the abstract, in taxonomy order."""
    if not taxonomy:
        return ()
    scores = topic_scores(paper, taxonomy)
    return tuple(t.name for t, score in zip(taxonomy, scores, strict=True) if score >= SUGGEST_THRESHOLD)


def canonical_name(tag: str, taxonomy: Sequence[TopicConfig]) -> str:
    """The taxonomy's spelling of a tag that names one of its topics; other tags are kept as written."""
    slug = slugify(tag)
    for topic in taxonomy:
        if topic.slug == slug:
            return topic.name
    return tag


def topics_of(paper: Paper, taxonomy: Sequence[TopicConfig]) -> tuple[str, ...]:
    """Explicit tags first (they always win), then suggestions not already tagged."""
    out: list[str] = []
    seen: set[str] = set()
    for name in [canonical_name(t, taxonomy) for t in paper.tags] + list(suggest_topics(paper, taxonomy)):
        slug = slugify(name)
        if slug not in seen:
            seen.add(slug)
            out.append(name)
    return tuple(out)


def assign_topics(
    papers: Sequence[Paper],
    taxonomy: Sequence[TopicConfig],
    memo: dict[Paper, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """slug -> topics, for the whole collection, computed once per build.

    Tags outside the taxonomy that differ only in case or punctuation (``GANs``, ``gans``) are
    given the spelling met first in the site-wide order, so they share one page and one name.
    ``memo`` keeps each paper's own topics between calls (a preview restages on every edit,
    and the taxonomy stays the same meanwhile).
    """
    names: dict[str, str] = {t.slug: t.name for t in taxonomy}
    out: dict[str, tuple[str, ...]] = {}
    for paper in papers:
        topics = []
        own = memo.get(paper) if memo is not None else None
        if own is None:
            own = topics_of(paper, taxonomy)
            if memo is not None:
                memo[paper] = own
        for name in own:
            topics.append(names.setdefault(slugify(name), name))
        out[paper.slug] = tuple(topics)
    return out


# --------------------------------------------------------------------------- topic pages


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic as the site shows it: taxonomy topics first, in their order, then other tags."""

    name: str
    slug: str
    description: str
    papers: tuple[Paper, ...]

    @property
    def url(self) -> str:
        return topic_url(self.slug)


def collect_topics(
    papers: Sequence[Paper], topics: Mapping[str, Sequence[str]], taxonomy: Sequence[TopicConfig]
) -> list[Topic]:
    """Every topic with its papers (in the site-wide order); taxonomy topics even when empty."""
    members: dict[str, list[Paper]] = {t.slug: [] for t in taxonomy}
    names: dict[str, str] = {t.slug: t.name for t in taxonomy}
    for paper in papers:
        for name in topics.get(paper.slug, ()):
            slug = slugify(name)
            names.setdefault(slug, name)
            members.setdefault(slug, []).append(paper)
    described = {t.slug: t.description for t in taxonomy}
    order = [t.slug for t in taxonomy] + sorted(s for s in members if s not in described)
    return [Topic(names[s], s, described.get(s, ""), tuple(members[s])) for s in dict.fromkeys(order)]
