"""Package layout: the design card's top-level folders install under one `dwagent.` namespace.

`agents/` becomes `dwagent.agents`, `tools/` becomes `dwagent.tools`, and so on, so nothing is
installed as a bare `agents` or `tools` module that could collide in a user's site-packages.
Packages are discovered from `__init__.py` files so a new sub-package needs no edit here.
"""
from pathlib import Path

from setuptools import setup

ROOTS = {
    "dwagent": "dwagent",
    "agents": "dwagent.agents",
    "tools": "dwagent.tools",
    "rubric": "dwagent.rubric",
    "prompts": "dwagent.prompts",
    "competitors": "dwagent.competitors",
    "evals": "dwagent.evals",
}
SKIP_PARTS = {"fixtures", "results", "__pycache__"}


def _packages() -> list[str]:
    here = Path(__file__).parent
    found = []
    for folder, name in ROOTS.items():
        base = here / folder
        for init in sorted(base.rglob("__init__.py")):
            rel = init.parent.relative_to(base)
            if SKIP_PARTS.intersection(rel.parts):
                continue
            found.append(".".join([name, *rel.parts]))
    return found


setup(
    packages=_packages(),
    package_dir={name: folder for folder, name in ROOTS.items() if folder != name},
)
