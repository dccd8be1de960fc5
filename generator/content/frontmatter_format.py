"""Front matter, the page format's YAML between ``---`` lines, read and written through
python-frontmatter with one PaperShelf handler (``PageYAMLHandler``).

Every page a contributor can write is read here: paper pages (``generator.content.pages``) and
the site's other pages (``generator.content.sanitize``), so the two never disagree about what YAML
means. Pages come from pull requests, so the handler keeps these rules:

* the safe loader (libyaml's ``CSafeLoader`` when PyYAML has it), so no tag makes an object;
* no anchors or aliases: a page is short, and an alias only hides a value (or multiplies one);
* no duplicate keys: PyYAML would silently keep the last one;
* dates stay text, so an impossible date is a field error instead of a YAML crash;
* every problem names its line, never a traceback.

The handler is a python-frontmatter ``YAMLHandler``, so ``frontmatter.loads(text,
handler=PageYAMLHandler())`` and ``frontmatter.dumps(post, handler=PageYAMLHandler())`` speak
the page format. PaperShelf itself calls the handler's ``split_lines`` and ``load`` rather
than ``frontmatter.loads``: that function strips the text, drops a front matter that is not a
mapping and builds its ``Post`` with the keys as keyword arguments (so a page with a ``content:``
or ``1:`` key could not even be reported), and a page's problems need the body's first line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from generator.core.problems import Problem

if TYPE_CHECKING:
    from frontmatter import Post

MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_PAGE_BYTES = 256 * 1024
"""A page holds one abstract (or one maintainer page); anything larger is refused unread."""

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_STR_TAG = "tag:yaml.org,2002:str"
_ScalarNode = yaml.ScalarNode

ALIASES = Problem(1, "front matter", "uses YAML anchors or aliases", "write each value out in full")


class FrontMatterError(yaml.YAMLError):
    """A rule of the page format broken while the YAML is read; carries the ``Problem``."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Loader(_BaseLoader):
    """Safe loader (libyaml's parser when available) with the page format's rules.

    The C parser composes the nodes; construction stays in Python, which is where aliases
    and duplicate keys are refused: an alias is the same node met a second time, so every node
    is constructed at most once. Text scalars, nearly every value of a page, are taken straight
    off their nodes, which is what makes this faster than PyYAML's generic construction."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._built: set[int] = set()
        # An alias is written '*name': without a '*' the document has none to look for.
        self._track = "*" in stream

    def _once(self, node: Any) -> None:
        key = id(node)  # nodes live as long as the document, so ids are not reused meanwhile
        if key in self._built:
            raise FrontMatterError(ALIASES)
        self._built.add(key)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """PyYAML's resolution of an untagged node, with the resolver lists joined once per
        first character (the parser asks this for every node of every page)."""
        if kind is not _ScalarNode:
            return super().resolve(kind, value, implicit)
        if implicit[0]:  # a plain scalar: its text decides (true, 12, null…)
            for tag, regexp in _BY_FIRST.get(value[:1], _WILDCARD):
                if regexp.match(value):
                    return tag
        return _STR_TAG  # this loader has no path resolvers: PyYAML's default for scalars

    # Path resolvers are never added to this loader, so the parser's walk needs no bookkeeping.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if self._track:
            self._once(node)
        return super().construct_object(node, deep=deep)

    def _value(self, node: Any, deep: bool) -> Any:
        if node.tag == _STR_TAG and type(node) is _ScalarNode:
            if self._track:
                self._once(node)
            return node.value
        return self.construct_object(node, deep=deep)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # PyYAML's error, with its mark
        seen: set[str] = set()
        plain = True  # every key a text scalar and no merge key: the fast path applies
        for key_node, _ in node.value:  # all keys first, so a duplicate is told before a value's error
            if key_node.tag == _STR_TAG and type(key_node) is _ScalarNode:
                if key_node.value in seen:
                    line = key_node.start_mark.line + 2  # 1-based, after the opening '---'
                    raise FrontMatterError(Problem(line, key_node.value, "appears twice", "keep one of the two lines"))
                seen.add(key_node.value)
            else:
                plain = False  # a merge key ('<<') or a key of another type: PyYAML's way
        if not plain:
            return super().construct_mapping(node, deep=deep)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if self._track:
                self._once(key_node)
            out[key_node.value] = self._value(value_node, deep)
        return out

    def construct_yaml_bool(self, node: Any) -> bool:
        """``!!bool`` on a value that is no boolean is a YAML error at its line (PyYAML raises
        a bare KeyError)."""
        value = self.construct_scalar(node)
        if not isinstance(value, str) or value.lower() not in self.bool_values:
            raise yaml.constructor.ConstructorError(None, None, f"{value!r} is not a boolean", node.start_mark)
        return bool(self.bool_values[value.lower()])

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """``!!timestamp`` on a value that is no timestamp is a YAML error at its line (PyYAML
        raises a bare AttributeError). Untagged dates never get here: they stay text."""
        value = self.construct_scalar(node)
        if not isinstance(value, str) or not self.timestamp_regexp.match(value):
            raise yaml.constructor.ConstructorError(None, None, f"{value!r} is not a timestamp", node.start_mark)
        return super().construct_yaml_timestamp(node)

    def construct_sequence(self, node: Any, deep: bool = False) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode):
            return super().construct_sequence(node, deep=deep)
        return [self._value(child, deep) for child in node.value]


_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
"""PyYAML's implicit types but timestamps: a date stays text, checked as a field."""
_WILDCARD = _IMPLICIT.get(None, [])
_BY_FIRST = {ch: resolvers + _WILDCARD for ch, resolvers in _IMPLICIT.items() if ch is not None}
_Loader.yaml_implicit_resolvers = _IMPLICIT
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:bool", _Loader.construct_yaml_bool)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _has_anchor(text: str) -> bool:
    """Whether the YAML declares an anchor. Only an anchor can be aliased (an alias without
    one is a YAML error), and an anchor needs ``&``, so the event scan runs on few pages; an
    unused anchor is refused too, as it has no other purpose than being aliased later."""
    if "&" not in text:
        return False
    return any(getattr(event, "anchor", None) for event in yaml.parse(text, Loader=_BaseLoader))


