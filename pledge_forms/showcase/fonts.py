"""Text measured with the metrics of a real font file, for the badge and the certificate.

The font files are TrueType files named by ``PLEDGE_FORMS_FONT_FILES`` (``conf.font_files``);
by default the Bitstream Vera fonts that ReportLab ships, so the plugin works without
the site. Widths come from the font's advance widths and its kerning (the ``kern`` table
or the GPOS ``kern`` feature's pair adjustments). The badge draws the very glyphs it
measured as SVG paths (:meth:`Font.glyph_path`), so what was measured is what is seen.

:func:`fit_lines` puts a name on at most a given number of lines: on one line at the
largest size, else wrapped at word boundaries and made smaller only as far as needed;
as the last resort it breaks a word that is too long. It never cuts a name.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from pledge_forms import conf

SPACE = " "


class Font:
    """One TrueType font file: its glyphs for a text, their advances with kerning, their
    outlines."""

    def __init__(self, path: str):
        self.path = path
        # Read whole at once (kept per process): nothing is decoded later, under load, by
        # two threads at a time.
        self._font = TTFont(path, lazy=False)
        self.units_per_em: int = self._font["head"].unitsPerEm
        self._cmap: dict[int, str] = self._font.getBestCmap() or {}
        self._metrics = self._font["hmtx"].metrics
        self._glyph_set = self._font.getGlyphSet()
        self._kern_pairs: dict[tuple[str, str], int] = {}
        self._pair_subtables: list = []
        self._load_kerning()
        hhea = self._font["hhea"]
        self.ascent: float = hhea.ascent / self.units_per_em  # in em
        self.descent: float = -hhea.descent / self.units_per_em

    # --- Kerning ------------------------------------------------------------------------

    def _load_kerning(self) -> None:
        if "kern" in self._font:
            for table in self._font["kern"].kernTables:
                if getattr(table, "coverage", 1) & 1 and hasattr(table, "kernTable"):
                    self._kern_pairs.update(table.kernTable)
        if "GPOS" not in self._font:
            return
        gpos = self._font["GPOS"].table
        if not gpos.FeatureList or not gpos.LookupList:
            return
        indices = sorted(
            {
                index
                for record in gpos.FeatureList.FeatureRecord
                if record.FeatureTag == "kern"
                for index in record.Feature.LookupListIndex
            }
        )
        for index in indices:
            lookup = gpos.LookupList.Lookup[index]
            for subtable in lookup.SubTable:
                if lookup.LookupType == 9:  # extension: the real subtable inside
                    if subtable.ExtensionLookupType != 2:
                        continue
                    subtable = subtable.ExtSubTable
                elif lookup.LookupType != 2:
                    continue
                self._pair_subtables.append(_PairSubtable(subtable))

    def kerning(self, left: str, right: str) -> int:
        """The adjustment of the advance of ``left`` before ``right``, in font units."""
        if (left, right) in self._kern_pairs:
            return self._kern_pairs[(left, right)]
        for subtable in self._pair_subtables:
            value = subtable.value(left, right)
            if value is not None:
                return value
        return 0

    # --- Glyphs and measures ----------------------------------------------------------------

    def has(self, char: str) -> bool:
        return ord(char) in self._cmap

    def glyph_names(self, text: str) -> list[str]:
        """The glyph of each character of ``text``; a character the font lacks is drawn as
        its base letter when it has one (``ő`` as ``o``), else as the missing glyph."""
        names = []
        for char in text:
            name = self._cmap.get(ord(char))
            if name is None:
                base = [
                    self._cmap[ord(c)]
                    for c in unicodedata.normalize("NFKD", char)
                    if ord(c) in self._cmap and not unicodedata.combining(c)
                ]
                names.extend(base or [".notdef"])
            else:
                names.append(name)
        return names

    def drawable(self, text: str) -> str:
        """``text`` with each character the font lacks replaced as :meth:`glyph_names`
        draws it (its base letter), for renderers that take characters."""
        out = []
        for char in text:
            if self.has(char) or char.isspace():
                out.append(char)
            else:
                base = [
                    c
                    for c in unicodedata.normalize("NFKD", char)
                    if self.has(c) and not unicodedata.combining(c)
                ]
                out.append("".join(base) or char)
        return "".join(out)

    def layout(self, text: str) -> tuple[list[tuple[str, int]], int]:
        """The glyphs of ``text`` with the pen position of each (font units, kerning
        applied), and the total advance."""
        x = 0
        placed = []
        names = self.glyph_names(text)
        for index, name in enumerate(names):
            placed.append((name, x))
            x += self._metrics.get(name, self._metrics[".notdef"])[0]
            if index + 1 < len(names):
                x += self.kerning(name, names[index + 1])
        return placed, x

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` at ``size`` (same unit as ``size``)."""
        return self.layout(text)[1] * size / self.units_per_em

    def glyph_path(self, name: str) -> str:
        """SVG path data of a glyph in font units (y upwards, as fonts draw)."""
        return _glyph_path(self, name)


