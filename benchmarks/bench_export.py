"""Time the report rendering of a finished run: each step's two pages, the combined report
assembled from the pages, and (for comparison) the combined report converted as one notebook,
the way it was made before; plus where ``figure_svg``'s time goes on two house-style charts
(making the figure fit a phone, then each complete SVG drawing of its narrowing loop).

    crmplay run demo --reports-root /tmp/bench --quiet
    python benchmarks/bench_export.py /tmp/bench/demo [--client-dir client_data/demo] [--repeat 3]

Prints the best of ``--repeat`` wall times per item; asserts nothing (see README.md).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_pages(reports: Path, client_dir: Path, repeat: int) -> None:
    import nbformat

    import crmplay.engine.export as report
    from crmplay.chapters import registry
    from crmplay.engine.step import quiet_logs

    quiet_logs()
    ctx = report.make_context(registry.load_client_config(client_dir))
    steps = [s for s in registry.steps() if (reports / "consultant" / f"{s.id}.ipynb").is_file()]
    nbs = {s.id: nbformat.read(str(reports / "consultant" / f"{s.id}.ipynb"), as_version=4) for s in steps}
    t = time.perf_counter()
    report._exporter("stakeholder"), report._exporter("consultant")
    print(f"exporters (once per process)     {time.perf_counter() - t:6.3f} s")
    with tempfile.TemporaryDirectory() as out:
        out = Path(out)
        total = 0.0
        for s in steps:
            took = best(lambda: report.write_step_pages(nbs[s.id], ctx, out, s.id, s.title), repeat)
            total += took
            print(f"pages {s.id:26s} {took:6.3f} s")
        print(f"pages, all steps                 {total:6.3f} s")
        chapters = [report.Chapter(s.id, s.title, page=out / f"{s.id}.html", notebook=reports / "consultant" / f"{s.id}.ipynb")
                    for s in steps]
        took = best(lambda: report.write_combined_report(chapters, ctx, out), repeat)
        print(f"combined report, assembled       {took:6.3f} s  (report.html + report.xlsx)")
        with_nbs = [report.Chapter(s.id, s.title, nb=nbs[s.id]) for s in steps]

        def converted():
            from crmplay.engine.workbook import write_workbook

            html = report.render_combined_notebook(with_nbs, ctx)
            write_workbook(html, out / "converted.xlsx", ctx.lang)

        took = best(converted, repeat)
        print(f"combined report, converted again {took:6.3f} s  (the way before, same finishing)")


def bench_charts(repeat: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from crmplay import charts

    charts.apply_style()

    def bars():
        fig, ax = charts.new_figure(8, 5)
        ax.barh(["Low-balance alerts", "One number for every problem", "Clear, accurate bills", "Fast answers"],
                [4, 3, 2, 1])
        ax.set_title("Which needs matter most")
        return fig

    def polar():
        fig, ax = charts.new_figure(8, 5, subplot_kw={"projection": "polar"})
        angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        ax.plot(angles, [3, 4, 2, 5, 3, 4, 2, 3])
        ax.set_xticks(angles, [f"Behaviour number {i}" for i in range(8)])
        ax.set_title("Maturity against target")
        return fig

    def split(fig) -> tuple[float, ...]:
        """figure_svg's parts: making it fit a phone, then each attempt of the narrowing loop
        (a layout cut short when the box is too wide, the last one drawn; see
        crmplay.charts.figure_svg)."""
        t = time.perf_counter()
        charts.fit_for_phone(fig)
        parts = [time.perf_counter() - t]
        real = charts._render_svg

        def timed(fig, check_width=True):
            t = time.perf_counter()
            try:
                return real(fig, check_width)
            finally:
                parts.append(time.perf_counter() - t)

        charts._render_svg = timed
        try:
            charts._fitting_svg(fig)
        finally:
            charts._render_svg = real
        return tuple(parts)

    for name, make in (("bars", bars), ("polar", polar)):
        fig = make()
        t = time.perf_counter()
        charts.figure_svg(fig, "x")
        whole = time.perf_counter() - t
        plt.close(fig)
        fig = make()
        parts = split(fig)
        plt.close(fig)
        drawings = " + ".join(f"{p:.3f}" for p in parts[1:])
        print(f"chart {name:6s} figure_svg {whole:.3f} s = fit {parts[0]:.3f} + attempts {drawings}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="reports/<client> of a finished run")
    parser.add_argument("--client-dir", type=Path, default=Path("client_data/demo"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_pages(args.reports, args.client_dir, args.repeat)
    bench_charts(args.repeat)


if __name__ == "__main__":
    main()
