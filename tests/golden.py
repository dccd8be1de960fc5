"""Golden files: each input listing beside the JSON of what the reader makes of it.

Regenerate after an intended change with ``make golden`` (``python -m tests.golden``), then
read the diff: it is the review of the change's effect on real data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.readers.hf_listing import read_listing

ROOT = Path(__file__).resolve().parent.parent
LISTINGS = Path(__file__).parent / "fixtures" / "listings"
SEED = ROOT / "content" / "sources" / "hf-papers-listing.txt"
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


def main() -> None:
    for listing, expected in cases():
        text = render(snapshot(listing))
        if not expected.exists() or expected.read_text(encoding="utf-8") != text:
            expected.write_text(text, encoding="utf-8")
            print(f"updated {expected.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
