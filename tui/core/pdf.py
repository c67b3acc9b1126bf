"""PDF copies of any document, from the same Outline as the plain text (tui/core/printing.py), on
A4 for a court, a conference, an agency or the family; `large_print=True` for 16 pt text.

    as_pdf(outline, large_print=False) -> PrintedDocument   extension "pdf"; payload() is the PDF

`deliver()` sends it to the printer (CUPS takes PDF) or the folder as it does plain text.

Every page carries the child and the document's title at the top and "page N of M" at the foot,
so a page taken out of a bundle still says whose it is and where it belongs, and the protective
marking (OFFICIAL-SENSITIVE, with the handling warning or the family's "Private") centred at both. A final (completed)
document always carries its signature block: the signatures given in ICS and a ruled line for
each role still to sign on paper; one with no signature at all is refused (OutputError).

The library is fpdf2: pure Python, actively kept, and it embeds a subset of a TrueType font, which
Welsh (ŵ, ŷ) and accented names need: the PDF core fonts cover Latin-1 only. The font, DejaVu Sans,
is bundled in fonts/ (see fonts/README.md for why and where from). The same outline always gives
the same bytes: the creation date is the time the copy was taken (`Outline.produced_at`) and
fpdf2 names font subsets and the file identifier from the content. Never imports Textual.

What DejaVu Sans cannot show is never dropped in silence: Latin (Polish, Welsh, every European
accent), Greek and Cyrillic print; a run of text in a script it has no letters for (Bengali,
Chinese, Japanese, Korean) or that must be shaped and set right to left (Arabic, Urdu, Hebrew:
DejaVu has the letters, but without a shaping engine fpdf2 would set them unjoined and backwards,
a wrong name rather than a missing one) is replaced by "[Arabic script not shown]", and the first
page says so. Printing those needs a font for the script (Noto Naskh Arabic, Noto Sans Bengali,
Noto Sans CJK) and, for Arabic and Bengali, the uharfbuzz shaping engine."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.unicode_script import get_unicode_script

from tui.core.phrases import say
from tui.core.printing import (Outline, OutputError, PrintedDocument, left_out_line, prepared_for_line, signer_line,
                               text_lines)

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVuSans"
MM_PER_POINT = 25.4 / 72
GREY = 70  # notes and the running header and footer: dark enough to photocopy
# An outline made without a time (outline_of always gives one): a fixed date keeps the bytes the
# same from one render to the next.
NO_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Style:
    """Type sizes in points; `spacing` is the line height as a multiple of the size."""
    body: float
    heading: float
    title: float
    small: float      # the running header and footer
    spacing: float
    margin: float     # mm, left and right


STANDARD = Style(body=11, heading=14, title=20, small=9, spacing=1.4, margin=20)
# Large print: 16 pt body text or more, headings larger still, and wider line spacing.
LARGE_PRINT = Style(body=16, heading=20, title=26, small=13, spacing=1.6, margin=18)


@cache
def _glyphs() -> frozenset[int]:
    """The characters both bundled faces have a glyph for (a label may be set in either)."""
    from fontTools.ttLib import TTFont

    regular, bold = (set(TTFont(FONTS / f).getBestCmap()) for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))
    return frozenset(regular & bold)


# Scripts a reader knows by another name than Unicode's.
SCRIPT_NAMES = {"HAN": "Chinese characters", "HIRAGANA": "Japanese script", "KATAKANA": "Japanese script",
                "HANGUL": "Korean script", "COMMON": "symbols", "INHERITED": "symbols"}


def _showable(c: str) -> bool:
    # Right-to-left letters need bidi reordering and joining that fpdf2 does only with uharfbuzz.
    return c in "\n\t " or (ord(c) in _glyphs() and unicodedata.bidirectional(c) not in ("R", "AL"))


def _script(c: str) -> str:
    name = get_unicode_script(c).name
    return SCRIPT_NAMES.get(name, f"{name.replace('_', ' ').title()} script")


def _gap(scripts: list[str], language: str) -> str:
    if language != "en":
        return say(language, "not_shown", script=say(language, "other_script"))
    return say(language, "not_shown", script=" and ".join(scripts))


def unshowable_scripts(text: str) -> list[str]:
    """The scripts in `text` this PDF cannot show, in the order they appear."""
    found: list[str] = []
    for c in unicodedata.normalize("NFC", text):
        if not _showable(c) and unicodedata.category(c) not in ("Cc", "Cf", "Mn", "Mc", "Me"):
            if (script := _script(c)) not in found:
                found.append(script)
    return found


def _clean(text: str, language: str = "en") -> str:
    """Composed characters (a name typed as w + combining circumflex prints as ŵ); no control or
    invisible format characters, which a PDF font has no glyph for; and each run of words in a
    script the font cannot show replaced by a marker saying so, never dropped."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        category = unicodedata.category(c)
        if _showable(c):
            out.append(c)
            i += 1
            continue
        if category in ("Cc", "Cf", "Mn", "Mc", "Me"):
            i += 1  # invisible, or a mark whose letter is not shown either
            continue
        scripts, j = [_script(c)], i + 1
        # One marker for a whole name: the run goes on over spaces and marks between its words.
        while j < n:
            d = text[j]
            if d == " ":
                k = j
                while k < n and text[k] == " ":
                    k += 1
                if k < n and not _showable(text[k]):
                    j = k
                    continue
                break
            if _showable(d):
                break
            if unicodedata.category(d) not in ("Cc", "Cf", "Mn", "Mc", "Me") and _script(d) not in scripts:
                scripts.append(_script(d))
            j += 1
        out.append(_gap(scripts, language))
        i = j
    return "".join(out)


