"""The patient handout (quote and plan --html), checked in a real browser:
Debian's Chromium, driven headless by Playwright. One page on A4 and on Letter,
nothing wider than the page, every total as --json gives it, no horizontal
scroll on a phone, and hostile text that runs nothing."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CHROMIUM, cli, write

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (.ci/run installs it)")

ROOT = Path(__file__).resolve().parents[1]
# A 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PLAN_ARGS = ["plan", "70", "--start-date", "2026-12-07", "--boosters", "2", "--booster-every", "4w"]
QUOTE_ARGS = ["quote", "70", "--infusions", "6"]


def clinic_config(tmp_path: Path, **fields: str) -> str:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    values = {
        "name": "Harbour Wellness Clinic",
        "address": "12 Quay Street, Portsmouth",
        "phone": "+44 23 9200 0000",
        "email": "hello@harbour.example",
        "logo": str(logo),
        **fields,
    }
    lines = ["[clinic]"] + [f"{key} = {json.dumps(value)}" for key, value in values.items()]  # a TOML basic string
    return write(tmp_path, "clinic.toml", "\n".join(lines) + "\n")


def handout(tmp_path: Path, args: list[str], *extra: str) -> tuple[Path, dict[str, Any]]:
    config = clinic_config(tmp_path)
    page = tmp_path / f"{args[0]}.html"
    run = cli(*args, "--config", config, "--html", str(page), "--date", "2026-11-27", "--id", "P-0042", *extra)
    assert run.code == 0, run.stderr
    document = cli(*args, "--json").json()
    return page, document


def totals(document: dict[str, Any]) -> list[Decimal]:
    if document["kind"] == "plan":
        return [Decimal(document["totals"]["cost"][name]) for name in ("min", "mid", "max")]
    return [Decimal(document["cost"]["total"][name]) for name in ("min", "mid", "max")]


MONEY_ON_PAGE = re.compile(r"(?:[$€£¥]|[A-Z]{3}[ \u00a0])([0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?)")


def amounts(text: str) -> list[Decimal]:
    """Every amount of money the page shows, as a number: "$4,600.00" is 4600."""
    return [Decimal(found.replace(",", "")) for found in MONEY_ON_PAGE.findall(text)]


def pdf_pages_and_text(browser: Any, page_path: Path, paper: str) -> tuple[int, str]:
    import pypdf

    page = browser.new_page()
    page.goto(page_path.as_uri())
    data = page.pdf(format=paper, print_background=True)
    page.close()
    reader = pypdf.PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_one_printed_page_holding_every_total_as_the_json_gives_it(
    browser: Any, tmp_path: Path, args: list[str], paper: str
) -> None:
    page_path, document = handout(tmp_path, args)
    pages, text = pdf_pages_and_text(browser, page_path, paper)
    assert pages == 1
    shown = amounts(text)
    for total in totals(document):
        assert total in shown, (total, text)
    assert "FDA-approved as an anesthetic" in " ".join(text.split()) and "Informational only" in text


@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
@pytest.mark.parametrize(("paper", "width_px"), [("A4", 710), ("Letter", 733)])
def test_no_element_is_wider_than_the_printed_page(
    browser: Any, tmp_path: Path, args: list[str], paper: str, width_px: int
) -> None:
    page_path, _ = handout(tmp_path, args)
    page = browser.new_page(viewport={"width": width_px, "height": 1000})
    page.emulate_media(media="print")
    page.goto(page_path.as_uri())
    overflowing = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .map(e => e.tagName + ' ' + e.className)""",
        width_px,
    )
    page.close()
    assert overflowing == [], (paper, overflowing)


