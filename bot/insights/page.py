"""The insights page, its charts and its CSV, made from the suppressed tables only.

The charts are SVG written here rather than by a plotting library: three simple charts need about a
hundred lines, the page then loads nothing from anywhere and runs no script, and each chart carries
its own title and description for screen readers, with the numbers in a table beside it. (matplotlib
would add about 40 MB and a font cache to the bot's image, and its SVG has no text alternatives.)
A suppressed value is never drawn to scale: it is a hatched mark labelled "<5".
"""

from __future__ import annotations

import csv
import io
from html import escape

from bot.insights.counts import DAYS, Summary
from bot.insights.tables import SUPPRESSED, Table, shown, tables

INK, MUTED, LINE, ACCENT, ALARM = "#1d1d1b", "#505a5f", "#b1b4b6", "#1d70b8", "#a61c00"
HATCH = (
    '<defs><pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f2f1"/>'
    f'<line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" stroke-width="2"/></pattern></defs>'
)


def _number(value: str) -> int | None:
    return None if value == SUPPRESSED else int(value)


def _svg(key: str, width: int, height: int, title: str, description: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" class="chart">'
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>'
        f"{HATCH.format(id=key + '-hatch')}{body}</svg>"
    )


def trend_chart(table: Table) -> str:
    """Conversations and 999 given each week, as lines; a week under 5 is a hollow mark at 5."""
    weeks = [row[0] for row in table.rows]
    series = [(1, "Conversations", ACCENT), (3, "999 given", ALARM)]
    top = max([_number(row[i]) or 0 for row in table.rows for i, _, _ in series] + [10])
    width, height, left, bottom = 640, 260, 48, 40
    plot_w, plot_h = width - left - 50, height - bottom - 30
    step = plot_w / max(len(weeks) - 1, 1)

    def y(value: float) -> float:
        return 20 + plot_h - value / top * plot_h

    parts = [f'<line x1="{left}" y1="{y(0)}" x2="{left + plot_w}" y2="{y(0)}" stroke="{LINE}"/>']
    for tick in (0, top // 2, top):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" fill="{MUTED}">{tick}</text>')
    every = -(-len(weeks) // 7)  # at most 7 labels along the bottom
    for i, week in enumerate(weeks):
        if i % every:
            continue
        parts.append(
            f'<text x="{left + i * step}" y="{height - 14}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(week.split('-')[0])}</text>"
        )
    for index, name, colour in series:
        points = []
        for i, row in enumerate(table.rows):
            value = _number(row[index])
            x, shown_y = left + i * step, y(value if value is not None else 5)
            points.append(f"{x:.1f},{shown_y:.1f}")
            fill = colour if value is not None else "#ffffff"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{shown_y:.1f}" r="4" fill="{fill}" stroke="{colour}" '
                'stroke-width="2">'
                f"<title>{escape(week_label(row[0]))}: {escape(name)} {escape(row[index])}</title></circle>"
            )
        parts.insert(
            1, f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    legend = "".join(
        f'<rect x="{left + 160 * n}" y="2" width="12" height="12" fill="{colour}"/>'
        f'<text x="{left + 160 * n + 18}" y="12" fill="{INK}">{name}</text>'
        for n, (_, name, colour) in enumerate(series)
    )
    legend += f'<text x="{left + 330}" y="12" fill="{MUTED}">hollow mark: fewer than 5</text>'
    description = "; ".join(f"{row[0]}: {row[1]} conversations, {row[3]} given 999" for row in table.rows)
    return _svg(
        table.key,
        width,
        height,
        "Conversations and 999 given, each week",
        description,
        legend + "".join(parts),
    )


def week_label(text: str) -> str:
    return "the week " + text.replace("*", " (part)")


def heat_chart(table: Table) -> str:
    """Routes by hour (across) and day (down); darker is more, hatched is fewer than 5."""
    cell_w, cell_h, left, top_margin = 24, 26, 44, 24
    values = [[row[1 + day] for row in table.rows] for day in range(7)]  # values[day][hour]
    top = max([_number(v) or 0 for day in values for v in day] + [1])
    parts = []
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{left + hour * cell_w + cell_w / 2}" y="16" text-anchor="middle" '
            f'fill="{MUTED}">{hour:02d}</text>'
        )
    for day, name in enumerate(DAYS):
        y = top_margin + day * cell_h
        parts.append(f'<text x="{left - 6}" y="{y + 17}" text-anchor="end" fill="{INK}">{name}</text>')
        for hour in range(24):
            value = values[day][hour]
            number = _number(value)
            if number is None:
                fill = f"url(#{table.key}-hatch)"
            elif number == 0:
                fill = "#ffffff"
            else:
                # From light to dark blue; never lighter than a suppressed cell could be read as.
                share = 0.25 + 0.75 * number / top
                fill = f"rgba(29,112,184,{share:.2f})"
            parts.append(
                f'<rect x="{left + hour * cell_w}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}" stroke="{LINE}"><title>{name} {hour:02d}:00: {escape(value)}</title></rect>'
            )
    width, height = left + 24 * cell_w + 10, top_margin + 7 * cell_h + 10
    busiest = sorted(
        ((_number(values[d][h]) or 0, DAYS[d], h) for d in range(7) for h in range(24)), reverse=True
    )[:3]
    description = "Routes given by hour and day. Busiest: " + ", ".join(
        f"{day} {hour:02d}:00 ({count})" for count, day, hour in busiest if count
    )
    return _svg(table.key, width, height, table.title, description or "No routes given.", "".join(parts))


def bar_chart(table: Table, limit: int = 15) -> str:
    """The largest rows as horizontal bars; a row under 5 is a short hatched bar labelled <5."""
    rows = [row for row in table.rows if row[0] != "Total" and row[1] != "0"][:limit]
    top = max([_number(row[1]) or 0 for row in rows] + [5])
    left, bar_h, width = 260, 22, 640
    parts = []
    for i, (name, value) in enumerate(rows):
        y = 8 + i * (bar_h + 6)
        number = _number(value)
        length = (width - left - 60) * number / top if number is not None else 14
        fill = ACCENT if number is not None else f"url(#{table.key}-hatch)"
        short = name if len(name) <= 38 else name[:36] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{max(length, 2):.1f}" height="{bar_h}" fill="{fill}"/>'
        )
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 16}" fill="{INK}">{escape(value)}</text>')
    height = 16 + len(rows) * (bar_h + 6)
    description = "; ".join(f"{name}: {value}" for name, value in rows) or "Nothing to show."
    return _svg(table.key, width, max(height, 40), table.title, description, "".join(parts))


