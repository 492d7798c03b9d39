"""Personal metadata in essay photos: what ``essay check`` refuses, and how it is removed losslessly.

A phone or camera writes more into a photo than its pixels, and the original file is committed
to the public repository (the published copies are re-encoded without any of it by
``site/images.py``). ``essay check`` refuses a photo that carries any of these, each named in
its message:

==================  ====================================================================
location            EXIF GPS data (any GPS tag but the version); in XMP ``exif:GPS…``,
                    ``photoshop:City``/``State``/``Country``, IPTC Core ``Location``/
                    ``CountryCode``, IPTC Extension ``LocationCreated``/``LocationShown``;
                    IPTC-IIM city, sub-location, province, country (2:90–2:101)
serial number       EXIF ``BodySerialNumber``, ``LensSerialNumber``, ``CameraSerialNumber``;
                    XMP ``aux:SerialNumber``, ``aux:LensSerialNumber``,
                    ``exifEX:BodySerialNumber``, ``exifEX:LensSerialNumber``
a person's name     EXIF ``Artist``, ``Copyright``, ``CameraOwnerName``, ``XPAuthor``; XMP
                    ``dc:creator``, ``dc:rights``, ``xmpRights:Owner``, ``tiff:Artist``,
                    ``tiff:Copyright``, ``exifEX:CameraOwnerName``,
                    ``Iptc4xmpCore:CreatorContactInfo``, ``photoshop:Credit``; IPTC-IIM
                    by-line, copyright notice, contact, writer (2:80, 2:85, 2:116, 2:118,
                    2:122); PNG text ``Author``, ``Artist``, ``Copyright``, ``Owner``
maker notes         EXIF ``MakerNote``: each maker's undocumented format, in which Canon,
                    Nikon, Fujifilm, Olympus and Pentax cameras keep the body's serial
                    number; no check can read them all, so any maker note is refused
unreadable          EXIF or XMP that cannot be read whole (truncated, damaged, or XMP with
                    a DOCTYPE): what it holds cannot be known
==================  ====================================================================

``essay photos --strip`` removes them without decoding the pixels: a JPEG keeps its
segments that say how to decode it (JFIF, the ICC colour profile, Adobe's colour transform,
tables, frame and scans, copied byte for byte) and loses every other ``APPn`` segment and
comment, and anything after its end (a second picture, with metadata of its own, as phones
append); a PNG keeps its image and colour chunks and loses text, ``eXIf`` and unknown
ancillary chunks; a WebP keeps its image, animation and ICC chunks and loses ``EXIF``, ``XMP ``
and unknown chunks (the ``VP8X`` flags follow). The orientation is the one piece of EXIF kept
(in a new EXIF block holding nothing else), because the picture would otherwise show turned.

The containers are walked here; the EXIF inside them is read by Pillow, XMP by ElementTree.
"""

from __future__ import annotations

import re
import struct
import warnings
import xml.etree.ElementTree as ElementTree
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from PIL import Image


class Kind(NamedTuple):
    """A kind of personal metadata, as a message names it."""

    ja: str
    en: str


LOCATION = Kind("位置情報（GPS）", "location (GPS)")
SERIAL = Kind("カメラ・レンズの製造番号", "camera or lens serial number")
NAME = Kind("撮影者・所有者・著作権者の名前", "name of the photographer, owner or copyright holder")
MAKER_NOTES = Kind("メーカーノート（製造番号が入ることがあります）", "maker notes (may hold a serial number)")
UNREADABLE = Kind(
    "読み取れない撮影データ（中身を確かめられません）", "metadata that cannot be read (its content is unknown)"
)
#: The order kinds are named in.
KINDS = (LOCATION, SERIAL, NAME, MAKER_NOTES, UNREADABLE)


class MetadataError(ValueError):
    """The file's container (JPEG segments, PNG chunks, WebP chunks) is damaged."""


# ---- What counts as personal --------------------------------------------------------------------

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_GPS_VERSION = 0x0000
ORIENTATION = 0x0112
_MAKER_NOTE = 0x927C
#: EXIF tags (IFD0 or the Exif IFD) → what they reveal.
_EXIF_TAGS: dict[int, Kind] = {
    0xA431: SERIAL,  # BodySerialNumber
    0xA435: SERIAL,  # LensSerialNumber
    0xC62F: SERIAL,  # CameraSerialNumber (DNG)
    0x013B: NAME,  # Artist
    0x8298: NAME,  # Copyright
    0xA430: NAME,  # CameraOwnerName
    0x9C9D: NAME,  # XPAuthor
    _MAKER_NOTE: MAKER_NOTES,
}

