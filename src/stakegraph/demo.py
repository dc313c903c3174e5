"""A generated demo portfolio: our team of 25, tens of accounts, thousands of people and touches.

The portfolio belongs to a made-up vendor, Brightwater Software (``brightwater.example``), and is
deterministic: the same ``seed`` and ``now`` give the same records, byte for byte. Times are
relative to ``now`` (default: the real current time), so "days silent" reads sensibly whenever the
demo is loaded.

Five accounts tell the stories in the design's seeds, with fixed, readable ids:

``northwind``
    Single-threaded. Sandra Ruiz (VP IT) is our only live senior tie and is about to be promoted;
    the CIO above her, Marcus Hale, has never met us.
``globex``
    Held by one account exec, Derek Olsen: every tie runs through him, and the customer's
    concerns before a $20M renewal went unanswered.
``initech``
    Gone dark: a weekly cadence until about seven weeks ago, then silence after an unanswered
    email.
``umbrella``
    Business and technology sponsors pulling apart: the business side are detractors, the
    technology side supporters, and a new executive sponsor stands between them.
``contoso``
    Healthy: our CEO has a live tie with their CEO, and several independent threads reach the
    senior staff.

The other accounts are generated with a mix of healthy, steady, thin and quiet relationships.
Nothing here writes anywhere: :func:`demo_records` yields bundle records that
:mod:`stakegraph.ingest` (or a JSON file) can take.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from stakegraph.bundle.schema import BUNDLE_FORMAT, BUNDLE_SECTIONS, BUNDLE_VERSION
from stakegraph.model import Seniority, format_utc, to_utc

__all__ = [
    "CONTOSO_CEO",
    "DEMO_ACCOUNTS",
    "DEMO_SEED",
    "GLOBEX_AE",
    "INITECH_AE",
    "NORTHWIND_CIO",
    "NORTHWIND_SANDRA",
    "OUR_CEO",
    "OUR_DOMAIN",
    "STORY_ACCOUNTS",
    "UMBRELLA_SPONSOR",
    "demo_bundle",
    "demo_records",
    "northwind_promotion",
]

DEMO_SEED = 7
"""The seed of the portfolio ``stakegraph demo`` loads."""

DEMO_ACCOUNTS = 40
"""How many accounts the demo has, the five story accounts included."""

OUR_DOMAIN = "brightwater.example"
"""The email domain of our own team (set ``STAKEGRAPH_OUR_DOMAINS`` to it for the importers)."""

STORY_ACCOUNTS: dict[str, str] = {
    "northwind": "single-threaded: only Sandra (VP IT), about to be promoted; her CIO never met us",
    "globex": "held by one account exec: every tie runs through Derek; concerns unanswered",
    "initech": "gone dark: weekly touches until ~7 weeks ago, then silence",
    "umbrella": "business sponsors are detractors, technology sponsors supporters",
    "contoso": "healthy: our CEO knows their CEO, several threads to the senior staff",
}
"""The accounts that tell the seed stories, and what each shows."""

NORTHWIND_SANDRA = "northwind-sandra-ruiz"
NORTHWIND_CIO = "northwind-marcus-hale"
GLOBEX_AE = "tm-derek-olsen"
INITECH_AE = "tm-calvin-price"
UMBRELLA_SPONSOR = "umbrella-raymond-cole"
CONTOSO_CEO = "contoso-elena-vasquez"
OUR_CEO = "tm-margaret-chen"

# -- our team ----------------------------------------------------------------------------------

_TEAM: tuple[tuple[str, str, str], ...] = (
    ("Margaret Chen", "Chief Executive Officer", "executive"),
    ("Tom Alvarez", "Chief Revenue Officer", "executive"),
    ("Grace Okafor", "Chief Technology Officer", "executive"),
    ("Derek Olsen", "Senior Account Executive", "account_exec"),
    ("Calvin Price", "Account Executive", "account_exec"),
    ("Ava Brooks", "Account Executive", "account_exec"),
    ("Marco Rossi", "Enterprise Account Executive", "account_exec"),
    ("Hannah Weiss", "Enterprise Account Executive", "account_exec"),
    ("Luis Ortega", "Account Executive", "account_exec"),
    ("Naomi Fischer", "Account Executive", "account_exec"),
    ("Ben Carter", "Account Executive", "account_exec"),
    ("Priya Nair", "Principal Sales Engineer", "sales_engineer"),
    ("Owen Gallagher", "Sales Engineer", "sales_engineer"),
    ("Mei Tanaka", "Sales Engineer", "sales_engineer"),
    ("Samuel Osei", "Solutions Engineer", "sales_engineer"),
    ("Ingrid Larsen", "Sales Engineer", "sales_engineer"),
    ("Julia Moreau", "Director of Customer Success", "customer_success"),
    ("Kevin Walsh", "Customer Success Manager", "customer_success"),
    ("Fatima Haddad", "Customer Success Manager", "customer_success"),
    ("Daniel Novak", "Customer Success Manager", "customer_success"),
    ("Chloe Bennett", "Customer Success Manager", "customer_success"),
    ("Ravi Menon", "Customer Success Manager", "customer_success"),
    ("Lena Schultz", "Support Engineer", "support"),
    ("Andre Dubois", "Support Engineer", "support"),
    ("Tyler Reed", "Support Team Lead", "support"),
)

# -- the customers' people ----------------------------------------------------------------------

_FIRST_NAMES = (
    "Aaron", "Abigail", "Adrian", "Aisha", "Alan", "Alejandro", "Alice", "Amara", "Andrea",
    "Angela", "Anton", "Beatriz", "Brian", "Camille", "Carlos", "Carmen", "Caroline", "Chen",
    "Christopher", "Claire", "Colin", "Dana", "David", "Deborah", "Dmitri", "Eduardo", "Eileen",
    "Elif", "Emeka", "Emily", "Erik", "Esther", "Fernando", "Fiona", "Francesca", "Gabriel",
    "Gareth", "Gloria", "Hamza", "Harriet", "Hiroshi", "Ian", "Imogen", "Irene", "Isaac", "Jacob",
    "Jamal", "James", "Jane", "Jasmine", "Jens", "Jessica", "John", "Jorge", "Karen", "Karim",
    "Katarzyna", "Keith", "Laura", "Leon", "Lily", "Lorenzo", "Lucia", "Madeleine", "Malik",
    "Maria", "Mark", "Martina", "Matthew", "Megan", "Michael", "Miguel", "Monica", "Nadia",
    "Nathan", "Nicole", "Nikhil", "Oliver", "Olga", "Pablo", "Patricia", "Paul", "Rachel",
    "Rafael", "Rebecca", "Robert", "Rosa", "Ruth", "Sanjay", "Sarah", "Scott", "Sean", "Simone",
    "Sofia", "Stefan", "Stephen", "Susan", "Tariq", "Teresa", "Thomas", "Uma", "Valentina",
    "Victoria", "Wei", "William", "Yasmin", "Yusuf", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Abbott", "Adeyemi", "Andersen", "Arnold", "Bakker", "Banerjee", "Barnes", "Becker", "Bianchi",
    "Bishop", "Brennan", "Campbell", "Castillo", "Chowdhury", "Clarke", "Coleman", "Costa",
    "Dalton", "Das", "Delgado", "Doyle", "Edwards", "Eriksson", "Evans", "Ferreira", "Fleming",
    "Foster", "Garcia", "Gill", "Gonzalez", "Graham", "Gupta", "Hansen", "Harper", "Hayes",
    "Hoffmann", "Hughes", "Ibrahim", "Iyer", "Jensen", "Johnson", "Kaur", "Keller", "Khan",
    "Kowalczyk", "Kruger", "Lambert", "Larson", "Lee", "Lopez", "Lund", "Maddox", "Malik",
    "Martin", "Mendes", "Meyer", "Mitchell", "Moreno", "Murphy", "Nakamura", "Nguyen", "Nielsen",
    "Novak", "Obi", "Okoro", "Oliveira", "Palmer", "Park", "Perez", "Petrov", "Quinn", "Ramirez",
    "Reyes", "Richter", "Romano", "Rossi", "Russell", "Santos", "Sato", "Schmidt", "Shah",
    "Silva", "Singh", "Sullivan", "Svensson", "Takahashi", "Thompson", "Torres", "Turner",
    "Vargas", "Vogel", "Wagner", "Walker", "Ward", "Watanabe", "Webb", "Wong", "Wright", "Yilmaz",
    "Young", "Zhang", "Zimmerman",
)  # fmt: skip


@dataclass(frozen=True)
class Branch:
    """One part of a customer's organisation: the titles at each level of its org chart.

    Every title here is run through :func:`stakegraph.model.infer_title` on import; a unit test
    checks that each one infers to the seniority of the level it sits at.
    """

    chief: str
    vps: tuple[str, ...]
    directors: tuple[str, ...]
    managers: tuple[str, ...]
    staff: tuple[str, ...]


BRANCHES: dict[str, Branch] = {
    "it": Branch(
        "Chief Information Officer",
        ("VP IT", "VP Infrastructure"),
        (
            "Director of IT Operations",
            "Director of Infrastructure",
            "Director of Applications",
            "Director of Network Engineering",
            "Director of Technology",
        ),
        (
            "IT Operations Manager",
            "Network Manager",
            "Service Desk Manager",
            "Infrastructure Manager",
        ),
        (
            "Systems Administrator",
            "Network Engineer",
            "Database Administrator",
            "IT Support Specialist",
        ),
    ),
    "engineering": Branch(
        "Chief Technology Officer",
        ("VP Engineering", "VP Platform Engineering"),
        (
            "Director of Engineering",
            "Director of Data Platform",
            "Director of Cloud Platform",
            "Senior Director of Engineering",
        ),
        (
            "Engineering Manager",
            "Data Engineering Manager",
            "DevOps Manager",
            "Cloud Platform Manager",
        ),
        (
            "Software Engineer",
            "Senior Software Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
            "QA Engineer",
            "Platform Architect",
        ),
    ),
    "finance": Branch(
        "Chief Financial Officer",
        ("VP Finance",),
        (
            "Director of Procurement",
            "Director of Finance",
            "Financial Controller",
            "Director of Compliance",
        ),
        ("Procurement Manager", "Finance Manager", "Compliance Manager"),
        ("Financial Analyst", "Procurement Specialist", "Accountant", "Risk Analyst"),
    ),
    "operations": Branch(
        "Chief Operating Officer",
        ("VP Operations", "VP Supply Chain"),
        ("Director of Operations", "Director of Supply Chain", "Director of Logistics"),
        ("Operations Manager", "Logistics Manager"),
        ("Operations Analyst", "Supply Chain Planner", "Business Analyst"),
    ),
    "security": Branch(
        "Chief Information Security Officer",
        ("VP Information Security",),
        ("Director of Information Security",),
        ("Information Security Manager",),
        ("Security Analyst", "Security Engineer"),
    ),
    "sales": Branch(
        "Chief Revenue Officer",
        ("VP Sales", "VP Customer Operations"),
        ("Director of Sales Operations", "Director of Business Operations"),
        ("Sales Manager",),
        ("Sales Representative", "Business Analyst"),
    ),
    "marketing": Branch(
        "Chief Marketing Officer",
        ("VP Marketing",),
        ("Director of Marketing",),
        ("Marketing Manager",),
        ("Marketing Specialist", "Data Analyst"),
    ),
    "people": Branch(
        "Chief People Officer",
        ("VP Human Resources",),
        ("Director of HR",),
        ("HR Manager",),
        ("HR Generalist", "Recruiter", "Payroll Specialist"),
    ),
}
"""The branches generated org charts are made of."""

CEO_TITLE = "Chief Executive Officer"

_LEVELS = (
    Seniority.C_LEVEL,
    Seniority.VP,
    Seniority.DIRECTOR,
    Seniority.MANAGER,
    Seniority.INDIVIDUAL,
)
_SENIOR = frozenset({Seniority.C_LEVEL, Seniority.VP, Seniority.DIRECTOR})

_ACCOUNT_WORDS = (
    "Alder", "Anchor", "Apex", "Arbor", "Aspen", "Atlas", "Beacon", "Birchwood", "Bluestone",
    "Brightfield", "Cedar", "Clearwater", "Cobalt", "Copperleaf", "Crescent", "Driftwood",
    "Eastgate", "Evergreen", "Falcon", "Foxglove", "Granite", "Greystone", "Harborview",
    "Highland", "Horizon", "Ironbridge", "Juniper", "Keystone", "Lakeshore", "Larkspur",
    "Lighthouse", "Maple", "Meridian", "Millbrook", "Northstar", "Oakridge", "Orchard", "Pinecrest",
    "Pioneer", "Quarry", "Redwood", "Ridgeline", "Riverton", "Saltmarsh", "Sapphire",
    "Silverline", "Stonegate", "Summit", "Sterling", "Thornbury", "Tidewater", "Vantage",
    "Westbrook", "Willow", "Windmere",
)  # fmt: skip
_INDUSTRIES = (
    "Logistics", "Health", "Bank", "Insurance", "Manufacturing", "Energy", "Foods", "Retail",
    "Telecom", "Pharma", "Airlines", "Utilities", "Media", "Mining", "Hotels", "Freight",
    "Capital", "Labs", "Motors", "Chemicals",
)  # fmt: skip

# -- what people talk about ---------------------------------------------------------------------

_SUBJECTS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "Quarterly business review",
        "Roadmap briefing",
        "Architecture workshop",
        "Implementation status",
        "Renewal planning",
        "Executive briefing",
        "Onboarding check-in",
        "Success plan review",
    ),
    "call": (
        "Weekly sync",
        "Escalation follow-up",
        "Capacity planning",
        "Upgrade planning",
        "Pricing discussion",
        "Integration questions",
    ),
    "email": (
        "Re: release notes",
        "Re: support case update",
        "Usage report for last month",
        "Re: renewal quote",
        "Meeting notes and next steps",
        "Re: security questionnaire",
        "Invitation: advisory board",
    ),
    "event": ("Customer summit", "Customer advisory board", "User group meetup", "Partner day"),
    "message": ("Quick question", "Thanks for today", "Heads-up on the maintenance window"),
}
_FOLLOW_UPS = (
    "Escalated to engineering; fix shipped in the next release",
    "Sent the capacity plan and a revised timeline",
    "Support case opened and resolved within the SLA",
    "Reviewed in the QBR with a written action plan",
)
_KIND_WEIGHTS: dict[str, float] = {
    "email": 40,
    "meeting": 24,
    "call": 20,
    "message": 11,
    "event": 5,
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _member_id(name: str) -> str:
    return "tm-" + _slug(name)


# -- building one account ----------------------------------------------------------------------


@dataclass
class _Person:
    id: str
    name: str
    email: str
    title: str
    level: Seniority
    branch: str
    reports_to: str | None
    stance: str = "unknown"
    buying_roles: list[str] = field(default_factory=list)
    status: str = "active"
    # The relationship window, as ages in days: touched only when left_age < age <= since_age.
    since_age: float = 10_000.0
    left_age: float = 0.0

    @property
    def senior(self) -> bool:
        return self.level in _SENIOR

    def record(self, account_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "account_id": account_id,
            "name": self.name,
            "email": self.email,
            "title": self.title,
        }
        if self.reports_to:
            out["reports_to"] = self.reports_to
        if self.buying_roles:
            out["buying_roles"] = list(self.buying_roles)
        out["stance"] = self.stance
        out["status"] = self.status
        return out


@dataclass
class _Touch:
    age_days: float
    kind: str
    team_ids: list[str]
    contact_ids: list[str]
    extra: dict[str, Any]


class _AccountBuilder:
    """The people and touches of one account, built from its own random stream."""

    def __init__(
        self, account_id: str, name: str, domain: str, rng: random.Random, now: datetime
    ) -> None:
        self.account_id = account_id
        self.name = name
        self.domain = domain
        self.rng = rng
        self.now = now
        self.people: list[_Person] = []
        self.by_id: dict[str, _Person] = {}
        self.touches: list[_Touch] = []
        self._names: set[str] = set()

    # people -------------------------------------------------------------------------------
    def _fresh_name(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_LAST_NAMES)}"
            if name not in self._names:
                return name
        raise RuntimeError("ran out of names")  # pragma: no cover - 10,000+ combinations

    def person(
        self,
        title: str,
        level: Seniority,
        branch: str,
        reports_to: _Person | None,
        *,
        name: str | None = None,
        stance: str = "unknown",
        buying_roles: Sequence[str] = (),
    ) -> _Person:
        name = name or self._fresh_name()
        self._names.add(name)
        slug = _slug(name)
        person = _Person(
            id=f"{self.account_id}-{slug}",
            name=name,
            email=f"{slug.replace('-', '.')}@{self.domain}",
            title=title,
            level=level,
            branch=branch,
            reports_to=reports_to.id if reports_to else None,
            stance=stance,
            buying_roles=list(buying_roles),
        )
        self.people.append(person)
        self.by_id[person.id] = person
        return person

    def grow(self, head: _Person, branch: str, fanout: Sequence[tuple[int, int]]) -> None:
        """Fill the org chart below ``head``, one level down per ``(low, high)`` fan-out."""
        spec = BRANCHES[branch]
        titles = {
            Seniority.VP: spec.vps,
            Seniority.DIRECTOR: spec.directors,
            Seniority.MANAGER: spec.managers,
            Seniority.INDIVIDUAL: spec.staff,
        }
        level_index = _LEVELS.index(head.level) + 1
        if not fanout or level_index >= len(_LEVELS):
            return
        level = _LEVELS[level_index]
        low, high = fanout[0]
        for _ in range(self.rng.randint(low, high)):
            # Senior titles stay distinct in the account while the branch has enough of them;
            # staff titles repeat, as they do.
            taken = {p.title for p in self.people} if level in _SENIOR else set()
            pool = [t for t in titles[level] if t not in taken] or list(titles[level])
            child = self.person(self.rng.choice(pool), level, branch, head)
            self.grow(child, branch, fanout[1:])

    def of(self, *, branch: str | None = None, level: Seniority | None = None) -> list[_Person]:
        return [
            p
            for p in self.people
            if (branch is None or p.branch == branch) and (level is None or p.level == level)
        ]

    def below(self, head: _Person) -> list[_Person]:
        """Everyone who reports to ``head``, directly or not (in creation order)."""
        inside = {head.id}
        out: list[_Person] = []
        for p in self.people:
            if p.reports_to in inside:
                inside.add(p.id)
                out.append(p)
        return out

    # touches ------------------------------------------------------------------------------
    def touch(
        self,
        age_days: float,
        kind: str,
        team: Sequence[str],
        contacts: Sequence[_Person | str],
        **extra: Any,
    ) -> None:
        ids = [c if isinstance(c, str) else c.id for c in contacts]
        self.touches.append(_Touch(age_days, kind, list(team), ids, extra))

    def cadence(self, oldest: float, newest: float, gap: tuple[float, float]) -> list[float]:
        """Ages from ``oldest`` down to ``newest`` (inclusive), ``gap`` days apart."""
        ages: list[float] = []
        age = oldest
        while age > newest:
            ages.append(age)
            age -= self.rng.uniform(*gap)
        ages.append(newest)
        return ages

    def when(self, age_days: float) -> datetime:
        """A weekday, in office hours, ``age_days`` (at least one) before now."""
        day = self.now.date() - timedelta(days=max(1, round(age_days)))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        minutes = self.rng.randrange(8 * 60, 18 * 60, 15)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes)

    def _email_details(self, extra: dict[str, Any]) -> dict[str, Any]:
        direction = extra.get("direction") or self.rng.choices(("outbound", "inbound"), (6, 4))[0]
        answered = extra.get("answered")
        if answered is None:
            answered = self.rng.random() < (0.8 if direction == "outbound" else 0.92)
        return {"direction": direction, "answered": answered}

    def interaction_records(self) -> list[dict[str, Any]]:
        stamped = [(self.when(t.age_days), i, t) for i, t in enumerate(self.touches)]
        stamped.sort(key=lambda item: (item[0], item[1]))
        out: list[dict[str, Any]] = []
        for n, (at, _, touch) in enumerate(stamped, start=1):
            extra = dict(touch.extra)
            record: dict[str, Any] = {
                "id": f"{self.account_id}-i{n:04d}",
                "account_id": self.account_id,
                "kind": touch.kind,
                "occurred_at": format_utc(at),
                "team_ids": touch.team_ids,
                "contact_ids": touch.contact_ids,
            }
            subject = extra.pop("subject", None) or self.rng.choice(_SUBJECTS[touch.kind])
            record["subject"] = subject
            if touch.kind in ("email", "message"):
                record.update(self._email_details(extra))
            extra.pop("direction", None)
            extra.pop("answered", None)
            if "sentiment" not in extra and touch.kind in ("meeting", "call"):
                extra["sentiment"] = round(max(-1.0, min(1.0, self.rng.gauss(0.35, 0.3))), 2)
            if extra.get("sentiment") is None:
                extra.pop("sentiment", None)
            record.update(extra)
            out.append(record)
        return out

    def contact_records(self) -> list[dict[str, Any]]:
        return [p.record(self.account_id) for p in self.people]


# -- generic accounts --------------------------------------------------------------------------

_PROFILES: dict[str, dict[str, Any]] = {
    # seniors engaged, others engaged, cadence (days), last touch (days ago), executive chance
    "healthy": {"senior": (4, 6), "other": (6, 12), "gap": (2.0, 5.5), "last": (1, 6), "exec": 0.8},
    "steady": {"senior": (2, 3), "other": (4, 8), "gap": (3.5, 8.0), "last": (1, 10), "exec": 0.25},
    "thin": {"senior": (1, 1), "other": (2, 5), "gap": (6.0, 13.0), "last": (2, 14), "exec": 0.0},
    "quiet": {"senior": (1, 3), "other": (2, 5), "gap": (4.0, 10.0), "last": (35, 80), "exec": 0.1},
}
_PROFILE_WEIGHTS: dict[str, float] = {"healthy": 30, "steady": 38, "thin": 20, "quiet": 12}


@dataclass
class _Team:
    """Who of our team works an account."""

    ae: str
    se: str | None
    csm: str | None
    support: str | None
    executive: str | None

    def members(self) -> list[str]:
        return [m for m in (self.ae, self.se, self.csm, self.support, self.executive) if m]


def _team_by_role() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, _, role in _TEAM:
        out.setdefault(role, []).append(_member_id(name))
    return out


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _generic_account(b: _AccountBuilder, team_pool: dict[str, list[str]]) -> None:
    rng = b.rng
    profile_name = _weighted(rng, _PROFILE_WEIGHTS)
    profile = _PROFILES[profile_name]
    span = rng.uniform(300, 600)

    # The org chart: a CEO, IT and finance always, and a few more branches.
    ceo = b.person(CEO_TITLE, Seniority.C_LEVEL, "executive", None)
    others = [k for k in BRANCHES if k not in ("it", "finance")]
    branches = ["it", "finance", *rng.sample(others, rng.randint(1, 4))]
    for branch in branches:
        chief = b.person(BRANCHES[branch].chief, Seniority.C_LEVEL, branch, ceo)
        b.grow(chief, branch, [(1, 2), (1, 2), (1, 2), (1, 4)])

    team = _Team(
        ae=rng.choice(team_pool["account_exec"]),
        se=rng.choice(team_pool["sales_engineer"]) if profile_name != "thin" else None,
        csm=rng.choice(team_pool["customer_success"]),
        support=rng.choice(team_pool["support"]) if rng.random() < 0.6 else None,
        executive=rng.choice(team_pool["executive"]) if rng.random() < profile["exec"] else None,
    )

    # Who we engage: seniors first (IT and finance most), then people below them.
    seniors = [p for p in b.people if p.senior]
    rng.shuffle(seniors)
    seniors.sort(key=lambda p: p.branch not in ("it", "finance"))
    engaged_senior = seniors[: rng.randint(*profile["senior"])]
    if team.executive and not any(p.level == Seniority.C_LEVEL for p in engaged_senior):
        engaged_senior.append(rng.choice([ceo, *b.of(level=Seniority.C_LEVEL)]))
    juniors = [p for p in b.people if not p.senior]
    engaged_other = rng.sample(juniors, min(len(juniors), rng.randint(*profile["other"])))
    engaged = engaged_senior + engaged_other
    for p in engaged:
        if p in engaged_other:
            p.since_age = rng.uniform(0.3, 1.0) * span
        if p.level != Seniority.C_LEVEL and rng.random() < 0.08:
            p.left_age = rng.uniform(60, min(240, span * 0.8))
            p.status = "left"
        stance_weights = (5, 3, 1, 1) if p.senior else (4, 4, 0.5, 1.5)
        p.stance = rng.choices(("supporter", "neutral", "detractor", "unknown"), stance_weights)[0]
    for p in b.people:
        if p not in engaged:
            p.stance = rng.choices(("unknown", "neutral", "supporter"), (16, 3, 1))[0]
            if p.level != Seniority.C_LEVEL and rng.random() < 0.03:
                p.status = "left"

    _assign_buying_roles(b, engaged_senior, engaged_other)

    # Who of ours talks to whom.
    technology = {"it", "engineering", "security"}
    reach: dict[str, list[_Person]] = {team.ae: engaged_senior + engaged_other[:3]}
    if team.se:
        reach[team.se] = [p for p in engaged if p.branch in technology] or engaged
    if team.csm:
        reach[team.csm] = engaged_other + engaged_senior[-2:]
    if team.support:
        reach[team.support] = [p for p in engaged_other if p.level == Seniority.INDIVIDUAL] or (
            engaged_other or engaged
        )
    if team.executive:
        reach[team.executive] = [p for p in engaged_senior if p.level == Seniority.C_LEVEL]
    weights = {team.ae: 3.0, team.se or "": 2.0, team.csm or "": 3.0}
    weights.update({team.support or "": 1.5, team.executive or "": 0.6})
    weights.pop("", None)

    newest = rng.uniform(*profile["last"])
    for age in b.cadence(span, newest, profile["gap"]):
        kind = _weighted(rng, _KIND_WEIGHTS)
        member = _weighted(rng, weights)
        if member == team.executive:
            kind = rng.choice(("meeting", "call", "event"))
        live = [p for p in engaged if p.left_age < age <= p.since_age]
        candidates = [p for p in reach.get(member, []) if p in live] or live
        if not candidates:
            continue
        if kind == "event":
            size = rng.randint(2, 5)
        elif kind == "meeting":
            size = rng.randint(1, 4)
        else:
            size = rng.randint(1, 2)
        contacts = rng.sample(candidates, min(size, len(candidates)))
        ours = [member]
        if kind in ("meeting", "event") and rng.random() < 0.4:
            partner = rng.choice(team.members())
            if partner not in ours:
                ours.append(partner)
        extra: dict[str, Any] = {}
        if rng.random() < 0.04:
            extra["concern"] = True
            extra["sentiment"] = round(rng.uniform(-0.8, -0.2), 2)
            if rng.random() < 0.75:
                extra["follow_up"] = rng.choice(_FOLLOW_UPS)
        b.touch(age, kind, ours, contacts, **extra)


def _assign_buying_roles(
    b: _AccountBuilder, engaged_senior: list[_Person], engaged_other: list[_Person]
) -> None:
    rng = b.rng
    cfo = next((p for p in b.people if p.title == BRANCHES["finance"].chief), None)
    (cfo or b.people[0]).buying_roles.append("economic_buyer")
    top = sorted(engaged_senior, key=lambda p: _LEVELS.index(p.level))
    if top:
        top[0].buying_roles.append("executive_sponsor")
    champions = [p for p in engaged_senior if p.stance == "supporter" and p is not top[0]]
    if champions:
        rng.choice(champions).buying_roles.append("champion")
    tech = [p for p in engaged_senior if p.branch in ("it", "engineering", "security")]
    if tech:
        rng.choice(tech).buying_roles.append("technical_buyer")
    for p in engaged_other:
        if p.level == Seniority.INDIVIDUAL and rng.random() < 0.4:
            p.buying_roles.append("user")
    blockers = [p for p in engaged_senior if p.stance == "detractor"]
    if blockers and rng.random() < 0.5:
        rng.choice(blockers).buying_roles.append("blocker")


# -- the story accounts ------------------------------------------------------------------------


def _filler(b: _AccountBuilder, head: _Person, branch: str) -> None:
    """People below a named head, so a story account has a realistic org chart under it."""
    fanout = [(1, 2), (1, 2), (2, 4)][max(0, _LEVELS.index(head.level) - 1) :]
    b.grow(head, branch, fanout)


def _northwind(b: _AccountBuilder, t: dict[str, str]) -> None:
    ceo = b.person(CEO_TITLE, Seniority.C_LEVEL, "executive", None, name="Helen Marsh")
    cio = b.person(
        "Chief Information Officer",
        Seniority.C_LEVEL,
        "it",
        ceo,
        name="Marcus Hale",
        buying_roles=["economic_buyer"],
    )
    cfo = b.person(
        "Chief Financial Officer", Seniority.C_LEVEL, "finance", ceo, name="Diane Foster"
    )
    sandra = b.person(
        "VP IT",
        Seniority.VP,
        "it",
        cio,
        name="Sandra Ruiz",
        stance="supporter",
        buying_roles=["executive_sponsor", "champion"],
    )
    ops = b.person(
        "Director of IT Operations", Seniority.DIRECTOR, "it", sandra, name="Amir Rahman"
    )
    infra = b.person(
        "Director of Infrastructure", Seniority.DIRECTOR, "it", sandra, name="Joanna Pike"
    )
    apps = b.person("Director of Applications", Seniority.DIRECTOR, "it", sandra, name="Lucy Tran")
    vp_fin = b.person("VP Finance", Seniority.VP, "finance", cfo)
    proc = b.person("Director of Procurement", Seniority.DIRECTOR, "finance", vp_fin)
    for head, branch in ((ops, "it"), (infra, "it"), (apps, "it"), (proc, "finance")):
        _filler(b, head, branch)
    _filler(b, b.person("VP Infrastructure", Seniority.VP, "it", cio), "it")

    ae, se, csm, sup = t["Ava Brooks"], t["Owen Gallagher"], t["Kevin Walsh"], t["Lena Schultz"]
    # Eighteen months of good work, all of it through Sandra at the top.
    for age in b.cadence(540, 2, (3.0, 7.0)):
        kind = _weighted(b.rng, {"meeting": 3, "call": 3, "email": 4, "message": 1})
        ours = [b.rng.choice((ae, ae, csm, se))]
        if kind == "meeting" and b.rng.random() < 0.5:
            ours.append(b.rng.choice((se, csm)))
        b.touch(age, kind, ours, [sandra], sentiment=round(b.rng.uniform(0.4, 0.9), 2))
    b.touch(
        9,
        "call",
        [ae],
        [sandra],
        subject="Sandra expects her promotion to be announced this quarter",
        sentiment=0.8,
    )
    # Below the top the work is broad: managers and engineers under Sandra's directors.
    below = [p for p in b.below(sandra) if not p.senior]
    for age in b.cadence(480, 1, (2.0, 5.0)):
        contacts = b.rng.sample(below, b.rng.randint(1, min(3, len(below))))
        kind = _weighted(b.rng, {"email": 4, "call": 2, "meeting": 2, "message": 2})
        b.touch(age, kind, [b.rng.choice((csm, sup, se))], contacts)
    # Procurement does the renewal paperwork with our account exec: a tie with the business
    # side, but below the decision layer (so it adds no thread).
    buyer = next(p for p in b.below(proc) if not p.senior)
    for age in b.cadence(240, 6, (12.0, 20.0)):
        kind = _weighted(b.rng, {"email": 2, "call": 1})
        b.touch(age, kind, [ae], [buyer], subject="Renewal paperwork")
    # The one time we met a director, long ago; no tie is left of it.
    b.touch(300, "meeting", [ae, se], [sandra, ops], subject="Architecture workshop")


def _globex(b: _AccountBuilder, t: dict[str, str]) -> None:
    ceo = b.person(CEO_TITLE, Seniority.C_LEVEL, "executive", None, name="Arthur Whitfield")
    cio = b.person(
        "Chief Information Officer",
        Seniority.C_LEVEL,
        "it",
        ceo,
        name="Patricia Lindqvist",
        buying_roles=["economic_buyer"],
        stance="neutral",
    )
    cfo = b.person(
        "Chief Financial Officer",
        Seniority.C_LEVEL,
        "finance",
        ceo,
        name="George Sandoval",
        buying_roles=["decision_maker"],
        stance="neutral",
    )
    vp_it = b.person(
        "VP IT",
        Seniority.VP,
        "it",
        cio,
        name="Rajesh Kumar",
        stance="supporter",
        buying_roles=["champion"],
    )
    dir_it = b.person("Director of Infrastructure", Seniority.DIRECTOR, "it", vp_it)
    dir_apps = b.person("Director of Applications", Seniority.DIRECTOR, "it", vp_it)
    vp_fin = b.person("VP Finance", Seniority.VP, "finance", cfo)
    proc = b.person("Director of Procurement", Seniority.DIRECTOR, "finance", vp_fin)
    for head, branch in ((dir_it, "it"), (dir_apps, "it"), (proc, "finance")):
        _filler(b, head, branch)
    coo = b.person("Chief Operating Officer", Seniority.C_LEVEL, "operations", ceo)
    _filler(b, b.person("VP Operations", Seniority.VP, "operations", coo), "operations")

    derek = t["Derek Olsen"]
    # Everything runs through Derek: seniors and staff alike, for years.
    people = [cio, vp_it, dir_it, dir_apps, proc, cfo]
    staff = [p for p in b.below(vp_it) if not p.senior][:6]
    for age in b.cadence(600, 2, (2.0, 5.0)):
        kind = _weighted(b.rng, {"meeting": 3, "call": 3, "email": 5, "message": 1})
        pool = people if b.rng.random() < 0.7 else staff
        contacts = b.rng.sample(pool, b.rng.randint(1, 2))
        b.touch(age, kind, [derek], contacts)
    # Months before the renewal the customer explains what is wrong; nobody answers.
    concerns = (
        (110, "meeting", [cio, vp_it], "Renewal: the current solution does not fit our process"),
        (84, "email", [vp_it], "Performance problems under the current license"),
        (63, "meeting", [cio, cfo], "We need a roadmap for our use case before we renew"),
        (41, "email", [cio], "Still waiting on answers to our questions"),
        (19, "email", [proc], "Request for proposal: evaluating alternatives"),
    )
    for age, kind, who, subject in concerns:
        extra: dict[str, Any] = {"concern": True, "subject": subject}
        extra["sentiment"] = round(b.rng.uniform(-0.7, -0.3), 2)
        if kind == "email":
            extra.update(direction="inbound", answered=False)
        b.touch(age, kind, [derek], who, **extra)


def _initech(b: _AccountBuilder, t: dict[str, str]) -> None:
    ceo = b.person(CEO_TITLE, Seniority.C_LEVEL, "executive", None, name="William Porter")
    cto = b.person(
        "Chief Technology Officer",
        Seniority.C_LEVEL,
        "engineering",
        ceo,
        name="Nina Patel",
        buying_roles=["economic_buyer"],
        stance="neutral",
    )
    vp_eng = b.person(
        "VP Engineering",
        Seniority.VP,
        "engineering",
        cto,
        name="Gregor Ivanov",
        stance="supporter",
        buying_roles=["champion"],
    )
    platform = b.person(
        "Director of Cloud Platform",
        Seniority.DIRECTOR,
        "engineering",
        vp_eng,
        name="Tom Becker",
        buying_roles=["technical_buyer"],
    )
    data = b.person("Director of Data Platform", Seniority.DIRECTOR, "engineering", vp_eng)
    for head in (platform, data):
        _filler(b, head, "engineering")
    cfo = b.person("Chief Financial Officer", Seniority.C_LEVEL, "finance", ceo)
    vp_fin = b.person("VP Finance", Seniority.VP, "finance", cfo)
    procurement = b.person(
        "Director of Procurement",
        Seniority.DIRECTOR,
        "finance",
        vp_fin,
        name="Carla Mendes",
        stance="supporter",
    )
    _filler(b, procurement, "finance")

    cal, priya = t["Calvin Price"], t["Priya Nair"]
    implementers = [p for p in b.below(platform) if not p.senior]
    # The commercial side was in the loop too, until the silence.
    for age in b.cadence(390, 63, (14.0, 24.0)):
        b.touch(age, b.rng.choice(("call", "email")), [cal], [procurement])
    # A steady weekly cadence for a year ...
    for age in b.cadence(400, 56, (5.0, 9.0)):
        kind = _weighted(b.rng, {"meeting": 3, "call": 3, "email": 4})
        contacts = b.rng.sample([vp_eng, platform, *implementers[:3]], b.rng.randint(1, 3))
        ours = [cal, priya] if kind == "meeting" else [b.rng.choice((cal, priya))]
        b.touch(age, kind, ours, contacts)
    # ... then Cal's "dashboarding" email, and nothing since.
    b.touch(
        49,
        "email",
        [cal],
        [vp_eng, platform],
        subject="Dashboarding: did you see enough dashboarding?",
        direction="outbound",
        answered=False,
    )


def _umbrella(b: _AccountBuilder, t: dict[str, str]) -> None:
    ceo = b.person(CEO_TITLE, Seniority.C_LEVEL, "executive", None, name="Albert Wesker")
    sponsor = b.person(
        "Chief Transformation Officer",
        Seniority.C_LEVEL,
        "executive",
        ceo,
        name="Raymond Cole",
        stance="neutral",
        buying_roles=["executive_sponsor"],
    )
    # The business side: they know what they want and blame the technology.
    cfo = b.person(
        "Chief Financial Officer",
        Seniority.C_LEVEL,
        "finance",
        ceo,
        name="Olivia Grant",
        stance="detractor",
        buying_roles=["economic_buyer"],
    )
    vp_ops = b.person(
        "VP Operations",
        Seniority.VP,
        "operations",
        sponsor,
        name="Howard Blake",
        stance="detractor",
        buying_roles=["decision_maker"],
    )
    biz_dir = b.person(
        "Director of Business Operations",
        Seniority.DIRECTOR,
        "operations",
        vp_ops,
        name="Linda Price",
        stance="detractor",
    )
    supply = b.person(
        "Director of Supply Chain", Seniority.DIRECTOR, "operations", vp_ops, stance="detractor"
    )
    vp_sales = b.person("VP Sales", Seniority.VP, "sales", ceo, stance="neutral")
    # The technology side: smart, technical, on our side.
    cto = b.person(
        "Chief Technology Officer",
        Seniority.C_LEVEL,
        "engineering",
        sponsor,
        name="Ingrid Holm",
        stance="supporter",
        buying_roles=["technical_buyer"],
    )
    vp_eng = b.person(
        "VP Engineering", Seniority.VP, "engineering", cto, name="Kenji Mori", stance="supporter"
    )
    cloud = b.person(
        "Director of Cloud Platform", Seniority.DIRECTOR, "engineering", vp_eng, stance="supporter"
    )
    data = b.person(
        "Director of Data Platform", Seniority.DIRECTOR, "engineering", vp_eng, stance="supporter"
    )
    for head, branch in ((biz_dir, "operations"), (supply, "operations"), (cloud, "engineering")):
        _filler(b, head, branch)
    _filler(b, data, "engineering")
    _filler(b, b.person("VP Finance", Seniority.VP, "finance", cfo), "finance")
    _filler(b, vp_sales, "sales")

    ae, se, csm, cto_ours = (
        t["Hannah Weiss"],
        t["Samuel Osei"],
        t["Fatima Haddad"],
        t["Grace Okafor"],
    )
    business = [cfo, vp_ops, biz_dir, supply]
    technology = [cto, vp_eng, cloud, data]
    for age in b.cadence(500, 3, (2.0, 5.0)):
        if b.rng.random() < 0.5:
            kind = _weighted(b.rng, {"meeting": 3, "call": 3, "email": 4})
            contacts = b.rng.sample(business, b.rng.randint(1, 2))
            sentiment = round(b.rng.uniform(-0.8, -0.1), 2) if kind != "email" else None
            concern = b.rng.random() < 0.15
            extra: dict[str, Any] = {"sentiment": sentiment}
            if concern:
                extra.update(concern=True, subject="The platform is not delivering what we need")
            b.touch(age, kind, [b.rng.choice((ae, csm))], contacts, **extra)
        else:
            kind = _weighted(b.rng, {"meeting": 3, "call": 3, "email": 3, "message": 2})
            contacts = b.rng.sample(technology, b.rng.randint(1, 2))
            sentiment = round(b.rng.uniform(0.3, 0.9), 2) if kind in ("meeting", "call") else None
            b.touch(age, kind, [b.rng.choice((se, se, cto_ours))], contacts, sentiment=sentiment)
    # The new sponsor's first weeks, and the five-hour meeting where it all came out.
    b.touch(26, "meeting", [ae], [sponsor], subject="Introduction to the new sponsor")
    b.touch(
        4,
        "meeting",
        [ae, se, csm],
        [sponsor, *business, *technology],
        subject="Five-hour review: business and technology teams disagree on the way forward",
        sentiment=-0.2,
        concern=True,
        follow_up="Sponsor asked for our direct view; alignment plan sent to him",
    )


def _contoso(b: _AccountBuilder, t: dict[str, str]) -> None:
    ceo = b.person(
        CEO_TITLE,
        Seniority.C_LEVEL,
        "executive",
        None,
        name="Elena Vasquez",
        stance="supporter",
        buying_roles=["executive_sponsor"],
    )
    cfo = b.person(
        "Chief Financial Officer",
        Seniority.C_LEVEL,
        "finance",
        ceo,
        name="Samuel Ortiz",
        stance="supporter",
        buying_roles=["economic_buyer"],
    )
    cio = b.person(
        "Chief Information Officer",
        Seniority.C_LEVEL,
        "it",
        ceo,
        name="Rebecca Stone",
        stance="supporter",
        buying_roles=["decision_maker"],
    )
    vp_it = b.person("VP IT", Seniority.VP, "it", cio, name="Daniel Kim", stance="supporter")
    cto = b.person("Chief Technology Officer", Seniority.C_LEVEL, "engineering", ceo)
    vp_eng = b.person("VP Engineering", Seniority.VP, "engineering", cto, stance="supporter")
    coo = b.person("Chief Operating Officer", Seniority.C_LEVEL, "operations", ceo)
    vp_ops = b.person("VP Operations", Seniority.VP, "operations", coo, stance="neutral")
    for head, branch in ((vp_it, "it"), (vp_eng, "engineering"), (vp_ops, "operations")):
        _filler(b, head, branch)
    _filler(b, b.person("VP Finance", Seniority.VP, "finance", cfo), "finance")
    it_dirs = b.of(branch="it", level=Seniority.DIRECTOR)
    eng_dirs = b.of(branch="engineering", level=Seniority.DIRECTOR)
    ops_dirs = b.of(branch="operations", level=Seniority.DIRECTOR)

    # Each of ours has their own counterpart: independent threads to the senior staff.
    threads = (
        (t["Margaret Chen"], [ceo], (25.0, 50.0), ("meeting", "call")),
        (t["Tom Alvarez"], [cfo], (20.0, 40.0), ("meeting", "call", "email")),
        (t["Marco Rossi"], [cio, vp_it, *it_dirs[:1]], (4.0, 9.0), ("meeting", "call", "email")),
        (t["Mei Tanaka"], [vp_eng, *eng_dirs[:2]], (4.0, 9.0), ("meeting", "call", "message")),
        (t["Julia Moreau"], [vp_ops, *ops_dirs[:2]], (5.0, 10.0), ("meeting", "call", "email")),
    )
    for member, counterparts, gap, kinds in threads:
        for age in b.cadence(520, b.rng.uniform(2, 12), gap):
            contacts = b.rng.sample(counterparts, b.rng.randint(1, len(counterparts)))
            b.touch(age, b.rng.choice(kinds), [member], contacts)
    staff = [p for p in b.people if p.level in (Seniority.MANAGER, Seniority.INDIVIDUAL)]
    for age in b.cadence(400, 1, (3.0, 6.0)):
        b.touch(age, "email", [t["Andre Dubois"]], b.rng.sample(staff, 1))
    b.touch(
        30,
        "event",
        [t["Margaret Chen"], t["Marco Rossi"], t["Mei Tanaka"]],
        [ceo, cio, vp_it, vp_eng],
        subject="Customer advisory board",
    )


_STORIES = {
    # id: (name, builder, annual value, renewal in days)
    "northwind": ("Northwind Traders", _northwind, 1_800_000.0, 75),
    "globex": ("Globex Corporation", _globex, 20_500_000.0, 60),
    "initech": ("Initech", _initech, 650_000.0, 110),
    "umbrella": ("Umbrella Corporation", _umbrella, 2_000_000.0, 190),
    "contoso": ("Contoso Ltd", _contoso, 3_200_000.0, 280),
}


# -- the portfolio -----------------------------------------------------------------------------


def _account_record(
    account_id: str, name: str, domain: str, value: float, renewal: date
) -> dict[str, Any]:
    return {
        "id": account_id,
        "name": name,
        "domains": [domain],
        "annual_value": value,
        "renewal_date": renewal.isoformat(),
    }


def _team_records() -> list[dict[str, Any]]:
    return [
        {
            "id": _member_id(name),
            "name": name,
            "email": f"{_slug(name).replace('-', '.')}@{OUR_DOMAIN}",
            "title": title,
            "role": role,
        }
        for name, title, role in _TEAM
    ]


def _build(
    seed: int, now: datetime, accounts: int
) -> tuple[list[dict[str, Any]], list[_AccountBuilder]]:
    if not len(_STORIES) <= accounts <= len(_STORIES) + len(_ACCOUNT_WORDS):
        raise ValueError(
            f"accounts must be between {len(_STORIES)} and {len(_STORIES) + len(_ACCOUNT_WORDS)}"
        )
    rng = random.Random(seed)
    team_pool = _team_by_role()
    by_name = {name: _member_id(name) for name, _, _ in _TEAM}
    account_records: list[dict[str, Any]] = []
    builders: list[_AccountBuilder] = []

    # Each account draws from its own stream, so one account's changes leave the others alone.
    for account_id, (name, build, value, renewal_days) in _STORIES.items():
        domain = f"{account_id}.example"
        b = _AccountBuilder(account_id, name, domain, random.Random(f"{seed}:{account_id}"), now)
        build(b, by_name)
        renewal = now.date() + timedelta(days=renewal_days)
        account_records.append(_account_record(account_id, name, domain, value, renewal))
        builders.append(b)

    words = rng.sample(_ACCOUNT_WORDS, accounts - len(_STORIES))
    for word in words:
        name = f"{word} {rng.choice(_INDUSTRIES)}"
        account_id = _slug(name)
        domain = f"{account_id.replace('-', '')}.example"
        value = round(min(4_000_000.0, max(60_000.0, rng.lognormvariate(12.9, 0.8))) / 5000) * 5000
        renewal = now.date() + timedelta(days=rng.randint(15, 365))
        b = _AccountBuilder(account_id, name, domain, random.Random(f"{seed}:{account_id}"), now)
        _generic_account(b, team_pool)
        account_records.append(_account_record(account_id, name, domain, float(value), renewal))
        builders.append(b)
    return account_records, builders


def demo_records(
    *, seed: int = DEMO_SEED, now: datetime | None = None, accounts: int = DEMO_ACCOUNTS
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The demo portfolio as ``(section, record)`` pairs, in bundle order.

    Parameters
    ----------
    seed
        The seed of the random streams; the same seed and ``now`` give the same records.
    now
        The time the portfolio is seen from (default: the current time). Every interaction is on
        a weekday at least a day before it.
    accounts
        How many accounts, the five story accounts included (5 to 60).

    Yields
    ------
    tuple of (str, dict)
        ``("accounts", record)`` first, then ``team``, ``contacts`` (each manager before their
        reports) and ``interactions`` (per account, oldest first). Records are in the JSON form of
        the bundle (:mod:`stakegraph.bundle.schema`).
    """
    when = to_utc(now) if now is not None else datetime.now(UTC)
    account_records, builders = _build(seed, when, accounts)
    for record in account_records:
        yield "accounts", record
    for record in _team_records():
        yield "team", record
    for b in builders:
        for record in b.contact_records():
            yield "contacts", record
    for b in builders:
        for record in b.interaction_records():
            yield "interactions", record


