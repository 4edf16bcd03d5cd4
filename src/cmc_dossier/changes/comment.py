"""One sticky pull-request comment, found by a hidden marker and updated in place.

Talks to GitHub's REST API (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_TOKEN, as Actions
sets them) with the standard library; no third-party action runs with the token.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cmc_dossier.changes.report import MARKER


@dataclass(frozen=True)
class PullRequest:
    api: str
    repository: str
    number: int
    token: str


class CommentError(Exception):
    """GitHub refused or could not be reached; the message says what GitHub answered."""


class _TokenStaysHome(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send the token only to the host it was meant for.

    urllib copies every header, Authorization included, onto a redirect to any host.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_TokenStaysHome)


def _github_message(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read() or b"{}")
    except ValueError:
        answer = {}
    message = answer.get("message") if isinstance(answer, dict) else None
    return f"GitHub answered {error.code} {error.reason}" + (f": {message}" if message else "")


def _call(pr: PullRequest, method: str, path: str, body: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        f"{pr.api.rstrip('/')}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Bearer {pr.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "Content-Type": "application/json",
        },
    )
    try:
        with _OPENER.open(request, timeout=30) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise CommentError(f"{method} {path}: {_github_message(error)}") from None
    except (urllib.error.URLError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise CommentError(f"{method} {path}: cannot reach {pr.api}: {reason}") from None


def post_or_update(pr: PullRequest, body: str) -> str:
    """Update our earlier comment if there is one, else create it; returns what was done."""
    if MARKER not in body:
        body = f"{MARKER}\n{body}"
    page = 1
    while True:
        comments = _call(
            pr,
            "GET",
            f"/repos/{pr.repository}/issues/{pr.number}/comments?per_page=100&page={page}",
        )
        for comment in comments:
            if MARKER in (comment.get("body") or ""):
                _call(
                    pr,
                    "PATCH",
                    f"/repos/{pr.repository}/issues/comments/{comment['id']}",
                    {"body": body},
                )
                return f"updated comment {comment['id']}"
        if len(comments) < 100:
            break
        page += 1
    created = _call(
        pr, "POST", f"/repos/{pr.repository}/issues/{pr.number}/comments", {"body": body}
    )
    return f"created comment {created['id']}"
