"""The clinician's report (self-contained HTML) and the machine report (FHIR R4 Bundle).

``load_report_data`` reads findings.json, pgx.json, QC and signatures into one
``ReportData`` (``actionable.report.model``); ``write_report`` renders the HTML
(``actionable.report.html``) and the bundle (``actionable.report.fhir``) and writes both
atomically.
"""

from actionable.report.build import load_report_data, write_report
from actionable.report.model import ReportData

__all__ = ["ReportData", "load_report_data", "write_report"]
