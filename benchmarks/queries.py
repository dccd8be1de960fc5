"""Known-item queries made by rule from a collection: the ways a reader looks for a paper they know.

Each query names the one paper it looks for; an engine finds it when that paper is among its
first three results. The kinds, one per way of remembering a paper:

- ``title start``: the first three to five words of the title, as typed from memory;
- ``name``: the name before a colon (``CORDIC`` for "CORDIC: Is All You Need"), where the title
  has one of at most three words;
- ``two words``: two words of the title that the fewest papers of the collection use;
- ``misspelt``: a title start or two words with the longest word misspelt by one edit (two
  letters swapped, one dropped, one doubled, or one replaced by a neighbour on the keyboard),
  into a string that is no word of the collection.

Papers and edits are drawn with a seeded generator, so the same collection gives the same
queries; a paper whose title is another paper's too is never drawn (it has no one answer).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from generator.core.model import Paper

KINDS = ("title start", "name", "two words")
MISSPELT = "misspelt"

_WORD = re.compile(r"[a-z]+")
_NAME = re.compile(r"^([^:]{2,40}):\s")
_STOP = frozenset(  # words nobody remembers a title by
    (  # noqa: SIM905 (a list of 36 one-word strings reads worse)
        "a an and are as at be by for from how in into is it its of on or that the this to via we what when where"
        " which with without your our can do does"
    ).split()
)
_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True, slots=True)
class Query:
    """A query and the slug of the paper it looks for."""

    text: str
    kind: str
    slug: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _neighbours(letter: str) -> str:
    for row in _KEYBOARD:
        i = row.find(letter)
        if i >= 0:
            return row[max(0, i - 1) : i] + row[i + 1 : i + 2]
    return ""


def misspell(word: str, rng: random.Random) -> str:
    """One edit of ``word`` away, never at its first letter (readers get that one right)."""
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("swap", "drop", "double", "neighbour"))
    if edit == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    near = _neighbours(word[i].lower())
    if edit == "neighbour" and near:
        return word[:i] + rng.choice(near) + word[i + 1 :]
    return word[:i] + word[i + 1 :]


class _Drawer:
    """What the rules need to know about the collection: word frequencies and unique titles."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        titles = Counter(" ".join(_words(p.title)) for p in papers)
        self.papers = [p for p in papers if titles[" ".join(_words(p.title))] == 1]
        self.df: Counter[str] = Counter()
        for paper in papers:
            self.df.update(set(_words(f"{paper.title} {paper.abstract}")))

    def title_start(self, paper: Paper, rng: random.Random) -> str | None:
        words = paper.title.split()
        if len(words) < 4:
            return None
        take = rng.randint(3, min(5, len(words) - 1))
        return " ".join(words[:take]).rstrip(" :,;.-–—")

    def name(self, paper: Paper, _rng: random.Random) -> str | None:
        m = _NAME.match(paper.title)
        if not m or len(m.group(1).split()) > 3 or not _words(m.group(1)):
            return None
        return m.group(1).strip()

    def two_words(self, paper: Paper, _rng: random.Random) -> str | None:
        words = sorted(
            {w for w in _words(paper.title) if len(w) >= 4 and w not in _STOP}, key=lambda w: (self.df[w], w)
        )
        if len(words) < 3:  # a title of two content words is found by its start
            return None
        rare = [w for w in paper.title.split() if w.lower().strip(":,;.()") in words[:2]]
        return " ".join(w.strip(":,;.()") for w in rare[:2]) if len(rare) >= 2 else None

    def misspelt(self, paper: Paper, rng: random.Random) -> str | None:
        base = self.title_start(paper, rng) if rng.random() < 0.5 else self.two_words(paper, rng)
        if not base:
            return None
        words = base.split()
        longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
        word = words[longest]
        if len(word) < 5 or not word.isalpha():
            return None
        wrong = misspell(word, rng)
        if wrong.lower() in self.df:
            return None
        words[longest] = wrong
        return " ".join(words)


def known_item_queries(papers: Sequence[Paper], per_kind: int = 20, misspelt: int = 20, seed: int = 24) -> list[Query]:
    """``per_kind`` queries of each known-item kind and ``misspelt`` misspelt ones, each for a
    different paper drawn at random (seeded) from the collection."""
    drawer = _Drawer(papers)
    rng = random.Random(seed)
    order = list(drawer.papers)
    rng.shuffle(order)
    used: set[str] = set()
    queries: list[Query] = []
    rules = {"title start": drawer.title_start, "name": drawer.name, "two words": drawer.two_words}
    wanted = [(kind, per_kind) for kind in KINDS] + [(MISSPELT, misspelt)]
    for kind, count in wanted:
        rule = rules.get(kind, drawer.misspelt)
        found = 0
        for paper in order:
            if found == count:
                break
            if paper.slug in used:
                continue
            text = rule(paper, rng)
            if text:
                queries.append(Query(text=text, kind=kind, slug=paper.slug))
                used.add(paper.slug)
                found += 1
    return queries


def top3_rates(queries: Sequence[Query], hits: Sequence[Sequence[str]]) -> dict[str, tuple[int, int]]:
    """Per kind (and ``known item`` for the three known-item kinds together): how many queries
    had their paper among the first three results, of how many."""
    rates: dict[str, tuple[int, int]] = {}
    for query, top in zip(queries, hits, strict=True):
        found = int(query.slug in top[:3])
        for kind in (query.kind, "known item") if query.kind in KINDS else (query.kind,):
            have, total = rates.get(kind, (0, 0))
            rates[kind] = (have + found, total + 1)
    return rates


@dataclass(frozen=True, slots=True)
class Probes:
    """The words the browser probes search a collection for: two one-word queries (cold, then
    warm), the same words misspelt, and four-word queries typed key by key."""

    words: tuple[str, str]
    typos: tuple[str, str]
    typed: tuple[str, ...]


def probe_queries(papers: Sequence[Paper], typed: int = 3, seed: int = 24) -> Probes:
    """Probe queries drawn (seeded) from the collection: the one-word queries are long words that
    1-10 % of the papers use (common enough to have many results, rare enough to be a topic);
    a typed query is the first four consecutive words of a title that are all letters and none
    a stop word, lowercased: a topic as a reader types it."""
    drawer = _Drawer(papers)
    rng = random.Random(seed)
    n = len(papers)
    topical = sorted(w for w, df in drawer.df.items() if len(w) >= 9 and n * 0.01 <= df <= max(2, n * 0.1))
    if len(topical) < 2:  # a tiny collection: its most common long words
        topical = sorted((w for w in drawer.df if len(w) >= 6), key=lambda w: (-drawer.df[w], w))[:20]
    words = tuple(rng.sample(topical, 2)) if len(topical) >= 2 else ("paper", "model")
    typos = tuple(_unknown_misspelling(w, drawer.df, rng) for w in words)
    order = list(drawer.papers)
    rng.shuffle(order)
    starts: list[str] = []
    for paper in order:
        title = paper.title.split()
        for i in range(len(title) - 3):
            window = title[i : i + 4]
            if all(w.isalpha() and w.lower() not in _STOP for w in window):
                starts.append(" ".join(window).lower())
                break
        if len(starts) == typed:
            break
    return Probes(words=(words[0], words[1]), typos=(typos[0], typos[1]), typed=tuple(starts))


def _unknown_misspelling(word: str, known: Counter[str], rng: random.Random) -> str:
    for _ in range(50):
        wrong = misspell(word, rng)
        if wrong not in known:
            return wrong
    return word[:1] + word[2:]
