"""C# text building blocks for the synthetic tree: a line writer and varied method bodies.

Bodies are assembled from many statement shapes with random names so a parser sees real,
varied code (guards, loops, LINQ, switch expressions, pattern matching, interpolated strings
with escaped braces, try/catch with handling, using declarations, locks, local functions).
Nothing here writes a defect a rule should report: those are planted separately (see
plant.py) so the manifest is the complete list of true positives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from dwagent.evals.synth.profile import NOUNS, VERBS


@dataclass
class SourceFile:
    """One generated file: its lines, plus places a statement may be inserted later."""

    path: str
    lines: list[str] = field(default_factory=list)
    role: str = "production"
    # (line index where a statement may be inserted, indentation) inside sync method bodies
    slots: list[tuple[int, str]] = field(default_factory=list)
    # (line index, indentation) right after a class's opening brace, for field declarations
    class_slots: list[tuple[int, str]] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # fully qualified names declared here
    plantable: bool = True  # False for planted unwired helpers: one truth per file

    def add(self, text: str = "", indent: int = 0) -> None:
        self.lines.append(("    " * indent + text) if text else "")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


COMMENTS = (
    "Normalise before hashing so equal payloads compare equal.",
    "Keep the fast path allocation-free; the slow path below handles the rest.",
    "The caller owns the buffer; never hold on to it after returning.",
    "Order matters here: validation must run before the cache lookup.",
    "Bounded to protect the process from unbounded producer bursts.",
    "A missing entry is normal during warm-up and is not an error.",
    "Retries are idempotent because the key is derived from the content.",
    "Snapshot the collection first; handlers may mutate it concurrently.",
    "Using ordinal comparison: culture-aware rules are wrong for identifiers.",
    "Clamp to the configured range instead of throwing on odd input.",
)


class BodyGen:
    """Random but well-formed statements for method bodies."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(NOUNS).lower() + self.rng.choice(("", "s", "Count", "Map", "Key", "Info"))

    def statements(self, f: SourceFile, indent: int, budget: int, is_async: bool, model: str) -> None:
        """Write about `budget` lines of statements; ends with a return of an int."""
        rng = self.rng
        written = 0
        locals_: list[str] = ["total"]
        f.add("var total = 0;", indent)
        while written < budget:
            shape = rng.randrange(14)
            before = len(f.lines)
            v = f"{self.name()}{len(f.lines) % 97}"
            if shape == 0:
                f.add(f"// {rng.choice(COMMENTS)}", indent)
                f.add(f"var {v} = items.Count * {rng.randint(2, 64)} + total;", indent)
            elif shape == 1:
                f.add(f"if (items.Count > {rng.randint(1, 500)})", indent)
                f.add("{", indent)
                f.add(f'_logger.LogDebug("{rng.choice(VERBS)} skipped {{Count}} items", items.Count);', indent + 1)
                f.add(f"total += {rng.randint(1, 9)};", indent + 1)
                f.add("}", indent)
                f.add("else", indent)
                f.add("{", indent)
                f.add(f"total -= {rng.randint(1, 9)};", indent + 1)
                f.add("}", indent)
            elif shape == 2:
                f.add("foreach (var item in items)", indent)
                f.add("{", indent)
                f.add("if (string.IsNullOrEmpty(item.Name))", indent + 1)
                f.add("{", indent + 1)
                f.add("continue;", indent + 2)
                f.add("}", indent + 1)
                f.add(f"total += item.Name.Length % {rng.randint(3, 17)};", indent + 1)
                f.add("}", indent)
            elif shape == 3:
                f.add(f"var {v} = items", indent)
                f.add(f"    .Where(i => i.Size > {rng.randint(0, 4096)})", indent)
                f.add("    .OrderBy(i => i.Name, StringComparer.Ordinal)", indent)
                f.add("    .Select(i => i.Size)", indent)
                f.add("    .ToList();", indent)
                f.add(f"total += {v}.Count;", indent)
                locals_.append(v)
            elif shape == 4:
                f.add(f"var {v} = total switch", indent)
                f.add("{", indent)
                f.add(f'< {rng.randint(1, 10)} => "{rng.choice(NOUNS).lower()}",', indent + 1)
                f.add(f'< {rng.randint(11, 100)} => "{rng.choice(NOUNS).lower()}",', indent + 1)
                f.add('_ => "other",', indent + 1)
                f.add("};", indent)
                f.add(f"total += {v}.Length;", indent)
            elif shape == 5:
                f.add("try", indent)
                f.add("{", indent)
                f.add(f"total = checked(total + {rng.randint(1, 1000)});", indent + 1)
                f.add("}", indent)
                f.add("catch (OverflowException ex)", indent)
                f.add("{", indent)
                f.add(f'_logger.LogWarning(ex, "{rng.choice(VERBS)} overflowed");', indent + 1)
                f.add("total = int.MaxValue;", indent + 1)
                f.add("}", indent)
            elif shape == 6:
                f.add(f'_logger.LogInformation($"{rng.choice(VERBS)} {{{{{model}}}}} at {{total}} in {{items.Count}} items");', indent)
            elif shape == 7:
                f.add(f'if (_cache.TryGetValue("{rng.choice(NOUNS).lower()}", out var {v}))', indent)
                f.add("{", indent)
                f.add(f"total += {v};", indent + 1)
                f.add("}", indent)
            elif shape == 8:
                f.add("lock (_gate)", indent)
                f.add("{", indent)
                f.add(f"_counter += {rng.randint(1, 5)};", indent + 1)
                f.add("}", indent)
            elif shape == 9:
                f.add(f"var {v} = new StringBuilder();", indent)
                f.add(f'{v}.Append("{rng.choice(NOUNS).lower()}:").Append(total);', indent)
                f.add(f"total += {v}.Length;", indent)
            elif shape == 10 and is_async:
                f.add(f"using var {v} = new MemoryStream();", indent)
                f.add(f"await {v}.WriteAsync(new byte[] {{ {rng.randint(0, 255)}, {rng.randint(0, 255)} }}, ct).ConfigureAwait(false);", indent)
                f.add(f"total += (int){v}.Length;", indent)
            elif shape == 11:
                f.add(f"int Local{v.capitalize()}(int x) => x * {rng.randint(2, 9)} + {rng.randint(0, 9)};", indent)
                f.add(f"total += Local{v.capitalize()}(total);", indent)
            elif shape == 12:
                f.add(f"if (items.FirstOrDefault() is {{ Size: > {rng.randint(1, 99)} }} first)", indent)
                f.add("{", indent)
                f.add("total += (int)(first.Size % 1024);", indent + 1)
                f.add("}", indent)
            else:
                f.add(f"var {v} = new Dictionary<string, long>(StringComparer.Ordinal);", indent)
                f.add(f'{v}["{rng.choice(NOUNS).lower()}"] = total;', indent)
                f.add(f"total += {v}.Count;", indent)
            if rng.random() < 0.45:  # real code separates logical steps with blank lines
                f.add()
            written += len(f.lines) - before
        f.add("return total;", indent)