_NS_EXIF = "http://ns.adobe.com/exif/1.0/"
_NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
_NS_IPTC_CORE = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
_NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
_NS_AUX = "http://ns.adobe.com/exif/1.0/aux/"
_NS_EXIF_EX = "http://cipa.jp/exif/1.0/"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
_NS_TIFF = "http://ns.adobe.com/tiff/1.0/"
#: XMP properties (``{namespace}name``) → what they reveal; ``exif:GPS…`` is matched apart.
_XMP_PROPERTIES: dict[str, Kind] = {
    **{f"{{{_NS_PHOTOSHOP}}}{name}": LOCATION for name in ("City", "State", "Country")},
    **{f"{{{_NS_IPTC_CORE}}}{name}": LOCATION for name in ("Location", "CountryCode")},
    **{f"{{{_NS_IPTC_EXT}}}{name}": LOCATION for name in ("LocationCreated", "LocationShown")},
    **{f"{{{_NS_AUX}}}{name}": SERIAL for name in ("SerialNumber", "LensSerialNumber")},
    **{f"{{{_NS_EXIF_EX}}}{name}": SERIAL for name in ("BodySerialNumber", "LensSerialNumber")},
    f"{{{_NS_EXIF_EX}}}CameraOwnerName": NAME,
    f"{{{_NS_DC}}}creator": NAME,
    f"{{{_NS_DC}}}rights": NAME,
    f"{{{_NS_RIGHTS}}}Owner": NAME,
    f"{{{_NS_TIFF}}}Artist": NAME,
    f"{{{_NS_TIFF}}}Copyright": NAME,
    f"{{{_NS_IPTC_CORE}}}CreatorContactInfo": NAME,
    f"{{{_NS_PHOTOSHOP}}}Credit": NAME,
}
#: IPTC-IIM datasets of the application record (2) → what they reveal.
_IIM_DATASETS: dict[int, Kind] = {
    80: NAME, 85: NAME, 116: NAME, 118: NAME, 122: NAME,  # by-line (title), copyright, contact, writer
    90: LOCATION, 92: LOCATION, 95: LOCATION, 100: LOCATION, 101: LOCATION,  # city … country
}
#: PNG text keywords whose value is a person's name.
_PNG_NAME_KEYWORDS = frozenset({"Author", "Artist", "Copyright", "Owner"})
#: How much a compressed PNG text chunk may expand to before it is taken as unreadable.
_MAX_TEXT = 1 << 20


@dataclass
class Blocks:
    """The metadata a file carries, as raw blocks found in its container."""

    #: TIFF data (with or without ``Exif\\0\\0`` before it), one per EXIF block.
    exif: list[bytes] = field(default_factory=list)
    xmp: list[bytes] = field(default_factory=list)
    #: IPTC-IIM data (Photoshop's resource 0x0404).
    iim: list[bytes] = field(default_factory=list)
    #: PNG text chunks: keyword → text.
    text: list[tuple[str, str]] = field(default_factory=list)
    unreadable: bool = False


def exif_tags(tiff: bytes) -> tuple[dict[int, object], dict[int, object], bool]:
    """IFD0 with the Exif IFD's tags, the GPS IFD, and whether all of it could be read (Pillow)."""
    with warnings.catch_warnings(record=True) as caught:
        # Pillow warns, and reads on, where EXIF is truncated or damaged: that is an answer too.
        warnings.simplefilter("always")
        try:
            exif = Image.Exif()
            exif.load(tiff)
            tags = dict(exif)
            tags.update(exif.get_ifd(_EXIF_IFD))
            gps = dict(exif.get_ifd(_GPS_IFD)) if _GPS_IFD in exif else {}
        except (SyntaxError, ValueError, OSError, struct.error, KeyError, TypeError, IndexError):
            return {}, {}, False
    whole = not any(issubclass(warning.category, UserWarning) for warning in caught)
    if _GPS_IFD in tags and not gps:
        whole = False  # a GPS pointer to nothing readable
    return tags, gps, whole


