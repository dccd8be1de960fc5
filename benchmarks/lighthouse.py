"""Lighthouse scores of the built site: ``make bench-lighthouse``.

Builds the site from this repository (adding the test suite's paper with math when the
collection has none; or takes ``--site DIR``), serves it on 127.0.0.1 like
GitHub Pages (``static_server``) and runs Lighthouse 12 (pinned in package.json) with its mobile
preset in Debian's Chromium, on the home page and on a paper page with math, the two heaviest
kinds of page. Prints each page's four category scores and the timings that decide the
performance score, and exits 1 when a page falls short of the targets (performance 90, the
others 100). Scores from simulated throttling still move a little with the machine's load, so
``--runs N`` keeps the median of N runs per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.constants import CHROMIUM_ARGS
from benchmarks.static_server import serve_site
from generator.outputs.exports import JSON_PATH

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "SI"),
)


MATH_PAPER = ROOT / "tests" / "fixtures" / "math" / "scaling-laws-in-o-n-log-n.md"


def math_paper_url(site: Path) -> str | None:
    """The site path of a paper whose page holds math (the KaTeX renderer's cost is measured
    there), read from the built export so that it holds for any collection."""
    data = json.loads(gzip.decompress((site / JSON_PATH).read_bytes()))
    for paper in data["papers"]:
        if "$" in paper["title"] or "$" in paper["abstract"]:
            return str(paper["url"]).removeprefix(data["site"]["url"].rstrip("/") + "/")
    return None


def build_site(dest: Path) -> Path:
    """This repository's site, plus the test suite's paper with math in its title and abstract
    when no paper of the collection has any, built into ``dest/site``."""
    project = dest / "project"
    for name in ("mkdocs.yml", "site_config.yml"):
        project.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    for folder in ("overrides", "content"):
        shutil.copytree(ROOT / folder, project / folder)
    papers = project / "content" / "papers"
    if not any("$" in p.read_text(encoding="utf-8") for p in papers.glob("*.md")):
        shutil.copy(MATH_PAPER, papers / MATH_PAPER.name)
    site = dest / "site"
    # Stage content/ into the docs_dir MkDocs reads, then render it, as ``make build`` does.
    build = [sys.executable, "-m", "generator", "build", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    subprocess.run(build, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return site


def run_lighthouse(url: str, chrome: str) -> dict[str, Any]:
    """One Lighthouse run (mobile preset, simulated throttling) as its JSON report."""
    flags = " ".join(arg for arg in CHROMIUM_ARGS if arg != "--headless") + " --headless=new"
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}, check=False)
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout)


def figures(report: dict[str, Any]) -> dict[str, float]:
    """Scores (0-100) and timings (ms; CLS unitless) of one report."""
    cats = report["categories"]
    audits = report["audits"]
    out: dict[str, float] = {name: round(100 * (cats[name]["score"] or 0)) for name in CATEGORIES}
    for audit, label in METRICS:
        out[label] = audits[audit]["numericValue"]
    return out


def failing_audits(report: dict[str, Any]) -> list[str]:
    """Audits that cost points outside performance: what to fix to reach 100."""
    out = []
    for name in CATEGORIES[1:]:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                out.append(f"{name}: {ref['id']} ({audit['title']})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build this repository's)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is kept (default 3)")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run 'npm ci' (make does it) in the repository")
    with tempfile.TemporaryDirectory(prefix="papershelf-lh-") as tmp:
        site = args.site or build_site(Path(tmp))
        math_url = math_paper_url(site)
        if math_url is None:
            raise SystemExit(f"{site}: no paper with math ($…$): nothing to measure the math renderer on")
        pages = {"home": "", "paper with math": math_url}
        server, base = serve_site(site)
        results: dict[str, dict[str, float]] = {}
        ok = True
        try:
            for label, path in pages.items():
                reports = [run_lighthouse(base + path, args.chrome) for _ in range(args.runs)]
                runs = [figures(r) for r in reports]
                med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                results[label] = med
                scores = " ".join(f"{name} {med[name]:.0f}" for name in CATEGORIES)
                timings = " ".join(
                    f"{lbl} {med[lbl]:.3f}" if lbl == "CLS" else f"{lbl} {med[lbl]:.0f} ms" for _, lbl in METRICS
                )
                print(f"{label} (/{path}, median of {args.runs}): {scores} | {timings}")
                for problem in sorted({p for r in reports for p in failing_audits(r)}):
                    print(f"  {problem}")
                short = [n for n in CATEGORIES if med[n] < TARGETS[n]]
                if short:
                    ok = False
                    print(f"  below target: {', '.join(short)}")
        finally:
            server.shutdown()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
