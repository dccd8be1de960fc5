"""A paper's page and its entry in listings, as HTML fragments.

Every contributor field is escaped, and its math marked, by ``core.html`` (the escape rule, one
place); this module puts the fragments together: fields, link buttons, topics, the BibTeX entry
and the related papers. Only ``https://`` URLs ever become links.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from generator.core import routes
from generator.core.caches import per_paper
from generator.core.html import abstract_html, e, relative_url, title_html
from generator.core.links import arxiv_abs, arxiv_pdf, doi_url, github_user, hf_paper, hf_user, title_searches
from generator.core.model import Paper
from generator.core.routes import HF_DAILY_PREFIX, list_url, source_name, source_src, topic_url
from generator.core.site_config import EXCERPT_CHARS
from generator.core.slugs import slugify
from generator.core.text import excerpt, human_date
from generator.core.values import is_https_url
from generator.outputs.citations import bibtex_entry


def host_label(url: str) -> str:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return {
        "github.com": "GitHub",
        "gitlab.com": "GitLab",
        "huggingface.co": "Hugging Face",
        "bitbucket.org": "Bitbucket",
        "codeberg.org": "Codeberg",
    }.get(host, host)


CODE_ICONS: dict[str, str] = {
    "GitHub": "github",
    "GitLab": "gitlab",
    "Hugging Face": "huggingface",
    "Bitbucket": "bitbucket",
    "Codeberg": "codeberg",
}


def _icon(name: str) -> str:
    """Classes for a button whose icon CSS draws from a shared SVG file (``ps-i-<name>``), so a
    page carries a class name instead of the icon's path data."""
    return f"md-button ps-icon ps-i-{name}"


def link_buttons(paper: Paper) -> str:
    """Code, arXiv and project links; URLs were validated as https when the page was read,
    and are checked again here so that no other scheme can ever reach an href."""
    parts: list[str] = []
    if paper.code and is_https_url(paper.code):
        host = host_label(paper.code)
        icon = CODE_ICONS.get(host, "code")
        label = "Code" if host in CODE_ICONS else f"Code ({e(host)})"
        parts.append(
            f'<a class="{_icon(icon)} ps-code" href="{e(paper.code)}" rel="nofollow noopener" '
            f'title="Code on {e(host)}">{label}</a>'
        )
    if paper.arxiv:
        parts.append(f'<a class="{_icon("arxiv")}" href="{e(arxiv_abs(paper.arxiv))}">arXiv</a>')
        parts.append(f'<a class="{_icon("pdf")}" href="{e(arxiv_pdf(paper.arxiv))}">PDF</a>')
    elif paper.pdf and is_https_url(paper.pdf):
        parts.append(f'<a class="{_icon("pdf")}" href="{e(paper.pdf)}" rel="nofollow noopener">PDF</a>')
    if paper.doi:
        parts.append(f'<a class="{_icon("doi")}" href="{e(doi_url(paper.doi))}" title="DOI {e(paper.doi)}">DOI</a>')
    for link in paper.links:
        if is_https_url(link.url):
            parts.append(f'<a class="{_icon("link")}" href="{e(link.url)}" rel="nofollow noopener">{e(link.label)}</a>')
    return f'<p class="ps-links">{" ".join(parts)}</p>' if parts else ""


def reaches_paper(paper: Paper) -> bool:
    """Whether the page links to the paper itself (not only to its code or project page)."""
    return bool(paper.arxiv or paper.doi or (paper.pdf and is_https_url(paper.pdf)))


def find_paper_html(paper: Paper) -> str:
    """For a paper the page cannot link to directly: searches for its exact title, each
    labelled with the service it asks, so a reader always has a way to the paper."""
    if reaches_paper(paper):
        return ""
    links = " ".join(
        f'<a class="md-button" href="{e(url)}" rel="nofollow">Search {e(label)}</a>'  # icon: papershelf.css
        for label, url in title_searches(paper.title)
    )
    lead = "No link to the paper is known yet. Find it by its title:"
    return f'<p class="ps-find">{lead} {links}</p>'


