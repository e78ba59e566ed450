"""Track record comes from the tree and its git history, never from the product's claims."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from competitors_support import finding

from dwagent.competitors.track_record import measure_track_record

TEST_FILE = """namespace Acme.Tests;
public class CodecTests
{
    [Fact] public void Encodes() { }
    [Theory] public void Decodes(int n) { }
    public void Helper() { }
}
"""


def test_without_git_history(tree):
    tree.write("tests/CodecTests.cs", TEST_FILE)
    tree.write("README.md", "# Acme\n100% production ready, deployed at 500 banks.\n")
    with tree.store() as store:
        record = measure_track_record(store, [finding("placeholder-test", "tests/CodecTests.cs", 4)])
    assert record.git_commits is None and "no git history" in record.git_note
    assert record.test_cases == 2
    assert record.placeholder_tests == 1
    assert record.production_files >= 1 and record.test_files == 1


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_with_git_history(tree):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }

    def git(*args, date=None):
        extra = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
        subprocess.run(["git", *args], cwd=tree.root, env={**env, **extra}, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "first", date="2024-01-01T00:00:00Z")
    tree.write("src/More.cs", "namespace Acme;\npublic class More { }\n")
    git("add", "-A")
    git("commit", "-qm", "second", date="2024-01-31T00:00:00Z")
    with tree.store() as store:
        record = measure_track_record(store, [])
    assert record.git_commits == 2
    assert (record.git_first, record.git_last, record.git_span_days) == ("2024-01-01", "2024-01-31", 30)