def _exif_kinds(tiff: bytes) -> set[Kind]:
    tags, gps, whole = exif_tags(tiff)
    kinds = {kind for tag, kind in _EXIF_TAGS.items() if _has_value(tags.get(tag))}
    if any(tag != _GPS_VERSION for tag in gps):
        kinds.add(LOCATION)
    if not whole:
        kinds.add(UNREADABLE)
    return kinds


def _has_value(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, bytes):
        return bool(value.strip(b"\x00 "))
    if isinstance(value, str):
        return bool(value.strip("\x00 "))
    return True


def _xmp_kinds(packet: bytes) -> set[Kind]:
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        # XMP never needs a DTD; entities are how XML bombs expand.
        return {UNREADABLE}
    try:
        root = ElementTree.fromstring(packet.strip(b"\x00 \t\r\n"))
    except ElementTree.ParseError:
        return {UNREADABLE}
    kinds: set[Kind] = set()
    for element in root.iter():
        names = [(element.tag, "".join(element.itertext()))] + list(element.attrib.items())
        for name, value in names:
            if not isinstance(name, str) or not value.strip():
                continue
            if name.startswith(f"{{{_NS_EXIF}}}GPS") and name != f"{{{_NS_EXIF}}}GPSVersionID":
                kinds.add(LOCATION)
            elif name in _XMP_PROPERTIES:
                kinds.add(_XMP_PROPERTIES[name])
    return kinds


def _iim_kinds(data: bytes) -> set[Kind]:
    kinds: set[Kind] = set()
    position = 0
    while position + 5 <= len(data) and data[position] == 0x1C:
        record, dataset, size = struct.unpack(">BBH", data[position + 1:position + 5])
        if size & 0x8000:
            return kinds | {UNREADABLE}  # an extended length: never used for text
        value = data[position + 5:position + 5 + size]
        if record == 2 and dataset in _IIM_DATASETS and value.strip(b"\x00 "):
            kinds.add(_IIM_DATASETS[dataset])
        position += 5 + size
    return kinds


def personal_metadata(data: bytes, image_format: str) -> list[Kind]:
    """The kinds of personal metadata a JPEG, PNG or WebP file holds, in :data:`KINDS` order."""
    try:
        blocks = read_blocks(data, image_format)
    except MetadataError:
        return [UNREADABLE]
    kinds: set[Kind] = {UNREADABLE} if blocks.unreadable else set()
    for tiff in blocks.exif:
        kinds |= _exif_kinds(tiff)
    for packet in blocks.xmp:
        kinds |= _xmp_kinds(packet)
    for iim in blocks.iim:
        kinds |= _iim_kinds(iim)
    for keyword, text in blocks.text:
        if keyword in _PNG_NAME_KEYWORDS and text.strip():
            kinds.add(NAME)
    return [kind for kind in KINDS if kind in kinds]


