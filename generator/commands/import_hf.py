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
from dataclasses import dataclass
from pathlib import Path

from generator.commands.written import report_written
from generator.content.writer import write_if_changed, write_papers
from generator.core.progress import Progress
from generator.core.routes import HF_DAILY_PREFIX, hf_daily_name, source_src
from generator.readers.hf_daily import DailyError, DailyResult, read_hf_daily
from generator.services.hf_daily import SERVICE, fetch_daily_papers
from generator.services.http import ServiceError

_SAVED_NAME = re.compile("^" + re.escape(HF_DAILY_PREFIX) + r"(\d{4}-\d{2}-\d{2})\.json$")


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


@dataclass(frozen=True, slots=True)
class _Day:
    """Which day is imported and from where: ``saved`` is where a fetched response is kept."""

    day: dt.date
    path: Path
    fetch: bool
    saved: Path | None = None


def _which_day(args: argparse.Namespace) -> _Day | str:
    """The day and its source from the options, or the message that says why not."""
    if args.hf_daily is not None:
        day = parse_day(args.hf_daily)
        if day is None:
            return f"--hf-daily: {args.hf_daily!r} is not a real date written YYYY-MM-DD"
        saved = args.sources / hf_daily_name(day)
        return _Day(day, saved, args.refresh or not saved.exists(), saved)
    path: Path = args.listing
    match = _SAVED_NAME.match(path.name)
    day = parse_day(args.date) if args.date else (parse_day(match.group(1)) if match else None)
    if args.date and day is None:
        return f"--date: {args.date!r} is not a real date written YYYY-MM-DD"
    if day is None:
        return f"{path}: which day's listing is it? pass --date YYYY-MM-DD (or name it hf-daily-DATE.json)"
    return _Day(day, path, False)


def _response(source: _Day, announce_saved: bool) -> tuple[bytes, str] | str:
    """(the response, how to name it in messages), fetched or read from its file; or the
    message that says why there is none."""
    if source.fetch:
        try:
            return fetch_daily_papers(source.day), f"{SERVICE} Daily Papers of {source.day.isoformat()}"
        except ServiceError as err:
            return f"{err} (nothing was written)"
    try:
        data = source.path.read_bytes()
    except FileNotFoundError:
        return f"{source.path}: no such file"
    except OSError as err:
        return f"{source.path}: cannot read: {err.strerror}"
    if announce_saved:
        print(f"using the saved response {source.path} (pass --refresh to fetch the day again)")
    return data, str(source.path)


def _report_read(result: DailyResult, where: str) -> None:
    for problem in result.problems:
        print(problem.format(where), file=sys.stderr)
    for _, message in result.withdrawn:
        print(f"skipped {message}", file=sys.stderr)


def _write(args: argparse.Namespace, result: DailyResult, source: _Day, data: bytes) -> int:
    """Keep a fetched response, then write the pages; the exit status of the import."""
    if source.fetch and source.saved is not None:
        try:
            if write_if_changed(source.saved, _reviewable(data)):
                print(f"saved the response as {source.saved}")
        except OSError as err:
            return _fail(f"{source.saved}: could not write: {err.strerror} (no page was written)")
    summary = write_papers(
        result.papers, args.out, force=args.force, progress=Progress("Writing pages", len(result.papers))
    )
    read_errors = sum(1 for p in result.problems if p.skipped)
    withdrawn = [f"{len(result.withdrawn)} withdrawn"] if result.withdrawn else []
    return report_written(summary, read_errors, *withdrawn)


def run_hf(args: argparse.Namespace, source_name: str | None = None) -> int:
    """Both ways in: a date to fetch (or read from content/sources) or a saved file."""
    source = _which_day(args)
    if isinstance(source, str):
        return _fail(source)
    got = _response(source, announce_saved=args.hf_daily is not None)
    if isinstance(got, str):
        return _fail(got)
    data, where = got
    try:
        result = read_hf_daily(data, date=source.day, source=source_name or source_src(hf_daily_name(source.day)))
    except DailyError as err:
        return _fail(f"{where}: {err} (nothing was written)")
    _report_read(result, where)
    if not result.papers:
        print(f"no papers to import from {where} ({len(result.withdrawn)} withdrawn)")
        return 1 if any(p.skipped for p in result.problems) else 0
    return _write(args, result, source, data)
