"""The papers a benchmark builds: real ones read from a file in arXiv's shape, or a synthetic
collection; and the two projects (ours and stock Material) written from them.

``load_corpus(path, n)`` is the one reader of a corpus file, for every benchmark that takes
``--corpus``. A corpus is JSON Lines, one arXiv record a line: ``id``, ``title``, ``authors``
(a list of names), ``summary`` (the abstract as arXiv gives it: wrapped at about 80 columns, a
line starting with two spaces begins a paragraph), ``categories`` (primary first) and ``day``
(the listing date, ``YYYY-MM-DD``); ``.gz`` files are read as they are.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from benchmarks import synthetic
from benchmarks.constants import ROOT
from generator.content.collection import load_collection, page_paths
from generator.content.pages import to_front_matter
from generator.core.model import Paper
from generator.core.slugs import slugify, unique_slug
from generator.core.textclean import clean_text

SEED_DIR = ROOT / "content" / "papers"
PROJECT_FILES = ("mkdocs.yml", "site_config.yml")
FIRST_DATE = dt.date(2019, 1, 7)
LAST_DATE = dt.date(2025, 7, 8)
PAPERS_PER_DATE = 10


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


# --------------------------------------------------------------------------- real papers (a corpus file)

_NEW_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})(?:v\d+)?$")
_CATEGORY = re.compile(r"^[a-z-]+(?:\.[A-Za-z-]+)?$")


def unwrap(summary: str, clean: Callable[[str], str] = clean_text) -> str:
    """arXiv's wrapped abstract as paragraphs: wrapped lines joined with a space, a line that
    starts with two spaces beginning a new paragraph (what arXiv's listings show), each cleaned
    as the arXiv import cleans an abstract."""
    paragraphs: list[list[str]] = [[]]
    for line in summary.split("\n"):
        if line.startswith("  ") and paragraphs[-1]:
            paragraphs.append([])
        if line.strip():
            paragraphs[-1].append(line.strip())
    return "\n\n".join(clean(" ".join(words)) for words in paragraphs if words)


def _record(line: str) -> tuple[dict[str, object] | None, str | None]:
    """A corpus line's record with a title and an abstract, or why it has none."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        return None, f"not JSON ({err.msg})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    for key in ("title", "summary"):
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            return None, f"no {'abstract' if key == 'summary' else key}"
    return record, None


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def read_corpus(path: Path, say: Callable[[str], None] = _stderr) -> Iterator[Paper]:
    """Every usable record of the file as a paper, in the file's order; a record without a title
    or an abstract (or not a JSON object) is named by line on ``say`` and skipped."""
    opener = gzip.open if path.suffix == ".gz" else open
    taken: set[str] = set()
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record, why = _record(line)
            if record is None:
                say(f"{path.name}:{number}: skipped: {why}")
                continue
            title = clean_text(" ".join(str(record["title"]).split()))
            authors = record.get("authors")
            categories = record.get("categories")
            ident = str(record.get("id") or "")
            primary = categories[0] if isinstance(categories, list) and categories else None
            slug = unique_slug(slugify(title), taken)
            taken.add(slug)
            try:
                abstract = unwrap(str(record["summary"]))
            except Exception as err:  # the cleaner's TeX parser fails on a few real abstracts
                failure = f"{type(err).__name__}: {err}"
                say(f"{path.name}:{number}: the text cleaner failed ({failure}): abstract kept as given")
                abstract = unwrap(str(record["summary"]), clean=str)
            yield Paper(
                slug=slug,
                title=title,
                date=_day(record.get("day")) or LAST_DATE,
                abstract=abstract,
                authors=tuple(" ".join(str(a).split()) for a in authors if str(a).strip())
                if isinstance(authors, list)
                else (),
                arxiv=ident if _NEW_ID.match(ident) else None,
                category=primary if isinstance(primary, str) and _CATEGORY.match(primary) else None,
            )


def _repeat(paper: Paper, copy: int, taken: set[str]) -> Paper:
    """The ``copy``-th repeat of a paper (from 2): a title, slug and arXiv id of its own (the id
    moved ``copy - 1`` years back, the listing date too), so that the site sees a distinct paper."""
    title = f"{paper.title} ({copy})"
    slug = unique_slug(slugify(title), taken)
    arxiv = None
    m = _NEW_ID.match(paper.arxiv or "")
    if m and int(m["yy"]) - (copy - 1) >= 8:
        arxiv = f"{int(m['yy']) - (copy - 1):02d}{m['mm']}.{m['num']}"
    try:
        date = paper.date.replace(year=paper.date.year - (copy - 1))
    except ValueError:  # 29 February
        date = paper.date - dt.timedelta(days=365 * (copy - 1))
    return replace(paper, slug=slug, title=title, arxiv=arxiv, date=date)


def load_corpus(path: Path, n: int | None = None, say: Callable[[str], None] = _stderr) -> list[Paper]:
    """The first ``n`` papers of a corpus file (all of them when ``n`` is None).

    When the file holds fewer usable records than ``n``, its papers are repeated, each repeat
    with its own title, slug and arXiv id, and ``say`` is told so: figures at that size then
    measure repeated text, which shares its vocabulary with the first copy.
    """
    papers: list[Paper] = []
    for paper in read_corpus(path, say):
        if n is not None and len(papers) >= n:
            break
        papers.append(paper)
    if not papers:
        raise ValueError(f"{path}: no paper with a title and an abstract")
    if n is None or len(papers) >= n:
        return papers
    have = len(papers)
    say(f"{path.name}: {have:,} papers in the file, {n:,} asked for: repeating them with new titles and ids")
    taken = {p.slug for p in papers}
    for i in range(have, n):
        paper = _repeat(papers[i % have], i // have + 1, taken)
        taken.add(paper.slug)
        papers.append(paper)
    return papers


# --------------------------------------------------------------------------- papers from the seeds

# The committed papers shuffled and renumbered: a few thousand words, no more. Kept for the tests
# that need papers sharing topics with the seeds; benchmarks use ``benchmarks.synthetic``.

_QUALIFIERS = (
    "Revisited",
    "at Scale",
    "for Edge Devices",
    "with Fewer Labels",
    "in Practice",
    "under Memory Limits",
    "for Long Contexts",
    "without Retraining",
    "on Commodity Hardware",
    "with Provable Guarantees",
    "for Multilingual Data",
    "in the Wild",
)


# --------------------------------------------------------------------------- papers from the seeds

# The committed papers shuffled and renumbered: a few thousand words, no more. Kept for the tests
# that need papers sharing topics with the seeds; benchmarks use ``benchmarks.synthetic``.


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s.strip()]


def synthesize(seeds: Sequence[Paper], n: int, seed: int = 7) -> list[Paper]:
    """``n`` distinct, realistic papers made from the seeds.

    Titles are unique (a seed title, then the same title with a qualifier and a series number),
    abstracts mix the sentences of two seed papers so that the text varies, dates spread over
    six and a half years (about ten papers a date, like a daily listing) so that archives,
    feeds and the year filter see many values, and
    arXiv ids are unique so that duplicate checks stay quiet.
    """
    if not seeds:
        raise ValueError("no seed papers to synthesize from")
    rng = random.Random(seed)
    # A daily listing puts about ten papers on each date; the dates are spread evenly over the
    # span, so that every size sees several years.
    listings = max(1, n // PAPERS_PER_DATE)
    step = max(1, (LAST_DATE - FIRST_DATE).days // listings)
    papers: list[Paper] = []
    taken: set[str] = set()
    for i in range(n):
        base = seeds[i % len(seeds)]
        other = seeds[(i * 37 + (i // len(seeds)) * 13 + 11) % len(seeds)]
        series = i // len(seeds)
        title = base.title
        if series:
            title = f"{base.title} {_QUALIFIERS[series % len(_QUALIFIERS)]} ({series})"
        slug = slugify(title)
        if slug in taken:
            slug = f"{slug[:70].rstrip('-')}-{i}"
        taken.add(slug)
        mine, theirs = _sentences(base.abstract), _sentences(other.abstract)
        keep = max(1, len(mine) - rng.randint(0, 2))
        mixed = mine[:keep] + theirs[len(theirs) // 2 : len(theirs) // 2 + rng.randint(0, 2)]
        date = base.date if i < len(seeds) else LAST_DATE - dt.timedelta(days=step * ((i * 7919) % listings))
        arxiv = f"{date:%y%m}.{(i % 100000):05d}" if base.arxiv or i % 3 else None
        authors = list(base.authors)
        rng.shuffle(authors)
        papers.append(
            Paper(
                slug=slug,
                title=title,
                date=date,
                abstract=" ".join(mixed),
                authors=tuple(authors),
                arxiv=arxiv,
                code=base.code,
                links=base.links,
                tags=base.tags,
                submitted_by=base.submitted_by,
                source=base.source,
            )
        )
    return papers


def seed_papers(papers_dir: Path = SEED_DIR) -> list[Paper]:
    return load_collection(page_paths(papers_dir)).papers


def collection(n: int, corpus: Path | None = None) -> list[Paper]:
    """The ``n`` papers a benchmark builds: the first ``n`` of ``corpus``, else real-shaped
    synthetic ones (``benchmarks.synthetic``)."""
    return load_corpus(corpus, n) if corpus is not None else synthetic.synthesize(n)


def write_ours(papers: Sequence[Paper], dest: Path) -> Path:
    """A copy of this site's project with ``papers`` as its collection."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "overrides", dest / "overrides")
    shutil.copytree(ROOT / "content", dest / "content", ignore=shutil.ignore_patterns("papers"))
    out = dest / "content" / "papers"
    out.mkdir()
    for paper in papers:
        (out / f"{paper.slug}.md").write_text(to_front_matter(paper), encoding="utf-8")
    return dest


STOCK_CONFIG = """\
site_name: Stock
site_url: https://example.org/
docs_dir: docs
theme:
  name: material
plugins:
  - search
nav:
  - Home: index.md
"""


def write_stock(papers: Sequence[Paper], dest: Path) -> Path:
    """The baseline: stock Material, one plain page per paper, only the home page in the nav."""
    docs = dest / "docs" / "papers"
    docs.mkdir(parents=True)
    (dest / "mkdocs.yml").write_text(STOCK_CONFIG, encoding="utf-8")
    (dest / "docs" / "index.md").write_text("# Papers\n\nA stock site.\n", encoding="utf-8")
    for paper in papers:
        body = "\n\n".join(paper.abstract.split("\n\n"))
        (docs / f"{paper.slug}.md").write_text(f"# {paper.title}\n\n{body}\n", encoding="utf-8")
    return dest
