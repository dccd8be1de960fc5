"""Read the discussions of one GitHub Discussions category through GitHub's GraphQL API.

``python -m generator votes`` counts each paper's votes here: the discussions giscus made (one
per paper, titled with the paper's slug), with their 👍 reactions and upvotes. The endpoint comes
from ``PAPERSHELF_GITHUB_GRAPHQL`` (default https://api.github.com/graphql, so tests and GitHub
Enterprise can point elsewhere) and the token from ``GITHUB_TOKEN`` (the workflow's own; reading
discussions needs ``discussions: read``). The query follows GitHub's documented schema:
``Repository.discussions(first, after, categoryId)`` is a ``DiscussionConnection`` whose nodes
have ``title``, ``url``, ``upvoteCount`` and ``reactionGroups { content reactors { totalCount } }``,
paged with ``pageInfo { hasNextPage endCursor }``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from generator.services.http import PoliteClient, ServiceError, endpoint_from_env

SERVICE = "GitHub's GraphQL API"
ENDPOINT_VARIABLE = "PAPERSHELF_GITHUB_GRAPHQL"
GRAPHQL_DEFAULT = "https://api.github.com/graphql"
HINT = f"check the network connection (and {ENDPOINT_VARIABLE}, if it is set), then run the command again"
MAX_PAGES = 1000
"""100 discussions a page: 100,000 papers' discussions at most, so a cursor that never ends
cannot loop forever."""

QUERY = """query($owner: String!, $name: String!, $categoryId: ID!, $after: String) {
  repository(owner: $owner, name: $name) {
    discussions(first: 100, after: $after, categoryId: $categoryId) {
      pageInfo { hasNextPage endCursor }
      nodes {
        title
        url
        upvoteCount
        reactionGroups { content reactors { totalCount } }
      }
    }
  }
}"""


def github_token() -> str:
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise ServiceError(
            f"{SERVICE}: GITHUB_TOKEN is not set — the workflow passes its own token; locally, export a token"
            " that can read the repository's discussions"
        )
    return token


def _page(client: PoliteClient, endpoint: str, token: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = client.post_json(
        endpoint, {"query": QUERY, "variables": variables}, headers={"Authorization": f"bearer {token}"}
    )
    try:
        answer = json.loads(body)
    except ValueError:
        raise ServiceError(f"{SERVICE} sent an answer that is not JSON ({endpoint})") from None
    if not isinstance(answer, dict):
        raise ServiceError(f"{SERVICE} sent an answer that is not a GraphQL response ({endpoint})")
    if answer.get("errors"):
        first = answer["errors"][0]
        message = first.get("message", "an error") if isinstance(first, dict) else str(first)
        raise ServiceError(f"{SERVICE} answered with an error: {str(message)[:200]}")
    repository = (answer.get("data") or {}).get("repository")
    if repository is None:
        raise ServiceError(f"{SERVICE}: the repository {variables['owner']}/{variables['name']} was not found")
    connection = repository.get("discussions")
    if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
        raise ServiceError(f"{SERVICE} sent discussions in an unexpected shape ({endpoint})")
    return connection


def discussions(repository: str, category_id: str, *, client: PoliteClient | None = None) -> Iterator[dict[str, Any]]:
    """Every discussion of the category, as the API gives each node; ``ServiceError`` (one
    line) when the API cannot be reached, refuses the token or answers with an error."""
    endpoint = endpoint_from_env(ENDPOINT_VARIABLE, GRAPHQL_DEFAULT, SERVICE)
    token = github_token()
    client = client or PoliteClient(SERVICE, hint=HINT)
    owner, name = repository.split("/", 1)
    after: str | None = None
    for _ in range(MAX_PAGES):
        connection = _page(
            client, endpoint, token, {"owner": owner, "name": name, "categoryId": category_id, "after": after}
        )
        yield from (node for node in connection["nodes"] if isinstance(node, dict))
        info = connection.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            return
        after = str(info["endCursor"])
