"""Line coverage reports from CI: Cobertura XML, LCOV and JaCoCo XML, read into ``CoverageReport``.

Written here rather than taken from pycobertura (4.1.0 on PyPI): pycobertura
reads Cobertura only, through lxml's whole tree, with no XML-bomb guard; a
20 MB report must be read within 300 MB, and LCOV and JaCoCo as well. So each
XML format is streamed with ``defusedxml.ElementTree.iterparse`` (entities,
external references and DTD-declared expansions refused; elements cleared as
they close), and LCOV line by line. ``read_report`` checks the size, the
format and the paths, and either returns a whole report or raises a
``SourceError`` of one sentence: nothing half-read is ever stored.
"""

from data.coverage_report import CoverageFormat, CoverageReport, FileLines
from data.sources.coverage.paths import PathMapper
from data.sources.coverage.read import MAX_REPORT_BYTES, detect_format, read_report

__all__ = [
    "MAX_REPORT_BYTES",
    "CoverageFormat",
    "CoverageReport",
    "FileLines",
    "PathMapper",
    "detect_format",
    "read_report",
]
