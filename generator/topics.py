"""Topics: a paper's own ``tags`` plus what the taxonomy's keyword rules suggest. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.model import Paper
from generator.site_config import TopicConfig


def _pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in keyword.casefold().split()]
    return re.compile(r"\b" + r"[\s\-]+".join(words) + r"\b")


def suggest_topics(paper: Paper, taxonomy: Sequence[TopicConfig]) -> tuple[str, ...]:
    """Topics whose keywords occur in the title or abstract, in taxonomy order."""
    text = f"{paper.title}\n{paper.abstract}".casefold()
    return tuple(t.name for t in taxonomy if any(_pattern(k).search(text) for k in t.keywords))


def topics_of(paper: Paper, taxonomy: Sequence[TopicConfig]) -> tuple[str, ...]:
    """Explicit tags first (they always win), then suggestions not already tagged."""
    explicit = list(paper.tags)
    return tuple(explicit + [t for t in suggest_topics(paper, taxonomy) if t not in explicit])


def assign_topics(papers: Sequence[Paper], taxonomy: Sequence[TopicConfig]) -> dict[str, tuple[str, ...]]:
    """slug -> topics, for the whole collection, computed once per build."""
    return {p.slug: topics_of(p, taxonomy) for p in papers}
