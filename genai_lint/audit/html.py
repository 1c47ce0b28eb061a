"""The audit report as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Nothing is fetched: no scripts, stylesheets, fonts or images, and a Content-Security-Policy of
``default-src 'none'`` says so to the browser. Every manifest-provided string passes through
:func:`esc` (:func:`~genai_lint.safe_text.printable`, then ``html.escape``) before it reaches the
page, in text and in attributes alike, because manifests are untrusted input.

Colour means severity only where it shows severity (findings, and the verdict and approval states
that follow from them); counts are drawn in one neutral colour. Printed (A4 landscape), the verdict
is on page 1, table rows do not split, table headers repeat, and every page is headed with the
production and the evaluation date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from html import escape

from genai_lint.audit.model import DASH, deliverable_status, idle_waivers, plural, yes_no
from genai_lint.safe_text import printable

SEVERITY_COLORS = {"error": "#b03a2e", "warning": "#b9770e", "info": "#2e86c1"}
VERDICT_COLORS = {"not cleared": SEVERITY_COLORS["error"], "incomplete": SEVERITY_COLORS["warning"],
                  "cleared": "#1e8449"}
STATUS_COLORS = {"live": "#1e8449", "expiring": SEVERITY_COLORS["warning"], "expired": SEVERITY_COLORS["error"],
                 "not yet granted": "#7f8c8d", "unknown": "#7f8c8d"}
NEUTRAL = "#5d6d7e"
LABEL_CHARS = 26
NOTE_WIDTH = 200  # room for "2026-01-10 → expires 2026-03-31" on the timeline
MONTH_LABEL_WIDTH = 64  # room for "2026-02" and a gap: month labels are thinned to never overlap

CSS = """
:root { --ink: #1c2833; --muted: #566573; --rule: #d5d8dc; --band: #f4f6f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 3px solid var(--ink); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
p.lede { color: var(--muted); margin: 0 0 12px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
.hash { word-break: break-all; }
.verdict { border: 2px solid; border-left-width: 10px; border-radius: 6px; padding: 10px 14px; margin: 14px 0;
           break-inside: avoid; }
.verdict .state { font-size: 22px; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.verdict ul { margin: 6px 0 0; padding-left: 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.card .n { font-size: 26px; font-weight: 700; display: block; }
.card .l { color: var(--muted); font-size: 12px; }
.card.error .n { color: #b03a2e; }
.card.warning .n { color: #b9770e; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.legend { font-weight: 400; font-size: 12px; color: var(--muted); margin-left: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 3px 0 8px; vertical-align: -1px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 12px; fill: var(--ink); }
svg .axis { stroke: var(--rule); }
svg .muted { fill: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 12.5px; }
th, td { border: 1px solid var(--rule); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--band); }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num { text-align: right; }
td code { overflow-wrap: break-word; }
td code.path { overflow-wrap: anywhere; }
table.fixed { table-layout: fixed; }
.nowrap { white-space: nowrap; }
.badge { display: inline-block; border-radius: 3px; padding: 0 5px; margin: 1px 2px 1px 0; color: #fff;
         font-size: 11px; font-weight: 600; white-space: nowrap; }
.tag { display: inline-block; border: 1px solid var(--rule); border-radius: 3px; padding: 0 4px; margin: 1px 2px 1px 0;
       font-size: 11px; background: #fff; white-space: nowrap; }
.small { font-size: 11.5px; color: var(--muted); }
.prompt { font-style: italic; }
ul.plain { margin: 0; padding-left: 16px; }
.none { color: var(--muted); }
.group { break-inside: avoid; }
.rule-doc { break-inside: avoid; border-top: 1px solid var(--rule); padding-top: 4px; }
.rule-doc h5 { font-size: 13px; margin: 8px 0 2px; }
.rule-doc pre { background: var(--band); padding: 6px 8px; border-radius: 4px; font-size: 11.5px; overflow-x: auto; }
footer { margin-top: 32px; padding-top: 8px; padding-bottom: 24px; border-top: 1px solid var(--rule); color: var(--muted);
         font-size: 12px; }
nav ol { columns: 3; margin: 4px 0 12px; }
a { color: #1f618d; }
@media print {
  body { font-size: 11px; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-before: page; }
  .portfolio h2, main > section:first-child h2 { break-before: auto; }
  h2, h3, h4, h5, figcaption { break-after: avoid; }
  code, .small, .tag, .badge { font-size: 9.5px; }
  .badge, .card, th, .verdict, .swatch { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .charts { grid-template-columns: 1fr 1fr; }
  table { font-size: 10px; }
  a { color: inherit; text-decoration: none; }
}
"""


def page_css(running_head: str, date: str) -> str:
    """The print page box: A4 landscape, headed on every page with ``running_head`` and the date."""
    return (f"@page {{ size: A4 landscape; margin: 16mm 12mm 14mm; "
            f"@top-left {{ content: {css_string(running_head)}; font: 9px system-ui, Arial, sans-serif; color: #566573; }} "
            f"@top-right {{ content: {css_string('evaluated on ' + date)}; font: 9px system-ui, Arial, sans-serif; color: #566573; }} "
            f"@bottom-right {{ content: \"page \" counter(page) \" of \" counter(pages); "
            f"font: 9px system-ui, Arial, sans-serif; color: #566573; }} }}")


def css_string(value: str) -> str:
    """A quoted CSS string that can only be text: everything but ASCII letters, digits and spaces as a hex escape."""
    return '"' + "".join(char if (char.isascii() and char.isalnum()) or char == " " else f"\\{ord(char):x} "
                         for char in value) + '"'


def esc(value: object) -> str:
    """Untrusted text for HTML text or a quoted attribute (``—`` when empty)."""
    if value is None or value == "":
        return DASH
    return escape(printable(str(value)), quote=True)


def _code(value: object) -> str:
    return f"<code>{esc(value)}</code>" if value not in (None, "") else DASH


def _badge(label: str, color: str, title: str | None = None) -> str:
    tip = f' title="{esc(title)}"' if title else ""
    return f'<span class="badge" style="background:{color}"{tip}>{esc(label)}</span>'


def _tags(values: list) -> str:
    return "".join(f'<span class="tag">{esc(value)}</span>' for value in values) or DASH


def _clip(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _legend(items: dict[str, str]) -> str:
    return '<span class="legend">' + "".join(f'<span class="swatch" style="background:{color}"></span>{esc(label)}'
                                             for label, color in items.items()) + "</span>"


def rule_link(code: str, name: str, severity: str, count: int = 1, title: str | None = None) -> str:
    """A rule as its severity badge (code, and how many times it fired) and name, linked to its explanation."""
    badge = _badge(code + (f" ×{count}" if count > 1 else ""), SEVERITY_COLORS[severity], title)
    return f'<a href="#rule-{esc(code)}">{badge}{esc(name)}</a>'


# Page ---------------------------------------------------------------------------------------


def render_html(model: dict) -> str:
    projects = model["projects"]
    titles = [p["production"]["title"] or p["production"]["id"] or p["name"] for p in projects]
    date = model["evaluation_date"]
    title = f"Generative-AI audit report: {', '.join(titles)} ({date})"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="genai-lint {esc(model["tool"]["version"])}">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}{page_css(', '.join(titles), date)}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Generative-AI disclosure and audit report</h1>",
        f'<p class="lede">{esc(", ".join(titles))}: every generated asset, tool, approval and open risk, '
        f"as recorded in the manifests and judged on {esc(date)}.</p>",
        _verdict_box(model["verdict"], date, [r for p in projects for r in p["verdict"]["reasons"]]
                     if len(projects) == 1 else [f"{p['name']}: {p['verdict']['state']}" for p in projects]),
        '<dl class="meta">',
        f"<dt>Evaluation date</dt><dd>{esc(date)}</dd>",
        f"<dt>Generated by</dt><dd>genai-lint {esc(model['tool']['version'])}</dd>",
        f"<dt>Reproduce</dt><dd>the same manifests (sha256 below), configuration and <code>genai-lint audit "
        f"--format html --date {esc(date)}</code> give this file byte for byte, from any folder</dd>",
        "</dl>",
        "</header>",
        "<main>",
    ]
    if len(projects) > 1:
        parts += _portfolio(model["portfolio"])
    for number, project in enumerate(projects, start=1):
        parts += _project(project, f"p{number}", date, len(projects) > 1)
    parts += _appendix(model["rules"])
    parts += [
        "</main>",
        f"<footer>genai-lint {esc(model['tool']['version'])} · audit report format {esc(model['format_version'])} · "
        f"evaluated on {esc(date)}. Waived findings are risks the production accepted in "
        "writing; open findings are not yet resolved.</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _verdict_box(state: str, date: str, reasons: list[str]) -> str:
    color = VERDICT_COLORS.get(state, NEUTRAL)
    items = "".join(f"<li>{esc(reason)}</li>" for reason in reasons)
    return (f'<div class="verdict" style="border-color:{color}"><span class="small">Verdict on {esc(date)}</span><br>'
            f'<span class="state" style="color:{color}">{esc(state)}</span><ul>{items}</ul></div>')


def _portfolio(rows: list[dict]) -> list[str]:
    body = [[_td(f'<a href="#p{number}">{_code(row["name"])}</a> {esc(row["title"])}'),
             _td(_badge(row["verdict"], VERDICT_COLORS.get(row["verdict"], NEUTRAL))),
             _td(str(row["assets"]), "num"), _td(str(row["final_assets"]), "num"),
             _td(str(row["open_errors"]), "num"), _td(str(row["approvals_expiring_soon"]), "num")]
            for number, row in enumerate(rows, start=1)]
    return ['<div class="portfolio">', "<h2>Portfolio</h2>",
            _table(["Production", "Verdict", "Generated assets", "Final or in the deliverables", "Open errors",
                    "Approvals expiring within 30 days"], body, "No productions."), "</div>"]


def _project(project: dict, anchor: str, date: str, several: bool) -> list[str]:
    production = project["production"]
    name = production["title"] or production["id"] or "Production"
    sections = [("actions", "Outstanding actions"), ("summary", "Summary"), ("charts", "Charts"),
                ("timeline", "Approvals timeline"), ("manifests", "Manifests"), ("tools", "Tools"),
                ("approvals", "Approvals"), ("assets", "Assets"), ("risks", "Open risks by guideline"),
                ("accepted", "Accepted risks (waivers)")]
    assets = {}
    for index, asset in enumerate(project["assets"]):
        assets.setdefault(asset["id"], f"{anchor}-asset-{index}")
    parts = [f'<section id="{anchor}">', f"<h2>{esc(name)}</h2>"]
    if several:
        parts.append(_verdict_box(project["verdict"]["state"], date, project["verdict"]["reasons"]))
    parts += ['<dl class="meta">',
              f"<dt>Production id</dt><dd>{', '.join(_code(i) for i in project['production_ids']) or DASH}</dd>",
              f"<dt>Company</dt><dd>{esc(production['company'])}</dd>",
              f"<dt>Contact</dt><dd>{esc(production['contact'])}</dd>",
              f"<dt>Folder</dt><dd>{_code(project['name'])}</dd>",
              f"<dt>Configuration</dt><dd>{_config(project['config'])}</dd>",
              f"<dt>Files checked</dt><dd>{'yes' if project['checked_files'] else 'no (--no-files)'}</dd>", "</dl>",
              "<nav><ol>" + "".join(f'<li><a href="#{anchor}-{key}">{label}</a></li>' for key, label in sections)
              + "</ol></nav>"]
    parts += _actions(project, anchor, assets)
    parts += _summary(project, anchor) + _charts(project, anchor) + _timeline_section(project, anchor, date)
    parts += _manifests(project, anchor) + _tools(project, anchor, assets) + _approvals(project, anchor, assets)
    parts += _assets(project, anchor) + _risks(project, anchor) + _accepted(project, anchor)
    return parts + ["</section>"]


def _config(config: dict | None) -> str:
    if config is None:
        return "none (defaults)"
    return f'{_code(config["path"])} <span class="mono hash small">sha256 {esc(config["sha256"])}</span>'


def _asset_link(asset_id: str | None, assets: dict[str, str]) -> str:
    if asset_id in assets:
        return f'<a href="#{assets[asset_id]}">{_code(asset_id)}</a>'
    return _code(asset_id)


def _actions(project: dict, anchor: str, assets: dict[str, str]) -> list[str]:
    parts = [f'<h3 id="{anchor}-actions">Outstanding actions</h3>', "<h4>Legal risk</h4>"]
    parts += _action_groups(project["actions"]["legal"], assets, "Nothing outstanding.")
    parts.append("<h4>Manifest hygiene</h4>")
    parts += _action_groups(project["actions"]["hygiene"], assets, "The manifests are in order.")
    return parts


def _action_groups(groups: list[dict], assets: dict[str, str], empty: str) -> list[str]:
    if not groups:
        return [f'<p class="none">{esc(empty)}</p>']
    parts = ["<ol>"]
    for group in groups:
        rows = [[_td(_asset_link(item["entry"], assets)),
                 _td(rule_link(item["code"], item["name"], item["severity"])),
                 _td(esc(item["message"])), _td(_code(f"{item['path']}:{item['line']}"))] for item in group["items"]]
        parts.append(f'<li class="group"><strong>{esc(group["title"])}</strong> '
                     f'<span class="small">({esc(group["severity"])}; {esc(_counted(group))})</span>'
                     + _table(["Entry", "Rule", "Finding", "Where"], rows, "", (14, 26, 42, 18)) + "</li>")
    return parts + ["</ol>"]


def _counted(group: dict) -> str:
    """``3 findings on 2 entries`` (or just the findings when they concern no entry)."""
    findings, entries = len(group["items"]), len(group["entries"])
    on = f" on {entries} {'entry' if entries == 1 else 'entries'}" if entries else ""
    return plural(findings, "finding") + on


def _summary(project: dict, anchor: str) -> list[str]:
    s = project["summary"]
    cards = [
        (s["assets"], "generated assets", ""),
        (s["final_assets"], "final or in the deliverables", ""),
        (s["manifests_not_audited"], "manifests not audited", "error" if s["manifests_not_audited"] else ""),
        (s["tools"], "tools", ""),
        (s["approvals"], f"approvals ({s['approvals_live']} live)", ""),
        (s["approvals_expiring"], "approvals expiring", "warning" if s["approvals_expiring"] else ""),
        (s["approvals_expired"], "approvals expired", "error" if s["approvals_expired"] else ""),
        (s["errors"], "open errors", "error" if s["errors"] else ""),
        (s["warnings"], "open warnings", "warning" if s["warnings"] else ""),
        (s["infos"], "open infos", ""),
        (s["assets_with_open_findings"], "assets with open findings", ""),
        (s["waived"], "accepted risks (waived)", ""),
    ]
    body = "".join(f'<div class="card {kind}"><span class="n">{count}</span><span class="l">{esc(label)}</span></div>'
                   for count, label, kind in cards)
    return [f'<h3 id="{anchor}-summary">Summary</h3>', f'<div class="cards">{body}</div>']


# Charts -------------------------------------------------------------------------------------


def _charts(project: dict, anchor: str) -> list[str]:
    breakdown = project["breakdown"]
    counts = {"assets": NEUTRAL}
    figures = [
        ("Assets by tool", counts, _neutral_rows(breakdown["tool"])),
        ("Assets by media", counts, _neutral_rows(breakdown["media"])),
        ("Assets by purpose", counts, _neutral_rows(breakdown["purpose"])),
        ("Assets by deliverable status", counts, _neutral_rows(breakdown["deliverable_status"])),
        ("Open findings by guideline family", {f"{key}s": color for key, color in SEVERITY_COLORS.items()},
         [(f"{f['family']} {f['title']}", [(f["errors"], SEVERITY_COLORS["error"], "errors"),
                                           (f["warnings"], SEVERITY_COLORS["warning"], "warnings"),
                                           (f["infos"], SEVERITY_COLORS["info"], "infos")])
          for f in project["open_risks"]]),
    ]
    parts = [f'<h3 id="{anchor}-charts">Charts</h3>', '<div class="charts">']
    for caption, legend, rows in figures:
        parts.append(f"<figure><figcaption>{esc(caption)}{_legend(legend)}</figcaption>{bar_chart(caption, rows)}"
                     "</figure>")
    return parts + ["</div>"]


def _neutral_rows(counts: dict[str, int]) -> list[tuple[str, list[tuple[int, str, str]]]]:
    return [(label, [(count, NEUTRAL, label)]) for label, count in counts.items()]


def bar_chart(caption: str, rows: list[tuple[str, list[tuple[int, str, str]]]]) -> str:
    """A horizontal (stacked) bar chart as inline SVG: ``rows`` of (label, [(value, colour, name)])."""
    width, label_width, row_height, top = 520, 190, 24, 6
    plot = width - label_width - 50
    if not rows:
        return f'<svg class="chart" role="img" aria-label="{esc(caption)}: no data" viewBox="0 0 {width} 30" ' \
               f'width="{width}" height="30"><text x="0" y="20" class="muted">no data</text></svg>'
    largest = max(sum(value for value, _, _ in segments) for _, segments in rows) or 1
    height = top * 2 + row_height * len(rows)
    out = [f'<svg class="chart" role="img" aria-label="{esc(caption)}" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}">']
    for index, (label, segments) in enumerate(rows):
        y = top + index * row_height
        total = sum(value for value, _, _ in segments)
        out.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end"><title>{esc(label)}</title>'
                   f"{esc(_clip(label))}</text>")
        x = float(label_width)
        for value, color, name in segments:
            if value <= 0:
                continue
            span = plot * value / largest
            out.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{span:.1f}" height="{row_height - 8}" fill="{color}">'
                       f"<title>{esc(label)}: {value}{'' if name == label else ' ' + esc(name)}</title></rect>")
            x += span
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}" class="muted">{total}</text>')
    out.append(f'<line class="axis" x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}"/>')
    out.append("</svg>")
    return "".join(out)


def _timeline_section(project: dict, anchor: str, date: str) -> list[str]:
    legend = _legend({status: color for status, color in STATUS_COLORS.items() if status != "unknown"})
    return [f'<h3 id="{anchor}-timeline">Approvals timeline</h3>',
            f'<figure><figcaption>Granted and expiry dates, with the evaluation date marked {legend}</figcaption>'
            f"{timeline(project['approvals'], date)}</figure>"]


def timeline(approvals: list[dict], date_text: str) -> str:
    """Inline SVG: one bar per approval from ``granted_on`` to ``expires`` (open-ended when none)."""
    width, label_width, row_height, top, bottom = 1000, 120, 26, 30, 28
    evaluation = _date(date_text)
    dated = [(a, _date(a["granted_on"]), _date(a["expires"])) for a in approvals]
    known = [d for _, granted, expires in dated for d in (granted, expires) if d is not None]
    if evaluation is not None:
        known.append(evaluation)
    if not approvals or not known:
        return f'<svg role="img" aria-label="approvals timeline: no approvals" viewBox="0 0 {width} 30" ' \
               f'width="{width}" height="30"><text x="0" y="20" class="muted">no approvals</text></svg>'
    start = _month_start(min(known))
    end = _next_month(max(known))
    if (end - start).days < 90:
        end = _next_month(_next_month(end))
    days = (end - start).days
    plot = width - label_width - 60

    def x_of(day: dt.date) -> float:
        return label_width + plot * (day - start).days / days

    height = top + row_height * len(approvals) + bottom
    out = [f'<svg role="img" aria-label="approvals timeline" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}">']
    months = _months(start, end)
    step = max(1, math.ceil(MONTH_LABEL_WIDTH / (plot * 28 / days)))  # a month is at least 28 days wide
    for month in months[::step]:
        x = x_of(month)
        if x > width - 50:
            continue
        out.append(f'<line class="axis" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - bottom}"/>'
                   f'<text x="{x + 3:.1f}" y="{top - 10}" class="muted">{month:%Y-%m}</text>')
    for index, (approval, granted, expires) in enumerate(dated):
        y = top + index * row_height
        color = STATUS_COLORS.get(approval["status"], STATUS_COLORS["unknown"])
        tip = (f"{approval['id']} ({', '.join(approval['scopes'])}): granted {approval['granted_on'] or '?'} by "
               f"{approval['granted_by'] or '?'}, {'expires ' + approval['expires'] if approval['expires'] else 'no expiry'}"
               f", {approval['status']}")
        out.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end"><title>{esc(tip)}</title>'
                   f"{esc(_clip(approval['id'] or '?'))}</text>")
        if granted is None:
            out.append(f'<text x="{label_width + 4}" y="{y + 17}" class="muted">no valid granted_on date</text>')
            continue
        x1 = x_of(granted)
        x2 = x_of(expires) if expires is not None else label_width + plot
        note = f"{approval['granted_on']} → " + (f"expires {expires.isoformat()}" if expires is not None else "no expiry")
        dashes = "" if expires is not None else ' stroke-dasharray="4 3"'  # open-ended: no expiry
        out.append(f'<rect x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 2):.1f}" height="{row_height - 10}" rx="3" '
                   f'fill="{color}" fill-opacity="0.22" stroke="{color}"{dashes}><title>{esc(tip)}</title></rect>')
        out.append(f'<circle cx="{x1:.1f}" cy="{y + row_height / 2:.1f}" r="4.5" fill="{color}"/>')
        if expires is not None:
            out.append(f'<line x1="{x2:.1f}" y1="{y + 2}" x2="{x2:.1f}" y2="{y + row_height - 2}" stroke="{color}" '
                       f'stroke-width="3"/>')
        if x2 - x1 >= NOTE_WIDTH:  # inside the bar
            tx, side = x1 + 10, "start"
        elif x2 + 8 + NOTE_WIDTH <= width:  # after it
            tx, side = x2 + 8, "start"
        else:  # before it
            tx, side = max(x1 - 8, label_width + NOTE_WIDTH), "end"
        out.append(f'<text x="{tx:.1f}" y="{y + 17}" text-anchor="{side}">{esc(note)}</text>')
    if evaluation is not None:
        x = x_of(evaluation)
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - bottom + 6}" stroke="#1c2833" '
                   f'stroke-width="2" stroke-dasharray="5 3"/>'
                   f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" font-weight="600">'
                   f"evaluated {evaluation.isoformat()}</text>")
    out.append("</svg>")
    return "".join(out)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


# Tables -------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]], empty: str, widths: tuple[int, ...] = ()) -> str:
    """A table; ``widths`` (percentages, one per column) fix the layout so sibling tables line up."""
    if not rows:
        return f'<p class="none">{esc(empty)}</p>' if empty else ""
    head = "".join(f"<th>{esc(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    if not widths:
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    columns = "".join(f'<col style="width:{width}%">' for width in widths)
    return f'<table class="fixed"><colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _waiver_terms(reason: str | None, expires: str | None, by: str | None) -> str:
    terms = [esc(reason)] + [f"{label} {esc(value)}" for label, value in (("until", expires), ("by", by)) if value]
    return "; ".join(terms)


def _td(content: str, cls: str = "") -> str:
    return f'<td class="{cls}">{content}</td>' if cls else f"<td>{content}</td>"


def _manifests(project: dict, anchor: str) -> list[str]:
    rows = [[_td(_code(m["path"])), _td(f'<span class="mono hash">{esc(m["sha256"])}</span>'),
             _td(_code(m["production_id"])), _td(str(m["assets"]), "num"),
             _td((f'<strong style="color:{SEVERITY_COLORS["error"]}">not audited</strong>'
                  if m["status"] == "not audited" else esc(m["status"]))
                 + (f'<br><span class="small">{esc(m["error"])}</span>' if m["error"] else ""))]
            for m in project["manifests"]]
    return [f'<h3 id="{anchor}-manifests">Manifests</h3>',
            _table(["Manifest", "sha256", "Production", "Assets", "Status"], rows, "No manifests.")]


def _findings_cell(findings: list[dict]) -> str:
    """Each rule once, with how many times it fired, linked to the appendix."""
    seen: dict[str, list[dict]] = {}
    for finding in findings:
        seen.setdefault(finding["code"], []).append(finding)
    lines = [f"<div>{rule_link(code, group[0]['name'], group[0]['severity'], len(group), '; '.join(f['message'] for f in group))}"
             "</div>" for code, group in seen.items()]
    return "".join(lines) or '<span class="none">none</span>'


def _rollup_cell(rows: list[dict], assets: dict[str, str]) -> str:
    """A tool's findings on its assets: each rule with its severity, count and the assets concerned."""
    lines = [f"<div>{rule_link(row['code'], row['name'], row['severity'], row['count'])}"
             f"<br><span class=\"small\">on {', '.join(_asset_link(asset, assets) for asset in row['assets'])}</span></div>"
             for row in rows]
    return "".join(lines) or '<span class="none">none</span>'


def _tools(project: dict, anchor: str, assets: dict[str, str]) -> list[str]:
    rows = []
    for tool in project["tools"]:
        handling = tool["data_handling"] or {}
        rows.append([_td(_code(tool["id"])),
                     _td(f"{esc(tool['name'])}<br><span class=\"small\">{esc(tool['vendor'])} {esc(tool['version'])}</span>"),
                     _td(esc(tool["environment"])),
                     _td(f"trains on inputs: {yes_no(handling.get('trains_on_inputs'))}<br>"
                         f"trains on outputs: {yes_no(handling.get('trains_on_outputs'))}<br>"
                         f"retains inputs: {yes_no(handling.get('retains_inputs'))}<br>"
                         f"<span class=\"small\">evidence: {esc(handling.get('evidence'))}</span>"),
                     _td(str(len(tool["assets"])), "num"),
                     _td(_rollup_cell(tool["asset_findings"], assets)),
                     _td(_findings_cell(tool["open_findings"]))])
    header = ["Tool", "Name, vendor, version", "Environment", "Data handling", "Assets", "Findings on its assets",
              "Findings on the tool entry"]
    return [f'<h3 id="{anchor}-tools">Tools</h3>', _table(header, rows, "No tools registered.", (11, 16, 9, 17, 6, 27, 14))]


def _approvals(project: dict, anchor: str, assets: dict[str, str]) -> list[str]:
    rows = []
    for approval in project["approvals"]:
        status = approval["status"]
        days = approval["days_to_expiry"]
        if days is not None and status in ("live", "expiring"):
            detail = f" ({plural(days, 'day')} left)"
        elif days is not None and status == "expired":
            detail = f" ({plural(-days, 'day')} ago)"
        else:
            detail = ""
        relying = ", ".join(_asset_link(asset, assets) for asset in approval["assets"]) or \
            '<span class="none">none</span>'
        findings = _findings_cell(approval["asset_findings"] + approval["open_findings"])
        rows.append([_td(_code(approval["id"])), _td(_tags(approval["scopes"])),
                     _td(f"{esc(approval['granted_by'])}<br><span class=\"small\">on {esc(approval['granted_on'])}"
                         f"<br>ref {esc(approval['reference'])}</span>"),
                     _td(esc(approval["expires"]), "nowrap"),
                     _td(_badge(status, STATUS_COLORS.get(status, STATUS_COLORS["unknown"])) + (esc(detail) if detail else "")),
                     _td(relying), _td(findings)])
    header = ["Approval", "Scopes", "Granted by", "Expires", "State on the date", "Assets relying on it", "Findings"]
    return [f'<h3 id="{anchor}-approvals">Approvals</h3>',
            _table(header, rows, "No approvals registered.", (10, 17, 16, 9, 13, 17, 18))]


def _assets(project: dict, anchor: str) -> list[str]:
    rows = []
    for index, asset in enumerate(project["assets"]):
        where = (f'<br><span class="small"><code class="path">{esc(asset["path"])}</code><br>'
                 f'{esc(asset["manifest"])}:{esc(asset["line"])}</span>')
        tools = "".join(f"<div>{_code(t['id'])} <span class=\"small\">{esc(t['environment'] or 'unknown')}</span><br>"
                        f"<span class=\"small\">{esc(t['data_handling_label'] if t['known'] else 'unknown tool')}</span>"
                        "</div>" for t in asset["tools"]) or DASH
        clearances = "".join(f"<div>{_code(c['approval'])} "
                             f"{_badge(c['status'], STATUS_COLORS.get(c['status'], STATUS_COLORS['unknown']))}"
                             f"<br>{_tags(c['scopes']) if c['known'] else 'not in any register'}</div>"
                             for c in asset["clearances"]) or '<span class="none">none</span>'
        waivers = "".join(f"<div>{_code(w['rule'])} <span class=\"small\">{esc(w['status'])}</span><br>"
                          f"<span class=\"small\">{_waiver_terms(w['reason'], w['expires'], w['by'])}</span></div>"
                          for w in asset["waivers"]) or '<span class="none">none</span>'
        details = []
        if asset["content"]:
            details.append(f"content: {_tags(asset['content'])}")
        if asset["talent"]:
            talent = asset["talent"]
            details.append(f"talent: {esc(talent['name'])} (consent {esc(talent['consent'])})")
        details += [f"input: {esc(i['source'])}/{esc(i['use'])}: {esc(i['ref'])}" for i in asset["inputs"]]
        details += [f'prompt: <span class="prompt">{esc(p)}</span>' for p in asset["prompts"]]
        rows.append([f'<td id="{anchor}-asset-{index}"><strong>{_code(asset["id"])}</strong>{where}</td>',
                     _td(f"{esc(asset['media'])}<br>{esc(asset['purpose'])}<br>"
                         f"<span class=\"small\">{esc(deliverable_status(asset))}</span>"),
                     _td(tools), _td(f"{esc(asset['created'])}<br><span class=\"small\">disclosed<br>"
                                     f"{esc(asset['disclosed_on'])}</span>", "nowrap"),
                     _td("<br>".join(details) or DASH), _td(clearances), _td(waivers),
                     _td(_findings_cell(asset["open_findings"]))])
    header = ["Asset and file", "Media, purpose, delivery", "Tools and data handling", "Created", "Details",
              "Clearances", "Waivers", "Open findings"]
    return [f'<h3 id="{anchor}-assets">Assets ({len(rows)})</h3>',
            _table(header, rows, "No assets.", (13, 9, 13, 8, 20, 11, 9, 17))]


def _finding_rows(findings: list[dict], waived: bool = False) -> list[list[str]]:
    rows = []
    for f in findings:
        row = [_td(_code(f["entry_id"])), _td(rule_link(f["code"], f["name"], f["severity"])),
               _td(esc(f["severity"])), _td(esc(f["message"]) + (f'<br><span class="small">Fix: {esc(f["fix"])}</span>'
                                                                  if f["fix"] and not waived else ""))]
        if waived:
            row += [_td(esc(f["waived"]["reason"])), _td(esc(f["waived"]["expires"])), _td(esc(f["waived"]["by"]))]
        rows.append(row + [_td(_code(f"{f['path']}:{f['line']}"))])
    return rows


def _risks(project: dict, anchor: str) -> list[str]:
    parts = [f'<h3 id="{anchor}-risks">Open risks by guideline</h3>']
    for family in project["open_risks"]:
        counts = ", ".join(plural(family[key], key[:-1]) for key in ("errors", "warnings", "infos") if family[key])
        parts.append(f'<div class="family"><h4>{esc(family["family"])} {esc(family["title"])}: '
                     f"{family['count']} open{' (' + counts + ')' if counts else ''}</h4>")
        if family["guideline"]:
            parts.append(f'<p class="small">{esc(family["guideline"])}</p>')
        parts.append(_table(["Entry", "Rule", "Severity", "Finding", "Where"], _finding_rows(family["findings"]),
                            "No open findings.", (11, 20, 8, 43, 18)))
        parts.append("</div>")
    return parts


def _accepted(project: dict, anchor: str) -> list[str]:
    parts = [f'<h3 id="{anchor}-accepted">Accepted risks (waivers)</h3>',
             _table(["Entry", "Rule", "Severity", "Finding", "Reason", "Expires", "By", "Where"],
                    _finding_rows(project["accepted_risks"], waived=True), "No waived findings.",
                    (10, 16, 7, 23, 18, 8, 8, 10))]
    idle = idle_waivers(project)
    if idle:
        items = "".join(f"<li>{_code(asset['id'])} {_code(waiver['rule'])}: {esc(waiver['status'])} "
                        f"({_waiver_terms(waiver['reason'], waiver['expires'], waiver['by'])})</li>" for asset, waiver in idle)
        parts.append(f'<p class="small">Waivers that waive nothing on the evaluation date:</p><ul class="plain">{items}</ul>')
    return parts


# Appendix -----------------------------------------------------------------------------------


def _appendix(rules: list[dict]) -> list[str]:
    parts = ['<section id="rules">', "<h2>Appendix: the rules in this report</h2>"]
    for rule in rules:
        parts.append(f'<div class="rule-doc" id="rule-{esc(rule["code"])}"><h4>{esc(rule["code"])} {esc(rule["name"])} '
                     f'<span class="small">[{esc(rule["severity"])}]</span></h4><p>{esc(rule["summary"])}</p>'
                     f"{doc_html(rule['doc'])}</div>")
    return parts + ["</section>"]


def _pre(lines: list[str]) -> str:
    """An example block, its line breaks kept."""
    return f"<pre><code>{escape(printable(chr(10).join(lines), keep=chr(10)), quote=True)}</code></pre>"


_INLINE_CODE = re.compile(r"`([^`]+)`")


def doc_html(doc: str) -> str:
    """A rule's doc (headings, paragraphs, fenced examples, `code`) as HTML, every piece escaped."""
    out, paragraph, fence = [], [], None
    for line in doc.splitlines():
        if fence is not None:
            if line.startswith("```"):
                out.append(_pre(fence))
                fence = None
            else:
                fence.append(line)
            continue
        if line.startswith("```") or line.startswith("#") or not line.strip():
            if paragraph:
                out.append("<p>" + _INLINE_CODE.sub(r"<code>\1</code>", esc(" ".join(paragraph))) + "</p>")
                paragraph = []
            if line.startswith("```"):
                fence = []
            elif line.startswith("#"):
                out.append(f"<h5>{esc(line.lstrip('#').strip())}</h5>")
            continue
        paragraph.append(line.strip())
    if fence:
        out.append(_pre(fence))
    if paragraph:
        out.append("<p>" + _INLINE_CODE.sub(r"<code>\1</code>", esc(" ".join(paragraph))) + "</p>")
    return "".join(out)
