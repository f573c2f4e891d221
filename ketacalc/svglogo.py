"""An SVG logo, checked against an allowlist rather than a blocklist.

The file is parsed as XML with no document type at all (a DOCTYPE, and so any
entity or external DTD, is refused before parsing), and every element and
attribute must be one a static drawing needs, in the SVG namespace: shapes,
paths, text, groups and gradients. No script, no animation (``set``,
``animate`` can rewrite an href), no CSS (no ``style`` element or attribute:
escapes such as ``@\\69mport`` cannot be spelled), no foreign content, and no
reference that is not a fragment of the file itself (``#id``, ``url(#id)``).
Anything else is refused, naming what was found.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "symbol", "use",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    }
)  # fmt: skip
ATTRIBUTES = frozenset(
    {
        "id", "width", "height", "viewBox", "preserveAspectRatio", "version", "x", "y", "x1", "y1", "x2", "y2",
        "cx", "cy", "r", "rx", "ry", "fx", "fy", "d", "points", "transform", "pathLength",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
        "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity",
        "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits", "visibility",
        "display", "color", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
        "dominant-baseline", "letter-spacing", "word-spacing", "dx", "dy", "rotate", "textLength",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
        "patternUnits", "patternContentUnits", "patternTransform", "href",
    }
)  # fmt: skip
# Attributes in other namespaces that are allowed: xlink:href (a fragment) and xml:space.
_QUALIFIED = {f"{{{XLINK}}}href": "xlink:href", f"{{{XML}}}space": "xml:space"}
# A function in an attribute's value: only colours and transforms, and url() to the file's own fragment.
_FUNCTION_RE = re.compile(r"([A-Za-z-]+)\s*\(")
_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx", "skewy"})
_FRAGMENT_URL_RE = re.compile(r"url\(#[A-Za-z_][\w.-]*\)")
_DECLARATION_RE = re.compile(rb"^\s*(?:<\?xml\s[^>]*\?>)?")  # the XML declaration, not <?xml-stylesheet?>
MAX_ELEMENTS = 20_000  # a logo; more is not one, and the check stays instant


class UnsafeSvg(ValueError):
    """What was found that a logo may not hold."""


def check(data: bytes) -> None:
    """Raise UnsafeSvg naming the first thing outside the allowlist."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        body.decode("utf-8")  # every check below reads the bytes as the browser will: UTF-8 only
    except UnicodeDecodeError:
        raise UnsafeSvg("text that is not UTF-8 (save it as UTF-8)") from None
    if re.search(rb"encoding\s*=\s*[\"'](?!utf-?8[\"'])", body[:200], re.IGNORECASE):
        raise UnsafeSvg("an XML declaration naming another encoding (save it as UTF-8)")
    if re.search(rb"<!DOCTYPE|<!ENTITY", body, re.IGNORECASE):
        raise UnsafeSvg("a DOCTYPE (no document type or entity is allowed)")
    rest = body[_DECLARATION_RE.match(body).end() :]  # type: ignore[union-attr]  # the pattern matches ""
    if b"<?" in rest:
        raise UnsafeSvg("a processing instruction such as <?xml-stylesheet?>")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise UnsafeSvg(f"XML that does not parse ({error})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise UnsafeSvg('a root that is not <svg> in the SVG namespace (xmlns="http://www.w3.org/2000/svg")')
    for count, element in enumerate(root.iter()):
        if count > MAX_ELEMENTS:
            raise UnsafeSvg(f"more than {MAX_ELEMENTS:,} elements")
        _element(element)


def _element(element: ElementTree.Element) -> None:
    namespace, _, name = element.tag.rpartition("}")
    if namespace != "{" + SVG or name not in ELEMENTS:
        shown = name if namespace == "{" + SVG else element.tag
        raise UnsafeSvg(f"the element <{shown}>")
    for key, value in element.attrib.items():
        label = _QUALIFIED.get(key, key)
        if key not in ATTRIBUTES and key not in _QUALIFIED:
            raise UnsafeSvg(f"the attribute {label!r} on <{name}>")
        if label in ("href", "xlink:href"):
            if not value.strip().startswith("#"):
                raise UnsafeSvg(f"a reference outside the file ({label}={value[:40]!r})")
            continue
        if "\\" in value or re.search(r"javascript:|data:", value, re.IGNORECASE):
            raise UnsafeSvg(f"{value[:40]!r} in {label!r} on <{name}> (no escapes; only url(#id) is allowed)")
        for found in _FUNCTION_RE.finditer(value):
            function = found.group(1).lower()
            if function == "url" and _FRAGMENT_URL_RE.match(value, found.start()):
                continue
            if function not in _FUNCTIONS:
                raise UnsafeSvg(f"{value[:40]!r} in {label!r} on <{name}> (only url(#id) is allowed)")
