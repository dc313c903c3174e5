"""Title inference on the kinds of titles real CRMs and HR systems hold.

The rows marked "real" are shaped like the titles of the public Enron custodian list and the
ranks of the Krackhardt and Lazega organisational networks, which these rules were checked on.
"""

from __future__ import annotations

import pytest

from stakegraph.model import Function, Seniority, infer_function, infer_seniority, infer_title

pytestmark = pytest.mark.unit

S = Seniority
F = Function

TABLE: list[tuple[str | None, Seniority, Function]] = [
    # the examples the design names
    ("Chief Information Officer", S.C_LEVEL, F.TECHNOLOGY),
    ("CIO", S.C_LEVEL, F.TECHNOLOGY),
    ("SVP Engineering", S.VP, F.TECHNOLOGY),
    ("Head of Procurement", S.VP, F.BUSINESS),
    ("Sr. Director, IT", S.DIRECTOR, F.TECHNOLOGY),
    ("Mgr", S.MANAGER, F.OTHER),
    ("Software Engineer", S.INDIVIDUAL, F.TECHNOLOGY),
    # Operations of a technical area are technical; operations alone are the business's.
    ("Director of IT Operations", S.DIRECTOR, F.TECHNOLOGY),
    ("Network Operations Lead", S.MANAGER, F.TECHNOLOGY),
    ("VP Operations", S.VP, F.BUSINESS),
    ("Director, IT Procurement", S.DIRECTOR, F.BUSINESS),
    # real: Enron custodian ranks and titles
    ("N/A", S.UNKNOWN, F.OTHER),
    ("Employee", S.INDIVIDUAL, F.OTHER),
    ("Vice President", S.VP, F.OTHER),
    ("Vice President, Regulatory Affairs", S.VP, F.BUSINESS),
    ("Vice President, Enron Online", S.VP, F.OTHER),
    ("Vice President & Chief of Staff", S.VP, F.OTHER),
    ("Vice President, Also Chief Financial Officer and Treasurer", S.C_LEVEL, F.BUSINESS),
    ("Chief Operating Officer", S.C_LEVEL, F.BUSINESS),
    ("Manager, Chief Risk Management Officer", S.C_LEVEL, F.BUSINESS),
    ("CEO, Enron North America and Enron Energy Services", S.C_LEVEL, F.BUSINESS),
    ("President, Enron Gas Pipeline", S.C_LEVEL, F.BUSINESS),
    ("Managing Director, Legal Department", S.C_LEVEL, F.BUSINESS),
    ("Director", S.DIRECTOR, F.OTHER),
    ("Director, Pipeline Business", S.DIRECTOR, F.BUSINESS),
    ("Manager, Risk Management Head", S.DIRECTOR, F.BUSINESS),
    ("Manager, Logistics Manager", S.MANAGER, F.BUSINESS),
    ("In House Lawyer", S.INDIVIDUAL, F.BUSINESS),
    ("General Counsel", S.VP, F.BUSINESS),
    ("Government Relation Executive", S.INDIVIDUAL, F.BUSINESS),
    ("Trader", S.INDIVIDUAL, F.BUSINESS),
    ("Cash Analyst", S.INDIVIDUAL, F.BUSINESS),
    ("Senior Specialist", S.INDIVIDUAL, F.OTHER),
    ("Administrative Assistant", S.INDIVIDUAL, F.OTHER),
    # real: Krackhardt's high-tech managers (levels) and Lazega's law firm (status, practice)
    ("CEO", S.C_LEVEL, F.BUSINESS),
    ("VP", S.VP, F.OTHER),
    ("Manager", S.MANAGER, F.OTHER),
    ("Partner", S.VP, F.OTHER),
    ("Partner, Litigation", S.VP, F.BUSINESS),
    ("Associate", S.INDIVIDUAL, F.OTHER),
    # more shapes
    ("Executive Vice President", S.VP, F.OTHER),
    ("EVP, Chief Commercial Officer", S.C_LEVEL, F.BUSINESS),
    ("Deputy Chief Information Officer", S.VP, F.TECHNOLOGY),
    ("Chief of Staff", S.DIRECTOR, F.OTHER),
    ("Co-founder & CTO", S.C_LEVEL, F.TECHNOLOGY),
    ("Executive Director", S.DIRECTOR, F.OTHER),
    ("Director of IT Procurement", S.DIRECTOR, F.BUSINESS),
    ("IT Manager", S.MANAGER, F.TECHNOLOGY),
    ("VP Sales", S.VP, F.BUSINESS),
    ("Account Executive", S.INDIVIDUAL, F.BUSINESS),
    ("", S.UNKNOWN, F.OTHER),
    ("  ", S.UNKNOWN, F.OTHER),
    (None, S.UNKNOWN, F.OTHER),
]


@pytest.mark.parametrize(("title", "seniority", "function"), TABLE)
def test_title_table(title: str | None, seniority: Seniority, function: Function) -> None:
    assert infer_title(title) == (seniority, function)


def test_department_decides_function_when_title_is_silent() -> None:
    assert infer_function("Director", "Information Technology") is F.TECHNOLOGY
    assert infer_function("Vice President", "Finance") is F.BUSINESS
    assert infer_function("N/A", "Legal Department") is F.BUSINESS
    # Lazega's law firm: both practices are business; "Corporate IT" is still IT.
    assert infer_function("Partner", "Corporate") is F.BUSINESS
    assert infer_function("Associate", "Litigation") is F.BUSINESS
    assert infer_function("Director, Corporate IT") is F.TECHNOLOGY


def test_placeholder_title_is_unknown_not_individual() -> None:
    for placeholder in ("n/a", "NA", "none", "Unknown", "-", "TBD"):
        assert infer_seniority(placeholder) is S.UNKNOWN