@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
def test_a_phone_screen_has_no_horizontal_scroll(browser: Any, tmp_path: Path, args: list[str]) -> None:
    page_path, _ = handout(tmp_path, args)
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(page_path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot = page.screenshot(full_page=True)
    page.close()
    assert shot.startswith(b"\x89PNG")
    target = os.environ.get("KETACALC_SCREENSHOTS")  # the docs' screenshots, made here
    if target:
        Path(target, f"handout-{args[0]}-phone.png").write_bytes(shot)
    golden = (ROOT / "tests" / "golden" / f"handout-{args[0]}-phone.png").read_bytes()
    assert differing_pixels(browser, shot, golden) <= GOLDEN_TOLERANCE


@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
def test_the_readme_screenshot_of_each_document(browser: Any, tmp_path: Path, args: list[str]) -> None:
    page_path, _ = handout(tmp_path, args)
    page = browser.new_page(viewport={"width": 800, "height": 1100})
    page.goto(page_path.as_uri())
    shot = page.screenshot(full_page=True)
    page.close()
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    target = os.environ.get("KETACALC_SCREENSHOTS")
    if target:
        Path(target, f"handout-{args[0]}.png").write_bytes(shot)
    golden = (ROOT / "tests" / "golden" / f"handout-{args[0]}.png").read_bytes()
    assert differing_pixels(browser, shot, golden) <= GOLDEN_TOLERANCE


# The share of pixels a page may differ by from its golden screenshot: font hinting and antialiasing
# move a few pixels between Chromium versions; a moved block or a changed figure moves far more.
GOLDEN_TOLERANCE = 0.02


def differing_pixels(browser: Any, shot: bytes, golden: bytes) -> float:
    """The share of pixels whose colour differs visibly (more than 48 of 255 in a channel) between two
    PNGs, compared in the browser's canvas; 1.0 when their sizes differ (a page that grew or shrank)."""
    import base64

    page = browser.new_page()
    urls = [f"data:image/png;base64,{base64.b64encode(data).decode()}" for data in (shot, golden)]
    share: float = page.evaluate(
        """async ([a, b]) => {
            const load = (src) => new Promise((done) => {
                const i = new Image(); i.onload = () => done(i); i.src = src;
            });
            const [x, y] = [await load(a), await load(b)];
            if (x.width !== y.width || x.height !== y.height) return 1.0;
            const pixels = (image) => {
                const c = document.createElement("canvas"); c.width = image.width; c.height = image.height;
                const g = c.getContext("2d"); g.drawImage(image, 0, 0);
                return g.getImageData(0, 0, image.width, image.height).data;
            };
            const [p, q] = [pixels(x), pixels(y)];
            let differ = 0;
            for (let i = 0; i < p.length; i += 4) {
                const most = Math.max(
                    Math.abs(p[i] - q[i]), Math.abs(p[i + 1] - q[i + 1]), Math.abs(p[i + 2] - q[i + 2])
                );
                if (most > 48) differ++;
            }
            return differ / (p.length / 4);
        }""",
        urls,
    )
    page.close()
    return share


def test_the_golden_comparison_can_fail(browser: Any, tmp_path: Path) -> None:
    """A quote's screenshot is not a plan's: the comparison tells different pages apart."""
    quote = (ROOT / "tests" / "golden" / "handout-quote.png").read_bytes()
    plan = (ROOT / "tests" / "golden" / "handout-plan.png").read_bytes()
    assert differing_pixels(browser, quote, quote) == 0.0
    assert differing_pixels(browser, quote, plan) > GOLDEN_TOLERANCE


HOSTILE = {
    "name": "<script>alert(1)</script>Clinic",
    "address": "</style><script>alert(2)</script>",
    "phone": "<img src=x onerror=alert(3)>",
    "email": "javascript:alert(4)",
}


@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
def test_hostile_text_runs_nothing_and_shows_as_text(browser: Any, tmp_path: Path, args: list[str]) -> None:
    config = clinic_config(tmp_path, **HOSTILE)
    page_path = tmp_path / "hostile.html"
    run = cli(
        *args,
        *("--config", config, "--html", str(page_path)),
        *("--id", "<svg onload=alert(5)>", "--ref", '"><iframe src=javascript:alert(6)>'),
    )
    assert run.code == 0, run.stderr
    html = page_path.read_text()
    assert "<script" not in html and "<iframe" not in html and "<svg onload" not in html
    events: list[str] = []

    def on_dialog(dialog: Any) -> None:
        events.append(f"dialog {dialog.message}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if request.url != page_path.as_uri():
            events.append(f"request {request.url}")

    page = browser.new_page()
    page.on("dialog", on_dialog)
    page.on("console", lambda message: events.append(f"console {message.text}"))
    page.on("request", on_request)
    page.goto(page_path.as_uri())
    page.wait_for_timeout(300)
    text = page.inner_text("body")
    page.close()
    assert events == []
    for value in [*HOSTILE.values(), "<svg onload=alert(5)>"]:
        assert value in text


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    page_path, _ = handout(tmp_path, PLAN_ARGS)
    html = page_path.read_text()
    assert 'http-equiv="Content-Security-Policy"' in html and "default-src &#39;none&#39;" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert 'src="data:image/png;base64,' in html


def test_the_dose_only_with_include_dose_and_the_patient_only_by_id(tmp_path: Path) -> None:
    plain, _ = handout(tmp_path, QUOTE_ARGS)
    assert "35 mg" not in plain.read_text() and "70 kg" not in plain.read_text()
    assert "P-0042" in plain.read_text()
    with_dose, _ = handout(tmp_path, QUOTE_ARGS, "--include-dose")
    assert "35 mg per infusion (0.5 mg/kg)" in with_dose.read_text()


def test_valid_days_and_reference(tmp_path: Path) -> None:
    page, _ = handout(tmp_path, QUOTE_ARGS, "--valid-days", "14", "--ref", "Q-7")
    html = page.read_text()
    assert "2026-12-11" in html and "Q-7" in html
    reference = re.compile(r"Q-20261127-[0-9A-F]{6}")
    first = reference.findall(handout(tmp_path, QUOTE_ARGS)[0].read_text())
    again = reference.findall(handout(tmp_path, QUOTE_ARGS)[0].read_text())
    assert first and again and first != again  # random: a shared page's number says nothing of its figures


def test_the_page_to_stdout_instead_of_the_usual_output(tmp_path: Path) -> None:
    run = cli(*QUOTE_ARGS, "--html", "-")
    assert run.code == 0 and run.stdout.startswith("<!DOCTYPE html>") and "Series" not in run.stdout


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "'onload' on <svg>"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/x.png"/></svg>',
            "<image>",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://example.com/x.svg#a"/></svg>',
            "outside",
        ),
        ("logo.gif", b"GIF89a" + b"\x00" * 20, "not a PNG, JPEG or SVG"),
        ("big.png", PNG + b"\x00" * (256 * 1024), "256 KiB"),
    ],
)
def test_a_logo_that_is_not_a_small_image_is_exit_2(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    logo = tmp_path / name
    logo.write_bytes(data)
    config = clinic_config(tmp_path, logo=str(logo))
    run = cli(*QUOTE_ARGS, "--config", config, "--html", str(tmp_path / "q.html"))
    assert run.code == 2 and problem in run.stderr and len(run.stderr.splitlines()) == 1


def test_a_clean_svg_logo_is_embedded(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    )
    config = clinic_config(tmp_path, logo=str(logo))
    page = tmp_path / "q.html"
    assert cli(*QUOTE_ARGS, "--config", config, "--html", str(page)).code == 0
    assert 'src="data:image/svg+xml;base64,' in page.read_text()


# --- what a review found ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "money_args",
    [
        ["--currency", "GBP", "--price-min", "350", "--price-max", "750"],
        ["--currency", "BHD", "--price-min", "150.125", "--price-max", "300.375"],
        ["--price-min", "10000", "--price-max", "25000"],
    ],
)
@pytest.mark.parametrize("args", [QUOTE_ARGS, PLAN_ARGS], ids=["quote", "plan"])
def test_no_phone_scroll_in_any_currency(browser: Any, tmp_path: Path, args: list[str], money_args: list[str]) -> None:
    page_path, _ = handout(tmp_path, [*args, *money_args])
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(page_path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_a_fifo_logo_is_exit_2_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "logo.fifo"
    os.mkfifo(fifo)
    config = clinic_config(tmp_path, logo=str(fifo))
    run = cli(*QUOTE_ARGS, "--config", config, "--html", str(tmp_path / "q.html"))
    assert run.code == 2 and "not a regular file" in run.stderr and "[clinic]" in run.stderr


def test_the_page_never_overwrites_the_config_or_the_calendar(tmp_path: Path) -> None:
    config = clinic_config(tmp_path)
    before = Path(config).read_text()
    assert cli(*QUOTE_ARGS, "--config", config, "--html", config).code == 2
    assert Path(config).read_text() == before
    ics = tmp_path / "c.ics"
    assert cli(*PLAN_ARGS, "--ics", str(ics), "--html", str(ics)).code == 2
    assert not ics.exists()  # refused before anything is written


def test_unicode_is_kept_and_isolated_and_direction_overrides_escaped(tmp_path: Path) -> None:
    config = clinic_config(tmp_path, phone="+33\u00a01\u00a023", address="12\u202frue de la Paix")
    page = tmp_path / "u.html"
    args = ["--html", str(page), "--id", "P\u202e-1", "--ref", "Q-\u202e1234\u200d7"]
    run = cli(*QUOTE_ARGS, "--config", config, *args)
    assert run.code == 0
    html = page.read_text()
    assert "+33\u00a01\u00a023" in html and "12\u202frue" in html and "\u200d" in html  # kept as they are
    # An override would print Q-1234 as 4321-Q: shown escaped, as the terminal shows it.
    assert "<bdi>P\\u202e-1</bdi>" in html and "Q-\\u202e1234" in html and "\u202e" not in html


def test_handout_options_need_html_and_html_stdout_is_not_json(tmp_path: Path) -> None:
    assert cli(*QUOTE_ARGS, "--valid-days", "10").code == 2
    with_id = cli(*QUOTE_ARGS, "--id", "P-1")  # the id is the heading's and the JSON's too, not only the page's
    assert with_id.code == 0 and "for patient P-1" in with_id.stdout
    assert cli(*QUOTE_ARGS, "--html", "-", "--json").code == 2


def test_svg_logos_with_fragment_references_pass_and_external_ones_do_not(tmp_path: Path) -> None:
    good = b'<!-- logo --><svg xmlns="http://www.w3.org/2000/svg"><defs><rect id="r"/></defs><use href="#r"/></svg>'
    for name, data, code in (
        ("good.svg", good, 0),
        ("css.svg", b"<svg><style>@import url(http://example.com/a.css);</style></svg>", 2),
        ("fill.svg", b'<svg><rect style="fill:url(http://example.com/#g)"/></svg>', 2),
    ):
        logo = tmp_path / name
        logo.write_bytes(data)
        config = clinic_config(tmp_path, logo=str(logo))
        assert cli(*QUOTE_ARGS, "--config", config, "--html", str(tmp_path / "q.html")).code == code, name


def test_a_relative_logo_is_the_config_files_neighbour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = clinic_config(tmp_path, logo="logo.png")
    monkeypatch.chdir("/")
    page = tmp_path / "q.html"
    assert cli(*QUOTE_ARGS, "--config", config, "--html", str(page)).code == 0
    assert "data:image/png;base64," in page.read_text()


def test_a_package_reads_as_one_and_references_differ_by_patient(tmp_path: Path) -> None:
    page, _ = handout(tmp_path, [*PLAN_ARGS, "--package-price", "3000"])
    assert "Package of 6 infusions" in page.read_text()
    first = cli(*QUOTE_ARGS, "--html", "-", "--id", "A", "--date", "2026-11-27").stdout
    second = cli(*QUOTE_ARGS, "--html", "-", "--id", "B", "--date", "2026-11-27").stdout
    reference = re.compile(r"Q-20261127-[0-9A-F]{6}")
    found_first, found_second = reference.search(first), reference.search(second)
    assert found_first and found_second and found_first.group() != found_second.group()


SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:svg="http://www.w3.org/2000/svg" '
SVG_OPEN += b'xmlns:h="http://www.w3.org/1999/xhtml" xmlns:xlink="http://www.w3.org/1999/xlink">'


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (SVG_OPEN + b"<svg:script>alert(1)</svg:script></svg>", "<script>"),
        (SVG_OPEN + b"<h:script>alert(1)</h:script></svg>", "xhtml}script"),
        (SVG_OPEN + b'<set attributeName="href" to="http://example.com/"/></svg>', "<set>"),
        (SVG_OPEN + b'<set attributeName="onload" to="alert(1)"/></svg>', "<set>"),
        (SVG_OPEN + b"<style>@\\69mport 'http://example.com/a.css';</style></svg>", "<style>"),
        (SVG_OPEN + b'<rect fill="u\\72l(http://example.com/#g)"/></svg>', "only url(#id)"),
        (SVG_OPEN + b"<rect fill=\"image-set('http://example.com/a.png' 1x)\"/></svg>", "only url(#id)"),
        (SVG_OPEN + b'<rect style="fill:red"/></svg>', "'style'"),
        (SVG_OPEN + b'<use xlink:href="http://example.com/a.svg#x"/></svg>', "outside"),
        (b'<!DOCTYPE svg SYSTEM "http://example.com/a.dtd">' + SVG_OPEN + b"</svg>", "DOCTYPE"),
        (b'<?xml-stylesheet href="http://example.com/a.css"?>' + SVG_OPEN + b"</svg>", "processing instruction"),
        (SVG_OPEN + b"<foreignObject/></svg>", "<foreignObject>"),
    ],
)
def test_an_svg_logo_is_checked_against_an_allowlist(tmp_path: Path, body: bytes, found: str) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(body)
    run = cli(*QUOTE_ARGS, "--config", clinic_config(tmp_path, logo=str(logo)), "--html", str(tmp_path / "q.html"))
    assert run.code == 2 and found in run.stderr and len(run.stderr.splitlines()) == 1
    assert not (tmp_path / "q.html").exists()


