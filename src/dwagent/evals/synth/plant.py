"""Planted rule defects: inserted at known places so their file:line is exact ground truth.

Generated code never contains these shapes on its own (see code.py), so every hit a rule
reports on the synthetic tree is either in this list (true positive) or a false positive.
Negatives are look-alikes in test code that a production-scoped rule must not report.
"""

from __future__ import annotations

import random

from dwagent.evals.synth.code import SourceFile

# category -> list of (lines to insert, offset of the line the finding is on)
METHOD_DEFECTS: dict[str, list[tuple[list[str], int]]] = {
    "tls-bypass": [
        (
            [
                "var handler = new HttpClientHandler();",
                "handler.ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true;",
                "using var client = new HttpClient(handler);",
            ],
            1,
        ),
        (["System.Net.ServicePointManager.ServerCertificateValidationCallback += (sender, cert, chain, errors) => true;"], 0),
    ],
    "todo-marker": [
        (["// TODO: replace this heuristic with the real quota check"], 0),
        (["// FIXME: the limit below is a guess"], 0),
        (["// HACK: bypass the scheduler until the queue is fixed"], 0),
    ],
    "not-implemented": [
        (["throw new NotImplementedException();"], 0),
        (['throw new NotImplementedException("resume is not supported yet");'], 0),
    ],
    "sync-over-async": [
        (['var restored = File.ReadAllTextAsync("state.json").Result;', "total += restored.Length;"], 0),
        (['var snapshot = File.ReadAllBytesAsync("snapshot.bin").GetAwaiter().GetResult();', "total += snapshot.Length;"], 0),
        (['File.WriteAllTextAsync("marker.txt", "ok").Wait();'], 0),
    ],
    "empty-catch": [
        (["try", "{", '    total += int.Parse("42");', "}", "catch (Exception)", "{", "}"], 4),
        (["try", "{", "    _counter++;", "}", "catch", "{", "}"], 4),
    ],
}
CLASS_DEFECTS: dict[str, list[tuple[list[str], int]]] = {
    "hardcoded-secret": [
        (['private const string ApiSecret = "sk_live_9fQ2xL7mR4vT8wZ1cB6nK3";'], 0),
        (['private static readonly string DbPassword = "Hx7!qP2#Lm9$Zr4&";'], 0),
        (['private const string ConnectionString = "Server=db01;User Id=svc;Password=Tq8#mW3zR6yK;";'], 0),
    ],
}
PER_CATEGORY = 4


def plant(files: list[SourceFile], rng: random.Random) -> list[dict]:
    """Insert defects into distinct production files; returns the planted list (file, line)."""
    candidates = [f for f in files if f.role == "production" and f.plantable and f.slots and f.class_slots]
    rng.shuffle(candidates)
    planted: list[dict] = []
    used: set[str] = set()
    pool = iter(candidates)
    for category, shapes in sorted({**METHOD_DEFECTS, **CLASS_DEFECTS}.items()):
        for i in range(PER_CATEGORY):
            f = next((c for c in pool if c.path not in used), None)
            if f is None:
                return planted
            used.add(f.path)
            lines, offset = shapes[i % len(shapes)]
            index, indent = (f.class_slots if category in CLASS_DEFECTS else f.slots)[0]
            if category in METHOD_DEFECTS:
                index, indent = rng.choice(f.slots)
            f.lines[index:index] = [indent + line if line else "" for line in lines]
            planted.append({"category": category, "file": f.path, "line": index + 1 + offset, "excerpt": f.lines[index + offset].strip()})
    return sorted(planted, key=lambda p: (p["category"], p["file"], p["line"]))


def plant_negatives(test_files: list[SourceFile]) -> list[dict]:
    """Look-alikes in test code (scope test): production-only rules must stay silent here."""
    negatives: list[dict] = []
    for f, (category, line) in zip(
        [t for t in test_files if t.slots],
        [
            ("todo-marker", "// TODO: add a case for empty input"),
            ("not-implemented", "Assert.Throws<NotImplementedException>(() => throw new NotImplementedException());"),
            ("hardcoded-secret", 'const string fakePassword = "not-a-real-password-for-tests";'),
        ],
    ):
        index, indent = f.slots[0]
        f.lines.insert(index, indent + line)
        negatives.append({"category": category, "file": f.path, "line": index + 1, "why": "test code, not production"})
    return negatives
