"""``import --hf-daily DATE`` and ``import SAVED.json``: a day of Hugging Face Daily Papers.

The response is kept as ``content/sources/hf-daily-DATE.json`` before the pages are written, so
an import can be reviewed in a pull request and repeated offline; a day already saved is read
from there (``--refresh`` fetches it again), which is what makes importing the same day twice
change nothing. Nothing is written unless the whole response could be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from generator.content.writer import write_if_changed, write_papers
from generator.core.progress import Progress
from generator.readers.hf_daily import DailyError, read_hf_daily
from generator.services.hf_daily import SERVICE, fetch_daily_papers
from generator.services.http import ServiceError

_SAVED_NAME = re.compile(r"^hf-daily-(\d{4}-\d{2}-\d{2})\.json$")


def saved_name(date: dt.date) -> str:
    return f"hf-daily-{date.isoformat()}.json"


def parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if re.match(r"^\d{4}-\d{2}-\d{2}$", value) else None
    except ValueError:
        return None


def is_daily_file(path: Path) -> bool:
    """Saved Daily Papers responses are JSON; the other listings are text."""
    return path.suffix.lower() == ".json"


def _reviewable(data: bytes) -> str:
    """The response as stored: the same JSON, indented, keys in the order the API sent them,
    so a pull request shows one field per line and a re-fetch diffs by field."""
    return json.dumps(json.loads(data.decode("utf-8-sig")), ensure_ascii=False, indent=2) + "\n"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_hf(args: argparse.Namespace, source_name: str | None = None) -> int:
    """Both ways in: a date to fetch (or read from content/sources) or a saved file."""
    saved: Path | None = None
    if args.hf_daily is not None:
        day = parse_day(args.hf_daily)
        if day is None:
            return _fail(f"--hf-daily: {args.hf_daily!r} is not a real date written YYYY-MM-DD")
        saved = args.sources / saved_name(day)
        path = saved
        fetch = args.refresh or not path.exists()
    else:
        path = args.listing
        match = _SAVED_NAME.match(path.name)
        day = parse_day(args.date) if args.date else (parse_day(match.group(1)) if match else None)
        if args.date and day is None:
            return _fail(f"--date: {args.date!r} is not a real date written YYYY-MM-DD")
        if day is None:
            return _fail(f"{path}: which day's listing is it? pass --date YYYY-MM-DD (or name it hf-daily-DATE.json)")
        fetch = False
    if fetch:
        try:
            data = fetch_daily_papers(day)
        except ServiceError as err:
            return _fail(f"{err} (nothing was written)")
        where = f"{SERVICE} Daily Papers of {day.isoformat()}"
    else:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return _fail(f"{path}: no such file")
        except OSError as err:
            return _fail(f"{path}: cannot read: {err.strerror}")
        where = str(path)
        if args.hf_daily is not None:
            print(f"using the saved response {path} (pass --refresh to fetch the day again)")
    try:
        result = read_hf_daily(data, date=day, source=source_name or f"sources/{saved_name(day)}")
    except DailyError as err:
        return _fail(f"{where}: {err} (nothing was written)")
    for problem in result.problems:
        print(problem.format(where), file=sys.stderr)
    for _, message in result.withdrawn:
        print(f"skipped {message}", file=sys.stderr)
    if not result.papers:
        print(f"no papers to import from {where} ({len(result.withdrawn)} withdrawn)")
        return 1 if any(p.skipped for p in result.problems) else 0
    if fetch and saved is not None:
        try:
            if write_if_changed(saved, _reviewable(data)):
                print(f"saved the response as {saved}")
        except OSError as err:
            return _fail(f"{saved}: could not write: {err.strerror} (no page was written)")
    summary = write_papers(
        result.papers, args.out, force=args.force, progress=Progress("Writing pages", len(result.papers))
    )
    for page, reason in summary.skipped:
        print(f"skipped {page}: {reason}", file=sys.stderr)
    for page, reason in summary.errors:
        print(f"error: {page}: {reason}", file=sys.stderr)
    read_errors = sum(1 for p in result.problems if p.skipped)
    line = summary.line()
    if read_errors:
        line += f", {read_errors} records not read"
    if result.withdrawn:
        line += f", {len(result.withdrawn)} withdrawn"
    print(line)
    return 1 if summary.errors or read_errors else 0
