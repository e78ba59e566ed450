"""Second-order values that are names, not data: a reader over the database's own schema catalog
(`sqlite_master`, `information_schema.tables`, `sys.tables`, `pg_catalog`...) yields table and
column names the schema's owner created, which is an identifier read back, not user-written data."""

from __future__ import annotations

import re

from dwagent.tools.dataflow.csharp_support import FUNCTIONS
from dwagent.tools.syntax.tree import ancestor, arguments, callee, name_of, nodes, string_value, text, unwrap

CATALOG = re.compile(
    r"(?i)\b(sqlite_master|sqlite_schema|information_schema\.\w+|sys\.(?:tables|columns|objects|schemas|views|indexes|databases)|"
    r"pg_catalog\.\w+|pg_(?:tables|class|namespace|attribute|indexes|views)|(?:all|user|dba)_(?:tables|tab_columns|views))\b"
)
QUERY_CALLS = re.compile(r"^(Query|QueryAsync|QueryFirst\w*|QuerySingle\w*)$")


def _within(ctx, kind: str, scope):
    return [n for n in nodes(ctx, kind) if scope.start_byte <= n.start_byte and n.end_byte <= scope.end_byte]


def _init_of(ctx, scope, name: str):
    """The initialiser of local `name` declared in `scope` (or of a field of the file), else None."""
    for where in (scope, ctx.tree.root_node):
        if where is None:
            continue
        for d in _within(ctx, "variable_declarator", where):
            if name_of(ctx, d) == name and len(d.named_children) > 1:
                value = d.named_children[-1]
                return value.named_children[-1] if value.type == "equals_value_clause" and value.named_children else value
    return None


def _sql_text(ctx, scope, expr, depth: int = 2) -> str:
    """The text of a SQL expression: a literal, or a local/const it names (followed twice)."""
    expr = unwrap(expr)
    if expr is None:
        return ""
    value = string_value(ctx, expr)
    if value is not None:
        return value
    if expr.type == "interpolated_string_expression":
        return text(ctx, expr)
    if expr.type == "identifier" and depth > 0:
        init = _init_of(ctx, scope, text(ctx, expr))
        return _sql_text(ctx, scope, init, depth - 1) if init is not None else ""
    return ""


def _command_sql(ctx, scope, command: str) -> str:
    """The SQL a command object was built with (`new XCommand(sql, conn)` or `cmd.CommandText = sql`)."""
    init = _init_of(ctx, scope, command)
    if init is not None and init.type == "object_creation_expression" and arguments(init):
        return _sql_text(ctx, scope, arguments(init)[0])
    for a in _within(ctx, "assignment_expression", scope):
        if text(ctx, a.child_by_field_name("left")) == f"{command}.CommandText":
            return _sql_text(ctx, scope, a.child_by_field_name("right"))
    return ""


def catalog_table(ctx, call) -> str:
    """For a read such as `reader.GetString(0)`: the catalog table the reader's query selects
    from, when the function shows it; '' otherwise."""
    fn = call.child_by_field_name("function")
    if fn is None or fn.type != "member_access_expression":
        return ""
    reader = text(ctx, fn.child_by_field_name("expression"))
    scope = ancestor(call, FUNCTIONS)
    if scope is None or not re.fullmatch(r"\w+", reader):
        return ""
    init = _init_of(ctx, scope, reader)
    while init is not None and init.type == "await_expression" and init.named_children:
        init = unwrap(init.named_children[-1])
    if init is None or init.type != "invocation_expression":
        return ""
    recv, name = callee(ctx, init)
    if name.startswith("ExecuteReader") and re.fullmatch(r"\w+", recv):
        sql = _command_sql(ctx, scope, recv)
    elif QUERY_CALLS.match(name) and arguments(init):
        sql = _sql_text(ctx, scope, arguments(init)[0])
    else:
        return ""
    m = CATALOG.search(sql)
    return m.group(1) if m else ""
