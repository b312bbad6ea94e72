"""Screenshots and A4 prints of every report type, for a person to review.

    python bench/screenshots.py [--out screenshots]

Renders a decided, a not-eligible, an ambiguous, an undetermined, an urgent and a rejected assessment
(practitioner and auditor), a caseload summary, a diff and a traceability report through the real
templates, then takes each into Debian's headless Chromium: a PNG at desktop width, one at 320 px
(a phone) and an A4 PDF. Prints what it wrote.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import page_texts, print_to_pdf, sample_reports, screenshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, (page, _reference) in sample_reports(out).items():
        screenshot(page, out / f"{name}.png")
        screenshot(page, out / f"{name}-320px.png", width=320, height=1400)
        pages = len(page_texts(print_to_pdf(page, out / f"{name}.pdf")))
        print(f"{name:28} {name}.png  {name}-320px.png  {name}.pdf ({pages} A4 page{'s' if pages > 1 else ''})")


if __name__ == "__main__":
    main()