def orientation(tiff: bytes) -> int:
    """The EXIF orientation (1–8), 1 when there is none or it cannot be read."""
    tags, _, _ = exif_tags(tiff)
    value = tags.get(ORIENTATION, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def orientation_only(value: int) -> bytes:
    """A TIFF block (without ``Exif\\0\\0``) holding one tag, the orientation ``value``."""
    exif = Image.Exif()
    exif[ORIENTATION] = value
    return exif.tobytes().removeprefix(b"Exif\x00\x00")


# ---- Containers ---------------------------------------------------------------------------------

_EXIF_HEADER = b"Exif\x00\x00"
_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXTENSION_HEADER = b"http://ns.adobe.com/xmp/extension/\x00"
_PHOTOSHOP_HEADER = b"Photoshop 3.0\x00"
_ICC_HEADER = b"ICC_PROFILE\x00"
_SOS, _EOI, _COM, _APP0, _APP1, _APP2, _APP13, _APP14 = 0xDA, 0xD9, 0xFE, 0xE0, 0xE1, 0xE2, 0xED, 0xEE
#: A marker inside entropy-coded data: 0xFF not followed by stuffing (00), a restart (D0–D7) or fill.
_MARKER_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class _Segment(NamedTuple):
    marker: int
    #: The whole segment, marker included (for a scan: its header and entropy-coded data).
    raw: bytes
    #: What follows the length field.
    payload: bytes


def _jpeg_segments(data: bytes) -> Iterator[_Segment]:
    """Every segment from SOI to EOI; raises MetadataError where the structure is broken."""
    if not data.startswith(b"\xff\xd8"):
        raise MetadataError("not a JPEG file")
    yield _Segment(0xD8, data[:2], b"")
    position = 2
    while True:
        start = position
        if position >= len(data) or data[position] != 0xFF:
            raise MetadataError(f"no marker at byte {position}")
        while position < len(data) and data[position] == 0xFF:
            position += 1  # fill bytes
        if position >= len(data):
            raise MetadataError("the file ends inside a marker")
        marker = data[position]
        position += 1
        if marker == _EOI:
            yield _Segment(marker, data[start:position], b"")
            return
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            yield _Segment(marker, data[start:position], b"")
            continue
        if position + 2 > len(data):
            raise MetadataError("the file ends inside a segment length")
        length = struct.unpack(">H", data[position:position + 2])[0]
        end = position + length
        if length < 2 or end > len(data):
            raise MetadataError(f"a segment at byte {start} runs past the end of the file")
        payload = data[position + 2:end]
        if marker == _SOS:
            # The scan's entropy-coded data runs to the next real marker; copied as it is.
            found = _MARKER_IN_SCAN.search(data, end)
            if found is None:
                # A file cut inside its image data: the data is kept as it is, to its last byte.
                yield _Segment(marker, data[start:], payload)
                return
            end = found.start()
        yield _Segment(marker, data[start:end], payload)
        position = end


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """``(type, data, whole chunk)`` for every chunk up to IEND."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise MetadataError("not a PNG file")
    position = 8
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            raise MetadataError(f"a chunk at byte {position} runs past the end of the file")
        yield kind, data[position + 8:position + 8 + length], data[position:end]
        position = end
        if kind == b"IEND":
            return
    raise MetadataError("the file ends before IEND")


def _webp_chunks(data: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """``(FourCC, payload, whole chunk with padding)`` for every chunk of the RIFF container."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MetadataError("not a WebP file")
    size = struct.unpack("<I", data[4:8])[0]
    limit = min(len(data), 8 + size)
    position = 12
    while position + 8 <= limit:
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        end = position + 8 + length + (length & 1)
        if position + 8 + length > limit:
            raise MetadataError(f"a chunk at byte {position} runs past the end of the file")
        yield kind, data[position + 8:position + 8 + length], data[position:min(end, limit)]
        position = end


def _png_text(kind: bytes, chunk: bytes) -> tuple[str, str] | None:
    """A PNG text chunk's keyword and text; None when it cannot be read."""
    keyword, _, rest = chunk.partition(b"\x00")
    try:
        if kind == b"tEXt":
            return keyword.decode("latin-1"), rest.decode("latin-1")
        if kind == b"zTXt":
            return keyword.decode("latin-1"), _inflate(rest[1:]).decode("latin-1")
        compressed, rest = rest[:1] == b"\x01", rest[2:]
        _language, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        return keyword.decode("latin-1"), (_inflate(text) if compressed else text).decode("utf-8")
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, _MAX_TEXT)
    if inflater.unconsumed_tail:
        raise ValueError("a text chunk expands past the limit")
    return text


def _photoshop_iim(payload: bytes) -> list[bytes]:
    """The IPTC-IIM blocks among Photoshop's image resources (``8BIM``, id 0x0404)."""
    found = []
    position = len(_PHOTOSHOP_HEADER)
    while position + 12 <= len(payload) and payload[position:position + 4] == b"8BIM":
        resource = struct.unpack(">H", payload[position + 4:position + 6])[0]
        name_length = payload[position + 6]
        position += 6 + ((name_length + 2) & ~1)  # a Pascal string padded to an even length
        if position + 4 > len(payload):
            break
        size = struct.unpack(">I", payload[position:position + 4])[0]
        data = payload[position + 4:position + 4 + size]
        if resource == 0x0404:
            found.append(data)
        position += 4 + size + (size & 1)
    return found


