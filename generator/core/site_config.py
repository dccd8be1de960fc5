"""The schema of ``site_config.yml``: every setting declared once, with its type, default and doc.

Settings that belong to the site's content (pagination, taxonomy, feeds, digest…) live here
rather than in ``mkdocs.yml`` so that the engine can change without touching them. Errors name
the file and the dotted key, e.g. ``site_config.yml: home.papers_per_page: …``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


EXCERPT_CHARS = 180
"""The default length of a listing's excerpt: two lines of a wide screen, which is what a
listing shows (the stylesheet clamps it); a paper is listed on its home, archive and topic
pages, so at 50,000 papers each character here is 150 KB of the site."""


class HomeConfig(_Section):
    papers_per_page: int = Field(100, ge=1, le=500, description="Papers on each page of the home listing.")
    excerpt_chars: int = Field(EXCERPT_CHARS, ge=40, le=2000, description="Length of the abstract excerpt in listings.")
    max_pages: int = Field(
        20, ge=1, le=100_000, description="Pages of the home listing at most; the archive lists the older papers."
    )


class TopicConfig(_Section):
    name: str = Field(min_length=1, description="The topic's name as shown on the site and used in `tags`.")
    description: str = Field("", description="One line shown on the topic's page and in the topics index.")
    keywords: tuple[str, ...] = Field((), description="Words or phrases that suggest the topic (case-insensitive).")

    @property
    def slug(self) -> str:
        from generator.core.slugs import slugify

        return slugify(self.name)


def _https_or_mailto(value: str) -> str:
    """Links that reach a reader's inbox must open a web page or a mail program, nothing else."""
    if value and not (value.startswith("https://") or value.startswith("mailto:")):
        raise ValueError("must be an https:// or mailto: URL")
    return value


class FeedsConfig(_Section):
    max_items: int = Field(
        50, ge=1, le=1000, description="Newest papers in each feed; older ones drop off, so feeds stay small."
    )
    topic_feeds: bool = Field(True, description="Also write one Atom, RSS and JSON feed per topic of the taxonomy.")


class SmtpConfig(_Section):
    host: str = Field("", description="Mail server that sends the digest; credentials come from the environment.")
    port: int = Field(587, ge=1, le=65535, description="Its port: usually 587 for STARTTLS, 465 for SSL.")
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="How the connection is encrypted; 'none' never sends a password."
    )
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the server before giving up.")
    ca_file: str = Field(
        "", description="Extra CA certificate (PEM, relative to site_config.yml) to trust, for a private CA."
    )


class DigestConfig(_Section):
    sender: str = Field("", description="From address of the digest, e.g. 'PaperShelf <digest@example.org>'.")
    subscribe: str = Field("", description="How readers join the digest (https: or mailto: URL), on Subscribe.")
    unsubscribe: str = Field(
        "", description="How readers leave (https: or mailto: URL), in every digest; empty: the Subscribe page."
    )
    max_papers: int = Field(100, ge=1, le=1000, description="Papers shown in one digest; the rest are linked.")
    smtp: SmtpConfig = Field(default_factory=SmtpConfig, description="The mail server for --send.")

    _check_links = field_validator("subscribe", "unsubscribe")(_https_or_mailto)


class TrendingConfig(_Section):
    week_days: int = Field(7, ge=1, le=366, description="Days of listings that 'this week' covers, up to the newest.")
    month_days: int = Field(30, ge=1, le=366, description="Days of listings that 'this month' covers.")
    half_life_days: float = Field(
        7.0, gt=0, le=3650, description="Time decay: a paper's score halves every this many days since its listing."
    )
    vote_weight: float = Field(1.0, ge=0, le=1000, description="What one vote (content/votes.json) adds to a score.")
    upvote_weight: float = Field(
        1.0, ge=0, le=1000, description="What one imported Hugging Face upvote (a page's `upvotes`) adds to a score."
    )
    max_papers: int = Field(100, ge=1, le=1000, description="Papers shown on each trending page and in its feed.")


_GITHUB_REPOSITORY = r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$"
_GRAPHQL_ID = r"^[A-Za-z0-9_=-]{1,100}$"


class DiscussionConfig(_Section):
    repository: str = Field(
        pattern=_GITHUB_REPOSITORY, description="owner/name of the GitHub repository whose Discussions hold them."
    )
    repository_id: str = Field(pattern=_GRAPHQL_ID, description="Its GraphQL id (giscus.app shows it: R_…).")
    category: str = Field(min_length=1, max_length=100, description="The Discussions category, e.g. 'Papers'.")
    category_id: str = Field(pattern=_GRAPHQL_ID, description="Its GraphQL id (giscus.app shows it: DIC_…).")
    giscus_url: str = Field(
        "https://giscus.app", description="The giscus instance (https://), loaded only when a reader asks."
    )

    @field_validator("giscus_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://") or any(c in value for c in " \"'<>"):
            raise ValueError("must be an https:// URL")
        return value.rstrip("/")


class SiteConfig(_Section):
    home: HomeConfig = Field(default_factory=HomeConfig, description="The home page listing.")
    taxonomy: tuple[TopicConfig, ...] = Field((), description="The topics papers are grouped under.")
    feeds: FeedsConfig = Field(default_factory=FeedsConfig, description="Atom, RSS and JSON feeds.")
    digest: DigestConfig = Field(default_factory=DigestConfig, description="The email digest.")
    trending: TrendingConfig = Field(default_factory=TrendingConfig, description="The trending pages (trending/).")
    discussion: DiscussionConfig | None = Field(
        None, description="Each paper's discussion through giscus (GitHub Discussions); off when absent."
    )


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
    except (OSError, UnicodeDecodeError) as err:  # every command then says it in one line
        raise ConfigError(f"{path}: cannot be read ({err})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: (top level): must be a mapping of settings")
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format(path, err)) from None