_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


def split_page(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, line where the body starts), or None without front matter.

    The first line is ``---`` and the front matter ends at the next line that is ``---`` or
    ``...`` (trailing white space allowed on both)."""
    if not text.startswith("---"):
        return None
    first_end = text.find("\n")
    if first_end < 0 or text[:first_end].rstrip() != "---":
        return None
    closing = _CLOSING.search(text, first_end + 1)
    if closing is None:
        return None
    fm = text[first_end + 1 : closing.start()] or "\n"
    body = text[closing.end() + 1 :]
    return fm, body, text.count("\n", 0, closing.start()) + 2


def key_line(front_matter: str, key: str) -> int:
    """File line of a top-level key (1-based, counting the opening ``---``)."""
    prefix = f"{key}:"
    for i, line in enumerate(front_matter.split("\n")):
        if line.startswith(prefix):
            return i + 2
    return 1


def _yaml_problem(err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 2 if mark else 1
    what = (err.problem or str(err)).strip()
    if "nesting depth" in what:
        return Problem(line, "front matter", "is nested too deeply", "use the flat fields of the page format")
    if "found undefined alias" in what:
        return ALIASES
    return Problem(line, "front matter", f"is not valid YAML ({what})", "check quotes and indentation")


class PageYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, speaking the page format (see the module's docstring)."""

    FM_BOUNDARY = re.compile(r"^---[^\S\n]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def detect(self, text: str) -> bool:
        return split_page(text) is not None

    def split_lines(self, text: str) -> tuple[str, str, int] | None:
        """(front matter, body, the body's first line), or None when the page has none."""
        return split_page(text)

    def split(self, text: str) -> tuple[str, str]:
        parts = split_page(text)
        if parts is None:
            raise ValueError("the text has no front matter")  # python-frontmatter's "cannot split"
        return parts[0], parts[1]

    def load(self, fm: str, **kwargs: object) -> dict[str, Any]:
        """The front matter as a mapping; ``FrontMatterError`` names the one problem that stops it."""
        if len(fm.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
            raise FrontMatterError(
                Problem(1, "front matter", "is larger than 64 KB", "keep only the documented fields")
            )
        try:
            if _has_anchor(fm):
                raise FrontMatterError(ALIASES)
            data = yaml.load(fm, Loader=_Loader)  # the safe loader: see _Loader
        except FrontMatterError:
            raise
        except yaml.MarkedYAMLError as err:
            raise FrontMatterError(_yaml_problem(err)) from None
        except (yaml.YAMLError, RecursionError, ValueError) as err:
            name = "nested too deeply" if isinstance(err, RecursionError) else f"is not valid YAML ({err})"
            raise FrontMatterError(Problem(1, "front matter", name, "use the flat fields of the page format")) from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise FrontMatterError(
                Problem(2, "front matter", "must be a set of 'key: value' lines", "see CONTRIBUTING.md")
            )
        return data

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """YAML for ``metadata``, keys in the given order, one line per value, ending in a newline.

        PyYAML's safe dumper quotes any string that its resolver would read back as another type
        (``2103.00020``, ``NO``, ``on``, ``007``, ``a: b``), which is what makes the round trip hold."""
        text: str = yaml.dump(
            metadata,
            Dumper=_BaseDumper,
            sort_keys=False,
            allow_unicode=True,
            width=10**9,
            default_flow_style=False,
        )
        return text

    def format(self, post: Post, **kwargs: object) -> str:
        """The page: front matter, a blank line, the body and one final newline (no body: no blank line)."""
        fm = self.export(post.metadata)
        body = post.content.strip()
        return f"---\n{fm}---\n\n{body}\n" if body else f"---\n{fm}---\n"


HANDLER = PageYAMLHandler()
"""The handler holds no state between calls, so one serves every page."""


def load_front_matter(fm: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Front matter text as a mapping with the page format's YAML rules, or None and the one
    problem that stops it."""
    try:
        return HANDLER.load(fm), []
    except FrontMatterError as err:
        return None, [err.problem]


def dump_page(metadata: dict[str, Any], body: str) -> str:
    """A page's text from its fields (in the order given) and its body."""
    return str(frontmatter.dumps(frontmatter.Post(body, HANDLER, **metadata), handler=HANDLER))


@dataclass(slots=True)
class FrontMatter:
    """A page's front matter as read, with the problems found in its fields so far.

    ``add`` files a problem at the line of the key it is about, which is how both kinds of
    pages report a field."""

    text: str  # the YAML between the '---' lines
    data: dict[str, Any]
    body: str
    body_line: int  # the file line where the body starts
    problems: list[Problem] = field(default_factory=list)

    def add(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(key_line(self.text, key), key, message, hint))

    def refuse_unknown(self, allowed: Iterable[str], hint: str) -> None:
        """A problem for each key that is not ``allowed``: an unknown key is more often a typo
        than an intention, and on the site's pages it would reach the theme."""
        known = set(allowed)
        for key in self.data:
            if key not in known:
                self.add(str(key), "is not a known field", hint)


def read_front_matter(text: str) -> tuple[FrontMatter | None, list[Problem]]:
    """The one reader of front matter: (front matter, []), (None, []) when the text has no
    front matter, or (None, [the problem]) when it cannot be read."""
    parts = HANDLER.split_lines(text)
    if parts is None:
        return None, []
    fm, body, body_line = parts
    data, problems = load_front_matter(fm)
    if data is None:
        return None, problems
    return FrontMatter(fm, data, body, body_line), []


def front_matter_fields(text: str) -> dict[str, Any]:
    """The front matter as plain data, or ``{}`` when it cannot be read safely.

    Validation uses it to spot duplicates (say, an arXiv id written with a version) even on
    pages that have other problems, so one run reports both.
    """
    page, _ = read_front_matter(text)
    return page.data if page is not None else {}
