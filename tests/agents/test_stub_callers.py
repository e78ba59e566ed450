"""NotImplementedException findings weighed by their callers in the code graph: a stub a request
path calls keeps its severity and names the caller; a member no call reaches (part of an external
framework contract) and an override reached only through base-typed calls are lowered, with why."""

from __future__ import annotations

import pytest

from dwagent.agents.review.stub_callers import StubCallers
from dwagent.models import Finding
from dwagent.tools.graph.api import graph_for
from dwagent.tools.index import build_index, open_index
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

SOURCES = {
    # an identity-framework store contract the tree does not declare: only the framework calls it
    "Auth/GroupStore.cs": """
using System;
using System.Threading.Tasks;
using Vendor.Identity;

namespace Shop.Auth
{
    public sealed class GroupStore : IGroupStore<Group>
    {
        public Task<string> GetNameAsync(Group g) => Task.FromResult(g.Name);
        public Task CreateAsync(Group g) => throw new NotImplementedException();
    }

    public sealed class Group { public string Name { get; set; } = ""; }
}
""",
    # an in-tree base whose member is called through an untyped receiver: the graph cannot tell
    "Export/CsvExporter.cs": """
using System;
using System.Threading.Tasks;

namespace Shop.Export
{
    public abstract class ExporterBase
    {
        public abstract Task ExportAsync(string table);
    }

    public sealed class CsvExporter : ExporterBase
    {
        public override Task ExportAsync(string table) => throw new NotImplementedException();
    }

    public sealed class ExportJob
    {
        private ExporterBase Pick(string kind) => new CsvExporter();
        public Task Run(string kind, string table) => Pick(kind).ExportAsync(table);
    }
}
""",
    # an in-tree contract whose member a controller calls: a real broken feature
    "Billing/IInvoiceStore.cs": """
using System.Threading.Tasks;

namespace Shop.Billing
{
    public interface IInvoiceStore
    {
        Task<byte[]> DownloadAsync(string id);
    }
}
""",
    "Billing/BlobInvoiceStore.cs": """
using System;
using System.Threading.Tasks;

namespace Shop.Billing
{
    public sealed class BlobInvoiceStore : IInvoiceStore
    {
        public Task<byte[]> DownloadAsync(string id) => throw new NotImplementedException();
    }
}
""",
    "Billing/InvoicesController.cs": """
using System.Threading.Tasks;

namespace Shop.Billing
{
    public sealed class InvoicesController
    {
        private readonly IInvoiceStore _store;

        public InvoicesController(IInvoiceStore store) => _store = store;

        public Task<byte[]> Get(string id) => _store.DownloadAsync(id);
    }
}
""",
    # a create model that refuses the conversion its update base performs
    "Members/Models.cs": """
using System;

namespace Shop.Members
{
    public class MemberUpdateModel
    {
        public string Role { get; set; } = "";
        public virtual Member ApplyTo(Member existing) { existing.Role = Role; return existing; }
    }

    public class MemberCreateModel : MemberUpdateModel
    {
        public string Email { get; set; } = "";
        public override Member ApplyTo(Member existing) => throw new NotImplementedException();
    }

    public sealed class Member { public string Role { get; set; } = ""; }

    public sealed class MembersController
    {
        public Member Put(Member existing, MemberUpdateModel model) => model.ApplyTo(existing);
    }
}
""",
    # the unsafe twin: a call typed as the derived model reaches the throwing override
    "Guests/Models.cs": """
using System;

namespace Shop.Guests
{
    public class GuestUpdateModel
    {
        public string Name { get; set; } = "";
        public virtual Guest ApplyTo(Guest existing) { existing.Name = Name; return existing; }
    }

    public class GuestCreateModel : GuestUpdateModel
    {
        public override Guest ApplyTo(Guest existing) => throw new NotImplementedException();
    }

    public sealed class Guest { public string Name { get; set; } = ""; }

    public sealed class GuestImporter
    {
        public Guest Import(Guest existing, GuestCreateModel model) => model.ApplyTo(existing);
    }
}
""",
}


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    root = tmp_path_factory.mktemp("stubs")
    for rel, body in SOURCES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body.lstrip(), encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("stubs-index")
    build_index(root, index_dir=index_dir, jobs=1)
    with open_index(root, index_dir=index_dir) as store:
        view = graph_for(store)
        judge = StubCallers(view.graph, view.source)
        out = {}
        for rel in SOURCES:
            data = (root / rel).read_bytes()
            for f in scan_file(FileContext(rel, "csharp", "production", data), rules=["DWA-201"]):
                out[(rel, f.start_line)] = (f, judge.judge(f))
        yield out


def _only(judged, rel: str) -> tuple[Finding, object]:
    found = [v for (path, _), v in judged.items() if path == rel]
    assert len(found) == 1, found
    return found[0]


def test_the_rule_reports_every_stub_at_medium(judged):
    assert {f.severity for f, _ in judged.values()} == {"medium"}
    assert len(judged) == 5


def test_a_member_of_an_external_contract_that_no_call_reaches_is_lowered(judged):
    _, verdict = _only(judged, "Auth/GroupStore.cs")
    assert verdict.severity == "low"
    assert "IGroupStore" in verdict.reason and "no call" in verdict.reason


def test_an_in_tree_contract_with_an_untyped_caller_is_left_alone(judged):
    # `Pick(kind).ExportAsync()`: the receiver is a call result the graph does not type
    _, verdict = _only(judged, "Export/CsvExporter.cs")
    assert verdict is None


def test_a_stub_that_a_controller_reaches_keeps_its_severity_and_names_the_caller(judged):
    _, verdict = _only(judged, "Billing/BlobInvoiceStore.cs")
    assert verdict.severity is None
    assert "Get" in verdict.reason and "Billing/InvoicesController.cs" in verdict.reason


def test_an_override_reached_only_through_base_typed_calls_is_lowered(judged):
    _, verdict = _only(judged, "Members/Models.cs")
    assert verdict.severity == "low"
    assert "MemberUpdateModel" in verdict.reason and "Members/Models.cs" in verdict.reason


def test_an_override_called_through_its_own_type_keeps_its_severity(judged):
    _, verdict = _only(judged, "Guests/Models.cs")
    assert verdict.severity is None and "Import" in verdict.reason