_drawing = threading.Lock()


@functools.lru_cache(maxsize=4096)
def _glyph_path(font: Font, name: str) -> str:
    with _drawing:
        pen = SVGPathPen(font._glyph_set)
        font._glyph_set[name].draw(pen)
        return pen.getCommands()


class _PairSubtable:
    """A GPOS pair-adjustment subtable (format 1: glyph pairs; format 2: class pairs)."""

    def __init__(self, subtable):
        self.format = subtable.Format
        covered = subtable.Coverage.glyphs
        self.coverage = {name: index for index, name in enumerate(covered)}
        if self.format == 1:
            self.pairs = [
                {
                    record.SecondGlyph: getattr(record.Value1, "XAdvance", 0) or 0
                    for record in pair_set.PairValueRecord
                }
                for pair_set in subtable.PairSet
            ]
        else:
            self.first = subtable.ClassDef1.classDefs if subtable.ClassDef1 else {}
            self.second = subtable.ClassDef2.classDefs if subtable.ClassDef2 else {}
            self.records = subtable.Class1Record

    def value(self, left: str, right: str) -> int | None:
        index = self.coverage.get(left)
        if index is None:
            return None
        if self.format == 1:
            return self.pairs[index].get(right)
        record = self.records[self.first.get(left, 0)].Class2Record[
            self.second.get(right, 0)
        ]
        return getattr(record.Value1, "XAdvance", 0) or 0


@functools.lru_cache(maxsize=8)
def load(path: str) -> Font:
    return Font(path)


def font(weight: str = "regular") -> Font:
    """The configured font of ``weight`` ("regular" or "bold")."""
    return load(conf.font_files()[weight])


# --- Lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fitted:
    """Lines of a text at one font size; ``broken_word``: a word had to be split."""

    lines: tuple[str, ...]
    size: float
    broken_word: bool = False


Measure = Callable[[str, float], float]


def _breaks(text: str) -> list[str]:
    """Pieces of ``text`` after which a line may end: after a space or a hyphen."""
    pieces, current = [], ""
    for char in text:
        current += char
        if char in (SPACE, "-", "\u2010", "/"):
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _wrap(
    pieces: list[str], fits: Callable[[str], bool], most: int
) -> list[str] | None:
    """Pieces packed into at most ``most`` lines, greedily, each line fitting; None when
    they do not fit."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece
        if not current or fits(candidate.rstrip()):
            if not current and not fits(piece.rstrip()):
                return None
            current = candidate
        else:
            lines.append(current.rstrip())
            current = piece
    if current.strip():
        lines.append(current.rstrip())
    return lines if len(lines) <= most else None


def _balanced(pieces: list[str], fits: Callable[[str], bool], width: Callable) -> list:
    """The two-line split at a break whose longer line is the shortest (both fitting)."""
    best, best_width = None, None
    for cut in range(1, len(pieces)):
        first = "".join(pieces[:cut]).rstrip()
        second = "".join(pieces[cut:]).rstrip()
        if first and second and fits(first) and fits(second):
            longest = max(width(first), width(second))
            if best_width is None or longest < best_width:
                best, best_width = [first, second], longest
    return best


def _sizes(high: float, low: float, step: float = 0.5) -> Iterable[float]:
    size = high
    while size >= low - 1e-9:
        yield round(size, 2)
        size -= step


def fit_lines(
    text: str,
    measure: Measure,
    width: float,
    *,
    size: float,
    min_size: float,
    floor: float,
    lines: int = 2,
) -> Fitted:
    """``text`` in at most ``lines`` lines no wider than ``width``, never cut.

    One line at ``size`` if it fits; else wrapped at word boundaries (balanced when two
    lines) at the largest size from ``size`` down to ``min_size`` that fits; only then
    smaller, down to ``floor``; as the last resort a word too long for a line is broken
    (and the size goes below ``floor`` only if even that cannot hold the text)."""
    text = " ".join(text.split())
    if not text:
        return Fitted(("",), size)
    if measure(text, size) <= width:
        return Fitted((text,), size)
    pieces = _breaks(text)
    for current in _sizes(size, floor):
        result = _fit_words(pieces, measure, width, current, lines)
        if result:
            return Fitted(tuple(result), current)
    # Last resort: break words at any character.
    current = floor
    while True:
        result = _wrap(
            list(text), lambda line, s=current: measure(line, s) <= width, lines
        )
        if result or current <= 1:
            return Fitted(tuple(result or [text]), current, broken_word=True)
        current = round(current - 0.5, 2)


def _fit_words(pieces, measure, width, size, lines):
    def fits(line: str) -> bool:
        return measure(line, size) <= width

    if lines == 2:
        found = _balanced(pieces, fits, lambda line: measure(line, size))
        if found:
            return found
        return None
    return _wrap(pieces, fits, lines)
