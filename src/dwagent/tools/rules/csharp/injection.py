"""SQL and OS command text built from input in C#."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.interproc import (
    argument_for,
    callers,
    local_initialiser,
    parameter_names,
    resolve,
    returned,
)
from dwagent.tools.rules.csharp.taint import built_from_input, hole_is_input, local_build_site
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import arguments, callee, enclosing_member, hit, line, name_of, nodes, text, unwrap

SQL_COMMAND_TYPES = ("SqlCommand", "SqliteCommand", "NpgsqlCommand", "MySqlCommand", "OracleCommand",
                     "OleDbCommand", "OdbcCommand", "SqlDataAdapter", "SQLiteCommand", "DbCommand")
RAW_SQL_METHODS = ("ExecuteSqlRaw", "ExecuteSqlRawAsync", "FromSqlRaw", "SqlQueryRaw")
DAPPER_METHODS = ("Query", "QueryAsync", "QueryFirst", "QueryFirstAsync", "QueryFirstOrDefault",
                  "QueryFirstOrDefaultAsync", "QuerySingle", "QuerySingleAsync", "QuerySingleOrDefault",
                  "QuerySingleOrDefaultAsync", "QueryMultiple", "QueryMultipleAsync", "Execute",
                  "ExecuteAsync", "ExecuteScalar", "ExecuteScalarAsync", "ExecuteReader", "ExecuteReaderAsync")
DB_RECEIVER = re.compile(r"(?i)(conn|connection|db|database|transaction|tx|session|sql)$")
SQL_WORDS = re.compile(r"(?i)\b(select|insert|update|delete|from|where|exec|drop|merge|values)\b")
PROCESS_CTORS = ("ProcessStartInfo",)


@file_rule(
    id="DWA-150",
    title="SQL text built from input",
    category="sql-injection",
    severity="high",
    cwe=(89,),
    languages=("csharp",),
)
def sql_built_from_input(ctx: FileContext) -> Iterable[Hit]:
    """SQL text built by interpolation, concatenation or `string.Format` with a non-constant value
    and handed to a database command (`new SqlCommand(...)`, `CommandText = ...`,
    `ExecuteSqlRaw`/`FromSqlRaw`, Dapper `Query`/`Execute` on a connection). Use parameters.

    Holes that are constants, numeric/Guid parameters, lengths or escaping calls are not input.
    EF Core's `FromSqlInterpolated`/`ExecuteSqlInterpolated` parameterise and are not reported.
    A local variable is followed back to its initialiser in the same member; the finding is then
    placed at the statement that splices input into the SQL and names the sink. Across methods of the
    same file: SQL returned by a helper that builds it from its parameter is reported at the sink
    with the caller's argument, and a sink whose SQL is a bare parameter is reported at the in-file
    call sites that pass built SQL for it (followed through one more pass-through method).
    """
    if not re.search(r"Command|Sql|Query|Execute", ctx.text):
        return
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        args = arguments(new)
        if typ in SQL_COMMAND_TYPES and args:
            yield from _report(ctx, new, args[0], f"new {typ}")
    for a in nodes(ctx, "assignment_expression"):
        if text(ctx, a.child_by_field_name("left")).split(".")[-1] == "CommandText":
            yield from _report(ctx, a, a.child_by_field_name("right"), "CommandText")
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        args = arguments(call)
        if not args:
            continue
        if name in RAW_SQL_METHODS or (name in DAPPER_METHODS and DB_RECEIVER.search(recv.split(".")[-1] or "")):
            yield from _report(ctx, call, args[0], name)


def _report(ctx: FileContext, node, expr, sink: str) -> Iterable[Hit]:
    source = built_from_input(ctx, expr)
    if source:
        site = local_build_site(ctx, expr)
        if site is not None and line(site) != line(node):
            # built in one statement, executed in another: the fix belongs where input is spliced in
            yield hit(site, f"SQL is built from `{source}` here and executed by `{sink}` at line {line(node)}; "
                            f"use parameters", max_lines=3)
        else:
            yield hit(node, f"SQL for `{sink}` is built from `{source}`; use parameters", max_lines=3)
        return
    yield from _built_by_helper(ctx, node, expr, sink)
    yield from _built_by_callers(ctx, expr, f"`{sink}` (line {line(node)})", depth=2)


def _built_by_helper(ctx: FileContext, node, expr, sink: str) -> Iterable[Hit]:
    """The SQL comes from an in-file helper that builds it from one of its parameters."""
    expr = unwrap(expr)
    if expr.type == "identifier":
        expr = local_initialiser(ctx, expr) or expr
    helper = resolve(ctx, expr)
    if helper is None:
        return
    params = parameter_names(ctx, helper)
    for ret in returned(ctx, helper):
        hole = built_from_input(ctx, ret)
        if not hole:
            continue
        if hole in params:
            arg = argument_for(ctx, expr, helper, hole)
            if arg is None or not hole_is_input(ctx, arg):
                continue
            hole = text(ctx, arg)
        yield hit(node, f"SQL for `{sink}` is built by `{name_of(ctx, helper)}` (line {line(ret)}) from `{hole}`; "
                        f"use parameters", max_lines=3)
        return


def _built_by_callers(ctx: FileContext, expr, reaches: str, depth: int) -> Iterable[Hit]:
    """The SQL is a bare parameter here: report the in-file call sites that pass built SQL for it."""
    expr = unwrap(expr)
    member = enclosing_member(expr)
    if expr.type != "identifier" or member is None or member.type != "method_declaration":
        return
    param = text(ctx, expr)
    if param not in parameter_names(ctx, member) or local_initialiser(ctx, expr) is not None:
        return
    via = f"`{name_of(ctx, member)}`"
    for call in callers(ctx, member):
        arg = argument_for(ctx, call, member, param)
        if arg is None:
            continue
        source = built_from_input(ctx, arg)
        if source:
            yield hit(call, f"SQL built from `{source}` is passed to {via}, which hands it to {reaches}; "
                            f"use parameters", max_lines=3)
        elif depth > 1:
            yield from _built_by_callers(ctx, arg, f"{via} and on to {reaches}", depth - 1)


@file_rule(
    id="DWA-151",
    title="OS command line built from input",
    category="command-injection",
    severity="high",
    cwe=(78,),
    languages=("csharp",),
)
def command_built_from_input(ctx: FileContext) -> Iterable[Hit]:
    """A process file name or argument string built from a non-constant value (`Process.Start`,
    `new ProcessStartInfo(...)`, `Arguments = ...`, `FileName = ...`): the value can add
    arguments or, through a shell (`cmd /c`, `sh -c`), whole commands. Use
    `ProcessStartInfo.ArgumentList`, which passes each argument verbatim.
    """
    if "Process" not in ctx.text and "Arguments" not in ctx.text:
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name == "Start" and recv.split(".")[-1] == "Process":
            for expr in arguments(call)[:2]:
                source = built_from_input(ctx, expr)
                if source:
                    yield hit(call, f"process command line built from `{source}`", max_lines=3)
                    break
    for new in nodes(ctx, "object_creation_expression"):
        if text(ctx, new.child_by_field_name("type")).split(".")[-1] in PROCESS_CTORS:
            for expr in arguments(new)[:2]:
                source = built_from_input(ctx, expr)
                if source:
                    yield hit(new, f"process command line built from `{source}`", max_lines=3)
                    break
    for a in nodes(ctx, "assignment_expression"):
        prop = text(ctx, a.child_by_field_name("left")).split(".")[-1]
        if prop in ("Arguments", "FileName") and (
            "ProcessStartInfo" in ctx.text or "StartInfo" in text(ctx, a.child_by_field_name("left"))
        ):
            source = built_from_input(ctx, a.child_by_field_name("right"))
            if source:
                yield hit(a, f"process `{prop}` built from `{source}`", max_lines=3)
