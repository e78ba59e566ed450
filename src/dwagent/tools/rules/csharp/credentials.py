"""Hard-coded credentials handed to a credential API (C#): the literal is the password."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.dataflow.literals import csharp_literal
from dwagent.tools.dataflow.sinks import csharp_sink_sites
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import CONNECTION_PASSWORD, is_placeholder
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import hit


@file_rule(
    id="DWA-161",
    title="Hard-coded credential passed to a credential API",
    category="hardcoded-secret",
    severity="high",
    cwe=(798, 259),
    languages=("csharp",),
)
def credential_literal(ctx: FileContext) -> Iterable[Hit]:
    """A string literal (directly, or through a local or a `const`/`static readonly` field of the
    file) that reaches the secret argument of a credential API: `new NetworkCredential(user, pw)`,
    key derivation (`Rfc2898DeriveBytes`, `KeyDerivation.Pbkdf2`), `PasswordSignInAsync`, a
    client's `Authenticate/Login/Bind`, cloud credential constructors, `X509Certificate2(path,
    pw)`, a `Password`/`ConnectionString` assignment, or a connection string with a non-empty
    `Password=`/`Pwd=` given to a `*Connection` constructor. High: the credential ships with the
    code. Not reported for placeholders (empty, `changeme`, `<password>`, masks, single words) or
    values that are not literals (configuration, secrets stores, parameters). The path from the
    literal to the call is the evidence."""
    if '"' not in ctx.text:
        return
    for site in csharp_sink_sites(ctx, "credential"):
        found = csharp_literal(ctx, site.expr)
        if found is None:
            continue
        value, hops = found
        if site.label.startswith("new ") and site.label.endswith("Connection") or site.label.endswith("ConnectionString"):
            m = CONNECTION_PASSWORD.search(value)
            if m is None or is_placeholder(m.group(1).strip().strip("'\"")):
                continue
        elif is_placeholder(value):
            continue
        yield hit(
            site.node,
            f"a hard-coded credential reaches `{site.label}`; load it from a secret store or configuration",
            max_lines=2,
            hops=hops + ((site.node.start_point[0] + 1, f"reaches `{site.label}`"),),
        )
