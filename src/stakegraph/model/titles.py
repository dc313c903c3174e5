"""Seniority and function inferred from a job title.

One small function, :func:`infer_title`, turns free-text titles ("Sr. Director, IT", "SVP
Engineering", "CIO", "Mgr") into a :class:`~stakegraph.model.enums.Seniority` and a
:class:`~stakegraph.model.enums.Function`. It is deliberately rule based: every rule is a word
list below, so a surprising answer can be traced to the word that caused it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from stakegraph.model.enums import Function, Role, Seniority

__all__ = ["TitleInference", "infer_function", "infer_role", "infer_seniority", "infer_title"]


class TitleInference(NamedTuple):
    """What a title says about a person."""

    seniority: Seniority
    function: Function


_ABBREVIATIONS: dict[str, str] = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mngr": "manager",
    "dir": "director",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "avp": "assistant vice president",
    "vp": "vice president",
    "vice-president": "vice president",
    "eng": "engineering",
    "engr": "engineer",
    "ops": "operations",
    "dev": "development",
    "mktg": "marketing",
    "admin": "administration",
    "exec": "executive",
    "assoc": "associate",
    "asst": "assistant",
    "mgmt": "management",
    "it": "information technology",
    "hr": "human resources",
}

_CHIEF_ACRONYM = re.compile(r"^c[a-z]{1,3}o$")
# "Chief Financial Officer", "Chief Risk Management Officer" -- but not "Chief of Staff".
_CHIEF_OFFICER = re.compile(r" chief (?!of )(?:[a-z&+-]+ ){1,4}officer ")
# What HR systems and CRMs put in a title field when there is none.
_NO_TITLE = frozenset({"n/a", "na", "none", "unknown", "-", "--", "?", "tbd", "tba", "null", "."})
# Rank words that say nothing about business or technology ("Vice President" is not the
# "President" who runs the business; "Executive Director" is not an executive function).
_RANK_PHRASES = (
    "executive vice president",
    "senior vice president",
    "assistant vice president",
    "vice president",
    "executive director",
    "executive assistant",
    "managing director",
)
_CHIEF_FUNCTIONS: dict[str, Function] = {
    "cio": Function.TECHNOLOGY,
    "cto": Function.TECHNOLOGY,
    "ciso": Function.TECHNOLOGY,
    "cdo": Function.TECHNOLOGY,
    "cso": Function.TECHNOLOGY,
    "cao": Function.BUSINESS,
    "ceo": Function.BUSINESS,
    "cfo": Function.BUSINESS,
    "coo": Function.BUSINESS,
    "cmo": Function.BUSINESS,
    "cro": Function.BUSINESS,
    "cpo": Function.BUSINESS,
    "cco": Function.BUSINESS,
    "chro": Function.BUSINESS,
}

_C_LEVEL_PHRASES = (
    "chief",
    "president",
    "founder",
    "owner",
    "managing director",
    "managing partner",
    "general partner",
    "co-founder",
    "chairman",
    "chairwoman",
    "chair",
    "board member",
)
_VP_PHRASES = (
    "vice president",
    "head of",
    "general manager",
    "general counsel",
    "partner",
    "principal officer",
)
_DIRECTOR_PHRASES = ("director", "head", "senior manager", "controller", "treasurer")
_MANAGER_PHRASES = (
    "manager",
    "lead",
    "supervisor",
    "team leader",
    "coordinator",
    "foreman",
    "superintendent",
)

_TECHNOLOGY_WORDS = (
    "information technology",
    "technology",
    "technical",
    "engineering",
    "engineer",
    "software",
    "developer",
    "development",
    "architect",
    "data",
    "security",
    "infrastructure",
    "systems",
    "system",
    "network",
    "devops",
    "cloud",
    "it",
    "digital",
    "information",
    "platform",
    "analytics",
    "programmer",
    "r&d",
    "research",
    "scientist",
    "product",
    "qa",
    "quality assurance",
    "database",
    "cyber",
)
_BUSINESS_WORDS = (
    "finance",
    "financial",
    "procurement",
    "purchasing",
    "sales",
    "marketing",
    "operations",
    "business",
    "commercial",
    "revenue",
    "accounting",
    "accountant",
    "legal",
    "counsel",
    "human resources",
    "people",
    "strategy",
    "trading",
    "trader",
    "customer",
    "supply",
    "logistics",
    "controller",
    "treasurer",
    "executive",
    "ceo",
    "president",
    "administration",
    "compliance",
    "risk",
    "audit",
    "communications",
    "partnerships",
    "merchandising",
    "regulatory",
    "government affairs",
    "credit",
    "origination",
    "operating",
    "lawyer",
    "attorney",
    "paralegal",
    "litigation",
    "corporate",
    "tax",
    "treasury",
    "cash",
    "payroll",
    "government relation",
    "government relations",
    "public affairs",
)


def _normalise(title: str) -> str:
    words = re.split(r"[^a-z0-9&+-]+", title.lower())
    out: list[str] = []
    for word in words:
        if not word:
            continue
        out.append(_ABBREVIATIONS.get(word, word))
    return " " + " ".join(out) + " "


def _has(text: str, phrase: str) -> bool:
    return f" {phrase} " in text


def _is_blank(title: str) -> bool:
    return not title.strip() or title.strip().lower() in _NO_TITLE


_KEPT = 4096
"""Titles whose inferences are kept: an import of a hundred thousand contacts meets the same
few hundred titles again and again, and inferring one takes a dozen microseconds."""
_seniorities: dict[str, Seniority] = {}
_functions: dict[tuple[str | None, str | None], Function] = {}


def infer_seniority(title: str | None) -> Seniority:
    """Seniority of a title; :attr:`Seniority.UNKNOWN` for an empty title.

    Examples
    --------
    >>> infer_seniority("Sr. Director, IT")
    <Seniority.DIRECTOR: 'director'>
    >>> infer_seniority("CIO")
    <Seniority.C_LEVEL: 'c_level'>
    """
    if title is None:
        return Seniority.UNKNOWN
    found = _seniorities.get(title)
    if found is None:
        found = _seniority(title)
        if len(_seniorities) >= _KEPT:
            _seniorities.clear()
        _seniorities[title] = found
    return found


def _seniority(title: str) -> Seniority:
    if _is_blank(title):
        return Seniority.UNKNOWN
    text = _normalise(title)
    tokens = text.split()
    if _has(text, "assistant to") or _has(text, "executive assistant"):
        return Seniority.INDIVIDUAL
    deputy = any(_has(text, w) for w in ("assistant", "deputy", "associate"))
    # A chief officer outranks any other title held with it ("Vice President and CFO").
    if (
        any(_CHIEF_ACRONYM.match(t) for t in tokens if t not in {"ceo-office"})
        or any(t in _CHIEF_FUNCTIONS for t in tokens)
        or _CHIEF_OFFICER.search(text)
    ):
        return Seniority.VP if _has(text, "to the") or deputy else Seniority.C_LEVEL
    if _has(text, "vice president"):
        return Seniority.DIRECTOR if deputy and _has(text, "assistant") else Seniority.VP
    if any(_has(text, p) for p in _C_LEVEL_PHRASES):
        if _has(text, "chief of staff") or _has(text, "to the"):
            return Seniority.DIRECTOR
        return Seniority.C_LEVEL
    if any(_has(text, p) for p in _VP_PHRASES):
        return Seniority.VP
    if any(_has(text, p) for p in _DIRECTOR_PHRASES):
        return Seniority.MANAGER if deputy and _has(text, "assistant") else Seniority.DIRECTOR
    if any(_has(text, p) for p in _MANAGER_PHRASES):
        return Seniority.MANAGER
    return Seniority.INDIVIDUAL


_QUALIFIED_WORDS: tuple[str, ...] = ("operations",)
"""Words that take the function of the area they qualify rather than one of their own."""


def infer_function(title: str | None, department: str | None = None) -> Function:
    """Business, technology or other, from the title and, failing that, the department.

    Examples
    --------
    >>> infer_function("SVP Engineering")
    <Function.TECHNOLOGY: 'technology'>
    >>> infer_function("Head of Procurement")
    <Function.BUSINESS: 'business'>
    """
    key = (title, department)
    found = _functions.get(key)
    if found is None:
        found = _function(title, department)
        if len(_functions) >= _KEPT:
            _functions.clear()
        _functions[key] = found
    return found


def _function(title: str | None, department: str | None) -> Function:
    for text in (title, department):
        if text is None or _is_blank(text):
            continue
        norm = _normalise(text)
        for phrase in _RANK_PHRASES:
            norm = norm.replace(f" {phrase} ", " ")
        for token in norm.split():
            if token in _CHIEF_FUNCTIONS:
                return _CHIEF_FUNCTIONS[token]
        tech = next((i for i, w in enumerate(_TECHNOLOGY_WORDS) if _has(norm, w)), None)
        if tech is not None:
            # "IT Operations", "Network Operations": operations of a technical area are technical.
            for word in _QUALIFIED_WORDS:
                norm = norm.replace(f" {word} ", " ")
        biz = next((i for i, w in enumerate(_BUSINESS_WORDS) if _has(norm, w)), None)
        if tech is not None and biz is None:
            return Function.TECHNOLOGY
        if biz is not None and tech is None:
            return Function.BUSINESS
        if tech is not None and biz is not None:
            # "Director, IT Procurement": the last named area is what the person runs.
            last_tech = max(norm.rfind(f" {w} ") for w in _TECHNOLOGY_WORDS if _has(norm, w))
            last_biz = max(norm.rfind(f" {w} ") for w in _BUSINESS_WORDS if _has(norm, w))
            return Function.TECHNOLOGY if last_tech > last_biz else Function.BUSINESS
    return Function.OTHER


def infer_title(title: str | None, department: str | None = None) -> TitleInference:
    """Seniority and function of a title, in one call."""
    return TitleInference(infer_seniority(title), infer_function(title, department))


_ROLE_PHRASES: tuple[tuple[Role, tuple[str, ...]], ...] = (
    (
        Role.SALES_ENGINEER,
        (
            "sales engineer",
            "solutions engineer",
            "solution engineer",
            "solutions architect",
            "solution architect",
            "presales",
            "pre-sales",
            "solutions consultant",
        ),
    ),
    (Role.CUSTOMER_SUCCESS, ("customer success", "csm", "customer experience")),
    (Role.SUPPORT, ("support", "service desk", "helpdesk", "help desk")),
    (
        Role.ACCOUNT_EXEC,
        (
            "account executive",
            "account manager",
            "account director",
            "sales",
            "business development",
            "key account",
            "ae",
        ),
    ),
)


def infer_role(title: str | None) -> Role:
    """The role on an account of one of our own people, from their title.

    Examples
    --------
    >>> infer_role("Senior Account Executive")
    <Role.ACCOUNT_EXEC: 'account_exec'>
    >>> infer_role("SVP Customer Success")
    <Role.EXECUTIVE: 'executive'>
    """
    if title is None or _is_blank(title):
        return Role.OTHER
    if infer_seniority(title) in (Seniority.C_LEVEL, Seniority.VP):
        return Role.EXECUTIVE
    text = _normalise(title)
    for role, phrases in _ROLE_PHRASES:
        if any(_has(text, p) for p in phrases):
            return role
    return Role.OTHER
