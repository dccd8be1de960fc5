"""The schema of ``site_config.yml``: every setting declared once, with its type, default and doc.

Settings that belong to the site's content (pagination, taxonomy, feeds, digest…) live here
rather than in ``mkdocs.yml`` so that the engine can change without touching them. Errors name
the file and the dotted key, e.g. ``site_config.yml: home.papers_per_page: …``.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HomeConfig(_Section):
    papers_per_page: int = Field(100, ge=1, le=500, description="Papers on each page of the home listing.")
    excerpt_chars: int = Field(320, ge=40, le=2000, description="Length of the abstract excerpt in listings.")


class TopicConfig(_Section):
    name: str = Field(min_length=1, description="The topic's name as shown on the site and used in `tags`.")
    description: str = Field("", description="One line shown on the topic's page and in the topics index.")
    keywords: tuple[str, ...] = Field((), description="Words or phrases that suggest the topic (case-insensitive).")

    @property
    def slug(self) -> str:
        from generator.slugs import slugify

        return slugify(self.name)


class SiteConfig(_Section):
    home: HomeConfig = Field(default_factory=HomeConfig, description="The home page listing.")
    taxonomy: tuple[TopicConfig, ...] = Field((), description="The topics papers are grouped under.")


class ConfigError(ValueError):
    """A problem in site_config.yml, already worded for the person who edits it."""


def _format(path: Path, err: ValidationError) -> str:
    lines = []
    for item in err.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"{path}: {key}: {item['msg']}")
    return "\n".join(lines)


def load_site_config(path: Path) -> SiteConfig:
    """Read and validate; a missing file means all defaults."""
    if not path.exists():
        return SiteConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: (top level): must be a mapping of settings")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format(path, err)) from None