def listing_facts_html(paper: Paper) -> str:
    """Publication date, arXiv category and, for papers from Hugging Face Daily Papers, the
    paper's place in that day's listing, its upvotes when it was imported and the Hugging Face
    user who submitted it (labelled as a Hugging Face account: it is not a GitHub login)."""
    facts: list[str] = []
    if paper.published:
        facts.append(f'Published <time datetime="{paper.published.isoformat()}">{human_date(paper.published)}</time>')
    if paper.category:
        facts.append(f"arXiv category {e(paper.category)}")
    daily: list[str] = []
    if paper.rank is not None:
        daily.append(f"#{paper.rank} of the day")
    if paper.upvotes is not None:
        daily.append(f"{paper.upvotes} upvote{'' if paper.upvotes == 1 else 's'} when imported")
    if paper.hf_submitter:
        daily.append(
            f'submitted by <a href="{e(hf_user(paper.hf_submitter))}" rel="nofollow noopener">'
            f"{e(paper.hf_submitter)}</a> (Hugging Face)"
        )
    from_hf = (
        paper.upvotes is not None or paper.hf_submitter or (paper.source or "").startswith(source_src(HF_DAILY_PREFIX))
    )
    if daily and from_hf:
        where = (
            f'<a href="{e(hf_paper(paper.arxiv))}" rel="nofollow noopener">Hugging Face Daily Papers</a>'
            if paper.arxiv
            else "Hugging Face Daily Papers"
        )
        facts.append(f"{where}: " + ", ".join(daily))
    elif daily:
        facts.append(f"#{paper.rank} in the day's listing")
    return f'<p class="ps-facts">{" · ".join(facts)}</p>' if facts else ""


def topics_html(topics: Sequence[str], page_url: str) -> str:
    """The paper's topics as links to their pages."""
    if not topics:
        return ""
    links = ", ".join(
        f'<a class="ps-topic" href="{e(relative_url(page_url, topic_url(slugify(t))))}">{e(t)}</a>' for t in topics
    )
    return f'<p class="ps-topics">Topics: {links}</p>'


def lists_html(on_lists: Sequence[tuple[str, str]], page_url: str) -> str:
    """The reading lists a paper is on, as (slug, title) pairs; titles are contributor text."""
    if not on_lists:
        return ""
    links = ", ".join(
        f'<a href="{e(relative_url(page_url, list_url(slug)))}">{e(title)}</a>' for slug, title in on_lists
    )
    return f'<p class="ps-on-lists">On reading lists: {links}</p>'


def bibtex_html(paper: Paper, key: str | None = None) -> str:
    """The BibTeX entry in a code block, which the theme gives a copy-to-clipboard button;
    ``key`` is the paper's key in papers.bib (``citations.citation_keys``)."""
    return (
        '<section class="ps-cite">\n<h2 id="cite">Cite</h2>\n'
        f'<pre class="ps-bibtex"><code>{e(bibtex_entry(paper, key))}</code></pre>\n</section>'
    )


def related_html(related: Sequence[Paper], page_url: str) -> str:
    """Links to the most similar papers; kept out of the search index, or a search would
    find a paper by its neighbours' titles."""
    if not related:
        return ""
    items = "".join(f'<li><a href="{e(relative_url(page_url, p.url))}">{title_html(p.title)}</a></li>' for p in related)
    return f'<section class="ps-related">\n<h2 id="related">Related papers</h2>\n<ul>{items}</ul>\n</section>'


def authors_html(paper: Paper, page_url: str) -> str:
    """The authors, each a link to the page that lists their papers (``routes.author_url``:
    one page for all, the name in its address)."""
    if not paper.authors:
        return ""
    links = ", ".join(
        f'<a href="{e(relative_url(page_url, routes.author_url(name)))}">{e(name)}</a>' for name in paper.authors
    )
    return f'<p class="ps-authors">{links}</p>'