def produced_at(outline: Outline) -> datetime:
    """The time the copy was taken, so the same outline always gives the same bytes."""
    return outline.produced_at or NO_DATE


def _short_state(outline: Outline) -> str:
    if outline.letter:
        return say(outline.language, "letter")
    if outline.final:
        return say(outline.language, "final_record")
    return say(outline.language, "not_final_short", state=outline.state.split(" (", 1)[0])


class _Pages(FPDF):
    def __init__(self, outline: Outline, style: Style) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.style = style
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(style.margin, 8, style.margin)
        self.language = outline.language
        self.marking = _clean(outline.marking)
        self.caveat = _clean(outline.caveat, self.language)
        self.running_head = _clean(f"{outline.child} · {outline.title}" if outline.child else outline.title,
                                   self.language)
        self.running_foot = _clean(f"{outline.name} · {_short_state(outline)}", self.language)
        self.footer_height = self.line_height(style.small) * 2 + 7
        self.set_auto_page_break(True, margin=self.footer_height + 4)
        self.set_title(_clean(outline.title))  # no child's name in the file's properties
        self.set_creator("ICS")
        self.set_lang("en-GB")
        self.set_creation_date(produced_at(outline))

    def line_height(self, size: float) -> float:
        return size * MM_PER_POINT * self.style.spacing

    def fit_footer(self) -> None:
        """Room at the foot for the warning, however many lines it wraps to (measuring needs a page)."""
        if self.caveat:
            self.set_font(FAMILY, "", self.style.small)
            self.footer_height += self.multi_cell(0, self.line_height(self.style.small), self.caveat, align="C",
                                                  dry_run=True, output="HEIGHT")
            self.set_auto_page_break(True, margin=self.footer_height + 4)

    def _marking(self) -> None:
        """The protective marking, centred and in capitals as the classification scheme asks, with
        the warning (or the family's "Private") beneath it."""
        height = self.line_height(self.style.small)
        self.set_text_color(0)
        self.set_font(FAMILY, "B", self.style.small)
        self.cell(0, height, self.marking, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if self.caveat:
            self.set_font(FAMILY, "", self.style.small)
            self.multi_cell(0, height, self.caveat, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def header(self) -> None:
        self._marking()
        self.ln(1)
        self.set_font(FAMILY, "", self.style.small)
        self.set_text_color(GREY)
        self.multi_cell(0, self.line_height(self.style.small), self.running_head, align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self._rule(self.get_y() + 1)
        self.set_y(self.get_y() + 5)
        self.set_text_color(0)

    def footer(self) -> None:
        self.set_y(-self.footer_height)
        self._rule(self.get_y() - 1)
        self.set_font(FAMILY, "", self.style.small)
        self.set_text_color(GREY)
        page = say(self.language, "page", n=str(self.page_no()), m=self.str_alias_nb_pages)
        page_width = self.get_string_width(say(self.language, "page", n=str(self.page_no()), m="9999"))
        height = self.line_height(self.style.small)
        self.cell(self.epw - page_width, height, self._fit(self.running_foot, self.epw - page_width - 3), align="L")
        self.cell(page_width, height, page, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self._marking()
        self.set_text_color(0)

    def _fit(self, text: str, width: float) -> str:
        while len(text) > 1 and self.get_string_width(text) > width:
            text = text[:-2] + "…"
        return text

    def _rule(self, y: float) -> None:
        self.set_draw_color(GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_draw_color(0)

    # -- writing -----------------------------------------------------------------------------

    def height_of(self, text: str, size: float, bold: bool = False, indent: float = 0) -> float:
        self.set_font(FAMILY, "B" if bold else "", size)
        return self.multi_cell(self.epw - indent, self.line_height(size), _clean(text, self.language) or " ",
                               align="L", dry_run=True, output="HEIGHT")

    def keep(self, height: float) -> None:
        """Starts a new page unless `height` more fits on this one."""
        if self.will_page_break(height):
            self.add_page()

    def write_text(self, text: str, size: float | None = None, bold: bool = False, indent: float = 0,
                   grey: bool = False, wrap: WrapMode = WrapMode.WORD) -> None:
        size = size or self.style.body
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(GREY if grey else 0)
        if not text.strip():
            self.ln(self.line_height(size) / 2)
            return
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, self.line_height(size), _clean(text, self.language), align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=wrap)
        self.set_text_color(0)

    def write_item(self, text: str, indent: float, bold: bool = False) -> None:
        """A line of a list: a bullet, and the text hanging beside it."""
        size = self.style.body
        self.set_font(FAMILY, "B" if bold else "", size)
        bullet = self.get_string_width("•  ")
        self.set_x(self.l_margin + indent)
        self.cell(bullet, self.line_height(size), "•")
        self.multi_cell(self.epw - indent - bullet, self.line_height(size), _clean(text, self.language), align="L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def gap(self, lines: float = 1.0) -> None:
        self.ln(self.line_height(self.style.body) * lines)

    def heading(self, text: str, following: float = 0) -> None:
        """A section heading, kept on the page with `following` mm of what comes after it."""
        size = self.style.heading
        self.gap(0.6)
        self.keep(self.height_of(text, size, bold=True) + 3 + following)
        self.write_text(text, size, bold=True)
        self._rule(self.get_y() + 0.5)
        self.ln(2.5)


def _indent(style: Style) -> float:
    return style.body * MM_PER_POINT * 2.2


def _facts(pdf: _Pages, outline: Outline) -> None:
    size = pdf.style.body
    pdf.set_font(FAMILY, "B", size)
    label_width = max((pdf.get_string_width(_clean(label, pdf.language) + ":") for label, _ in outline.facts),
                      default=0) + 4
    label_width = min(label_width, pdf.epw * 0.4)
    for label, value in outline.facts:
        height = pdf.height_of(value, size, indent=label_width)
        pdf.keep(height)
        pdf.set_font(FAMILY, "B", size)
        pdf.cell(label_width, pdf.line_height(size), _clean(label, pdf.language) + ":")
        pdf.set_font(FAMILY, "", size)
        pdf.multi_cell(pdf.epw - label_width, pdf.line_height(size), _clean(value, pdf.language) or " ", align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _not_final_notice(pdf: _Pages, outline: Outline) -> None:
    size = pdf.style.body
    pdf.gap(0.6)
    pdf.set_font(FAMILY, "B", size)
    pdf.set_line_width(0.6)
    pdf.multi_cell(0, pdf.line_height(size), _clean(say(outline.language, "not_final", state=outline.state),
                                                    outline.language),
                   border=1, align="L", padding=2.5, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(0.2)


def _parts(pdf: _Pages, outline: Outline) -> None:
    body, indent = pdf.style.body, _indent(pdf.style)
    for part in outline.parts:
        first = part.entries[0] if part.entries else None
        following = (pdf.height_of(first.label, body, bold=True) + pdf.line_height(body)) if first else 0
        pdf.heading(part.title, following)
        for entry in part.entries:
            pdf.keep(pdf.height_of(entry.label, body, bold=True) + pdf.line_height(body))
            pdf.write_text(entry.label, bold=True)
            for line in entry.answer:
                if line.startswith("- "):
                    pdf.write_item(line[2:], indent, bold=entry.missing)
                else:
                    pdf.write_text(line, indent=indent, bold=entry.missing)
            if entry.note:
                pdf.write_text(entry.note, indent=indent, grey=True)
            pdf.gap(0.5)


def _signature_block(pdf: _Pages, outline: Outline) -> None:
    body, indent = pdf.style.body, _indent(pdf.style)
    row = pdf.line_height(body) * 2.2  # room to write by hand
    blank_height = pdf.line_height(body) * 1.3 + 3 * row
    language = outline.language
    signed_heights = [pdf.height_of(signed.role, body, bold=True) + pdf.height_of(
        signer_line(language, signed), body, indent=indent) for signed in outline.signatures]
    pdf.heading(say(language, "signatures"), (signed_heights or [blank_height])[0])
    for signed, height in zip(outline.signatures, signed_heights):
        pdf.keep(height)
        pdf.write_text(signed.role, bold=True)
        pdf.write_text(signer_line(language, signed), indent=indent)
        pdf.gap(0.5)
    pdf.set_font(FAMILY, "", body)
    labels = [say(language, key) for key in ("name", "signed", "date")]
    label_width = max(pdf.get_string_width(label) for label in labels) + 4
    for role in outline.unsigned:
        pdf.keep(blank_height)
        pdf.write_text(say(language, "not_yet_signed", role=role), bold=True)
        for label, length in ((labels[0], pdf.epw - indent - label_width), (labels[1], pdf.epw - indent - label_width),
                              (labels[2], min(70.0, pdf.epw - indent - label_width))):
            top = pdf.get_y()
            pdf.set_font(FAMILY, "", body)
            pdf.set_xy(pdf.l_margin + indent, top + row - pdf.line_height(body))
            pdf.cell(label_width, pdf.line_height(body), label)
            baseline = top + row - 1
            pdf.set_line_width(0.3)
            pdf.line(pdf.get_x(), baseline, pdf.get_x() + length, baseline)
            pdf.set_line_width(0.2)
            pdf.set_xy(pdf.l_margin, top + row)
        pdf.gap(0.7)


def _appendments(pdf: _Pages, outline: Outline) -> None:
    body, indent = pdf.style.body, _indent(pdf.style)
    first = outline.appendments[0]
    pdf.heading(say(outline.language, "added"), pdf.height_of(f"{first.author}, {first.when}:", body, bold=True)
                + pdf.line_height(body))
    for added in outline.appendments:
        pdf.keep(pdf.height_of(f"{added.author}, {added.when}:", body, bold=True) + pdf.line_height(body))
        pdf.write_text(f"{added.author}, {added.when}:", bold=True)
        for paragraph in added.text.splitlines() or [""]:
            pdf.write_text(paragraph, indent=indent)
        pdf.gap(0.5)


def _closing(pdf: _Pages, outline: Outline) -> None:
    body = pdf.style.body
    pdf.gap(1)
    lines = []
    if outline.fingerprint:
        lines.append("The completed record is fixed and signed in ICS; its fingerprint (SHA-256) is:")
    pdf.keep(sum(pdf.height_of(line, body) for line in lines + [outline.produced]) + 2 * pdf.line_height(body))
    for line in lines:
        pdf.write_text(line)
    if outline.fingerprint:
        pdf.write_text(outline.fingerprint, wrap=WrapMode.CHAR)
    pdf.write_text(outline.produced)


def as_pdf(outline: Outline, large_print: bool = False) -> PrintedDocument:
    """The outline as an A4 PDF (16 pt text and wider spacing with `large_print`). Raises
    OutputError for a final document with no signature: a final document without signatures
    cannot be produced."""
    if outline.final and not outline.signatures:
        raise OutputError("FAILED_PRECONDITION", f"No PDF was made: {outline.title} ({outline.name}) is final but "
                          "nobody has signed it in ICS, and a final document without signatures cannot be "
                          "produced. Ask the team leader who completed it to sign it in ICS first.")
    style = LARGE_PRINT if large_print else STANDARD
    pdf = _Pages(outline, style)
    pdf.add_page()
    pdf.fit_footer()
    pdf.write_text(outline.title, style.title, bold=True)
    pdf.gap(0.4)
    if outline.prepared_for:
        pdf.write_text(prepared_for_line(outline), style.heading, bold=True)
        pdf.gap(0.4)
    _facts(pdf, outline)
    if scripts := unshowable_scripts(_every_word(outline)):
        pdf.gap(0.4)
        pdf.write_text(say(outline.language, "scripts_note", scripts=" and ".join(scripts)), bold=True)
    if outline.left_out:
        pdf.gap(0.4)
        pdf.write_text(left_out_line(outline), grey=True)
    if not outline.final and not outline.letter:
        _not_final_notice(pdf, outline)
    _parts(pdf, outline)
    if outline.final:
        _signature_block(pdf, outline)
    if outline.appendments:
        _appendments(pdf, outline)
    _closing(pdf, outline)
    stem = f"{outline.stem}-large-print" if large_print else outline.stem
    return PrintedDocument(outline.title, stem, "\n".join(text_lines(outline)) + "\n", extension="pdf",
                           data=bytes(pdf.output()), prepared_for=outline.prepared_for)


def _every_word(outline: Outline) -> str:
    """All the outline's own text, to find what the font cannot show before the first page is set."""
    words = [outline.title, outline.child, outline.prepared_for, outline.produced]
    words += [f"{label} {value}" for label, value in outline.facts]
    for part in outline.parts:
        words.append(part.title)
        for entry in part.entries:
            words += [entry.label, entry.note, *entry.answer]
    words += [f"{s.role} {s.signer} {s.how} {s.when}" for s in outline.signatures] + list(outline.unsigned)
    words += [f"{a.author} {a.text}" for a in outline.appendments]
    return "\n".join(words)
