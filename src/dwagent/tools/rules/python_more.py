"""More Python rules: blocking calls in coroutines, tar extraction, role-less state changes,
XML entity expansion, unverified JWTs, predictable randomness for secrets."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import PRIVILEGED_ACTION, random_for_secret
from dwagent.tools.rules.pysyntax import call_name, keyword
from dwagent.tools.rules.python_web import PATH_GUARD, ROUTE
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import ancestor, camel_words, decorator_text, hit, line, mentions, nodes, text

BLOCKING = {("time", "sleep"), ("requests", "get"), ("requests", "post"), ("requests", "put"), ("requests", "delete"),
            ("requests", "patch"), ("requests", "head"), ("requests", "request"), ("urllib.request", "urlopen"),
            ("request", "urlopen"), ("subprocess", "run"), ("subprocess", "check_output"), ("subprocess", "call")}


@file_rule(
    id="DWA-417",
    title="Blocking call inside a coroutine (Python)",
    category="sync-over-async",
    severity="medium",
    languages=("python",),
)
def blocking_in_coroutine(ctx: FileContext) -> Iterable[Hit]:
    """`time.sleep`, `requests.*`, `urlopen` or `subprocess.run` called directly inside an `async
    def`: the call blocks the event loop thread, stalling every other request it serves. Use
    `asyncio.sleep`, an async HTTP client, or `asyncio.to_thread`. Calls inside nested sync
    functions and lambdas are not reported.
    """
    if "async def" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if (obj, name) not in BLOCKING:
            continue
        func = ancestor(call, ("function_definition", "lambda"))
        if func is not None and func.type == "function_definition" and text(ctx, func).startswith("async"):
            yield hit(call, f"`{obj}.{name}` blocks the event loop inside `async def {text(ctx, func.child_by_field_name('name'))}`", max_lines=1)


@file_rule(
    id="DWA-418",
    title="Tar archive extracted without member checks (Python)",
    category="path-traversal",
    severity="high",
    cwe=(22,),
    languages=("python",),
)
def tar_extract(ctx: FileContext) -> Iterable[Hit]:
    """`TarFile.extractall`/`extract` without `filter="data"` (or `"tar"`), without an explicit
    `members=` selection and without a per-member containment check in the function: members named
    `../x`, absolute paths or links write anywhere on disk (tar slip).
    """
    if "tarfile" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        _, name = call_name(ctx, call)
        if name not in ("extractall", "extract"):
            continue
        if keyword(ctx, call, "filter") is not None or keyword(ctx, call, "members") is not None:
            continue
        func = ancestor(call, ("function_definition",))
        if func is not None and PATH_GUARD.search(text(ctx, func)):
            continue
        yield hit(call, f"`{name}` unpacks archive members without checking their paths", max_lines=1)


ROLE_AUTH = re.compile(r"(?i)(require_?roles?|roles?_required|permission_required|has_permission|require_permission|"
                       r"admin_required|require_scope|scopes\s*=|require_admin)\s*\(?")
BASIC_AUTH = re.compile(r"(?i)(login_required|current_user|get_current_user|authenticated|require_user|jwt_required|"
                        r"require_token|auth_required)")
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
        changes = any(STATE_VERBS.search(x) for x in decorators) and (
            not re.search(r"\.post\(|POST", route) or bool(PRIVILEGED_ACTION.search(route)))
        if changes and SELF_SERVICE_PATH.search(" ".join(x for x in decorators if ROUTE.match(x))):
            changes = False  # `/me/...` with no id in the path: the caller can only reach their own data
        routes.append((func, kind, changes))
    if not any(kind == "role" for _, kind, _ in routes):
        return
    for func, kind, changes in routes:
        if kind == "basic" and changes:
            name = func.child_by_field_name("name")
            yield Hit(line(name), line(name), f"route `{text(ctx, name)}` changes state with only a signed-in user, "
                                              "while sibling routes require a role")


@file_rule(
    id="DWA-420",
    title="XML parser resolving entities or DTDs (Python)",
    category="xxe",
    severity="high",
    cwe=(611,),
    languages=("python",),
)
def xml_entities(ctx: FileContext) -> Iterable[Hit]:
    """An lxml `XMLParser(load_dtd=True | no_network=False | resolve_entities=True)` or a SAX parser
    with `feature_external_ges`/`feature_external_pes` turned on resolves external entities: local
    file disclosure, SSRF and entity-expansion denial of service. Use `defusedxml` or keep the
    defaults with `resolve_entities=False`.
    """
    if not mentions(ctx, "xmlparser", "feature_external"):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name == "XMLParser":
            bad = [k for k, v in (("load_dtd", "True"), ("no_network", "False"), ("resolve_entities", "True"))
                   if text(ctx, keyword(ctx, call, k)) == v]
            if bad:
                yield hit(call, f"XML parser with {', '.join(bad)} resolves external entities", max_lines=2)
        elif name == "setFeature" and "feature_external" in text(ctx, call) and text(ctx, call).rstrip(") ").endswith("True"):
            yield hit(call, "SAX parser with external entities enabled", max_lines=1)


@file_rule(
    id="DWA-421",
    title="JWT decoded without verifying its signature (Python)",
    category="unauthenticated-endpoint",
    severity="critical",
    cwe=(347,),
    languages=("python",),
)
def jwt_unverified(ctx: FileContext) -> Iterable[Hit]:
    """`jwt.decode(..., options={"verify_signature": False})`, `verify=False` (old PyJWT) or
    `algorithms=["none"]`: any caller can forge the token, so whatever trusts its claims is
    unauthenticated.
    """
    if "jwt" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name != "decode" or "jwt" not in obj.lower():
            continue
        options = text(ctx, keyword(ctx, call, "options"))
        algorithms = text(ctx, keyword(ctx, call, "algorithms"))
        if re.search(r"['\"]verify_signature['\"]\s*:\s*False", options) or text(ctx, keyword(ctx, call, "verify")) == "False" \
                or re.search(r"(?i)['\"]none['\"]", algorithms):
            yield hit(call, "JWT signature is not verified: the token can be forged", max_lines=2)


RANDOM_FUNCS = frozenset({"choice", "choices", "randint", "random", "getrandbits", "sample", "randrange", "randbytes"})


@file_rule(
    id="DWA-422",
    title="random module used for a secret (Python)",
    category="weak-crypto",
    severity="high",
    cwe=(338,),
    languages=("python",),
)
def predictable_random(ctx: FileContext) -> Iterable[Hit]:
    """`random.choice`, `randint`, `getrandbits`... producing a token, password, key, nonce, salt,
    OTP or reset/invite code: the Mersenne Twister is predictable from its outputs. Use the
    `secrets` module. Judged by the assigned name or the enclosing function's name.
    """
    if "random" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if obj != "random" or name not in RANDOM_FUNCS:
            continue
        words: set[str] = set()
        cur = call.parent
        while cur is not None and cur.type not in ("assignment", "function_definition", "return_statement"):
            cur = cur.parent
        if cur is not None and cur.type == "assignment":
            words.update(camel_words(text(ctx, cur.child_by_field_name("left"))))
        func = ancestor(call, ("function_definition",))
        if func is not None:
            words.update(camel_words(text(ctx, func.child_by_field_name("name"))))
        if random_for_secret(words):
            yield hit(call, f"`random.{name}` is predictable; use the secrets module", max_lines=1)