def demo_bundle(
    *, seed: int = DEMO_SEED, now: datetime | None = None, accounts: int = DEMO_ACCOUNTS
) -> dict[str, Any]:
    """The demo portfolio as one bundle document (see :func:`demo_records`)."""
    bundle: dict[str, Any] = {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION}
    for section in BUNDLE_SECTIONS:
        bundle[section] = []
    for section, record in demo_records(seed=seed, now=now, accounts=accounts):
        bundle[section].append(record)
    return bundle


def northwind_promotion() -> list[dict[str, Any]]:
    """The contact updates of Sandra's promotion at Northwind, to load after the demo.

    Sandra becomes Chief Digital Officer, reporting to the CEO; a new VP IT, Victor Lang, who has
    never met us, takes her place under the CIO, and her directors now report to him. Loading
    these records is what raises the "key sponsor changed role" alert.
    """
    victor = "northwind-victor-lang"
    return [
        {
            "id": victor,
            "account_id": "northwind",
            "name": "Victor Lang",
            "email": "victor.lang@northwind.example",
            "title": "VP IT",
            "reports_to": NORTHWIND_CIO,
            "stance": "unknown",
            "status": "active",
        },
        {
            "id": NORTHWIND_SANDRA,
            "account_id": "northwind",
            "name": "Sandra Ruiz",
            "email": "sandra.ruiz@northwind.example",
            "title": "Chief Digital Officer",
            "reports_to": "northwind-helen-marsh",
            "buying_roles": ["executive_sponsor", "champion"],
            "stance": "supporter",
            "status": "active",
        },
        *(
            {
                "id": f"northwind-{_slug(name)}",
                "account_id": "northwind",
                "name": name,
                "email": f"{_slug(name).replace('-', '.')}@northwind.example",
                "title": title,
                "reports_to": victor,
                "stance": "unknown",
                "status": "active",
            }
            for name, title in (
                ("Amir Rahman", "Director of IT Operations"),
                ("Joanna Pike", "Director of Infrastructure"),
                ("Lucy Tran", "Director of Applications"),
            )
        ),
    ]