def read_blocks(data: bytes, image_format: str) -> Blocks:
    """The metadata blocks of a JPEG, PNG or WebP file (Pillow's format names)."""
    blocks = Blocks()
    if image_format == "JPEG":
        extended: list[bytes] = []
        for segment in _jpeg_segments(data):
            payload = segment.payload
            if segment.marker == _SOS:
                break  # metadata comes before the image data
            if segment.marker == _APP1 and payload.startswith(_EXIF_HEADER):
                blocks.exif.append(payload)
            elif segment.marker == _APP1 and payload.startswith(_XMP_HEADER):
                blocks.xmp.append(payload[len(_XMP_HEADER):])
            elif segment.marker == _APP1 and payload.startswith(_XMP_EXTENSION_HEADER):
                # GUID (32), full length (4), offset (4), then a piece of the extended packet.
                extended.append(payload[len(_XMP_EXTENSION_HEADER) + 40:])
            elif segment.marker == _APP13 and payload.startswith(_PHOTOSHOP_HEADER):
                blocks.iim += _photoshop_iim(payload)
        if extended:
            blocks.xmp.append(b"".join(extended))
    elif image_format == "PNG":
        for kind, chunk, _ in _png_chunks(data):
            if kind == b"eXIf":
                blocks.exif.append(chunk)
            elif kind in (b"tEXt", b"zTXt", b"iTXt"):
                text = _png_text(kind, chunk)
                if text is None:
                    blocks.unreadable = True
                    continue
                keyword, value = text
                if keyword == "XML:com.adobe.xmp":
                    blocks.xmp.append(value.encode("utf-8"))
                elif keyword in ("Raw profile type exif", "Raw profile type APP1"):
                    # ImageMagick's form: a blank line, the name, the length, then hex digits.
                    try:
                        blocks.exif.append(bytes.fromhex("".join(value.split("\n")[3:])))
                    except ValueError:
                        blocks.unreadable = True
                else:
                    blocks.text.append(text)
    elif image_format == "WEBP":
        for kind, chunk, _ in _webp_chunks(data):
            if kind == b"EXIF":
                blocks.exif.append(chunk)
            elif kind == b"XMP ":
                blocks.xmp.append(chunk)
    else:
        raise MetadataError(f"no metadata reader for {image_format}")
    return blocks


# ---- Removing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stripped:
    """A file without its personal metadata, and what was taken out of it."""

    data: bytes
    #: Each removed block, described for the report: ``(日本語, English)``.
    removed: tuple[Kind, ...]
    #: The orientation kept in a new EXIF block (1: none was needed).
    orientation: int


def _exif_removed(tiff: bytes) -> Kind | None:
    """How a removed EXIF block is reported; None for one holding only the orientation, which is
    written back as it was (so stripping a stripped file reports nothing)."""
    tags, gps, whole = exif_tags(tiff)
    if whole and not gps and set(tags) <= {ORIENTATION}:
        return None
    named = [kind for kind in KINDS if kind in _exif_kinds(tiff)]
    ja = "、".join(kind.ja for kind in named)
    en = ", ".join(kind.en for kind in named)
    return Kind(f"EXIF（{ja}）" if named else "EXIF", f"EXIF ({en})" if named else "EXIF")


_XMP_REMOVED = Kind("XMP", "XMP")


def _segment_removed(segment: _Segment) -> Kind | None:
    payload = segment.payload
    if segment.marker == _APP1 and payload.startswith(_EXIF_HEADER):
        return _exif_removed(payload)
    if segment.marker == _APP1 and payload.startswith((_XMP_HEADER, _XMP_EXTENSION_HEADER)):
        return _XMP_REMOVED
    if segment.marker == _APP13:
        return Kind("IPTC・Photoshop の情報", "IPTC and Photoshop data")
    if segment.marker == _COM:
        return Kind("コメント", "comment")
    name = payload.split(b"\x00", 1)[0][:20].decode("ascii", "replace") or "?"
    return Kind(f"APP{segment.marker - _APP0}（{name}）", f"APP{segment.marker - _APP0} ({name})")


def _kept_jpeg_segment(segment: _Segment) -> bool:
    if segment.marker == _APP0:
        return True  # JFIF: pixel density, nothing personal
    if segment.marker == _APP2:
        return segment.payload.startswith(_ICC_HEADER)  # the colour profile, not MPF's index
    if segment.marker == _APP14:
        return segment.payload.startswith(b"Adobe")  # says how to turn the stored channels into colour
    return not (_APP0 <= segment.marker <= 0xEF or segment.marker == _COM)


