"""Hard-coded credentials handed to a credential API (Python): the literal is the password."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.literals import python_literal
from dwagent.tools.dataflow.sinks import python_sink_sites
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import is_placeholder
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import hit

_URL_PASSWORD = re.compile(r"^[a-z][\w+.-]*://[^:/@\s]+:([^@/\s]+)@")


@file_rule(
    id="DWA-438",
    title="Hard-coded credential passed to a credential API (Python)",
    category="hardcoded-secret",
    severity="high",
    cwe=(798, 259),
    languages=("python",),
)
def credential_literal(ctx: FileContext) -> Iterable[Hit]:
    """A string literal (directly or through one local/module assignment) that reaches the secret
    argument of a credential API: `password=` of a database/cache/SSH `connect`, SMTP/FTP/IMAP
    `login`, LDAP `simple_bind_s`, `HTTPBasicAuth`, `auth=(user, pw)` of an HTTP call,
    `hashlib.pbkdf2_hmac` of a fixed password, boto3 `aws_secret_access_key=`, or a database URL
    with a password given to `create_engine`/`connect`. High: the credential ships with the code.
    Placeholders (empty, `changeme`, masks, single words) and non-literals are not reported."""
    if "'" not in ctx.text and '"' not in ctx.text:
        return
    for site in python_sink_sites(ctx, "credential"):
        found = python_literal(ctx, site.expr)
        if found is None:
            continue
        value, hops = found
        if "://" in value:  # a connection URL: only its password part is a credential
            url = _URL_PASSWORD.match(value)
            if url is None:
                continue
            value = url.group(1)
        if is_placeholder(value):
            continue
        yield hit(
            site.node,
            f"a hard-coded credential reaches `{site.label}`; read it from the environment or a secret store",
            max_lines=2,
            hops=hops + ((site.node.start_point[0] + 1, f"reaches `{site.label}`"),),
        )
