"""The code graph is the same whatever the process: ties are broken by a total order, never by
set or dict iteration (string hashes differ per process, so a cold run and a cached one used to
disagree on which base a reflection scan was credited to)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

STRATEGIES = """namespace Demo.Strat;

public interface IStrategy { void Run(); }

public abstract class StrategyBase : IStrategy { public abstract void Run(); }

public sealed class ZipStrategy : StrategyBase { public override void Run() { } }

public sealed class TarStrategy : StrategyBase { public override void Run() { } }

public sealed class Registry
{
    public void Load(System.Reflection.Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (typeof(IStrategy).IsAssignableFrom(type) && typeof(StrategyBase).IsAssignableFrom(type) && !type.IsAbstract)
            {
                System.Activator.CreateInstance(type);
            }
        }
    }
}

public static class Program
{
    public static void Main() { new Registry().Load(typeof(Program).Assembly); }
}
"""

CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from dwagent.tools.graph.build import build_graph
    from dwagent.tools.index import build_index, open_index
    root, idx = Path(sys.argv[1]), Path(sys.argv[2])
    build_index(root, index_dir=idx, jobs=1)
    with open_index(root, idx) as store:
        g = build_graph(store.conn)
    print(json.dumps({"discovered": g.discovered,
                      "edges": [[e.src, e.dst, e.kind, e.file, e.line, e.detail] for e in g.edges]}, sort_keys=True))
""")


def test_graph_is_identical_under_every_hash_seed(tmp_path):
    root = tmp_path / "tree"
    (root / "Strat").mkdir(parents=True)
    (root / "Strat" / "Strategies.cs").write_text(STRATEGIES, encoding="utf-8")
    outputs = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), str(tmp_path / f"idx{seed}")], capture_output=True, text=True, env=env, timeout=300
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    discovered = json.loads(outputs.pop())["discovered"]
    assert "Demo.Strat.ZipStrategy" in discovered  # the tie is really exercised
    assert "(base IStrategy)" in discovered["Demo.Strat.ZipStrategy"]
