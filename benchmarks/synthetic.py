"""Synthetic papers shaped like real ones, for benchmarks at any size.

Real papers' text is what search and related papers are measured on, and its shape is what the
figures depend on: a Zipfian vocabulary that keeps growing with the collection (Heaps' law: a
tenth of the papers has far more than a tenth of the words), hyphenated compounds, names, digits
and TeX, authors lists from one name to thousands. The generator draws each of these from a
calibration (``shape.json``) fitted on real arXiv records by ``python -m benchmarks calibrate
--fit --corpus FILE``:

- words: the most common words of real abstracts with their counts (the head), and past them a
  tail of made-up words drawn by rank from a power law whose exponent is fitted so that the
  collection's vocabulary grows as the real one does; a tail word is a plain word, a compound of
  two words, an acronym or a number in the proportions of the real tail;
- authors: the count of authors per paper drawn from the real counts (their long tail included);
  people from a power law over made-up names, fitted as the words are, so that prolific authors
  recur and the name vocabulary grows as the real one does;
- titles and abstracts: lengths from the real ones; half the titles start with a name and a
  colon, as real ones do; TeX, a second paragraph, categories and the papers a listing day has
  at the real rates.

The same ``n`` and ``seed`` give the same papers; the first ``n`` papers of a larger collection are
not those of a smaller one (sizes are drawn together).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from generator.core.model import Paper
from generator.core.slugs import slugify, unique_slug

SHAPE_FILE = Path(__file__).with_name("shape.json")
PEOPLE_SHIFT = 5000
LAST_DAY = dt.date(2025, 7, 17)

_SYLLABLES = (*(c + v for c in "bdklmnprstvz" for v in "aeiou"), "tra", "pro", "stra", "ver", "con", "tion")
_MATH = (
    "$k$",
    "$n$",
    r"$\alpha$",
    r"$\times$",
    r"$\mathcal{O}(n \log n)$",
    r"$10^{-3}$",
    "$L_2$",
    r"$\epsilon$",
    "$n^2$",
    r"$\sim$",
    r"$\mathbb{R}^d$",
    r"$\lambda$",
)


@dataclass(frozen=True, slots=True)
class Shape:
    """The calibration: what real papers look like, in the numbers the generator draws from."""

    head: tuple[tuple[str, int], ...]  # the most common words as written, and their counts
    head_share: float  # share of a text's words that are head words
    tail_exponent: float  # of the power law over tail ranks
    tail_classes: dict[str, float]  # plain, compound, acronym, number: shares of the tail
    author_counts: dict[int, int]  # authors per paper: how many papers have that many
    person_exponent: float  # of the power law over people
    title_words: dict[int, int]
    abstract_words: dict[int, int]
    colon_titles: float
    tex_papers: float
    tex_spans: float  # per paper with TeX
    two_paragraphs: float
    categories: dict[str, int]
    papers_per_day: float

    @classmethod
    def load(cls, path: Path = SHAPE_FILE) -> Shape:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["head"] = tuple((w, int(c)) for w, c in data["head"])
        for key in ("author_counts", "title_words", "abstract_words"):
            data[key] = {int(k): int(v) for k, v in data[key].items()}
        return cls(**data)

    def dump(self, path: Path = SHAPE_FILE) -> None:
        """One field a line, the head one word a line: a refit's diff shows what moved."""
        fields = []
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "head":
                words = ",\n".join(json.dumps(list(pair), ensure_ascii=False) for pair in value)
                fields.append(f'"head": [\n{words}\n]')
            else:
                fields.append(f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False)}")
        path.write_text("{\n" + ",\n".join(fields) + "\n}\n", encoding="utf-8")


@cache
def _made_up(rank: int, salt: int = 0) -> str:
    """A pronounceable made-up word, a different one for each rank (its digits in syllables)."""
    base = len(_SYLLABLES)
    n = rank * 37 + salt * 11 + 90
    parts = []
    while True:
        n, digit = divmod(n, base)
        parts.append(_SYLLABLES[digit])
        if n == 0:
            break
        n -= 1
    return "".join(parts)


def _tail_word(rank: int, classes: Sequence[tuple[str, float]], head: Sequence[str]) -> str:
    """The tail word of a rank: its class and spelling follow from the rank alone, so a rank
    drawn twice is the same word twice."""
    u = ((rank * 2654435761) % 2**32) / 2**32
    kind = classes[-1][0]
    for name, cumulative in classes:
        if u < cumulative:
            kind = name
            break
    if kind == "compound":  # a head or tail word joined to another, as "vision-language" or "3d-aware"
        first = head[rank % 400] if rank % 3 else _made_up(rank, 1)
        return f"{first}-{_made_up(rank, 2)}"
    if kind == "acronym":
        word = _made_up(rank, 3)
        return word.upper()[:6] if rank % 2 else word[:4].capitalize() + word[4:7].upper()
    if kind == "number":
        return f"{rank % 97}.{rank % 89}" if rank % 2 else str(rank % 4099)
    return _made_up(rank)


