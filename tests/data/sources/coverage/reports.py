"""Small coverage reports in each format, as CI tools write them, for the tests."""

from __future__ import annotations

__all__ = ["COBERTURA", "JACOCO", "LCOV", "cobertura"]


def cobertura(source: str, files: dict[str, dict[int, int]]) -> bytes:
    """A Cobertura report with one ``<source>`` root and, per file, ``{line: hits}``."""
    classes = "".join(
        f'<class name="c{i}" filename="{name}" line-rate="0"><methods/><lines>'
        + "".join(f'<line number="{n}" hits="{h}" branch="false"/>' for n, h in lines.items())
        + "</lines></class>"
        for i, (name, lines) in enumerate(files.items())
    )
    return (
        '<?xml version="1.0" ?>\n'
        '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n'
        '<coverage version="7.4" timestamp="1" lines-valid="0" lines-covered="0" line-rate="0">'
        f"<sources><source>{source}</source></sources>"
        f'<packages><package name="p" line-rate="0"><classes>{classes}</classes></package>'
        "</packages></coverage>"
    ).encode()


COBERTURA = cobertura(
    "/home/runner/work/shop/shop/src",
    {"payments/charge.py": {1: 1, 2: 1, 3: 0, 4: 0}, "payments/refund.py": {10: 2}},
)

LCOV = b"""TN:
SF:/builds/shop/web/app.js
FN:1,main
DA:1,1
DA:2,0
DA:3,5
LH:2
LF:3
end_of_record
SF:web/util.js
DA:7,0
end_of_record
"""

JACOCO = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">
<report name="shop"><sessioninfo id="x" start="1" dump="2"/>
<package name="com/acme/pay"><class name="com/acme/pay/Charge" sourcefilename="Charge.java">
<method name="run" desc="()V" line="3"><counter type="LINE" missed="1" covered="1"/></method>
</class>
<sourcefile name="Charge.java">
<line nr="3" mi="0" ci="4" mb="0" cb="0"/>
<line nr="4" mi="2" ci="0" mb="0" cb="0"/>
<line nr="5" mi="0" ci="0" mb="0" cb="0"/>
<counter type="LINE" missed="1" covered="1"/>
</sourcefile></package>
<counter type="LINE" missed="1" covered="1"/></report>
"""
