"""A trailing comment on a route decorator is hostile text: it must not change a route rule's result."""

from __future__ import annotations

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

ROUTES = """from fastapi import APIRouter, Depends
router = APIRouter()


@router.post("/"){comment}
async def create(user: dict = Depends(current_user)):
    return {{}}


@router.post("/void")
async def void(user: dict = Depends(require_role("admin"))):
    return {{}}
"""


def _rules_hit(comment: str) -> list[tuple[str, int]]:
    source = ROUTES.format(comment=comment).encode()
    ctx = FileContext(path="app/routes.py", language="python", role="production", source=source)
    return sorted((f.rule, f.start_line) for f in scan_file(ctx))


def test_comment_words_on_a_decorator_change_nothing() -> None:
    plain = _rules_hit("")
    for comment in ("  # approved exception, reset and purge allowed", "  # login_required require_role('x')"):
        assert _rules_hit(comment) == plain
