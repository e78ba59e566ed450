"""Python security rules: shell commands, unsafe deserialization, TLS bypass, secrets, SQL."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.configured import graded
from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import Site, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.bypass_guard import guard_severity
from dwagent.tools.rules.names import (
    LICENCE_REASON,
    is_placeholder,
    is_public_material,
    is_secret_name,
    literal_secret_kind,
    public_licence,
)
from dwagent.tools.rules.python.guards import bypass_guard
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import (
    built_from_input,
    call_name,
    is_constant,
    keyword,
    local_value,
    positional,
    string_literal,
)
from dwagent.tools.syntax.tree import ancestor, hit, mentions, nodes, text

SUBPROCESS_FUNCS = frozenset({"run", "call", "check_call", "check_output", "Popen"})
ALWAYS_SHELL = {("subprocess", "getoutput"), ("subprocess", "getstatusoutput"), ("os", "system"), ("os", "popen")}


@file_rule(
    id="DWA-401",
    title="Shell command built from a non-literal (Python)",
    category="command-injection",
    severity="high",
    cwe=(78,),
    languages=("python",),
)
def shell_command(ctx: FileContext) -> Iterable[Hit]:
    """`subprocess.*(..., shell=True)`, `os.system`, `os.popen` and `subprocess.getoutput` run their
    argument through a shell; a non-literal command (a variable, f-string, `%`/`+`/`.format`
    build) lets its value inject further commands. Literal commands and `shlex.quote`d holes are
    not reported, also when the command is a local assigned once from such a string; pass an
    argument list without `shell=True` instead.

    Severity from the data-flow path (evidence): high with request data, socket bytes, a message
    payload, or (the command runs through a shell) command-line/environment input reaching it;
    medium for plain parameters (raised when a caller in another file passes such input);
    configuration-only values are not reported.
    """
    if not re.search(r"shell\s*=\s*True|os\.system|os\.popen|getoutput|getstatusoutput", ctx.text):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        args = positional(call)
        cmd = args[0] if args else keyword(ctx, call, "args") or keyword(ctx, call, "cmd")
        if cmd is None:
            continue
        shell = (obj.split(".")[-1], name) in ALWAYS_SHELL or (name in SUBPROCESS_FUNCS and text(ctx, keyword(ctx, call, "shell")) == "True")
        value = local_value(ctx, cmd) or cmd  # `command = f"tar {shlex.quote(x)}"` then run(command)
        if shell and not is_constant(ctx, value) and not (value.type == "string" and not built_from_input(ctx, value)):
            yield from report(
                ctx,
                flows_for(ctx),
                Site(call, cmd, name),
                "command",
                high="high",
                min_trust="unknown",
                raise_lower=True,
                message=f"`{obj + '.' if obj else ''}{name}` runs a shell command built from `{text(ctx, cmd)[:60]}`",
                fix="pass an argument list without shell=True",
            )


UNSAFE_LOADERS = ("Loader", "UnsafeLoader", "FullLoader")


@file_rule(
    id="DWA-402",
    title="Unsafe deserialization (Python)",
    category="insecure-deserialization",
    severity="high",
    cwe=(502,),
    languages=("python",),
)
def unsafe_deserialization(ctx: FileContext) -> Iterable[Hit]:
    """`yaml.load` without a safe loader (or with `Loader`/`UnsafeLoader`/`FullLoader`),
    `yaml.unsafe_load`, `pickle.load(s)`, `pickle.Unpickler`, `dill.load(s)`, `marshal.load(s)`,
    `shelve.open` and `jsonpickle.decode` can construct arbitrary objects (code execution) from
    their input. `yaml.safe_load` and `yaml.load(..., Loader=SafeLoader/CSafeLoader)` are safe.

    Severity follows the evidence (`dataflow/configured.py`): the payload is traced by the
    data-flow core; critical only when an untrusted source (request data, an upload, socket
    bytes, a message payload) or a stored value reaches it, with its path; medium for
    parameters and values the core cannot trace (a file opened elsewhere); low when only
    constants or configuration reach it.
    """
    if not re.search(r"yaml|pickle|dill|marshal|shelve", ctx.text):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        mod = obj.split(".")[-1]
        what = ""
        if mod == "yaml" and name in ("load", "load_all"):
            loader = keyword(ctx, call, "Loader")
            args = positional(call)
            if loader is None and len(args) > 1:
                loader = args[1]
            lname = text(ctx, loader).split(".")[-1] if loader is not None else ""
            if loader is None or lname in UNSAFE_LOADERS:
                what = f"`yaml.{name}` with {'no Loader' if loader is None else lname} builds arbitrary objects"
        elif mod == "yaml" and name in ("unsafe_load", "unsafe_load_all"):
            what = f"`yaml.{name}` builds arbitrary objects"
        elif mod in ("pickle", "cPickle", "dill", "_pickle", "marshal") and name in ("load", "loads", "Unpickler"):
            what = f"`{mod}.{name}` executes code embedded in the data"
        elif (mod, name) == ("shelve", "open"):
            what = "`shelve.open` unpickles whatever the file holds"
        elif (mod, name) == ("jsonpickle", "decode"):
            what = f"`{mod}.{name}` deserializes arbitrary objects"
        if what:
            args = positional(call)
            sites = [Site(call, args[0], f"{obj}.{name}")] if args else []
            yield from graded(
                ctx, call, "deserialize", high="critical", what=what, fix="use json or yaml.safe_load; never unpickle untrusted bytes", sites=sites
            )


HTTP_FUNCS = frozenset(
    {
        "get",
        "post",
        "put",
        "delete",
        "patch",
        "head",
        "options",
        "request",
        "send",
        "stream",
        "Client",
        "AsyncClient",
        "Session",
        "urlopen",
        "TCPConnector",
        "ClientSession",
    }
)


@file_rule(
    id="DWA-403",
    title="TLS verification disabled (Python)",
    category="tls-bypass",
    severity="critical",
    cwe=(295,),
    languages=("python",),
)
def tls_verification_off(ctx: FileContext) -> Iterable[Hit]:
    """`verify=False` on requests/httpx calls, clients and sessions, `ssl=False` on aiohttp,
    `ssl._create_unverified_context()`, `cert_reqs=ssl.CERT_NONE`, and `verify_mode = CERT_NONE` /
    `check_hostname = False` on an SSL context: the peer's certificate is not checked, so any
    man in the middle is accepted. A value read from configuration (`verify=settings.verify`) is
    not reported. Severity follows the guard, read with polarity: critical when unconditional or
    behind an option whose default (a bool literal at module/class level in the file) turns the
    bypass on; low behind `if not VERIFY_TLS:` when the default verifies, or in debug/development
    only; medium behind an environment variable or an option with no visible default; high
    behind a condition that is no opt-out. Test code is excluded.
    """
    if not re.search(r"verify\s*=\s*False|ssl\s*=\s*False|_create_unverified_context|CERT_NONE|check_hostname", ctx.text):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        for kw in ("verify", "ssl"):
            value = keyword(ctx, call, kw)
            if value is not None and value.type == "false" and (name in HTTP_FUNCS or obj.split(".")[-1] in ("requests", "httpx")):
                yield _guarded(ctx, call, f"`{kw}=False` disables certificate verification", 2)
        if name == "_create_unverified_context":
            yield _guarded(ctx, call, "an unverified SSL context accepts any certificate", 1)
        reqs = keyword(ctx, call, "cert_reqs")
        if reqs is not None and text(ctx, reqs).split(".")[-1].strip("'\"") == "CERT_NONE":
            yield _guarded(ctx, call, "`cert_reqs=CERT_NONE` disables certificate verification", 2)
    for a in nodes(ctx, "assignment"):
        left = text(ctx, a.child_by_field_name("left"))
        right = text(ctx, a.child_by_field_name("right"))
        if left.startswith("self."):
            continue  # a context class initialising its own attribute, not a caller disabling checks
        if left.endswith(".verify_mode") and right.split(".")[-1] == "CERT_NONE":
            yield hit(a, "SSL context `verify_mode = CERT_NONE` accepts any certificate", max_lines=1)
        elif left.endswith(".check_hostname") and right == "False":
            yield hit(a, "SSL context `check_hostname = False` accepts certificates for any host", max_lines=1, severity="high")


def _guarded(ctx: FileContext, node, message: str, max_lines: int) -> Hit:
    """The bypass finding with severity from its guard, read with polarity (see DWA-403)."""
    sev, why, props = guard_severity(bypass_guard(ctx, node), "critical")
    return hit(node, message + ("" if why == " unconditionally" else why), severity=sev, max_lines=max_lines, properties=props)


ENV_LOOKUPS = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv", "os.environ.setdefault"})


def _env_fallback_name(ctx: FileContext, lit) -> str:
    """For the default of `os.environ.get("X_TOKEN", "literal")` / `os.getenv(...)`: the variable
    name if it names a secret, else the name the lookup is assigned to; '' otherwise."""
    args = lit.parent
    call = args.parent if args is not None and args.type == "argument_list" else None
    if call is None or call.type != "call" or text(ctx, call.child_by_field_name("function")) not in ENV_LOOKUPS:
        return ""
    pos = positional(call)
    if len(pos) < 2 or pos[1] != lit:
        return ""
    var = string_literal(ctx, pos[0]) or ""
    return var if var and is_secret_name(var) else _assigned_name(ctx, call)


def _assigned_name(ctx: FileContext, lit) -> str:
    p = lit.parent
    if p is None:
        return ""
    if p.type == "argument_list":
        return _env_fallback_name(ctx, lit)
    # `configured or "literal"` and `"literal" if cond else configured` still assign the literal
    while p is not None and (
        (p.type == "boolean_operator" and text(ctx, p.children[1]) == "or" and p.child_by_field_name("right") == lit)
        or (p.type == "conditional_expression" and p.named_children and p.named_children[1] != lit)
        or p.type == "parenthesized_expression"
    ):
        lit, p = p, p.parent
    if p is None:
        return ""
    if p.type == "assignment" and p.child_by_field_name("right") == lit:
        return text(ctx, p.child_by_field_name("left")).split(".")[-1]
    if p.type == "keyword_argument":
        return text(ctx, p.child_by_field_name("name"))
    if p.type == "pair" and p.child_by_field_name("value") == lit:
        return string_literal(ctx, p.child_by_field_name("key")) or ""
    if p.type == "default_parameter" or p.type == "typed_default_parameter":
        return text(ctx, p.child_by_field_name("name"))
    return ""


@file_rule(
    id="DWA-404",
    title="Hard-coded secret (Python)",
    category="hardcoded-secret",
    severity="high",
    cwe=(798,),
    languages=("python",),
)
def hardcoded_secret(ctx: FileContext) -> Iterable[Hit]:
    """A credential in the source: a string literal assigned to a secret-named variable, attribute,
    keyword argument, default parameter or dict key (`password`, `api_key`, `client_secret`,
    `access_token`...), a connection URL/string with a literal password, an embedded private key,
    or a well-known token format. A literal default of an environment lookup
    (`os.environ.get("API_TOKEN", "literal")`, `os.getenv`), an `or` fallback and a conditional
    branch count as assigned to the secret. Placeholders (empty, `changeme`, `<...>`, `dev`/`test`
    words), plain environment lookups and configuration keys are not reported. Public material is
    not a secret (a PEM public key or certificate, an `ssh-rsa AAAA...` key, a licence-named
    signed token); other licence keys are low (they unlock a vendor's product, not this system),
    a licence-named secret or password stays high. Test code is excluded.
    """
    if not mentions(ctx, "pass", "pwd", "secret", "key", "token", "credential", "begin", "akia", "gh", "xox", "sk_live", "://"):
        return
    for lit in nodes(ctx, "string"):
        value = string_literal(ctx, lit)
        if value is None:
            continue
        kind = literal_secret_kind(value)
        url = re.search(r"://[^:/@\s]+:([^@/\s]+)@", value)
        if kind:
            yield hit(lit, f"hard-coded {kind} in a string literal", severity="critical" if kind == "private key" else None, max_lines=2)
        elif url and not is_placeholder(url.group(1)) and not url.group(1).startswith(("{", "$", "%")):
            yield hit(lit, "hard-coded password in a connection URL", max_lines=1)
        else:
            name = _assigned_name(ctx, lit)
            if name and is_secret_name(name) and not is_placeholder(value, name) and not is_public_material(value):
                licence = public_licence(name, value)
                if licence == "key":
                    yield hit(lit, f"hard-coded licence key assigned to `{name}` (low: {LICENCE_REASON})", severity="low", max_lines=1)
                elif not licence:
                    yield hit(lit, f"hard-coded secret assigned to `{name}`", max_lines=1)


SQL_FUNCS = frozenset({"execute", "executemany", "executescript", "read_sql", "read_sql_query", "raw", "text", "mogrify"})


def _local_value(ctx: FileContext, ident, before: int):
    scope = ancestor(ident, ("function_definition",))
    if scope is None:
        scope = ident
        while scope.parent is not None:
            scope = scope.parent
    found = None
    stack = [scope]
    while stack:
        n = stack.pop()
        if n.start_byte >= before:
            continue
        if n.type == "assignment" and text(ctx, n.child_by_field_name("left")) == text(ctx, ident):
            if found is None or n.start_byte > found.start_byte:
                found = n
        stack.extend(n.named_children)
    return found.child_by_field_name("right") if found is not None else None


@file_rule(
    id="DWA-409",
    title="SQL built from input (Python)",
    category="sql-injection",
    severity="high",
    cwe=(89,),
    languages=("python",),
)
def sql_built(ctx: FileContext) -> Iterable[Hit]:
    """SQL text built with an f-string, `%`, `+` or `.format` from a non-constant value and passed
    to `cursor.execute`/`executemany`, `pandas.read_sql`, SQLAlchemy `text()` or Django `raw()`.
    Pass parameters separately (`execute(sql, params)`). A local variable is followed back to its
    last assignment in the same function.

    Severity from the data-flow path (evidence): high with request data or a stored
    (second-order) value reaching the text; medium for CLI/environment values and plain parameters; configuration-only values are
    not reported.
    """
    if not re.search(r"execute|read_sql|\.raw\(|text\(", ctx.text):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name not in SQL_FUNCS or (name == "text" and (obj not in ("", "sqlalchemy", "sa") or "sqlalchemy" not in ctx.text)):
            continue
        args = positional(call)
        if not args:
            continue
        sql = args[0]
        if sql.type == "identifier":
            sql = _local_value(ctx, sql, call.start_byte) or sql
        source = built_from_input(ctx, sql)
        if source:
            yield from report(
                ctx,
                flows_for(ctx),
                Site(call, args[0], name),
                "sql",
                high="high",
                min_trust="unknown",
                message=f"SQL for `{name}` is built from `{source[:60]}`",
                fix="pass parameters instead",
            )