def _table_html(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(v)}</td>" for v in row[1:])
        + "</tr>"
        for row in table.rows
    )
    note = f"<p class=note>{escape(table.note)}</p>" if table.note else ""
    return (
        f"<table><caption>{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{note}"
    )


CHARTS = {
    "weekly": trend_chart,
    "route_hours": heat_chart,
    "topics": bar_chart,
    "guidance": bar_chart,
    "safety_rules": bar_chart,
}

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#1d1d1b;margin:0;background:#fff}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
header{border-bottom:4px solid #1d70b8}
h1{font-size:1.8rem;margin:0 0 4px}h2{font-size:1.35rem;margin:32px 0 8px}
form.filters{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-end;margin:16px 0}
label{display:block;font-weight:600}
input,select,button{font:inherit;padding:6px 8px;border:2px solid #0b0c0c;border-radius:0;min-height:44px}
button{background:#00703c;color:#fff;border-color:#00703c;cursor:pointer}
a{color:#1d70b8}a:focus,button:focus,input:focus,select:focus{outline:3px solid #ffdd00;outline-offset:0}
.figures{display:flex;flex-wrap:wrap;gap:16px;padding:0;list-style:none}
.figures li{border-left:6px solid #1d70b8;padding:4px 16px;min-width:150px}
.figures strong{display:block;font-size:2rem}
.pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;align-items:start}
@media (max-width:800px){.pair{grid-template-columns:1fr}}
.chart text{font-size:12px}
table{border-collapse:collapse;width:100%;margin-bottom:8px}
caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
th,td{border-bottom:1px solid #b1b4b6;padding:4px 8px;text-align:left}
td{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#505a5f;margin:0}
.scroll{overflow-x:auto;max-height:420px}
"""


def render_page(summary: Summary, areas: dict[str, str], query: str) -> str:
    """The whole page; `areas` maps area ids to names, `query` is the filter's query string."""
    shown_tables = tables(summary)
    by_key = {t.key: t for t in shown_tables}
    figures = [
        ("Conversations", by_key["roles"].rows[-1][1]),
        ("Safety net fired", shown(sum(week["safety net"] for week in summary.weekly.values()))),
        ("Routes given", by_key["routes"].rows[-1][1]),
        (
            '"Didn\'t understand"',
            by_key["not_understood"].rows[-1][1] if by_key["not_understood"].rows else "0",
        ),
    ]
    options = '<option value="">All areas</option>' + "".join(
        f'<option value="{escape(key)}"{" selected" if key == summary.area else ""}>{escape(name)}</option>'
        for key, name in areas.items()
    )
    where = areas.get(summary.area or "", "All areas")
    sections = []
    for table in shown_tables:
        chart = CHARTS.get(table.key)
        if chart is None:
            sections.append(f"<section><h2>{escape(table.title)}</h2>{_table_html(table)}</section>")
        else:
            sections.append(
                f'<section><h2>{escape(table.title)}</h2><div class="pair"><figure>{chart(table)}</figure>'
                f'<div class="scroll" tabindex="0" role="region" '
                f'aria-label="{escape(table.title)}: the numbers">'
                f"{_table_html(table)}</div></div></section>"
            )
    period = summary.period
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Insights: {escape(where)}, {period.start:%d %b %Y} to {period.end:%d %b %Y}</title>
<style>{STYLE}</style></head>
<body><header><h1>What people asked the safeguarding assistant</h1>
<p>{escape(where)}, {period.start:%d %B %Y} to {period.end:%d %B %Y}. Counts only: no words anyone
typed are kept here. Any number from 1 to 4 is shown as &lt;5, so no one conversation can be picked
out, and every other number is rounded to the nearest 5 (so totals may differ a little from the sum
of their parts). In the charts, hatching marks &lt;5. Today is never included: it is still going
on.</p></header>
<main>
<form class="filters" method="get" action="./">
<div><label for="from">From</label>
<input id="from" name="from" type="date" value="{period.start.isoformat()}"></div>
<div><label for="to">To</label><input id="to" name="to" type="date" value="{period.end.isoformat()}"></div>
<div><label for="area">Area</label><select id="area" name="area">{options}</select></div>
<div><button type="submit">Show</button></div>
<div><a href="export.csv?{escape(query)}" download>Download these tables as CSV</a></div>
</form>
<h2>At a glance</h2>
<ul class="figures">{"".join(f"<li><strong>{escape(v)}</strong>{escape(k)}</li>" for k, v in figures)}</ul>
{"".join(sections)}
</main></body></html>"""


def render_csv(summary: Summary) -> str:
    """Every table in long form: table, row, column, value (the same suppressed values)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "row", "column", "value"])
    writer.writerow(["period", "from", "", summary.period.start.isoformat()])
    writer.writerow(["period", "to", "", summary.period.end.isoformat()])
    writer.writerow(["period", "area", "", summary.area or "all"])
    for table in tables(summary):
        for row in table.rows:
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.title, _safe_cell(row[0]), column, value])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """A spreadsheet must not read a label as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def render_text(summary: Summary, areas: dict[str, str]) -> str:
    """The summary for a terminal (`make insights`)."""
    where = areas.get(summary.area or "", "all areas")
    lines = [
        f"Insights: {where}, {summary.period.start} to {summary.period.end}",
        "Counts only; any number from 1 to 4 is shown as <5.",
    ]
    shown_tables = tables(summary)
    for table in shown_tables:
        if table.key == "route_hours":
            continue
        lines += ["", table.title, "-" * len(table.title)]
        widths = [
            max(len(str(row[i])) for row in [table.columns, *table.rows]) for i in range(len(table.columns))
        ]
        for row in [table.columns, *table.rows]:
            lines.append(
                "  ".join(
                    str(v).ljust(w) if i == 0 else str(v).rjust(w)
                    for i, (v, w) in enumerate(zip(row, widths, strict=True))
                )
            )
    heat = next(t for t in shown_tables if t.key == "route_hours")
    lines += ["", heat.title + ": in the page and the CSV."]
    return "\n".join(lines) + "\n"
