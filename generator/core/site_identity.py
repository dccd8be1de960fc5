"""The site's name, address and folders as ``mkdocs.yml`` sets them, for commands run outside a build.

``mkdocs.yml`` stays the one place where ``site_url`` is written: the build uses it for feeds
and exports, and the digest command for the links in its emails, so the two never point at
different sites. Only the few top-level keys needed are read, with a YAML loader that accepts
(and ignores) MkDocs' own tags such as ``!!python/name:``; ``!ENV`` is resolved as MkDocs would.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PLUGIN = "papershelf"
"""The name PaperShelf's MkDocs plugin is registered under (``mkdocs.plugins`` entry point)."""
DEFAULT_SITE_CONFIG = "site_config.yml"
"""The plugin's ``site_config`` when ``mkdocs.yml`` gives none: the site's own settings."""
DEFAULT_CONTENT_DIR = "content"
"""The plugin's ``content_dir`` when ``mkdocs.yml`` gives none: the contributors' folder."""


class IdentityError(ValueError):
    """``mkdocs.yml`` is missing or unreadable; the message names the file."""


@dataclass(frozen=True, slots=True)
class SiteIdentity:
    name: str
    url: str  # "" when mkdocs.yml sets no site_url; otherwise ends with "/"
    description: str
    docs_dir: Path  # the staged folder the engine renders
    site_dir: Path  # where the engine writes the site
    site_config: Path
    content_dir: Path  # the contributors' folder that ``stage`` reads
    repo_url: str = ""  # the repository, as ``repo_url`` names it ("" when it does not)
    edit_uri: str = ""  # relative to ``repo_url``: the editor of a file of ``content/``


class _Loader(yaml.SafeLoader):
    pass


def _env(loader: _Loader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable that is set."""
    if isinstance(node, yaml.ScalarNode):
        return os.environ.get(str(loader.construct_scalar(node)))
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        for name in values[:-1]:
            if str(name) in os.environ:
                return os.environ[str(name)]
        return values[-1] if len(values) > 1 else os.environ.get(str(values[0]))
    return None


def _ignore(loader: _Loader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_constructor("!ENV", _env)
_Loader.add_multi_constructor("", _ignore)


def _plugin_option(plugins: Any, name: str, option: str) -> str | None:
    """An option of one plugin, whether ``plugins`` is a list or a mapping."""
    entries = plugins.items() if isinstance(plugins, dict) else ((p, None) for p in plugins or [])
    for entry, value in entries:
        if isinstance(entry, dict):
            entry, value = next(iter(entry.items()), (None, None))
        if entry == name and isinstance(value, dict) and isinstance(value.get(option), str):
            return value[option]
    return None


def load_identity(config_file: Path) -> SiteIdentity:
    """Read ``mkdocs.yml``; paths in it are relative to the file, as MkDocs takes them."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Loader) or {}
    except FileNotFoundError:
        raise IdentityError(f"{config_file}: no such file (give the site's mkdocs.yml with --config)") from None
    except (OSError, UnicodeDecodeError) as err:
        raise IdentityError(f"{config_file}: cannot read: {err}") from None
    except yaml.YAMLError as err:
        raise IdentityError(f"{config_file}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise IdentityError(f"{config_file}: must be a mapping of settings")
    root = config_file.resolve().parent
    url = str(data.get("site_url") or "").strip()
    if url and not url.endswith("/"):
        url += "/"
    site_config = _plugin_option(data.get("plugins"), PLUGIN, "site_config") or DEFAULT_SITE_CONFIG
    content_dir = _plugin_option(data.get("plugins"), PLUGIN, "content_dir") or DEFAULT_CONTENT_DIR
    return SiteIdentity(
        name=str(data.get("site_name") or "PaperShelf"),
        url=url,
        description=str(data.get("site_description") or ""),
        docs_dir=root / str(data.get("docs_dir") or "docs"),
        site_dir=root / str(data.get("site_dir") or "site"),
        site_config=root / site_config,
        content_dir=root / content_dir,
        repo_url=str(data.get("repo_url") or "").strip(),
        edit_uri=str(data.get("edit_uri") or "").strip(),
    )


def edit_path(src_uri: str, content_dir: Path, sources: Collection[str] | None = None) -> str | None:
    """The file behind a staged page, relative to the content folder, for its "Edit this page"
    link; None for a page the build makes (home, archive, topics, subscribe, data), which has no
    file a contributor could edit. ``edit_uri`` in ``mkdocs.yml`` points into ``content/``, and
    pages are staged at the same relative path as their source (``papers/<slug>.md``).
    ``sources``, when given, are the files of the content folder (``content_sources``), so a
    build of many pages does not ask the file system about each."""
    if not src_uri.endswith(".md"):
        return None
    found = src_uri in sources if sources is not None else (content_dir / src_uri).is_file()
    return src_uri if found else None


def content_sources(content_dir: Path) -> set[str]:
    """Every file under ``content_dir`` (not folders), by its path inside it (for ``edit_path``)."""
    found: set[str] = set()
    for dirpath, _, filenames in os.walk(content_dir):
        rel = os.path.relpath(dirpath, content_dir).replace(os.sep, "/")
        found.update(name if rel == "." else f"{rel}/{name}" for name in filenames)
    return found
