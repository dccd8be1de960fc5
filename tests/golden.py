"""Golden files: each input listing beside the JSON of what the reader makes of it, and chosen
staged files of the fixture site (``tests/fixtures/site/expected/``) beside its content.

Regenerate after an intended change with ``make golden`` (``python -m tests.golden``), then
read the diff: it is the review of the change's effect on real data.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from generator.readers.hf_listing import read_listing

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = Path(__file__).parent / "fixtures" / "listings"
SEED = Path(__file__).parent / "fixtures" / "site" / "content" / "sources" / "hf-papers-listing.txt"
YEAR = 2025


def cases() -> list[tuple[Path, Path]]:
    """(input, expected) pairs: the seed listing and every fixture listing."""
    pairs = [(SEED, LISTINGS / "hf-papers-listing.expected.json")]
    pairs += [(p, p.with_suffix(".expected.json")) for p in sorted(LISTINGS.glob("*.txt"))]
    return pairs


def snapshot(listing: Path) -> dict[str, Any]:
    result = read_listing(listing.read_text(encoding="utf-8"), year=YEAR, source=f"sources/{listing.name}")
    return {
        "papers": [
            {
                "slug": p.slug,
                "title": p.title,
                "date": p.date.isoformat(),
                "rank": p.rank,
                "authors": list(p.authors),
                "arxiv": p.arxiv,
                "category": p.category,
                "doi": p.doi,
                "code": p.code,
                "links": [{"label": link.label, "url": link.url} for link in p.links],
                "abstract": p.abstract,
            }
            for p in result.papers
        ],
        "problems": [{"line": q.line, "message": q.message, "skipped": q.skipped} for q in result.problems],
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"
STAGED_GOLDEN = FIXTURE_SITE / "expected"
STAGED_FILES = (
    "index.md",
    "papers/attention-in-o-n-log-n-time-with-sorted-sketches.md",
    "papers/script-alert-1-script-and-ampersands-in-titles.md",
    "about.md",
    "papers.json.gz",
    "feeds/atom.xml",
    "trending/index.md",
    "trending/month/index.md",
    "collections/index.md",
    "collections/kv-cache-reading/index.md",
    "collections/kv-cache-reading/kv-cache-reading.bib",
)
"""Staged files whose every byte is reviewed: a page with math, one with hostile text, the
home page, a maintainer's page, the export (kept as the JSON it holds, so its diff can be read),
a feed, the trending pages (votes and upvotes, decayed) and a reading list with its BibTeX."""


def staged_fixture(out: Path) -> dict[str, str]:
    """Stage the fixture site (the site's settings, the fixture's content) into ``out``."""
    import shutil

    from generator.stage import stage

    project = out / "project"
    project.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "site_config.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(FIXTURE_SITE / "content", project / "content", dirs_exist_ok=True)
    report = stage(project / "mkdocs.yml", out / "stage")
    if report.problems:
        raise RuntimeError("\n".join(report.lines()))
    return {name.removesuffix(".gz"): _text(out / "stage" / name) for name in STAGED_FILES}


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def main() -> None:
    import tempfile

    updates = {expected: render(snapshot(listing)) for listing, expected in cases()}
    with tempfile.TemporaryDirectory() as tmp:
        updates.update({STAGED_GOLDEN / name: text for name, text in staged_fixture(Path(tmp)).items()})
    for expected, text in updates.items():
        if not expected.exists() or expected.read_text(encoding="utf-8") != text:
            expected.parent.mkdir(parents=True, exist_ok=True)
            expected.write_text(text, encoding="utf-8")
            print(f"updated {expected.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
