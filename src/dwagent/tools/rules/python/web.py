"""Python web-facing rules: names joined into paths without containment, routes without the
authentication their siblings have."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import Site, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.capability import checks_credential
from dwagent.tools.rules.names import PRIVILEGED_ACTION
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, positional
from dwagent.tools.syntax.tree import (
    ancestor,
    decorator_text,
    line,
    nodes,
    text,
)

SAFE_PARAM_TYPE = re.compile(r":\s*(int|float|bool|UUID|uuid\.UUID|datetime|date)\b")
PATH_GUARD = re.compile(
    r"(realpath|abspath|resolve)\s*\(.*?(startswith|commonpath|is_relative_to|relative_to)|"
    r"(startswith|commonpath|is_relative_to|relative_to)\s*\(|basename\s*\(|secure_filename\s*\(|"
    r"safe_join\s*\(|['\"]\.\.['\"]\s*(not\s+)?in\b|(?i:sanitiz\w*|validate\w*(path|name|key))\s*\("
)


def _params(ctx: FileContext, func) -> set[str]:
    out = set()
    params = func.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        raw = text(ctx, p)
        if SAFE_PARAM_TYPE.search(raw):
            continue
        name = re.match(r"\*{0,2}(\w+)", raw)
        if name and name.group(1) not in ("self", "cls"):
            out.add(name.group(1))
    return out


WEB_FRAMEWORK = re.compile(
    r"^\s*(from|import)\s+(flask|fastapi|django|starlette|aiohttp|bottle|tornado|sanic|falcon|"
    r"quart|werkzeug|pyramid)\b",
    re.M,
)
NAME_PARAM = re.compile(
    r"(?i)(file_?name|upload\w*|attachment\w*|object_?name|blob_?name|blob_?key|object_?key|"
    r"download\w*|document_?name|^key|_key$|^name$|^filename$|^path$|user_path|rel_?path|relative\w*)$"
)
PATHISH_LEFT = re.compile(
    r"(?i)(^|[._])(root|dir|directory|folder|base|base_dir|basedir|home|storage|upload_dir|"
    r"uploads|media_root|static_root)$"
)


def _carries(ctx: FileContext, node, params: set[str]) -> str:
    if node.type == "identifier" and text(ctx, node) in params:
        return text(ctx, node)
    if node.type == "attribute" and text(ctx, node).split(".")[0] in params:
        return text(ctx, node)
    if node.type == "string":
        for c in node.named_children:
            if c.type == "interpolation":
                e = c.child_by_field_name("expression")
                if e is not None and _carries(ctx, e, params):
                    return text(ctx, e)
    return ""


@file_rule(
    id="DWA-415",
    title="Externally supplied name joined into a filesystem path (Python)",
    category="path-traversal",
    severity="high",
    cwe=(22,),
    languages=("python",),
)
def path_join(ctx: FileContext) -> Iterable[Hit]:
    """A function parameter joined into a path (`os.path.join(root, name)`, `root / name`) with
    no check in the function that the result stays under the root
    (`realpath`/`resolve` plus `startswith`/`commonpath`/`is_relative_to`), no `basename`/
    `secure_filename`, and no `..` rejection: `../../etc/passwd` escapes. Only non-first join
    arguments count as input; int/UUID-annotated parameters are ignored. Outside modules importing
    a web framework, only parameters named like user-supplied names (`filename`, `key`,
    `object_name`, `upload`...) count, since library APIs take paths by design.

    Severity from the data-flow path (evidence): high only for a route/view parameter or request
    data; medium for plain parameters; configuration-only values are not reported.
    """
    if "join" not in ctx.text and " / " not in ctx.text:
        return
    candidates = []
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if obj.endswith("path") and name == "join":
            candidates.append((call, positional(call)[1:]))
    stack = [ctx.tree.root_node]
    while stack and " / " in ctx.text:
        n = stack.pop()
        if n.type == "binary_operator" and len(n.children) == 3 and text(ctx, n.children[1]) == "/":
            left = text(ctx, n.child_by_field_name("left"))
            if PATHISH_LEFT.search(left) or left.startswith(("Path(", "pathlib.Path(")):
                candidates.append((n, [n.child_by_field_name("right")]))
        stack.extend(n.named_children)
    web = bool(WEB_FRAMEWORK.search(ctx.text))
    for node, parts in candidates:
        func = ancestor(node, ("function_definition",))
        if func is None:
            continue
        # library APIs take paths by design; a name is "external" in web-facing modules or when the
        # parameter is named like a user-supplied file/object name
        params = {p for p in _params(ctx, func) if web or NAME_PARAM.search(p)}
        source = next((s for s in (_carries(ctx, p, params) for p in parts) if s), "")
        if source and not PATH_GUARD.search(text(ctx, func)):
            part = next(p for p in parts if _carries(ctx, p, params))
            yield from report(
                ctx,
                flows_for(ctx),
                Site(node, part, "path join"),
                "path",
                high="high",
                min_trust="unknown",
                max_lines=1,
                message=f"`{source}` is joined into a path without a containment check",
            )


ROUTE = re.compile(r"^@\w[\w.]*\.(route|get|post|put|delete|patch|api_route|websocket)\(")
AUTH_DECORATOR = re.compile(
    r"(?i)^@[\w.]*(login_required|require\w*|auth\w*|token\w*|permission\w*|jwt\w*|"
    r"protected|authenticated|roles?_required|admin_required|api_key\w*)"
)
PUBLIC_PATH = re.compile(
    r"(?i)/(health\w*|live\w*|ready\w*|ping|metrics|status|version|login|logout|signin|"
    r"signup|register|\.well-known|swagger|openapi|docs|favicon|static)\b"
)
AUTH_DEPENDENCY = re.compile(r"(?i)Depends\(\s*[\w.]*(auth|user|token|api_key|current|verify|require|security)")


@file_rule(
    id="DWA-416",
    title="Route without the authentication its sibling routes have (Python)",
    category="unauthenticated-endpoint",
    severity="high",
    confidence="medium",
    cwe=(306,),
    languages=("python",),
)
def unauthenticated_route(ctx: FileContext) -> Iterable[Hit]:
    """In a module where route handlers (Flask/FastAPI-style `@app.get`, `@bp.route`...) carry an
    authentication decorator (`@login_required`, `@require_token`, `@jwt_required`...) or an auth
    dependency (`Depends(get_current_user)`), a route with neither is reachable by anyone. Routes
    that reject callers themselves (`abort(401)`, `abort(403)`, raising 401/403), capability routes
    that pass a credential they receive (`token`, `sig`...) to a check (`token_matches(stored,
    token)`), and health, login and documentation paths are not reported, nor are modules where no route is authenticated (public APIs, or auth applied globally).
    """
    if "@" not in ctx.text:
        return
    routes = []
    for d in nodes(ctx, "decorated_definition"):
        decorators = [decorator_text(ctx, c) for c in d.named_children if c.type == "decorator"]
        if any(ROUTE.match(x) for x in decorators):
            func = d.child_by_field_name("definition")
            authed = any(AUTH_DECORATOR.match(x) for x in decorators) or bool(
                AUTH_DEPENDENCY.search(text(ctx, func.child_by_field_name("parameters")))
            )
            path = next((m.group(1) for x in decorators if ROUTE.match(x) for m in [re.search(r"\(\s*[rf]?['\"]([^'\"]*)", x)] if m), "")
            routes.append((func, authed, path))
    if not any(a for _, a, _ in routes):
        return
    for func, authed, path in routes:
        if PUBLIC_PATH.search(path):
            continue  # health, login and docs routes are public by design
        body = text(ctx, func.child_by_field_name("body"))
        if authed or re.search(r"abort\(\s*40[13]|status_code\s*=\s*40[13]|HTTP_40[13]|Unauthorized|Forbidden", body):
            continue
        params = [text(ctx, p.child_by_field_name("name") or p).split(":")[0].strip() for p in func.child_by_field_name("parameters").named_children]
        if checks_credential(body, params):
            continue  # a capability URL: the token in the request is the credential, checked here
        name = func.child_by_field_name("name")
        yield Hit(line(name), line(name), f"route `{text(ctx, name)}` has no authentication, unlike its sibling routes")


ROLE_AUTH = re.compile(
    r"(?i)(require_?roles?|roles?_required|permission_required|has_permission|require_permission|"
    r"admin_required|require_scope|scopes\s*=|require_admin)\s*\(?"
)
BASIC_AUTH = re.compile(
    r"(?i)(login_required|current_user|get_current_user|authenticated|require_user|jwt_required|"
    r"require_token|auth_required)"
)
STATE_VERBS = re.compile(r"^@\w[\w.]*\.(post|put|delete|patch)\(|methods\s*=\s*\[[^\]]*(POST|PUT|DELETE|PATCH)")


# A path about the caller (`/me/preferences`, `/users/me`) with no parameter naming someone else.
SELF_SERVICE_PATH = re.compile(r"""\(\s*[rf]?['"](?:[^'"<{]*/)?(me|my|self|mine)(/[^'"<{]*)?['"]""")


@file_rule(
    id="DWA-419",
    title="State-changing route needs only a signed-in user where siblings require a role (Python)",
    category="missing-authorization",
    severity="high",
    confidence="medium",
    cwe=(862,),
    languages=("python",),
)
def roleless_route(ctx: FileContext) -> Iterable[Hit]:
    """In a module where some routes require a role, permission or scope (`Depends(require_role(
    "admin"))`, `@roles_required`, `@permission_required`...), a PUT/DELETE/PATCH route, or a POST
    whose path or name is a privileged action (import, refund, reset, purge, approve...), that only
    requires a signed-in user (`Depends(current_user)`, `@login_required`) lets any user do
    what its siblings restrict. Self-service routes (`/me/...`, `/my/...`, `/self/...` with no
    path parameter) act on the caller's own data and are not reported.
    """
    if not ROLE_AUTH.search(ctx.text):
        return
    routes = []
    for d in nodes(ctx, "decorated_definition"):
        decorators = [decorator_text(ctx, c) for c in d.named_children if c.type == "decorator"]
        if not any(ROUTE.match(x) for x in decorators):
            continue
        func = d.child_by_field_name("definition")
        head = " ".join(decorators) + " " + text(ctx, func.child_by_field_name("parameters"))
        kind = "role" if ROLE_AUTH.search(head) else "basic" if BASIC_AUTH.search(head) else ""
        route = " ".join(x for x in decorators if ROUTE.match(x)) + " " + text(ctx, func.child_by_field_name("name"))
        changes = any(STATE_VERBS.search(x) for x in decorators) and (not re.search(r"\.post\(|POST", route) or bool(PRIVILEGED_ACTION.search(route)))
        if changes and SELF_SERVICE_PATH.search(" ".join(x for x in decorators if ROUTE.match(x))):
            changes = False  # `/me/...` with no id in the path: the caller can only reach their own data
        routes.append((func, kind, changes))
    if not any(kind == "role" for _, kind, _ in routes):
        return
    for func, kind, changes in routes:
        if kind == "basic" and changes:
            name = func.child_by_field_name("name")
            yield Hit(
                line(name), line(name), f"route `{text(ctx, name)}` changes state with only a signed-in user, while sibling routes require a role"
            )
