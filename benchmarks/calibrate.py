"""``python -m benchmarks calibrate``: fit the synthetic papers' shape on real ones, and show
how close the synthetic collection comes to the real one.

With ``--fit``, the shape (``benchmarks/shape.json``) is measured on the corpus and the two
exponents (tail words, people) are found by bisection, each so that the synthetic collection of
the corpus's size has the real vocabulary. Without it, the committed shape is compared: at N
papers, the real corpus's first N papers and N synthetic ones, their vocabulary (words of titles
and abstracts, and of author names), then, with ``--build``, each built as this site: its search
index's size and the bytes four-word queries typed into it fetch (the browser probe of ``make
bench``), each synthetic figure with its ratio to the real one (target: within 20 %).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.corpus import load_corpus, write_ours
from benchmarks.synthetic import Generator, Shape, heaps, synthesize
from generator.core.model import Paper

HEAD_WORDS = 3000
_TOKEN = re.compile(r"[a-z0-9]+")
_STRIP = ".,;:()[]{}\"'!?"
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*%?$")


def text_vocabulary(papers: Sequence[Paper]) -> int:
    """Distinct words (letters and digits, lowercased) of the titles and abstracts."""
    seen: set[str] = set()
    for paper in papers:
        seen.update(_TOKEN.findall(f"{paper.title} {paper.abstract}".lower()))
    return len(seen)


def name_vocabulary(papers: Sequence[Paper]) -> int:
    seen: set[str] = set()
    for paper in papers:
        for author in paper.authors:
            seen.update(_TOKEN.findall(author.lower()))
    return len(seen)


def _surface(text: str) -> list[str]:
    words = (w.strip(_STRIP) for w in text.split())
    return [w for w in words if w and "$" not in w and "\\" not in w]


def _tail_class(word: str) -> str:
    if _NUMBER.match(word):
        return "number"
    if re.search(r"[A-Za-z0-9]-[A-Za-z0-9]", word):
        return "compound"
    if sum(c.isupper() for c in word) >= 2:
        return "acronym"
    return "plain"


def measure_shape(papers: Sequence[Paper]) -> Shape:
    """The shape of a real collection, with placeholder exponents (``fit`` finds them)."""
    forms = Counter[str]()
    for paper in papers:
        forms.update(_surface(paper.abstract))
    spellings: dict[str, Counter[str]] = {}
    for form, count in forms.items():
        spellings.setdefault(form.lower(), Counter())[form] = count
    totals = Counter({key: sum(forms.values()) for key, forms in spellings.items()})
    head = [(spellings[key].most_common(1)[0][0], count) for key, count in totals.most_common(HEAD_WORDS)]
    in_head = {key for key, _ in totals.most_common(HEAD_WORDS)}
    tail = Counter[str]()
    for key, count in totals.items():
        if key not in in_head:
            tail[_tail_class(spellings[key].most_common(1)[0][0])] += count
    all_words = sum(totals.values())
    tex = [p for p in papers if "$" in p.abstract]
    days = {p.date for p in papers}
    return Shape(
        head=tuple(head),
        head_share=sum(c for _, c in head) / all_words,
        tail_exponent=1.5,
        tail_classes={k: tail[k] / sum(tail.values()) for k in ("plain", "compound", "acronym", "number")},
        author_counts=dict(sorted(Counter(max(1, len(p.authors)) for p in papers).items())),
        person_exponent=1.5,
        title_words=dict(sorted(Counter(len(p.title.split()) for p in papers).items())),
        abstract_words=dict(sorted(Counter(len(p.abstract.split()) for p in papers).items())),
        colon_titles=sum(1 for p in papers if re.match(r"^[^:]{2,40}:\s", p.title)) / len(papers),
        tex_papers=len(tex) / len(papers),
        tex_spans=sum(p.abstract.count("$") // 2 for p in tex) / max(1, len(tex)),
        two_paragraphs=sum(1 for p in papers if "\n\n" in p.abstract) / len(papers),
        categories=dict(Counter(p.category or "cs.LG" for p in papers).most_common(25)),
        papers_per_day=len(papers) / max(1, len(days)),
    )


def _bisect(measure: Callable[[float], int], wanted: int, low: float = 1.3, high: float = 3.5) -> float:
    """The exponent whose collection has ``wanted`` words (the vocabulary falls as it grows)."""
    for _ in range(8):
        mid = (low + high) / 2
        if measure(mid) > wanted:
            low = mid
        else:
            high = mid
    return round((low + high) / 2, 4)


FIT_PAPERS = 20000


def fit(papers: Sequence[Paper], say: Callable[[str], None]) -> Shape:
    """The shape measured on all of ``papers``; the exponents fitted on the vocabulary of their
    first 20,000, the size the comparison is held to (``calibrate --papers 5000 20000`` shows
    the growth up to it)."""
    shape = measure_shape(papers)
    first = papers[:FIT_PAPERS]
    n = len(first)
    real_text, real_names = text_vocabulary(first), name_vocabulary(first)

    def texts(exponent: float) -> int:
        trial = Shape(**{**{k: getattr(shape, k) for k in Shape.__slots__}, "tail_exponent": exponent})
        gen = Generator(trial, seed=1)
        seen: set[str] = set()
        for _ in range(n):
            seen.update(_TOKEN.findall(f"{gen.title()} {gen.abstract()}".lower()))
        say(f"  tail exponent {exponent:.4f}: {len(seen):,} words (real: {real_text:,})")
        return len(seen)

    def people(exponent: float) -> int:
        trial = Shape(**{**{k: getattr(shape, k) for k in Shape.__slots__}, "person_exponent": exponent})
        gen = Generator(trial, seed=1)
        slots = sum(len(p.authors) for p in first)
        seen: set[str] = set()
        for _ in range(slots):
            seen.update(_TOKEN.findall(gen.person().lower()))
        say(f"  person exponent {exponent:.4f}: {len(seen):,} name words (real: {real_names:,})")
        return len(seen)

    tail = _bisect(texts, real_text)
    person = _bisect(people, real_names)
    say(f"fitted on {n:,} papers: tail exponent {tail}, person exponent {person}")
    return Shape(
        **{**{k: getattr(shape, k) for k in Shape.__slots__}, "tail_exponent": tail, "person_exponent": person}
    )


def _ratio(synthetic: float, real: float) -> str:
    ratio = synthetic / real if real else float("nan")
    return f"{ratio:.2f} ({'within' if abs(ratio - 1) <= 0.2 else 'NOT within'} 20 %)"


def _site_figures(papers: Sequence[Paper], base: Path, name: str) -> tuple[float, float, float]:
    """Build ``papers`` as this site: its search files' MB, and the median KB and files of the
    typed four-word queries."""
    from benchmarks.browser import browser_figures
    from benchmarks.measure import measure_build
    from benchmarks.queries import probe_queries
    from generator.search.index import INDEX_DIR
    from generator.search.typos import TYPOS_DIR

    project = write_ours(papers, base / name)
    site = base / f"site-{name}"
    figures = measure_build(project, site)
    index = sum(p.stat().st_size for d in (INDEX_DIR, TYPOS_DIR) for p in (site / d).rglob("*") if p.is_file())
    browser_figures(site, figures, probe_queries(papers))
    shutil.rmtree(site, ignore_errors=True)
    return index / 1e6, figures.typed_kb or 0.0, figures.typed_files or 0.0


def compare(corpus: Path, sizes: Sequence[int], build: bool, workdir: Path | None) -> int:
    """Synthetic against real at each size: vocabularies, and with ``build`` the built sites."""
    for n in sizes:
        real = load_corpus(corpus, n, say=lambda m: None)
        fake = synthesize(n)
        rows = [
            ("words of titles and abstracts", text_vocabulary(real), text_vocabulary(fake)),
            ("words of author names", name_vocabulary(real), name_vocabulary(fake)),
            (
                "authors per paper, mean",
                statistics.mean(len(p.authors) for p in real),
                statistics.mean(len(p.authors) for p in fake),
            ),
            ("authors of the longest list", max(len(p.authors) for p in real), max(len(p.authors) for p in fake)),
        ]
        if build:
            with tempfile.TemporaryDirectory(prefix="papershelf-calibrate-", dir=workdir) as tmp:
                print(f"{n:,} papers: building the real and the synthetic collection…", file=sys.stderr)
                r = _site_figures(real, Path(tmp), "real")
                f = _site_figures(fake, Path(tmp), "synthetic")
            rows += [
                ("search index (MB)", r[0], f[0]),
                ("typed 4-word query, KB fetched (median)", r[1], f[1]),
                ("typed 4-word query, files fetched (median)", r[2], f[2]),
            ]
        print(f"{n:,} papers: real ({corpus.name}) against synthetic")
        print(f"{'':44} {'real':>10} {'synthetic':>10}  synthetic/real")
        for label, a, b in rows:
            ratio = _ratio(b, a) if "longest" not in label else f"{b / a:.2f} (one draw: varies from run to run)"
            print(f"{label:44} {a:>10,.1f} {b:>10,.1f}  {ratio}")
    if len(sizes) > 1:
        real_k, real_beta = heaps(sizes, [text_vocabulary(load_corpus(corpus, n, say=lambda m: None)) for n in sizes])
        fake_k, fake_beta = heaps(sizes, [text_vocabulary(synthesize(n)) for n in sizes])
        real_law, fake_law = f"k={real_k:.0f} β={real_beta:.3f}", f"k={fake_k:.0f} β={fake_beta:.3f}"
        print(f"Heaps' law, words ≈ k·papers^β: real {real_law}; synthetic {fake_law}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "calibrate", help="fit the synthetic papers on real ones; compare the two", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--corpus", type=Path, required=True, metavar="FILE", help="real papers, arXiv JSON Lines")
    parser.add_argument("--papers", type=int, nargs="+", default=[20000], metavar="N", help="sizes to compare")
    parser.add_argument("--fit", action="store_true", help="fit benchmarks/shape.json on the corpus (all of it)")
    parser.add_argument("--build", action="store_true", help="also build both as this site and probe its search")
    parser.add_argument("--workdir", type=Path, metavar="DIR", help="where the temporary folder goes")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.fit:
        papers = load_corpus(args.corpus, say=lambda m: None)
        fit(papers, lambda m: print(m, file=sys.stderr)).dump()
        print(f"wrote benchmarks/shape.json from {len(papers):,} papers of {args.corpus.name}")
        return 0
    return compare(args.corpus, args.papers, args.build, args.workdir)
