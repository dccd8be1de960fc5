"""A paper's discussion, through giscus (GitHub Discussions), when ``discussion:`` is set.

Nothing of a third party loads with the page: the page holds a "Show discussion" button and
the settings giscus needs as data attributes, and ``assets/discussion.js`` (the site's own
script, named in the page's head only when discussion is on) adds giscus's script when the
reader presses it. Privacy (no request to GitHub or giscus before the reader asks) and page
weight (giscus is a frame of several hundred KB) both want it that way.

Each paper's discussion is found by its slug: giscus's ``specific`` mapping with ``strict``
matching names the discussion after the slug, which is also how ``python -m generator votes``
finds it again. With ``discussion:`` absent, nothing here is called and a page has no trace of
it (no button, no script, no data).
"""

from __future__ import annotations

from generator.core.html import e, relative_url
from generator.core.site_config import DiscussionConfig

SCRIPT = "assets/discussion.js"


def discussion_html(slug: str, config: DiscussionConfig) -> str:
    """The section at the end of a paper's page: a heading, what pressing the button loads, the
    button, and the place giscus fills. Without scripts the button stays hidden and the link to
    the repository's discussions remains."""
    data = {
        "repo": config.repository,
        "repo-id": config.repository_id,
        "category": config.category,
        "category-id": config.category_id,
        "term": slug,
        "client": f"{config.giscus_url}/client.js",
    }
    attrs = " ".join(f'data-{key}="{e(value)}"' for key, value in data.items())
    discussions = f"https://github.com/{config.repository}/discussions"
    return (
        '<section class="ps-discussion" aria-labelledby="discussion">\n'
        '<h2 id="discussion">Discussion</h2>\n'
        '<p class="ps-discussion-about">Comments and votes on this paper are kept in '
        f'<a href="{e(discussions)}">the GitHub Discussions of {e(config.repository)}</a>. '
        "Showing them loads giscus and GitHub; nothing is loaded from them before you ask.</p>\n"
        f'<button type="button" class="md-button ps-discussion-show" aria-controls="ps-giscus" aria-expanded="false" '
        f"hidden {attrs}>Show discussion</button>\n"
        '<p class="ps-discussion-status" role="status"></p>\n'
        '<div id="ps-giscus" class="giscus" tabindex="-1" hidden></div>\n'
        "</section>"
    )


def discussion_head(page_url: str) -> str:
    """The script that makes the button work: the site's own, deferred, on paper pages only."""
    return f'<script src="{e(relative_url(page_url, SCRIPT))}" defer></script>\n'