def test_a_drawn_logo_with_gradients_text_and_fragment_references_passes(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + SVG_OPEN + b'<defs><linearGradient id="g"><stop offset="0" '
        b'stop-color="#2d5f8b"/></linearGradient><clipPath id="c"><circle r="5"/></clipPath></defs>'
        b'<g clip-path="url(#c)"><rect width="10" height="10" fill="url(#g)"/><path d="M0 0L10 10" stroke="#000"/>'
        b'<use xlink:href="#g"/><text x="1" y="9" font-family="Arial">Harbour</text></g></svg>'
    )
    run = cli(*QUOTE_ARGS, "--config", clinic_config(tmp_path, logo=str(logo)), "--html", str(tmp_path / "q.html"))
    assert run.code == 0, run.stderr


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_letterhead_at_every_fields_maximum_length_still_fits_one_page(
    browser: Any, tmp_path: Path, paper: str
) -> None:
    longest = dict.fromkeys(("name", "address", "phone", "email"), ("W" * 49 + " ") * 2)  # 100 characters each
    config = clinic_config(tmp_path, **{name: value[:100] for name, value in longest.items()})
    page = tmp_path / "plan.html"
    run = cli(*PLAN_ARGS, "--config", config, "--html", str(page), "--date", "2026-11-27", "--id", "P" * 100)
    assert run.code == 0, run.stderr
    pages, _ = pdf_pages_and_text(browser, page, paper)
    assert pages == 1