def _strip_jpeg(data: bytes) -> Stripped:
    kept: list[bytes] = []
    removed: list[Kind] = []
    turn = 1
    insert_at = 1
    end = 0
    for segment in _jpeg_segments(data):
        end += len(segment.raw)
        if segment.marker == _APP1 and segment.payload.startswith(_EXIF_HEADER) and turn == 1:
            turn = orientation(segment.payload)
        if _kept_jpeg_segment(segment):
            kept.append(segment.raw)
            if segment.marker == _APP0 and len(kept) == 2:
                insert_at = 2  # EXIF goes after JFIF's APP0, as cameras write it
        elif (what := _segment_removed(segment)) is not None:
            removed.append(what)
    # _jpeg_segments' raw pieces cover the file without gaps up to EOI.
    if end < len(data):
        removed.append(Kind(
            f"画像の終わりの後のデータ（{len(data) - end:,} バイト。2枚目の画像など）",
            f"data after the end of the image ({len(data) - end:,} bytes, such as a second picture)",
        ))
    if turn != 1:
        tiff = _EXIF_HEADER + orientation_only(turn)
        kept.insert(insert_at, b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff)
    return Stripped(b"".join(kept), tuple(removed), turn)


#: PNG chunks kept: the image, its colour, transparency, density and animation.
_PNG_KEPT = frozenset({
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
    b"pHYs", b"hIST", b"sPLT", b"cICP", b"mDCv", b"cLLI", b"acTL", b"fcTL", b"fdAT",
})


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _strip_png(data: bytes) -> Stripped:
    kept: list[bytes] = [data[:8]]
    removed: list[Kind] = []
    turn = 1
    first_data = None
    for kind, chunk, whole in _png_chunks(data):
        # Critical chunks (upper-case first letter) are needed to decode, known or not.
        if kind in _PNG_KEPT or kind[:1].isupper():
            if kind == b"IDAT" and first_data is None:
                first_data = len(kept)
            kept.append(whole)
            continue
        if kind == b"eXIf":
            turn = orientation(chunk) if turn == 1 else turn
            if (what := _exif_removed(chunk)) is not None:
                removed.append(what)
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            text = _png_text(kind, chunk)
            keyword = text[0] if text else "?"
            removed.append(_XMP_REMOVED if keyword == "XML:com.adobe.xmp" else Kind(
                f"テキスト「{keyword}」", f"text '{keyword}'"))
        else:
            removed.append(Kind(f"チャンク {kind.decode('latin-1')}", f"chunk {kind.decode('latin-1')}"))
    if turn != 1 and first_data is not None:
        kept.insert(first_data, _png_chunk(b"eXIf", orientation_only(turn)))
    return Stripped(b"".join(kept), tuple(removed), turn if first_data is not None else 1)


_WEBP_KEPT = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _strip_webp(data: bytes) -> Stripped:
    chunks: list[bytes] = []
    removed: list[Kind] = []
    turn = 1
    extended = None
    for kind, payload, whole in _webp_chunks(data):
        if kind in _WEBP_KEPT:
            if kind == b"VP8X":
                extended = len(chunks)
            chunks.append(whole)
        elif kind == b"EXIF":
            turn = orientation(payload) if turn == 1 else turn
            if (what := _exif_removed(payload)) is not None:
                removed.append(what)
        elif kind == b"XMP ":
            removed.append(_XMP_REMOVED)
        else:
            removed.append(Kind(f"チャンク {kind.decode('latin-1')}", f"chunk {kind.decode('latin-1')}"))
    if extended is None:
        turn = 1  # without VP8X no reader looks at EXIF, so there was no orientation to keep
    else:
        vp8x = bytearray(chunks[extended])
        vp8x[8] &= ~(_VP8X_EXIF | _VP8X_XMP) & 0xFF
        if turn != 1:
            vp8x[8] |= _VP8X_EXIF
            tiff = orientation_only(turn)
            chunks.append(b"EXIF" + struct.pack("<I", len(tiff)) + tiff + b"\x00" * (len(tiff) & 1))
        chunks[extended] = bytes(vp8x)
    body = b"WEBP" + b"".join(chunks)
    return Stripped(b"RIFF" + struct.pack("<I", len(body)) + body, tuple(removed), turn)


def strip(data: bytes, image_format: str) -> Stripped:
    """``data`` without its metadata, the pixels' bytes untouched; raises MetadataError if damaged."""
    if image_format == "JPEG":
        return _strip_jpeg(data)
    if image_format == "PNG":
        return _strip_png(data)
    if image_format == "WEBP":
        return _strip_webp(data)
    raise MetadataError(f"no metadata remover for {image_format}")
