"""The clinician's report (self-contained HTML) and the machine report (FHIR R4 Bundle).

``load_report_data`` reads findings.json, pgx.json, QC and signatures; ``write_report``
renders the HTML (``actionable.report.html``) and the bundle (``actionable.report.fhir``)
and writes both atomically.
"""

from actionable.report.build import ReportData, load_report_data, write_report

__all__ = ["ReportData", "load_report_data", "write_report"]
