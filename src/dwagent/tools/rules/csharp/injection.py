"""SQL and OS command text built from input in C#."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.per_file import flows_for
from dwagent.tools.dataflow.sinks import Site, report
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
from dwagent.tools.syntax.tree import arguments, callee, enclosing_member, line, name_of, nodes, text, unwrap

SQL_COMMAND_TYPES = (
    "SqlCommand",
    "SqliteCommand",
    "NpgsqlCommand",
    "MySqlCommand",
    "OracleCommand",
    "OleDbCommand",
    "OdbcCommand",
    "SqlDataAdapter",
    "SQLiteCommand",
    "DbCommand",
)
RAW_SQL_METHODS = ("ExecuteSqlRaw", "ExecuteSqlRawAsync", "FromSqlRaw", "SqlQueryRaw")
DAPPER_METHODS = (
    "Query",
    "QueryAsync",
    "QueryFirst",
    "QueryFirstAsync",
    "QueryFirstOrDefault",
    "QueryFirstOrDefaultAsync",
    "QuerySingle",
    "QuerySingleAsync",
    "QuerySingleOrDefault",
    "QuerySingleOrDefaultAsync",
    "QueryMultiple",
    "QueryMultipleAsync",
    "Execute",
    "ExecuteAsync",
    "ExecuteScalar",
    "ExecuteScalarAsync",
    "ExecuteReader",
    "ExecuteReaderAsync",
)
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

    Severity comes from the data-flow core (`dwagent.tools.dataflow`), which traces every hole to
    its origins and lists the path hop by hop as evidence. High only when an untrusted source
    (request binding, controller/hub/gRPC/minimal-API parameter, `Request.Query`..., socket bytes,
    a message payload) reaches the text unguarded, also through an in-file caller of a private
    helper or a caller in another file (two levels up, by name and arity), and for values read
    back from the database used as values (second order); medium for command-line/environment
    values and parameters whose callers are not in view; low for values from operator configuration
    (options classes, `IConfiguration`) and untraceable identifiers. Identifiers spliced where SQL
    takes a table, schema or column name (`[{Schema}].[Table]`, `FROM {t}`) that come from
    constants, configuration or object state are not reported: they are not injections.
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


def _sql(ctx: FileContext, node, expr, sink: str, message: str, at=None, origins=None) -> Iterable[Hit]:
    """Grade one syntactic SQL hit by what the data-flow core traces into it."""
    yield from report(
        ctx,
        flows_for(ctx),
        Site(node, expr, sink),
        "sql",
        high="high",
        min_trust="unknown",
        identifiers_matter=True,
        message=message,
        fix="use parameters",
        at=at,
        origins=origins,
    )


def _report(ctx: FileContext, node, expr, sink: str) -> Iterable[Hit]:
    source = built_from_input(ctx, expr)
    if source:
        site = local_build_site(ctx, expr)
        if site is not None and line(site) != line(node):
            # built in one statement, executed in another: the fix belongs where input is spliced in
            yield from _sql(ctx, node, expr, sink, f"SQL is built from `{source}` here and executed by `{sink}` at line {line(node)}", at=site)
        else:
            yield from _sql(ctx, node, expr, sink, f"SQL for `{sink}` is built from `{source}`")
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
        yield from _sql(ctx, node, expr, sink, f"SQL for `{sink}` is built by `{name_of(ctx, helper)}` (line {line(ret)}) from `{hole}`")
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
            yield from _sql(ctx, call, arg, via, f"SQL built from `{source}` is passed to {via}, which hands it to {reaches}")
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

    Severity from the data-flow path (listed as evidence): high with an untrusted source reaching
    the command line unguarded, or with command-line/environment input when the command runs
    through a shell (`/bin/sh`, `cmd`, `powershell`), or with a stored (second-order) value;
    medium for other command-line and environment values and for parameters whose callers are not in view (raised when a caller in
    another file passes untrusted input); configuration-only values are not reported.
    """
    if "Process" not in ctx.text and "Arguments" not in ctx.text:
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name == "Start" and recv.split(".")[-1] == "Process":
            for expr in arguments(call)[:2]:
                source = built_from_input(ctx, expr)
                if source:
                    yield from _command(ctx, call, expr, "Process.Start", f"process command line built from `{source}`")
                    break
    for new in nodes(ctx, "object_creation_expression"):
        if text(ctx, new.child_by_field_name("type")).split(".")[-1] in PROCESS_CTORS:
            for expr in arguments(new)[:2]:
                source = built_from_input(ctx, expr)
                if source:
                    yield from _command(ctx, new, expr, "new ProcessStartInfo", f"process command line built from `{source}`")
                    break
    for a in nodes(ctx, "assignment_expression"):
        prop = text(ctx, a.child_by_field_name("left")).split(".")[-1]
        if prop in ("Arguments", "FileName") and ("ProcessStartInfo" in ctx.text or "StartInfo" in text(ctx, a.child_by_field_name("left"))):
            source = built_from_input(ctx, a.child_by_field_name("right"))
            if source:
                yield from _command(ctx, a, a.child_by_field_name("right"), prop, f"process `{prop}` built from `{source}`")


SHELL = re.compile(r"(?i)\"(/bin/|/usr/bin/)?(ba|z|da)?sh(\.exe)?\"|\"cmd(\.exe)?\"|\"(powershell|pwsh)(\.exe)?\"")


def _command(ctx: FileContext, node, expr, sink: str, message: str) -> Iterable[Hit]:
    member = enclosing_member(node)
    shell = bool(SHELL.search(text(ctx, member) if member is not None else ""))
    yield from report(
        ctx,
        flows_for(ctx),
        Site(node, expr, sink),
        "command",
        high="high",
        min_trust="unknown",
        message=message + (" through a shell" if shell else ""),
        raise_lower=shell,
        fix="pass each argument through ProcessStartInfo.ArgumentList",
    )
