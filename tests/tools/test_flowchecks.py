"""Flow checks apply only where they can: cancellation on async/I-O hops, async on async hops,
disposal where something is created. Small self-written C# and Python trees."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.flowtypes import FlowSpec
from dwagent.tools.graph.flowwork import cancellable_work
from dwagent.tools.graph.trace import trace_flow
from dwagent.tools.index import build_index, open_index

CS_SERVICE = """\
namespace Shop;

public static class Rules
{
    public static int Check(Order order)
    {
        var total = 0;
        foreach (var line in order.Lines) { total += line; }
        return total;
    }
}

public sealed class Order
{
    public int[] Lines { get; set; } = new int[0];
}

public sealed class Store
{
    public async Task SaveAsync(Order order, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync("orders.txt", order.Lines.Length.ToString(), cancellationToken);
    }

    public async Task SaveNoTokenAsync(Order order)
    {
        await File.WriteAllTextAsync("orders.txt", order.Lines.Length.ToString());
    }

    public void SaveSync(Order order)
    {
        Write(order);
    }

    private void Write(Order order)
    {
        File.AppendAllText("orders.txt", order.Lines.Length.ToString());
    }
}

public sealed class Service
{
    private readonly Store _store = new Store();

    public async Task HandleAsync(Order order, CancellationToken cancellationToken)
    {
        var total = Rules.Check(order);
        if (total < 0) { throw new InvalidOperationException("negative"); }
        await _store.SaveAsync(order, cancellationToken);
    }

    public async Task DropsTokenAsync(Order order, CancellationToken cancellationToken)
    {
        Rules.Check(order);
        await _store.SaveAsync(order, CancellationToken.None);
    }

    public async Task NoTokenAnywhereAsync(Order order, CancellationToken cancellationToken)
    {
        await _store.SaveNoTokenAsync(order);
    }

    public void SyncPath(Order order)
    {
        _store.SaveSync(order);
    }

    public static void Main()
    {
    }
}
"""

PY_SERVICE = """\
def check(order):
    total = 0
    for line in order:
        total += line
    return total


def save(order):
    with open("orders.txt", "a") as fh:
        fh.write(str(order))


def handle(order):
    check(order)
    save(order)


def main():
    handle([1, 2])
"""


def _view(tmp_path: Path, files: dict[str, str]):
    root = tmp_path / "tree"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    store = open_index(root, index_dir=tmp_path / "idx")
    return graph_for(store), store


def _checks(trace, hop_suffix: str) -> dict[str, str]:
    return {c.check: c.status for c in trace.hop_checks if c.hop.endswith(hop_suffix)}


def test_sync_cpu_only_hop_is_not_applicable_and_does_not_fail_the_flow(tmp_path):
    view, store = _view(tmp_path, {"Shop.cs": CS_SERVICE})
    with store:
        trace = trace_flow(view, FlowSpec(name="f", entry="Service.HandleAsync", waypoints=("Rules.Check", "Store.SaveAsync")))
    assert not trace.broken
    pure = _checks(trace, "Rules.Check")
    assert pure == {"async": "NOT APPLICABLE", "error-handling": "NOT FOUND", "cancellation": "NOT APPLICABLE", "disposal": "NOT APPLICABLE"}
    na = next(c for c in trace.hop_checks if c.hop.endswith("Rules.Check") and c.check == "cancellation")
    assert na.file == "Shop.cs" and na.start_line == 5 and "nothing to cancel" in na.detail
    assert na.excerpt == "    public static int Check(Order order)"  # cited verbatim, not PASS by default
    # the entry passes its token to the I/O hop, and the pure hop in between takes none
    assert _checks(trace, "Service.HandleAsync")["cancellation"] == "PASS"
    flow = {c.check: c.status for c in trace.checks}
    assert flow["cancellation"] == "PASS" and trace.status != "FAIL"


def test_async_hop_that_drops_the_token_still_fails(tmp_path):
    view, store = _view(tmp_path, {"Shop.cs": CS_SERVICE})
    with store:
        dropped = trace_flow(view, FlowSpec(name="d", entry="Service.DropsTokenAsync", waypoints=("Store.SaveAsync",)))
        missing = trace_flow(view, FlowSpec(name="m", entry="Service.NoTokenAnywhereAsync", waypoints=("Store.SaveNoTokenAsync",)))
    assert _checks(dropped, "DropsTokenAsync")["cancellation"] == "FAIL"
    assert {c.check: c.status for c in dropped.checks}["cancellation"] == "FAIL"
    # the callee does async I/O but takes no token: the callee fails, not the caller
    assert _checks(missing, "SaveNoTokenAsync")["cancellation"] == "FAIL"
    assert _checks(missing, "NoTokenAnywhereAsync")["cancellation"] == "PASS"


def test_sync_hop_doing_io_through_a_callee_needs_cancellation(tmp_path):
    view, store = _view(tmp_path, {"Shop.cs": CS_SERVICE})
    with store:
        work = cancellable_work(view, "Shop.Store.SaveSync")
        assert work is not None and "calls Write" in work[0] and "I/O" in work[0]
        assert cancellable_work(view, "Shop.Rules.Check") is None
        trace = trace_flow(view, FlowSpec(name="s", entry="Service.SyncPath", waypoints=("Store.SaveSync",)))
    assert _checks(trace, "Store.SaveSync")["cancellation"] == "FAIL"
    # no task anywhere: async correctness does not apply, and is not a PASS
    assert {c.check: c.status for c in trace.checks}["async"] == "NOT APPLICABLE"


def test_python_pure_function_is_not_applicable_and_io_is_not_found(tmp_path):
    view, store = _view(tmp_path, {"shop/service.py": PY_SERVICE})
    with store:
        trace = trace_flow(view, FlowSpec(name="p", entry="service.handle", waypoints=("service.check", "service.save")))
    assert not trace.broken, trace.broken
    assert _checks(trace, "service.check")["cancellation"] == "NOT APPLICABLE"
    # Python has no cancellation token type: an I/O hop is unknown, never PASS
    assert _checks(trace, "service.save")["cancellation"] == "NOT FOUND"


def test_python_disposal_with_block_passes_and_a_leaked_handle_fails(tmp_path):
    leak = PY_SERVICE.replace(
        """    with open("orders.txt", "a") as fh:
        fh.write(str(order))""",
        """    fh = open("orders.txt", "a")
    fh.write(str(order))""",
    )
    for text, want in ((PY_SERVICE, "PASS"), (leak, "FAIL")):
        sub = tmp_path / want
        view, store = _view(sub, {"shop/service.py": text})
        with store:
            trace = trace_flow(view, FlowSpec(name="p", entry="service.handle", waypoints=("service.check", "service.save")))
        assert _checks(trace, "service.save")["disposal"] == want
        assert _checks(trace, "service.check")["disposal"] == "NOT APPLICABLE"


PY_ERRORS = """\
import logging

