"""The HTML report of samples/ in headless Chromium: renders, no console errors, graph
and findings present. A screenshot is saved under the test's temporary folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assume_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{name}"
    profile.mkdir()
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_html_report_renders_in_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    report = tmp_path / "report.html"
    assert (
        main(["samples", "--no-config", "--repo-root", ".", "-f", "html", "-o", str(report), "-q"])
        == 1
    )
    text = report.read_text(encoding="utf-8")
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text.replace("https://gitlab.com", "")
    url = report.as_uri()
    shot = tmp_path / "report.png"
    done = _chromium(
        tmp_path,
        "shot",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1400,2000",
        url,
    )
    assert shot.exists() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    bad = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert bad == []
    dom = _chromium(tmp_path, "dom", "--dump-dom", url).stdout
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="graph"' in dom
    assert dom.count('class="node"') >= 40
    assert dom.count('class="edge"') >= 40
    assert 'id="f1"' in dom and "AL101" in dom and "trust-any-principal" in dom
    assert 'id="node-role_partner_ingest"' in dom
    assert "AKIAQYLPMN5H" not in dom