@pytest.mark.parametrize(
    "body",
    [
        SVG_OPEN + b"<rect mask=\"image('//x.example')\"/></svg>",
        SVG_OPEN + b"<rect fill=\"src('//x.example')\"/></svg>",
        SVG_OPEN + b"<rect fill=\"cross-fade('//x.example', red)\"/></svg>",
        '<!-- <svg --><!DOCTYPE x><svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16-le"),
        b'<?xml version="1.0" encoding="ISO-8859-1"?>' + SVG_OPEN + b"</svg>",
    ],
    ids=["image()", "src()", "cross-fade()", "UTF-16", "another encoding"],
)
def test_the_review_s_svg_bypasses_are_refused(tmp_path: Path, body: bytes) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_bytes(body)
    run = cli(*QUOTE_ARGS, "--config", clinic_config(tmp_path, logo=str(logo)), "--html", str(tmp_path / "q.html"))
    assert run.code == 2 and not (tmp_path / "q.html").exists()


def longest_clinic(tmp_path: Path) -> str:
    """A [clinic] section with every field at its longest: letterhead lines of 100 characters, terms and
    notes of 160, eight codes each, and what a Good Faith Estimate needs."""
    words = ("W" * 9 + " ") * 10
    term = ("Mmmmm mmmm " * 15)[:160]
    fields = dict.fromkeys(("name", "address", "phone", "email", "prepared_by"), words[:100])
    fields |= dict.fromkeys(("includes", "excludes", "payment_terms", "cancellation_policy", "notes"), term)
    fields |= {"npi": "1234567893", "tin": "12-3456789"}
    codes = ", ".join(f"9636{i}" for i in range(8))
    lines = ["[clinic]", *(f"{key} = {json.dumps(value)}" for key, value in fields.items()), "[clinic.codes]"]
    lines += [f'infusion_code = "{codes}"', f'booster_code = "{codes}"', 'diagnosis_codes = "F33.2, F33.1, F32.2"']
    return write(tmp_path, "longest.toml", "\n".join(lines) + "\n")


