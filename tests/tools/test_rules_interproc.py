"""Cross-method taint within one file: where the finding lands, what it cites, where it stops."""

from __future__ import annotations

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

SQL = """using Microsoft.Data.SqlClient;

public sealed class Reports
{
    private readonly SqlConnection _c;

    public int Purge(string tenant) => Level1($"DELETE FROM S WHERE T = '{tenant}'");

    private int Level1(string sql) => Level2(sql);

    private int Level2(string sql) => Level3(sql);

    private int Level3(string sql)
    {
        using var cmd = new SqlCommand(sql, _c);
        return cmd.ExecuteNonQuery();
    }

    public int Close(string tenant) => Level3($"UPDATE P SET Closed = 1 WHERE T = '{tenant}'");

    public SqlCommand ByRegion(string region) => new SqlCommand(RegionSql(region), _c);

    private static string RegionSql(string region) => $"SELECT * FROM S WHERE R = '{region}'";
}
"""


def _findings(source: str, rule: str):
    ctx = FileContext(path="Reports.cs", language="csharp", role="production", source=source.encode())
    return scan_file(ctx, [rule])


def test_built_sql_is_reported_where_it_is_built_and_names_the_sink():
    by_line = {f.start_line: f for f in _findings(SQL, "DWA-150")}
    close = by_line[19]
    assert "Level3" in close.message and "line 15" in close.message
    assert "tenant" in close.message


def test_helper_built_sql_is_reported_at_the_sink_citing_the_helper_line():
    by_line = {f.start_line: f for f in _findings(SQL, "DWA-150")}
    assert "RegionSql" in by_line[21].message and "line 23" in by_line[21].message


def test_flows_stop_after_two_pass_through_methods():
    # Purge -> Level1 -> Level2 -> Level3 is three calls deep: beyond what the rule follows
    lines = {f.start_line for f in _findings(SQL, "DWA-150")}
    assert 7 not in lines
    assert lines == {19, 21}
