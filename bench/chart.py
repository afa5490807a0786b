"""chart.py draws a bench run (bench/cmd/bench's JSON) as grouped bars: per
query, each system's median time, on a log scale; a query a system answered
wrongly or not at all has no bar but a mark at the bottom ("x" wrong,
"." failed).

    .venv-bench/bin/python bench/chart.py bench/results/sf1/latest.json bench/results/sf1/latest.png
"""

import json
import pathlib
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

COLORS = {
    "trebuchet": "#d62728",
    "trebuchet-cluster": "#ff9896",
    "duckdb": "#e6b800",
    "datafusion": "#1f77b4",
    "ballista": "#17becf",
    "spark": "#7f7f7f",
}


def main():
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    run = json.loads(src.read_text())
    queries = run["queries"]
    systems = run["systems"]
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(max(10, len(queries) * 0.7), 5))
    floor = None
    medians = {}
    for s in systems:
        for q in queries:
            r = s["queries"].get(q)
            if r and r["status"] == "ok" and r.get("seconds"):
                m = statistics.median(r["seconds"])
                medians[(s["name"], q)] = m
                floor = m if floor is None else min(floor, m)
    floor = (floor or 0.001) / 2
    handles = []
    for i, s in enumerate(systems):
        xs, ys, marks = [], [], []
        for j, q in enumerate(queries):
            x = j + (i - (len(systems) - 1) / 2) * width
            if (s["name"], q) in medians:
                xs.append(x)
                ys.append(medians[(s["name"], q)])
            else:
                r = s["queries"].get(q) or {"status": "FAILED"}
                marks.append((x, "x" if r["status"] == "WRONG" else "."))
        label = s["name"] + (" " + s["version"] if s.get("version") else "")
        if not xs:
            label += " (no correct answer)" if s.get("version") else " (did not run)"
        color = COLORS.get(s["name"], f"C{i}")
        ax.bar(xs, ys, width=width, color=color)
        handles.append(Patch(color=color, label=label))
        for x, m in marks:
            ax.plot([x], [floor * 1.2], marker=m, color=color or "black", markersize=6)
    ax.set_yscale("log")
    ax.set_xticks(range(len(queries)))
    ax.set_xticklabels([q.upper() for q in queries])
    ax.set_ylabel("median seconds (log scale)")
    data = pathlib.Path(run["data"]).name
    ax.set_title(
        f"TPC-H-derived queries on {data}, {run['cores']} cores, median of {run['runs']} runs "
        f"({run['started'][:10]}); not comparable to published TPC-H results",
        fontsize=9,
    )
    ax.legend(handles=handles, fontsize=8, ncol=len(systems), loc="upper center", bbox_to_anchor=(0.5, -0.07), frameon=False)
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main()
