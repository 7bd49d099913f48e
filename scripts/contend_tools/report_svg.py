"""The figures of report.py: drawn by plot.py's machinery, inlined as SVG.

plot_figures.Figures draws every figure of a result (per-scenario modules
included, whatever they are today) into a temporary folder; only the SVG
files are kept. Inlining several matplotlib SVGs into one HTML document
needs one repair: their element ids (clip paths, marker glyphs) are unique
within one file but not across files (svg.hashsalt makes them deterministic,
hence equal), and ids are global in an HTML page, so a figure could clip to
another's rectangle. Every id and every reference to it gets a per-figure
prefix. The XML prolog, DOCTYPE and <metadata> block (RDF namespace URLs and
a date) are dropped; nothing in what stays is fetched.
"""
import os
import re
import shutil
import tempfile

_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def inline_svg(text, prefix):
    """One matplotlib SVG file as an element for an HTML page."""
    start = text.find("<svg")
    if start < 0:
        raise ValueError("no <svg> element")
    svg = _METADATA.sub("", text[start:])
    # matplotlib writes each text as a comment beside its glyph paths; they
    # are escaped, but a page has no use for them.
    svg = _COMMENT.sub("", svg)
    ids = set(_ID.findall(svg))

    def rename(m):
        return m.group(1) + (prefix + m.group(2) if m.group(2) in ids else m.group(2))
    svg = _REF.sub(rename, svg)
    # Scale with the page instead of overflowing it.
    svg = re.sub(r'<svg\b', '<svg class="figure" role="img"', svg, count=1)
    return svg.strip()


def draw(doc):
    """[(file stem, inline SVG)] of every figure plot.py would draw for doc,
    and the error text if drawing failed (the report is written anyway)."""
    rows = [r for r in doc.get("benchmarks") or []
            if isinstance(r, dict) and r.get("run_type") == "iteration"]
    if not rows:
        return [], None
    tmp = tempfile.mkdtemp(prefix="contend-report-")
    try:
        from . import plot_figures  # starts matplotlib: only when there is something to draw

        class SvgFigures(plot_figures.Figures):
            """plot.py's figures, SVG only: rasterising a PNG that the page
            never shows costs as much as drawing the SVG."""

            def save(self, fig, *args, **kwargs):
                savefig = fig.savefig

                def svg_only(path, *a, **k):
                    if str(path).endswith(".svg"):
                        return savefig(path, *a, **k)
                    return None
                fig.savefig = svg_only
                return super().save(fig, *args, **kwargs)
        try:
            written = SvgFigures(doc, tmp).run()
        except Exception as e:  # noqa: BLE001 - the figures are one section of many
            return [], "%s: %s" % (type(e).__name__, e)
        out = []
        for i, path in enumerate(p for p in written if p.endswith(".svg")):
            with open(path, encoding="utf-8") as f:
                out.append((os.path.basename(path)[:-4], inline_svg(f.read(), "f%d-" % i)))
        return out, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