log = logging.getLogger(__name__)


def fetch(url):
    try:
        return open(url).read()
    except OSError as exc:
        log.warning("fetch failed: %s", exc)
        return ""


def quiet(url):
    try:
        return open(url).read()
    except OSError:
        # ignored on purpose
        pass


def rethrow(url):
    try:
        return open(url).read()
    except OSError:
        raise


def main():
    fetch("a")
    quiet("b")
    rethrow("c")
"""


def test_error_handling_reads_python_except_blocks(tmp_path):
    view, store = _view(tmp_path, {"app/io.py": PY_ERRORS})
    with store:
        got = {}
        for name in ("fetch", "quiet", "rethrow"):
            trace = trace_flow(view, FlowSpec(name=name, entry="io.main", waypoints=(f"io.{name}",)))
            got[name] = _checks(trace, f"io.{name}")["error-handling"]
    # a logging fallback handles; `pass` under a comment swallows; a bare re-raise handles nothing
    assert got == {"fetch": "PASS", "quiet": "FAIL", "rethrow": "NOT FOUND"}


CS_VERBS = """\
namespace Verbs;

public sealed class Journal
{
    private readonly System.Collections.Generic.List<string> _lines = new();
    public void Write(string line) { _lines.Add(line); }
}

public sealed class Worker
{
    private readonly Journal _journal = new Journal();
    private readonly System.IO.Stream _stream = System.IO.Stream.Null;

    public void Note(string text) { _journal.Write(text); }

    public void Emit(byte[] data) { _stream.Write(data, 0, data.Length); }
}
"""


def test_generic_verbs_are_io_only_on_resource_receivers(tmp_path):
    view, store = _view(tmp_path, {"Verbs.cs": CS_VERBS})
    with store:
        assert cancellable_work(view, "Verbs.Worker.Note") is None  # an in-memory Write
        work = cancellable_work(view, "Verbs.Worker.Emit")
    assert work is not None and work[0] == "calls an I/O API" and work[2] == 16


CS_CONTROLS = """\
namespace Ctl;

public sealed class Options { public bool AuditEnabled { get; set; } }

public static class AuditLog { public static void Write(string s) { } }

public sealed class Api
{
    private readonly Options _options = new Options();

    public void Talks(string id)
    {
        if (_options.AuditEnabled)
        {
            System.Console.WriteLine("Audit skipped for " + id);
        }
        Store(id);
    }

    public void Does(string id)
    {
        AuditLog.Write(id);
        Store(id);
    }

    private void Store(string id) { }

    public static void Main() { }
}
"""


def test_a_required_control_needs_a_call_not_a_string_or_an_option(tmp_path):
    view, store = _view(tmp_path, {"Ctl.cs": CS_CONTROLS})
    with store:
        talks = trace_flow(view, FlowSpec(name="t", entry="Api.Talks", waypoints=("Api.Store",), requires=("audit",)))
        does = trace_flow(view, FlowSpec(name="d", entry="Api.Does", waypoints=("Api.Store",), requires=("audit",)))
    assert {c.check: c.status for c in talks.checks}["audit"] == "FAIL"
    audit = {c.check: c for c in does.checks}["audit"]
    assert audit.status == "PASS" and audit.excerpt.strip() == "AuditLog.Write(id);"
