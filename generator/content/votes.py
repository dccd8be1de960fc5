"""``content/votes.json``: the readers' votes on each paper, counted on its GitHub discussion.

The file is written by ``python -m generator votes`` (a scheduled workflow opens a pull request
with it) and read by the build for the trending pages::

    {
      "a-paper-slug": {"up": 12, "discussion": "https://github.com/owner/repo/discussions/7"},
      "another-slug": {"up": 3}
    }

One paper per line, slugs in order, so a weekly update is a diff a person can read, and every
problem is named at its line. A file that is not JSON is one problem and no votes: trending
falls back to the imported upvotes, and the rest of the site builds as ever. A bad entry is
left out with its line; an entry for a paper that is not on the shelf is a notice (papers are
removed, and a vote for one harms nothing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.core.problems import Problem
from generator.core.routes import VOTES_FILE
from generator.core.values import is_https_url

MAX_VOTES_BYTES = 16 * 1024 * 1024
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Vote:
    """A paper's votes: ``up`` counted on its discussion, and the discussion's address."""

    up: int
    discussion: str | None = None


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _key_lines(text: str) -> dict[str, int]:
    """Each top-level key's line: the file is written one paper per line (``dump_votes``)."""
    lines: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        found = re.match(r'\s*"((?:[^"\\]|\\.)*)"\s*:', line)
        if found:
            lines.setdefault(found.group(1), n)
    return lines


def _entry(slug: str, value: object, line: int) -> tuple[Vote | None, Problem | None]:
    def bad(message: str, hint: str = "") -> tuple[None, Problem]:
        return None, Problem(line, slug[:80], message, hint)

    if not _SLUG.match(slug):
        return bad("is not a paper's slug", "keys are the file names of content/papers/ without .md")
    if not isinstance(value, dict):
        return bad('must be {"up": N, "discussion": URL}')
    if set(value) - {"up", "discussion"}:
        return bad(f"has unknown keys {sorted(set(value) - {'up', 'discussion'})}", "allowed: up, discussion")
    up = value.get("up")
    if isinstance(up, bool) or not isinstance(up, int) or not 0 <= up <= 10**9:
        return bad(f"up must be a whole number from 0, found {up!r}")
    discussion = value.get("discussion")
    if discussion is not None and not is_https_url(discussion):
        return bad(f"discussion {str(discussion)[:100]!r} is not an https:// URL")
    return Vote(up, discussion), None


def parse_votes(text: str, slugs: Mapping[str, object] | None = None) -> tuple[dict[str, Vote], list[Problem]]:
    """The votes of a ``votes.json`` text and its problems. With ``slugs`` (the shelf), an entry
    for a paper not on it is a notice."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _Duplicate as dup:
        second = [n for n, ln in enumerate(text.splitlines(), 1) if f'"{dup.args[0]}"' in ln][1:2] or [1]
        return {}, [Problem(second[0], "file", f"names {dup.args[0]!r} twice", "keep one entry per paper")]
    except json.JSONDecodeError as err:
        return {}, [Problem(err.lineno, "file", f"is not valid JSON: {err.msg}", "no votes are counted until it is")]
    if not isinstance(data, dict):
        return {}, [Problem(1, "file", "must be one JSON object, {slug: {up, discussion}}", "")]
    lines = _key_lines(text)
    votes: dict[str, Vote] = {}
    problems: list[Problem] = []
    for slug, value in data.items():
        line = lines.get(slug, 1)
        vote, problem = _entry(slug, value, line)
        if problem is not None:
            problems.append(problem)
        elif vote is not None:
            if slugs is not None and slug not in slugs:
                problems.append(Problem(line, slug, "is not on the shelf; its votes are not counted", level="notice"))
                continue
            votes[slug] = vote
    return votes, problems


def read_votes(content_dir: Path, slugs: Mapping[str, object] | None = None) -> tuple[dict[str, Vote], list[Problem]]:
    """``content/votes.json``; none at all when the file is absent."""
    path = content_dir / VOTES_FILE
    try:
        if path.is_symlink() or not path.is_file():
            return {}, [Problem(1, "file", "is not a regular file", "commit the file itself")] if path.exists() else []
        if path.stat().st_size > MAX_VOTES_BYTES:
            return {}, [Problem(1, "file", "is larger than 16 MB", "")]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as err:
        return {}, [Problem(1, "file", f"cannot be read ({err})", "save it as UTF-8 JSON")]
    return parse_votes(text, slugs)


def dump_votes(votes: Mapping[str, Vote]) -> str:
    """The file's text: one paper per line, slugs in order, so the same votes give the same bytes."""
    if not votes:
        return "{}\n"
    rows = []
    for slug in sorted(votes):
        vote = votes[slug]
        value: dict[str, object] = {"up": vote.up}
        if vote.discussion:
            value["discussion"] = vote.discussion
        rows.append(f"  {json.dumps(slug)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(rows) + "\n}\n"


def _count(node: Mapping[str, Any]) -> int:
    """A discussion's votes: its 👍 reactions plus its upvotes (the arrow GitHub shows in the
    list of discussions). A reader who gives both counts twice, as on GitHub itself."""
    up = node.get("upvoteCount")
    total = up if isinstance(up, int) and not isinstance(up, bool) and up > 0 else 0
    for group in node.get("reactionGroups") or ():
        if isinstance(group, Mapping) and group.get("content") == "THUMBS_UP":
            reactors = group.get("reactors") or group.get("users") or {}
            count = reactors.get("totalCount") if isinstance(reactors, Mapping) else None
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                total += count
    return total


def votes_from_discussions(
    nodes: Sequence[Mapping[str, Any]], slugs: Mapping[str, object]
) -> tuple[dict[str, Vote], int]:
    """Each paper's votes, from the discussions giscus opened (titled with the paper's slug);
    and how many discussions name no paper on the shelf (left out). Two discussions with one
    title are added up: giscus opens one per paper, but a person may open another."""
    votes: dict[str, Vote] = {}
    others = 0
    for node in nodes:
        title = node.get("title")
        slug = title.strip() if isinstance(title, str) else ""
        if slug not in slugs:
            others += 1
            continue
        url = node.get("url")
        link = url if is_https_url(url) else None
        known = votes.get(slug)
        if known is not None:
            votes[slug] = Vote(known.up + _count(node), known.discussion or link)
        else:
            votes[slug] = Vote(_count(node), link)
    return votes, others
