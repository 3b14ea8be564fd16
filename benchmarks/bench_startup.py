"""Start-up: `monitor --help`, and a `monitor run` with nothing to do on an up-to-date store
(the schema check reads alembic_version; nothing imported that the command does not use).

    python -m benchmarks.bench_startup [--runs N]

Also lists the heaviest imports of the no-op run (`python -X importtime`), for the profile.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess

from benchmarks.common import OUT, PYTHON, Stat, monitor_cmd, run_child, table

NOOP = "settings:\n  per_host_delay: 0\nsources: []\n"


def heaviest_imports(argv: list[str], env: dict[str, str], top: int = 12) -> list[tuple[str, float]]:
    """(module, cumulative ms) of the top-level imports of one run, heaviest first."""
    done = subprocess.run([PYTHON, "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 3:
            rows.append((match.group(3), int(match.group(1)) / 1000))
    return sorted(rows, key=lambda r: -r[1])[:top]


def main(argv: list[str] | None = None) -> dict:
    import os

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="3 runs")
    args = parser.parse_args(argv)
    args.runs = args.runs or (3 if args.quick else 10)
    work = OUT / "startup"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    config = work / "sources.yaml"
    config.write_text(NOOP)
    env = {"MONITOR_DATA_DIR": str(work / "data")}
    # an up-to-date store first, so the no-op run only reads the revision
    subprocess.run([PYTHON, "-c", "import sys; from pathlib import Path; from monitor.store import Store; "
                    "Store(sys.argv[1], Path(sys.argv[2])).close()",
                    f"sqlite:///{work / 'data' / 'monitor.db'}", str(work / "data")], check=True)
    commands = {
        "monitor --help": monitor_cmd("--help"),
        "monitor run (nothing to do, schema current)": monitor_cmd("run", "--config", str(config), "--quiet"),
        "open the store (schema current)": [PYTHON, "-c", "import sys; from pathlib import Path; "
                                            "from monitor.store import Store; Store(sys.argv[1], Path(sys.argv[2])).close()",
                                            f"sqlite:///{work / 'data' / 'monitor.db'}", str(work / "data")],
    }
    results: dict = {"runs": args.runs, "commands": {}}
    for label, cmd in commands.items():
        seconds = []
        for _ in range(args.runs):
            result = run_child(cmd, env=env)
            if result.code != 0:
                raise SystemExit(f"{label} failed ({result.code}): {result.stderr[-2000:]}")
            seconds.append(result.seconds)
        results["commands"][label] = seconds
        print(f"  {label}: {Stat(seconds).fmt(' s', 3)}", flush=True)
    results["imports"] = heaviest_imports(commands["monitor run (nothing to do, schema current)"], dict(os.environ, **env))
    (OUT / "bench_startup.json").write_text(json.dumps(results, indent=2))
    print(report(results))
    return results


def report(r: dict) -> str:
    """The Markdown table for docs/BENCHMARKS.md."""
    rows = [[label, Stat(s).fmt(" s", 3), "yes" if Stat(s).median < 0.25 else "no"] for label, s in r["commands"].items()]
    imports = ", ".join(f"{name} {ms:.0f} ms" for name, ms in r["imports"])
    return (f"median (min–max) of {r['runs']} runs, wall time from exec to exit\n\n"
            + table(rows, ["command", "wall time", "under 0.25 s"])
            + f"\n\nHeaviest imports of the no-op run (cumulative): {imports}")


if __name__ == "__main__":
    main()
