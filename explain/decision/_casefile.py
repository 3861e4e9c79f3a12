"""The case file: one decision as a self-contained HTML document, and its contributions as CSV.

The HTML has no scripts and no external requests: inline styles, tables, and a waterfall
drawn as SVG rectangles by this module (plotly's image export would need kaleido and a
downloaded browser). Every user-derived string is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import numpy as np
import pandas as pd

from explain._csv import safe_csv
from explain.bundle._formatting import format_percent
from explain.decision._decision import DecisionResult
from explain.decision._whatif import WhatIfResult
from explain.figures._decision import waterfall_steps
from explain.figures._theme import DEFAULT_THEME, FigureTheme

_STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#222;max-width:960px;margin:24px auto;padding:0 16px;line-height:1.45}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.verdict{border:2px solid #444;border-radius:8px;padding:12px 16px;margin:16px 0}
.verdict p{margin:4px 0}.verdict .headline{font-size:20px;font-weight:bold}
.warn{background:#fff4e5;border-left:4px solid #E69F00;padding:6px 10px;margin:6px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 6px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.changed td{background:#eef6fb;font-weight:bold}
.small{font-size:11px;color:#666}
"""


def _svg_waterfall(result: DecisionResult, theme: FigureTheme) -> str:
    """A horizontal waterfall as SVG rectangles: baseline, up to 8 inputs, the rest, the score."""
    names, steps, measures = waterfall_steps(result, space="probability")
    row_h, label_w, plot_w, pad = 26, 330, 520, 60
    height = row_h * len(names) + 40
    width = label_w + plot_w + pad
    running, bars = 0.0, []
    for value, measure in zip(steps, measures, strict=True):
        if measure == "absolute":
            start, end, running = 0.0, value, value
        elif measure == "total":
            start, end = 0.0, running
        else:
            start, end = running, running + value
            running = end
        bars.append((start, end, measure, value))
    p = result.prediction
    binary = p.task == "binary"
    ends = [v for b in bars for v in b[:2]] + ([p.threshold] if binary else [])
    top = max(1e-9, max(ends)) * 1.08
    low = min(0.0, min(ends)) * 1.08  # a margin can be negative

    def x(v: float) -> float:
        return label_w + plot_w * (v - low) / (top - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        'aria-label="Contribution waterfall" font-family="Arial" font-size="12">'
    ]
    for i, (name, (start, end, measure, value)) in enumerate(zip(names, bars, strict=True)):
        y = 10 + i * row_h
        colour = theme.total if measure in ("absolute", "total") else (theme.raises if value >= 0 else theme.lowers)
        left, right = sorted((x(start), x(end)))
        label = p.units.effect(value) if measure == "relative" else p.units.value(end)
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(name)}</text>')
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 3}" width="{max(right - left, 1):.1f}" height="{row_h - 8}" fill="{colour}"/>'
        )
        parts.append(f'<text x="{right + 4:.1f}" y="{y + 16}">{escape(label)}</text>')
    if not binary:
        parts.append("</svg>")
        return "".join(parts)
    tx = x(result.prediction.threshold)
    parts.append(
        f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="4" y2="{height - 24}" stroke="{theme.threshold}" '
        'stroke-dasharray="5,4" stroke-width="2"/>'
    )
    parts.append(
        f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="middle" fill="{theme.threshold}">'
        f"limit {escape(format_percent(result.prediction.threshold))}</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _table(frame: pd.DataFrame, numeric: set[str], changed: set[int] | None = None) -> str:
    head = "".join(f'<th class="{"num" if c in numeric else ""}">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for i, (_, row) in enumerate(frame.iterrows()):
        cls = ' class="changed"' if changed and i in changed else ""
        cells = "".join(f'<td class="{"num" if c in numeric else ""}">{escape(str(v))}</td>' for c, v in row.items())
        rows.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def case_file_html(
    result: DecisionResult,
    *,
    bundle_name: str,
    what_if: WhatIfResult | None = None,
    generated_at: dt.datetime | None = None,
    theme: FigureTheme = DEFAULT_THEME,
) -> str:
    """One decision as a self-contained HTML page (no scripts, no external requests)."""
    when = (generated_at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M %Z").strip()
    p = result.prediction
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(bundle_name)} · decision {escape(result.id)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(bundle_name)} · decision {escape(result.id)}</h1>",
        f'<p class="small">Case file generated {escape(when)}</p>',
        '<div class="verdict">',
        f'<p class="headline">{escape(p.headline)}</p>',
        f"<p>Model baseline {escape(p.units.value(result.base.probability))}"
        + (
            f"; {escape(result.base.observed_note)}: {escape(_observed(result))}"
            if result.base.observed_rate is not None
            else ""
        )
        + "</p></div>",
    ]
    if p.class_probabilities:
        chances = ", ".join(f"{label} {format_percent(v)}" for label, v in p.class_probabilities)
        out.append(
            f"<p>Chance of each class: {escape(chances)}. The contributions explain {escape(p.explained_label)}.</p>"
        )
    if result.view_note:
        out.append(f'<div class="warn">{escape(result.view_note)}</div>')
    out += [f'<div class="warn">{escape(w)}</div>' for w in result.warnings]
    out += ["<h2>Summary</h2>", f"<p>{escape(result.summary)}</p>", "<h2>Reasons</h2><ol>"]
    out += [f"<li>{escape(r.text)}</li>" for r in result.reasons] or ["<li>No single input stands out.</li>"]
    out += ["</ol>", f"<h2>How each input moved the {escape(p.what_moves)}</h2>", _svg_waterfall(result, theme)]
    frame = result.to_frame()
    table = pd.DataFrame(
        {
            "Input": frame["label"],
            "Value": frame["value_text"],
            "Where it sits": frame["percentile_text"],
            "Effect": [p.units.effect(v) for v in frame["contribution_probability"]],
            "Effect (raw)": [f"{v:+.4f}" for v in frame["contribution_raw"]],
        }
    )
    out += ["<h2>All inputs</h2>", _table(table, {"Effect", "Effect (raw)"})]
    if what_if is not None and what_if.changes:
        e = what_if.edited.prediction
        wf = what_if.to_frame()
        changed = {int(i) for i in np.flatnonzero(np.abs(wf["change"].to_numpy()) > 1e-12)}
        changed |= {i for i, c in enumerate(wf["changed_input"]) if c}
        view = pd.DataFrame(
            {
                "Input": wf["label"],
                "Original value": wf["original_value"],
                "What-if value": wf["edited_value"],
                "Original effect": [p.units.effect(v) for v in wf["original_contribution"]],
                "What-if effect": [p.units.effect(v) for v in wf["edited_contribution"]],
            }
        )
        out += [
            "<h2>What-if explored</h2>",
            f"<p>With the changes below: {escape(e.headline)} (was {escape(p.headline)}).</p>",
            _table(view, {"Original effect", "What-if effect"}, changed),
        ]
    a = result.stamp
    versions = ", ".join(f"{k} {v}" for k, v in a.versions)
    out += [
        "<h2>Audit</h2>",
        f'<p class="small">Bundle fingerprint {escape(a.fingerprint)} · explainer {escape(a.explainer)} · output '
        f"space {escape(a.output_space)} · additivity residual {a.additivity_residual or 0:.1e} · "
        f"{escape(versions)}</p>",
        "</body></html>",
    ]
    return "\n".join(out)


def _observed(result: DecisionResult) -> str:
    observed = float(result.base.observed_rate or 0.0)
    return (
        result.prediction.units.value(observed) if result.prediction.task == "regression" else format_percent(observed)
    )


def contributions_csv(result: DecisionResult) -> str:
    """The decision's contributions as CSV, safe to open in a spreadsheet (probability points,
    or the margin or the target's units for a multiclass or regression decision)."""
    frame = result.to_frame()
    frame.insert(0, "decision_id", result.id)
    units = result.prediction.units
    if units.kind == "probability":
        frame["contribution_points"] = 100 * frame["contribution_probability"]
    else:
        frame = frame.rename(columns={"contribution_probability": f"contribution_{units.kind}"})
    return safe_csv(frame)