def paper_page(
    paper: Paper,
    page_url: str,
    *,
    topics: Sequence[str] = (),
    related: Sequence[Paper] = (),
    related_slot: str | None = None,
    cite_key: str | None = None,
    on_lists: Sequence[tuple[str, str]] = (),
) -> str:
    """The body of a paper's page (a raw HTML block inside the page's markdown): fields,
    topics, links, abstract, a BibTeX entry and the related papers (computed once per build
    by ``related``, passed in so that this stays a pure function).

    With ``related_slot``, that text stands where the related papers go, to be replaced by
    ``related_html`` later: the build computes them while it reads the pages (``background``).
    ``cite_key`` is the paper's BibTeX key in the collection (``citations.citation_keys``), so
    the page and papers.bib give the same key. ``on_lists`` are the reading lists that name
    the paper, as (slug, title)."""
    source = ""
    if paper.source:
        src = paper.source
        name = source_name(src)
        if name is not None:
            href = relative_url(page_url, src)
            source = f'<p class="ps-source">Imported from <a href="{e(href)}">{e(name)}</a></p>'
        else:
            source = f'<p class="ps-source">Imported from {e(src)}</p>'
    lists = lists_html(on_lists, page_url) + "\n" if on_lists else ""  # no line at all without lists
    submitted = (
        f' · added by <a href="{e(github_user(paper.submitted_by))}">@{e(paper.submitted_by)}</a>'
        if paper.submitted_by
        else ""
    )
    return (
        f'<article class="ps-paper">\n'
        f"<h1>{title_html(paper.title)}</h1>\n"
        f'<p class="ps-meta">Listed '
        f'<time datetime="{paper.date.isoformat()}">{human_date(paper.date)}</time>'
        f"{submitted}</p>\n"
        f"{authors_html(paper, page_url)}\n"
        f"{listing_facts_html(paper)}\n"
        f"{topics_html(topics, page_url)}\n"
        f"{lists}"
        f"{link_buttons(paper)}\n"
        f"{find_paper_html(paper)}\n"
        f'<h2 id="abstract">Abstract</h2>\n'
        f'<div class="ps-abstract">{abstract_html(paper.abstract)}</div>\n'
        f"{bibtex_html(paper, cite_key)}\n"
        f"{related_html(related, page_url) if related_slot is None else related_slot}\n"
        f"{source}\n"
        f"</article>"
    )


LISTING_AUTHORS = 6


def listing_authors(authors: Sequence[str]) -> str:
    """Up to ``LISTING_AUTHORS`` names, then "et al.": a collaboration paper with hundreds of
    authors must not make a listing page heavy (the paper's own page lists them all)."""
    if len(authors) <= LISTING_AUTHORS:
        return ", ".join(authors)
    return ", ".join(authors[:LISTING_AUTHORS]) + " et al."


@per_paper(1 << 18)
def paper_item(paper: Paper, from_url: str, badge: str = "", excerpt_chars: int = EXCERPT_CHARS) -> str:
    """One entry of a listing: title link, authors, an excerpt of ``excerpt_chars`` characters at
    most (CSS clamps it to two lines; a longer one serves search engines and screen readers; 0:
    none, as in the archive), a Code link.

    Kept per (paper, page): a paper appears on its home, archive and topic pages, and under
    ``serve`` every restage lists the same unchanged papers again."""
    href = relative_url(from_url, paper.url)
    code = (
        f' <a class="ps-code-link" href="{e(paper.code)}" rel="nofollow noopener">Code</a>'
        if paper.code and is_https_url(paper.code)
        else ""
    )
    authors = f'<p class="ps-item-authors">{e(listing_authors(paper.authors))}</p>' if paper.authors else ""
    text = f'<p class="ps-excerpt">{e(excerpt(paper.abstract, excerpt_chars))}</p>' if excerpt_chars > 0 else ""
    return (
        f'<li class="ps-item"><a class="ps-item-title" href="{e(href)}">{title_html(paper.title)}</a>{badge}{code}'
        f"{authors}{text}</li>"
    )