class Generator:
    """Draws papers from a shape with one seeded random generator."""

    def __init__(self, shape: Shape, seed: int) -> None:
        self.shape = shape
        self.rng = np.random.default_rng(seed)
        words, counts = zip(*shape.head, strict=True)
        self.head = list(words)
        self.head_cdf = _cdf(counts)
        self.function_words = {w.lower() for w in self.head[:60]}
        self._tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        total = sum(shape.tail_classes.values())
        running, self.classes = 0.0, []
        for name, share in shape.tail_classes.items():
            running += share / total
            self.classes.append((name, running))

    def _pick(self, table: dict[int, int] | dict[str, int], size: int) -> np.ndarray:
        """``size`` keys of ``table`` drawn by their counts."""
        if id(table) not in self._tables:
            self._tables[id(table)] = (np.array(list(table), dtype=object), _cdf(list(table.values())))
        keys, cdf = self._tables[id(table)]
        return keys[np.searchsorted(cdf, self.rng.random(size), side="right")]

    def words(self, count: int) -> list[str]:
        """``count`` words of running text: head words by their real frequency, tail words by rank."""
        head = self.rng.random(count) < self.shape.head_share
        heads = np.searchsorted(self.head_cdf, self.rng.random(int(head.sum())), side="right")
        tails = self._tail_ranks(count - len(heads))
        out, h, t = [], iter(heads), iter(tails)
        for is_head in head:
            out.append(self.head[next(h)] if is_head else _tail_word(int(next(t)), self.classes, self.head))
        return out

    def _tail_ranks(self, count: int) -> np.ndarray:
        """Ranks past the head, drawn so that word ``r`` of the whole vocabulary has a frequency
        falling as ``r ** -tail_exponent``: the tail goes on where the head's counts end."""
        start = len(self.head)
        x = start * self.rng.random(count) ** (-1.0 / (self.shape.tail_exponent - 1.0))
        return np.minimum(x - start, 2**40).astype(np.int64) + 1

    def title_words(self, count: int) -> list[str]:
        """Words for a title: running text with most of its commonest words (articles,
        prepositions) left out, as titles leave them."""
        words = self.words(count * 2)
        keep = [w for w in words if w.lower() not in self.function_words or self.rng.random() < 0.25]
        return keep[:count]

    def person(self) -> str:
        """A made-up name; people drawn from a power law over ranks shifted by 5,000 (so that the
        commonest people recur, as prolific authors do, but no one is on every paper)."""
        rank = int(PEOPLE_SHIFT * self.rng.random() ** (-1.0 / (self.shape.person_exponent - 1.0)) - PEOPLE_SHIFT)
        first = _made_up(rank % 1500, 5).capitalize()
        return f"{first} {_made_up(rank, 6).capitalize()}"

    def title(self) -> str:
        length = int(self._pick(self.shape.title_words, 1)[0])
        words = [w if w[:1].isupper() or w[:1].isdigit() else w.capitalize() for w in self.title_words(length)]
        if self.rng.random() < self.shape.colon_titles:
            name = _tail_word(int(self.rng.zipf(1.05)) + 10_000_000, [("acronym", 1.0)], self.head)
            return f"{name}: {' '.join(words[: max(3, length - 1)])}"
        return " ".join(words)

    def abstract(self) -> str:
        length = int(self._pick(self.shape.abstract_words, 1)[0])
        words = self.words(length)
        if self.rng.random() < self.shape.tex_papers:
            for _ in range(max(1, int(self.rng.poisson(self.shape.tex_spans)))):
                words.insert(int(self.rng.integers(0, len(words))), _MATH[int(self.rng.integers(0, len(_MATH)))])
        sentences, i = [], 0
        while i < len(words):
            step = int(self.rng.integers(12, 32))
            if len(words) - (i + step) < 6:  # no sentence of a word or two at the end
                step = len(words) - i
            sentence = words[i : i + step]
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            sentences.append(" ".join(sentence) + ".")
            i += step
        if len(sentences) > 3 and self.rng.random() < self.shape.two_paragraphs:
            half = len(sentences) // 2
            return " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])
        return " ".join(sentences)


def _cdf(counts: Sequence[int]) -> np.ndarray:
    """The cumulative shares of ``counts``, the last one exactly 1 (a draw never falls past it)."""
    cdf = np.cumsum(np.asarray(counts, dtype=float))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def _listing_days(n: int, per_day: float) -> list[dt.date]:
    """Weekdays back from ``LAST_DAY``, ``per_day`` papers each, newest first, for ``n`` papers."""
    days: list[dt.date] = []
    day = LAST_DAY
    while len(days) * per_day < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days


def synthesize(n: int, seed: int = 7, shape: Shape | None = None) -> list[Paper]:
    """``n`` distinct real-shaped papers (titles, slugs and arXiv ids all distinct, no title
    empty: at 50,000 papers one title's words were all left out, and that page failed the build)."""
    shape = shape or Shape.load()
    gen = Generator(shape, seed)
    counts = gen._pick(shape.author_counts, n)
    categories = gen._pick(shape.categories, n)
    days = _listing_days(n, shape.papers_per_day)
    papers: list[Paper] = []
    slugs: set[str] = set()
    titles: set[str] = set()
    serial: dict[str, int] = {}
    for i in range(n):
        title = gen.title()
        while not title.strip() or title.lower() in titles:  # every word a dropped "of"/"the": drawn again
            title = gen.title()
        titles.add(title.lower())
        slug = unique_slug(slugify(title), slugs)
        slugs.add(slug)
        day = days[min(len(days) - 1, int(i / shape.papers_per_day))]
        month = f"{day:%y%m}"
        serial[month] = serial.get(month, 0) + 1
        papers.append(
            Paper(
                slug=slug,
                title=title,
                date=day,
                abstract=gen.abstract(),
                authors=tuple(gen.person() for _ in range(int(counts[i]))),
                arxiv=f"{month}.{serial[month]:05d}",
                category=str(categories[i]),
            )
        )
    return papers


def heaps(sizes: Sequence[int], vocabulary: Sequence[int]) -> tuple[float, float]:
    """Heaps' law through the points: ``vocabulary ≈ k · papers ** beta``, as (k, beta)."""
    beta, log_k = np.polyfit(np.log(sizes), np.log(vocabulary), 1)
    return math.exp(log_k), float(beta)
