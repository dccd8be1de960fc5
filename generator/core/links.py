"""Every address outside the site, each pattern written once: arXiv, DOI, the title searches and
the services the importers call.

Pages, head tags, citations, feeds and the digest all link to the same places; keeping the
patterns here means a change of address (arXiv has moved its PDFs before) is one edit, and no
two outputs can disagree. Pure functions: ids and titles in, https URLs out, with every part
that came from a contributor percent-encoded.
"""

from __future__ import annotations

from urllib.parse import quote, quote_plus

from generator.core.model import Paper
from generator.core.values import is_https_url

# The services' own defaults; the importers take the real endpoint from the environment.
HF_ENDPOINT_DEFAULT = "https://huggingface.co"  # huggingface_hub's convention (HF_ENDPOINT)
ARXIV_API_DEFAULT = "https://export.arxiv.org/api/query"  # PAPERSHELF_ARXIV_API


def arxiv_abs(arxiv: str) -> str:
    """The paper's abstract page (without a version: always the latest)."""
    return f"https://arxiv.org/abs/{quote(arxiv, safe='/.')}"


def arxiv_pdf(arxiv: str) -> str:
    return f"https://arxiv.org/pdf/{quote(arxiv, safe='/.')}"


def doi_url(doi: str) -> str:
    """The DOI resolver's address; ``/`` and the characters DOIs use are kept readable."""
    return f"https://doi.org/{quote(doi, safe='/.:;()-_')}"


def github_user(login: str) -> str:
    return f"https://github.com/{quote(login, safe='')}"


def hf_user(login: str) -> str:
    return f"https://huggingface.co/{quote(login, safe='')}"


def hf_paper(arxiv: str) -> str:
    """The paper's page on Hugging Face Papers (keyed by its arXiv id)."""
    return f"https://huggingface.co/papers/{quote(arxiv, safe='/.')}"


# (label, pattern): where a reader can look a paper up by its title when no id is known.
TITLE_SEARCHES: tuple[tuple[str, str], ...] = (
    ("arXiv", "https://arxiv.org/search/?searchtype=title&query={q}"),
    ("Semantic Scholar", "https://www.semanticscholar.org/search?q={q}"),
    ("Google Scholar", "https://scholar.google.com/scholar?q={q}"),
    ("Hugging Face Papers", "https://huggingface.co/papers?q={q}"),
)


def title_searches(title: str) -> list[tuple[str, str]]:
    """``[(service, URL)]`` searching each service for the exact title (quoted)."""
    q = quote_plus(f'"{" ".join(title.split())}"')
    return [(label, pattern.format(q=q)) for label, pattern in TITLE_SEARCHES]


def hf_daily_papers_api(endpoint: str) -> str:
    """The Daily Papers listing API under a Hugging Face endpoint (``?date=`` is added by the caller)."""
    return endpoint.rstrip("/") + "/api/daily_papers"


def paper_link(paper: Paper) -> str | None:
    """Where the paper itself can be read: arXiv, else its DOI, else its PDF; never its code.
    (``Paper.url`` is the paper's page on this site: ``routes.paper_url``.)"""
    if paper.arxiv:
        return arxiv_abs(paper.arxiv)
    if paper.doi:
        return doi_url(paper.doi)
    if paper.pdf and is_https_url(paper.pdf):
        return paper.pdf
    return None


def pdf_link(paper: Paper) -> str | None:
    """The paper's PDF: arXiv's, else the https PDF its page gives."""
    if paper.arxiv:
        return arxiv_pdf(paper.arxiv)
    return paper.pdf if paper.pdf and is_https_url(paper.pdf) else None


def new_file_url(repo_url: str, edit_uri: str, folder: str) -> str:
    """The repository's page for a new file in ``folder`` of the content folder, from the
    ``repo_url`` and ``edit_uri`` of ``mkdocs.yml`` (GitHub's ``edit/<branch>/<path>`` becomes
    ``new/<branch>/<path>``); "" when the site names no repository or its editor is not of
    that form. The page takes ``?filename=`` and ``?value=``, so a link can fill the file in."""
    parts = edit_uri.strip("/").split("/", 1)
    if not repo_url.startswith("https://") or len(parts) < 2 or parts[0] not in ("edit", "blob"):
        return ""
    return f"{repo_url.rstrip('/')}/new/{parts[1]}/{folder.strip('/')}"