GFE = ["--gfe", "--patient-name", "N" * 70, "--dob", "1984-03-09", "--price", "650"]
FULL_PLAN = [*PLAN_ARGS, "--time", "08:30", "--titrate", "0.5:0.05:0.75", "--skip", "2026-12-10", "--include-dose"]


@pytest.mark.parametrize("gfe", [[], GFE], ids=["handout", "good faith estimate"])
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_six_and_two_sessions_at_every_fields_longest_print_on_one_page(
    browser: Any, tmp_path: Path, paper: str, gfe: list[str]
) -> None:
    page = tmp_path / "plan.html"
    run = cli(
        *FULL_PLAN,
        *("--config", longest_clinic(tmp_path), "--html", str(page), "--date", "2026-11-27"),
        *("--id", "P" * 100, "--ref", "R" * 100),
        *gfe,
    )
    assert run.code == 0, run.stderr
    pages, text = pdf_pages_and_text(browser, page, paper)
    assert pages == 1
    assert ("1-800-985-3059" in text) is bool(gfe) and "Informational only" in text


def test_a_good_faith_estimate_reads_on_a_phone(browser: Any, tmp_path: Path) -> None:
    page_path = tmp_path / "gfe.html"
    run = cli(*FULL_PLAN, "--config", longest_clinic(tmp_path), "--html", str(page_path), *GFE)
    assert run.code == 0, run.stderr
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(page_path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.close()


def test_a_course_that_runs_to_more_pages_has_the_notice_on_each(browser: Any, tmp_path: Path) -> None:
    page_path = tmp_path / "long.html"
    args = ["plan", "70", "--start-date", "2026-12-07", "--infusions", "24", "--per-week", "1"]
    run = cli(*args, "--boosters", "20", "--booster-every", "2w", "--html", str(page_path))
    assert run.code == 0, run.stderr
    import pypdf

    page = browser.new_page()
    page.goto(page_path.as_uri())
    reader = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    page.close()
    assert len(reader.pages) >= 2
    for printed in reader.pages:
        assert "An estimate for information, not a bill or medical advice." in printed.extract_text()


def test_a_late_visit_with_its_dose_reads_on_a_phone(browser: Any, tmp_path: Path) -> None:
    page_path = tmp_path / "late.html"
    args = [*PLAN_ARGS, "--time", "23:30", "--include-dose", "--currency", "EUR", "--price-min", "4000"]
    run = cli(*args, "--price-max", "12000", "--html", str(page_path))
    assert run.code == 0, run.stderr
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(page_path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "next day" in page.inner_text("body")
    page.close()
