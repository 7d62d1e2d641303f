"""The deterministic demo company, Acme Corp (SPEC §3, §5, §6).

`generate_demo()` builds four quarterly cycles of OKRs for one company, six departments and
about thirty teams, with weekly check-ins, and returns the canonical tables together with the
ground truth the metrics should find in them: two sandbagging teams, two over-ambitious
teams, one broken alignment link, orphans, unsupported company objectives, stale and
ungraded key results, key results written as activities, strict links, an over-confident
team and a team that grades in zones.

Everything is drawn from one `numpy.random.default_rng(seed)`, so the same seed gives the
same frames. `generate_company()` exposes the sizes, so that a benchmark can build a company
of thousands of teams; the work per key result and per check-in is vectorised.

`python -m demo_company.generate --write-data` rebuilds `data/demo_company.xlsx` and the import
template `data/okr_template.xlsx`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.store import schema

DEMO_AS_OF = date(2026, 11, 25)
DEMO_SEED = 7
COMPANY_ID = "acme"
COMPANY_NAME = "Acme Corp"
CHECK_IN_WEEKDAY = 3  # Thursday
STALE_DAYS = 14

# Key-result kinds (indices into schema.KR_TYPES); ACTIVITY is an increase KR worded as a task.
INC, DEC, RNG, MIL, BAS, ACTIVITY = range(6)
# Goal-setting profiles of a team.
NORMAL, SANDBAG, AMBITIOUS = range(3)
ZONES = np.array([0.0, 0.3, 0.7, 1.0])
TYPE_SHARES = np.array([0.40, 0.23, 0.10, 0.19, 0.08])  # increase … baseline


# --------------------------------------------------------------------------------------
# Public result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTruth:
    """What the metrics are expected to find in the generated company."""

    sandbagging_teams: frozenset[str]
    over_ambitious_teams: frozenset[str]
    sandbagging_owners: frozenset[str]
    over_ambitious_owners: frozenset[str]
    broken_link_objective_ids: frozenset[str]
    orphan_objective_ids: frozenset[str]
    unsupported_top_objective_ids: frozenset[str]
    stale_kr_ids: frozenset[str]
    activity_kr_ids: frozenset[str]
    strict_link_kr_ids: frozenset[str]
    ungraded_kr_ids: frozenset[str]
    # Extras for the lint, calibration and grading tests.
    overconfident_team: str | None = None
    zone_grading_team: str | None = None
    missing_start_kr_ids: frozenset[str] = frozenset()
    single_kr_objective_ids: frozenset[str] = frozenset()
    busy_owners: frozenset[str] = frozenset()  # owners of 6+ objectives in the running cycle
    unrecorded_baseline_kr_ids: frozenset[str] = frozenset()  # check-ins, never a value
    manual_score_kr_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class DemoCompany:
    """The canonical tables (keyed by schema table name), the reference date and the truth."""

    tables: dict[str, pd.DataFrame]
    as_of: date
    truth: DemoTruth


# --------------------------------------------------------------------------------------
# Content: what each department writes OKRs about
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A key-result template.

    increase/decrease: start drawn from [a, b], relative change from [c, d].
    range: the band is [a, b], the start is drawn from [c, d] (possibly outside the band).
    baseline: a recorded value lies in [a, b].  activity: the target is drawn from [c, d].
    `dec` is the rounding (decimals, negative for tens/thousands); `cap` an upper bound.
    """

    kind: int
    template: str
    unit: str | None = None
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    d: float = 0.0
    dec: int = 0
    cap: float = np.inf


def _up(t: str, unit: str, s: tuple, g: tuple, dec: int = 0, cap: float = np.inf) -> Metric:
    return Metric(INC, t, unit, s[0], s[1], g[0], g[1], dec, cap)


def _down(t: str, unit: str, s: tuple, g: tuple, dec: int = 0) -> Metric:
    return Metric(DEC, t, unit, s[0], s[1], g[0], g[1], dec)


def _band(t: str, unit: str, band: tuple, start: tuple, dec: int = 0) -> Metric:
    return Metric(RNG, t, unit, band[0], band[1], start[0], start[1], dec)


def _done(t: str) -> Metric:
    return Metric(MIL, t)


def _base(t: str, unit: str, v: tuple, dec: int = 0) -> Metric:
    return Metric(BAS, t, unit, v[0], v[1], dec=dec)


def _act(t: str, n: tuple) -> Metric:
    return Metric(ACTIVITY, t, "count", 0, 0, n[0], n[1])


@dataclass(frozen=True)
class Bank:
    """Names and OKR texts of one department (or of the company)."""

    key: str
    name: str
    focuses: tuple[str, ...]
    objectives: tuple[str, ...]
    team_objectives: tuple[str, ...]  # "{f}" is the team's focus, e.g. "EMEA"
    metrics: tuple[Metric, ...]


DEPARTMENT_BANKS: tuple[Bank, ...] = (
    Bank(
        "sales",
        "Sales",
        (
            "EMEA",
            "Americas",
            "APAC",
            "DACH",
            "Nordics",
            "Enterprise",
            "Mid-Market",
            "Inside Sales",
            "Partnerships",
            "Sales Operations",
        ),
        (
            "Build a predictable, fast-growing new-business engine",
            "Win the enterprise segment in our core markets",
            "Make every rep productive within their first quarter",
            "Grow revenue from the customers we already have",
            "Turn partners into a second sales channel",
            "Forecast revenue we can commit to",
        ),
        (
            "Build a {f} pipeline we can bet the quarter on",
            "Close bigger deals faster in {f}",
            "Win back lost accounts in {f}",
            "Make {f} reps productive from week one",
            "Turn {f} trials into paying customers",
            "Expand revenue from {f} key accounts",
            "Shorten the {f} sales cycle",
            "Make the {f} forecast trustworthy",
        ),
        (
            _up("Grow qualified pipeline from {s} to {t}", "EUR", (8e5, 2.5e6), (0.2, 0.5), -4),
            _up(
                "Raise the win rate on qualified opportunities from {s} to {t}",
                "%",
                (18, 28),
                (0.15, 0.4),
                0,
                100,
            ),
            _up("Increase average deal size from {s} to {t}", "EUR", (1.8e4, 4e4), (0.1, 0.3), -3),
            _up(
                "Grow new annual recurring revenue from {s} to {t}",
                "EUR",
                (4e5, 1.2e6),
                (0.15, 0.4),
                -4,
            ),
            _up("Raise net revenue retention from {s} to {t}", "%", (98, 106), (0.03, 0.08), 0),
            _up(
                "Increase meetings booked per rep per week from {s} to {t}",
                "count",
                (6, 10),
                (0.2, 0.5),
                0,
            ),
            _down("Cut the average sales cycle from {s} to {t}", "days", (60, 95), (0.15, 0.3)),
            _down(
                "Reduce discounting on closed deals from {s} to {t}", "%", (14, 22), (0.2, 0.4), 1
            ),
            _down(
                "Cut time from inbound lead to first call from {s} to {t}",
                "h",
                (30, 60),
                (0.3, 0.6),
            ),
            _band("Keep forecast accuracy between {lo} and {hi}", "%", (90, 110), (72, 125)),
            _band(
                "Keep pipeline coverage between {lo} and {hi} of quota", "x", (3, 4), (1.8, 5.2), 1
            ),
            _done("Launch the partner referral programme"),
            _done("Roll out the new quoting tool to all reps"),
            _done("Publish the enterprise pricing playbook"),
            _done("Sign the first reseller agreement in Southeast Asia"),
            _base("Establish a baseline for lead-to-opportunity conversion", "%", (8, 16), 1),
            _base("Measure the win rate on competitive deals for the first time", "%", (20, 35)),
            _act("Run {t} pipeline review sessions with account executives", (6, 12)),
            _act("Hold {t} executive business reviews with key accounts", (5, 15)),
            _act("Analyse {t} lost deals with the product team", (10, 30)),
        ),
    ),
    Bank(
        "marketing",
        "Marketing",
        (
            "Brand",
            "Demand Generation",
            "Content",
            "Product Marketing",
            "Events",
            "Growth",
            "Marketing Operations",
            "SEO",
        ),
        (
            "Become the brand mid-market logistics teams think of first",
            "Fill the funnel with leads sales wants to call",
            "Make our launches land with customers",
            "Turn content into a growth channel",
            "Prove the return on every marketing euro",
            "Build a community of customer advocates",
        ),
        (
            "Make {f} a reliable source of qualified leads",
            "Prove what {f} adds to revenue",
            "Get more out of every {f} euro",
            "Launch {f} campaigns customers remember",
            "Build a {f} engine that scales without headcount",
            "Make {f} decisions data-driven",
            "Turn {f} audiences into trials",
            "Make {f} work hand in hand with sales",
        ),
        (
            _up(
                "Grow marketing-qualified leads from {s} to {t}",
                "count",
                (400, 900),
                (0.2, 0.5),
                -1,
            ),
            _up(
                "Raise visitor-to-trial conversion from {s} to {t}", "%", (1.5, 3.0), (0.2, 0.5), 1
            ),
            _up(
                "Increase organic search traffic from {s} to {t} monthly visits",
                "count",
                (4e4, 9e4),
                (0.15, 0.4),
                -3,
            ),
            _up("Grow newsletter subscribers from {s} to {t}", "count", (8e3, 2e4), (0.1, 0.3), -2),
            _up(
                "Raise aided brand awareness in Germany from {s} to {t}",
                "%",
                (12, 22),
                (0.2, 0.5),
                0,
                100,
            ),
            _up(
                "Increase marketing-sourced pipeline from {s} to {t}",
                "EUR",
                (5e5, 1.5e6),
                (0.2, 0.45),
                -4,
            ),
            _down("Cut cost per lead from {s} to {t}", "EUR", (90, 160), (0.15, 0.35)),
            _down(
                "Reduce time to publish a campaign landing page from {s} to {t}",
                "days",
                (8, 15),
                (0.3, 0.6),
            ),
            _down("Cut the email unsubscribe rate from {s} to {t}", "%", (0.8, 1.6), (0.2, 0.4), 2),
            _band("Keep the email open rate between {lo} and {hi}", "%", (30, 40), (22, 45)),
            _band(
                "Keep paid-search cost per click between {lo} and {hi}",
                "EUR",
                (2.5, 3.5),
                (1.8, 4.6),
                2,
            ),
            _done("Launch the new brand identity across all channels"),
            _done("Publish the 2026 State of Logistics report"),
            _done("Go live with the new marketing automation platform"),
            _done("Ship the redesigned pricing page"),
            _base("Establish a baseline for coupon redemption rate", "%", (2, 9), 1),
            _base("Obtain baseline data for share of voice in the trade press", "%", (5, 20)),
            _base(
                "Measure customer acquisition cost per channel for the first time",
                "EUR",
                (300, 900),
            ),
            _act("Run {t} A/B tests on the signup flow", (4, 10)),
            _act("Hold {t} webinars with partners", (3, 8)),
            _act("Work on {t} new customer case studies", (3, 8)),
        ),
    ),
    Bank(
        "product",
        "Product",
        (
            "Checkout",
            "Onboarding",
            "Mobile",
            "Search",
            "Analytics",
            "Integrations",
            "Billing",
            "Design System",
        ),
        (
            "Make onboarding effortless for new customers",
            "Deliver features customers love and use",
            "Make our product the easiest to integrate",
            "Turn product analytics into decisions",
            "Win the mobile experience",
            "Raise the bar on product quality",
        ),
        (
            "Make {f} effortless for first-time users",
            "Ship {f} improvements customers actually use",
            "Turn {f} into a reason customers choose us",
            "Make {f} decisions with data, not opinions",
            "Remove the biggest frustrations in {f}",
            "Make {f} the most reliable part of the product",
            "Help customers get value from {f} in their first week",
            "Lower the cost of change in {f}",
        ),
        (
            _up("Raise weekly active users from {s} to {t}", "count", (1.2e4, 3e4), (0.1, 0.3), -2),
            _up("Increase trial-to-paid conversion from {s} to {t}", "%", (8, 14), (0.2, 0.5), 1),
            _up(
                "Raise adoption of saved searches from {s} to {t}",
                "%",
                (15, 30),
                (0.3, 0.6),
                0,
                100,
            ),
            _up("Raise NPS from {s} to {t}", "pts", (25, 40), (0.2, 0.5)),
            _up(
                "Increase the share of customers using two or more integrations from {s} to {t}",
                "%",
                (20, 35),
                (0.2, 0.4),
                0,
                100,
            ),
            _up(
                "Raise the app store rating from {s} to {t}", "pts", (3.6, 4.2), (0.05, 0.12), 1, 5
            ),
            _down(
                "Cut onboarding time to first shipment from {s} to {t}",
                "days",
                (10, 20),
                (0.3, 0.5),
            ),
            _down("Reduce checkout drop-off from {s} to {t}", "%", (30, 45), (0.15, 0.3)),
            _down(
                "Cut time to first value for new accounts from {s} to {t}",
                "h",
                (48, 96),
                (0.3, 0.5),
            ),
            _band(
                "Keep the share of roadmap spent on unplanned work between {lo} and {hi}",
                "%",
                (10, 20),
                (4, 35),
            ),
            _band("Keep releases per month between {lo} and {hi}", "count", (4, 8), (1, 11)),
            _done("Launch the partner portal"),
            _done("Ship offline mode in the mobile app"),
            _done("Release version 2 of the public API"),
            _done("Launch the redesigned dashboard to all customers"),
            _base("Establish a baseline for week-4 retention of new users", "%", (25, 45)),
            _base("Obtain baseline data for search success rate", "%", (55, 80)),
            _base("Measure time spent per session for the first time", "min", (6, 15)),
            _act("Run {t} customer discovery interviews", (8, 20)),
            _act("Hold {t} usability testing sessions", (4, 10)),
            _act("Help {t} customers migrate to the new dashboard", (10, 40)),
        ),
    ),
    Bank(
        "engineering",
        "Engineering",
        (
            "Platform",
            "Payments",
            "Data",
            "Infrastructure",
            "Mobile Apps",
            "Security",
            "Quality",
            "Developer Experience",
            "Reliability",
        ),
        (
            "Make our platform boringly reliable",
            "Ship faster without breaking things",
            "Keep customer data safe and compliant",
            "Make engineers productive from day one",
            "Scale the platform for ten times the load",
            "Pay down the debt that slows us down",
        ),
        (
            "Make {f} boringly reliable",
            "Ship {f} changes faster and safer",
            "Cut the cost of running {f}",
            "Make {f} ready for ten times the traffic",
            "Make on-call for {f} calm and predictable",
            "Pay down the {f} debt that slows every release",
            "Make {f} secure by default",
            "Give {f} engineers a fast feedback loop",
        ),
        (
            _up("Raise deployments per week from {s} to {t}", "count", (5, 15), (0.3, 0.8)),
            _up(
                "Increase automated test coverage from {s} to {t}",
                "%",
                (45, 65),
                (0.15, 0.3),
                0,
                100,
            ),
            _up(
                "Raise API availability from {s} to {t}",
                "%",
                (99.5, 99.8),
                (0.001, 0.0019),
                2,
                99.99,
            ),
            _up(
                "Increase the share of services with SLOs from {s} to {t}",
                "%",
                (30, 50),
                (0.3, 0.6),
                0,
                100,
            ),
            _up(
                "Grow self-service test environments from {s} to {t}", "count", (10, 30), (0.3, 0.6)
            ),
            _down("Cut p95 API latency from {s} to {t}", "ms", (400, 900), (0.25, 0.5), -1),
            _down("Reduce mean time to recovery from {s} to {t}", "min", (90, 240), (0.3, 0.6)),
            _down("Cut the change failure rate from {s} to {t}", "%", (12, 25), (0.3, 0.5)),
            _down("Reduce cloud cost per customer from {s} to {t}", "EUR", (40, 70), (0.1, 0.25)),
            _down("Cut CI pipeline duration from {s} to {t}", "min", (25, 45), (0.3, 0.5)),
            _band(
                "Keep CPU utilisation of the production cluster between {lo} and {hi}",
                "%",
                (55, 75),
                (30, 92),
            ),
            _band("Keep on-call pages per week between {lo} and {hi}", "count", (2, 6), (3, 16)),
            _done("Migrate all services to Kubernetes"),
            _done("Complete the SOC 2 Type II audit"),
            _done("Retire the legacy billing monolith"),
            _done("Enable single sign-on for all internal tools"),
            _base("Establish a baseline for developer onboarding time", "days", (5, 15)),
            _base("Measure the flaky test rate for the first time", "%", (2, 9), 1),
            _base("Obtain baseline data for cost per deployment", "EUR", (3, 20), 1),
            _act("Run {t} game days on the payment flow", (2, 6)),
            _act("Hold {t} architecture reviews", (4, 10)),
            _act("Work on {t} findings from the penetration test", (10, 25)),
            _act("Analyse {t} production incidents for common causes", (8, 20)),
        ),
    ),
    Bank(
        "customer-success",
        "Customer Success",
        (
            "Support EMEA",
            "Support Americas",
            "Onboarding Services",
            "Renewals",
            "Professional Services",
            "Customer Education",
            "Enterprise Success",
            "Community",
        ),
        (
            "Make support a reason customers stay",
            "Get every new customer live fast",
            "Keep the customers we have",
            "Turn customers into advocates",
            "Scale success without scaling headcount",
            "Make expert help profitable",
        ),
        (
            "Make {f} the best-rated part of the customer journey",
            "Resolve {f} issues before customers notice",
            "Get {f} customers live in record time",
            "Keep every {f} customer we can keep",
            "Turn {f} customers into references",
            "Scale {f} with self-service",
            "Make {f} expertise profitable",
            "Make {f} customers successful without a ticket",
        ),
        (
            _up(
                "Raise customer satisfaction (CSAT) from {s} to {t}",
                "%",
                (82, 90),
                (0.03, 0.08),
                0,
                100,
            ),
            _up(
                "Increase gross revenue retention from {s} to {t}",
                "%",
                (86, 92),
                (0.03, 0.06),
                0,
                100,
            ),
            _up(
                "Grow the self-service resolution rate from {s} to {t}",
                "%",
                (20, 35),
                (0.3, 0.6),
                0,
                100,
            ),
            _up(
                "Grow the number of referenceable customers from {s} to {t}",
                "count",
                (15, 40),
                (0.3, 0.6),
            ),
            _up(
                "Increase expansion revenue from existing accounts from {s} to {t}",
                "EUR",
                (1.5e5, 4e5),
                (0.15, 0.4),
                -4,
            ),
            _down("Cut median ticket resolution time from {s} to {t}", "h", (20, 36), (0.3, 0.6)),
            _down("Reduce first response time from {s} to {t}", "min", (90, 240), (0.4, 0.6)),
            _down("Cut logo churn from {s} to {t}", "%", (2.5, 4.5), (0.2, 0.4), 1),
            _down("Reduce the ticket backlog from {s} to {t}", "count", (300, 700), (0.3, 0.5), -1),
            _down(
                "Cut onboarding time for new customers from {s} to {t}",
                "days",
                (30, 50),
                (0.25, 0.4),
            ),
            _band("Keep consultant utilisation between {lo} and {hi}", "%", (70, 80), (55, 92)),
            _band(
                "Keep tickets per agent per day between {lo} and {hi}", "count", (18, 25), (12, 32)
            ),
            _done("Launch the customer health score in the CRM"),
            _done("Publish the new help centre"),
            _done("Launch the customer academy"),
            _done("Introduce 24/7 support for enterprise customers"),
            _base("Establish a baseline for customer effort score", "pts", (3, 6), 1),
            _base("Obtain baseline data for time to value per segment", "days", (10, 40)),
            _base("Measure the knowledge-base deflection rate for the first time", "%", (10, 30)),
            _act("Run {t} quarterly business reviews with key accounts", (6, 15)),
            _act("Hold {t} onboarding office hours", (6, 12)),
            _act("Help {t} at-risk customers with a success plan", (5, 20)),
        ),
    ),
    Bank(
        "people",
        "People",
        (
            "Recruiting",
            "People Operations",
            "Learning & Development",
            "Workplace",
            "Total Rewards",
            "Employer Brand",
            "Talent Management",
        ),
        (
            "Hire the people our growth plan needs",
            "Make Acme a place people recommend",
            "Grow leaders from within",
            "Make people processes effortless",
            "Pay people fairly and transparently",
            "Build an inclusive company",
        ),
        (
            "Make {f} a competitive advantage",
            "Make {f} effortless for every employee",
            "Deliver {f} programmes people ask for",
            "Make {f} decisions with data",
            "Make {f} fair and transparent",
            "Scale {f} for 300 new colleagues",
            "Turn {f} feedback into action",
            "Make {f} a reason people join",
        ),
        (
            _up(
                "Raise the employee engagement score from {s} to {t}", "pts", (65, 74), (0.05, 0.12)
            ),
            _up(
                "Increase the offer acceptance rate from {s} to {t}",
                "%",
                (70, 82),
                (0.06, 0.15),
                0,
                100,
            ),
            _up(
                "Grow the share of roles filled internally from {s} to {t}",
                "%",
                (15, 25),
                (0.2, 0.5),
                0,
                100,
            ),
            _up(
                "Increase the share of women in engineering from {s} to {t}",
                "%",
                (18, 26),
                (0.1, 0.25),
                0,
                100,
            ),
            _up("Raise eNPS from {s} to {t}", "pts", (10, 25), (0.3, 0.6)),
            _up("Grow training hours per employee from {s} to {t}", "h", (6, 12), (0.3, 0.6)),
            _down("Cut time to hire from {s} to {t}", "days", (45, 65), (0.2, 0.35)),
            _down("Reduce regretted attrition from {s} to {t}", "%", (8, 12), (0.2, 0.35), 1),
            _down("Cut onboarding paperwork time from {s} to {t}", "h", (6, 10), (0.4, 0.6)),
            _down("Reduce cost per hire from {s} to {t}", "EUR", (4e3, 7e3), (0.15, 0.3), -2),
            _band("Keep the gender pay gap between {lo} and {hi}", "%", (-2, 2), (-1, 7), 1),
            _band(
                "Keep span of control between {lo} and {hi} direct reports",
                "count",
                (5, 8),
                (3, 11),
            ),
            _done("Launch the new career framework"),
            _done("Roll out the HR information system"),
            _done("Publish salary bands for all roles"),
            _done("Open the Lisbon office"),
            _base("Establish a baseline for manager effectiveness score", "pts", (60, 80)),
            _base("Obtain baseline data for the internal mobility rate", "%", (4, 12), 1),
            _base(
                "Measure time to productivity for new hires for the first time", "days", (30, 90)
            ),
            _act("Run {t} hiring-manager trainings", (4, 10)),
            _act("Hold {t} listening sessions with new joiners", (4, 8)),
            _act("Work on {t} job descriptions with hiring managers", (10, 30)),
            _act("Help {t} managers run their first performance review", (5, 15)),
        ),
    ),
)

COMPANY_BANK = Bank(
    COMPANY_ID,
    COMPANY_NAME,
    (),
    (
        "Become the default choice for mid-market logistics teams",
        "Grow profitably into new markets",
        "Delight customers at every touchpoint",
        "Build a platform that scales with our customers",
        "Make Acme a great place to do your best work",
        "Reach operational excellence",
        "Win in the enterprise segment",
        "Expand our partner ecosystem",
    ),
    (),
    (
        _up(
            "Grow annual recurring revenue from {s} to {t}", "EUR", (1.8e7, 2.4e7), (0.06, 0.12), -5
        ),
        _up("Raise company NPS from {s} to {t}", "pts", (30, 38), (0.15, 0.3)),
        _up(
            "Increase the number of enterprise customers from {s} to {t}",
            "count",
            (40, 60),
            (0.1, 0.25),
        ),
        _up("Raise net revenue retention from {s} to {t}", "%", (100, 106), (0.03, 0.06)),
        _down("Cut monthly cash burn from {s} to {t}", "EUR", (6e5, 9e5), (0.1, 0.25), -4),
        _down("Reduce logo churn from {s} to {t}", "%", (2.5, 4.0), (0.2, 0.35), 1),
        _down("Cut time from contract to go-live from {s} to {t}", "days", (40, 60), (0.2, 0.35)),
        _band("Keep gross margin between {lo} and {hi}", "%", (72, 78), (64, 81)),
        _band(
            "Keep monthly hiring between {lo} and {hi} new colleagues", "count", (15, 25), (8, 30)
        ),
        _done("Open the North American entity"),
        _done("Close the Series C funding round"),
        _done("Complete ISO 27001 certification"),
        _base("Establish a baseline for revenue per employee", "EUR", (1.2e5, 1.8e5), -3),
        _base(
            "Measure customer lifetime value per segment for the first time", "EUR", (4e4, 9e4), -3
        ),
    ),
)

OBJECTIVE_DESCRIPTIONS = (
    "Customers told us this is where we lose them.",
    "Agreed at the planning offsite; reviewed at mid-cycle.",
    "Builds on what we learned last quarter.",
    "A stretch goal: 0.7 would be a good result.",
    "Needed for next year's growth plan.",
    "Shared with the leadership team; progress in the weekly check-in.",
    "The board asked for this explicitly.",
    "Depends on the platform team's roadmap.",
)

CHECK_IN_NOTES = {
    "on track": (
        "Going to plan.",
        "Good week, numbers moving.",
        "Ahead of last week.",
        "New process is paying off.",
        "Customer feedback positive.",
    ),
    "behind": (
        "Slower than planned.",
        "Waiting on a dependency.",
        "Two people out this week.",
        "Pipeline thinner than expected.",
        "Recovering after a slow start.",
    ),
    "at risk": (
        "Blocked, escalated to the department head.",
        "Needs a decision on scope.",
        "Unlikely to make it this cycle.",
        "Budget not approved yet.",
        "Tracking broken, fixing the data.",
    ),
}

FIRST_NAMES = (
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kira",
    "Lars",
    "Maya",
    "Nils",
    "Olivia",
    "Pavel",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wim",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amelia",
    "Bruno",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Priya",
    "Rafael",
    "Sofia",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Aisha",
    "Chen",
    "Dara",
    "Erik",
    "Fatima",
    "Goran",
    "Helena",
    "Jakob",
    "Leila",
    "Mateo",
    "Noor",
    "Sven",
)
LAST_NAMES = (
    "Andersen",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Martin",
    "Novak",
    "Olsen",
    "Petrov",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zimmermann",
    "Almeida",
    "Bianchi",
    "Castillo",
    "Dimitrov",
    "Engel",
    "Ferreira",
    "Gruber",
    "Horvath",
    "Ito",
    "Jovanovic",
    "Keller",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Richter",
    "Santos",
    "Takahashi",
    "Ulrich",
    "Vogel",
    "Wagner",
    "Young",
    "Zhang",
    "Brennan",
    "Clarke",
    "Duarte",
    "Hansen",
    "Kaur",
    "Mensah",
    "Nguyen",
    "Popescu",
    "Rahman",
    "Silva",
    "Wolff",
)


# --------------------------------------------------------------------------------------
# Cycles and organisation
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cycle:
    cycle_id: str
    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Unit:
    """Something that owns objectives: the company, a department, a team or a person."""

    team_id: str
    level: str
    bank: int  # index into _BANKS
    department: str | None
    focus: str
    lead: str  # owns the unit's objectives
    members: tuple[str, ...]  # own the unit's key results
    profile: int = NORMAL
    parent_unit: int | None = None  # individual OKRs: index of the person's team


def quarter_cycles(as_of: date, n_cycles: int) -> list[Cycle]:
    """`n_cycles` calendar quarters, the last one being the quarter that contains `as_of`."""
    index = as_of.year * 4 + (as_of.month - 1) // 3
    cycles = []
    for i in range(index - n_cycles + 1, index + 1):
        year, q = divmod(i, 4)
        start = date(year, 3 * q + 1, 1)
        next_start = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        cycles.append(
            Cycle(f"{year}-Q{q + 1}", f"Q{q + 1} {year}", start, next_start - timedelta(days=1))
        )
    return cycles


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _people(rng: np.random.Generator, n: int) -> list[str]:
    """`n` distinct "First Last" names (with a middle initial once the plain names run out)."""
    grid = len(FIRST_NAMES) * len(LAST_NAMES)
    codes = list(rng.permutation(grid)[: min(n, grid)])
    if n > grid:
        codes += list(grid + rng.choice(grid * 26, size=n - grid, replace=False))
    names = []
    for code in codes:
        initial, rest = divmod(int(code), grid)
        first, last = FIRST_NAMES[rest // len(LAST_NAMES)], LAST_NAMES[rest % len(LAST_NAMES)]
        middle = f" {chr(ord('A') + initial - 1)}." if initial else ""
        names.append(f"{first}{middle} {last}")
    return names


_BANKS: tuple[Bank, ...] = (*DEPARTMENT_BANKS, COMPANY_BANK)
_COMPANY_BANK = len(_BANKS) - 1


def _build_units(
    rng: np.random.Generator, n_departments: int, n_teams: int, individual_okrs: bool
) -> list[Unit]:
    """The company, its departments and teams (and people, for individual OKRs)."""
    if n_teams < n_departments:
        raise ValueError("need at least one team per department")
    per_dept = np.full(n_departments, n_teams // n_departments)
    per_dept[rng.permutation(n_departments)[: n_teams % n_departments]] += 1
    team_sizes = rng.choice([2, 3, 4, 5], size=n_teams, p=[0.15, 0.35, 0.3, 0.2])
    dept_staff = rng.integers(1, 3, size=n_departments)  # people besides the head
    names = iter(_people(rng, 1 + n_departments + int(dept_staff.sum()) + int(team_sizes.sum())))

    ceo = next(names)
    departments, teams, heads = [], [], []
    t = 0
    for d in range(n_departments):
        bank_index = d % len(DEPARTMENT_BANKS)
        bank = DEPARTMENT_BANKS[bank_index]
        round_ = d // len(DEPARTMENT_BANKS)
        dept_id = bank.key if round_ == 0 else f"{bank.key}-{round_ + 1}"
        dept_name = bank.name if round_ == 0 else f"{bank.name} {round_ + 1}"
        head = next(names)
        heads.append(head)
        staff = tuple(next(names) for _ in range(dept_staff[d]))
        departments.append(
            Unit(dept_id, "department", bank_index, dept_id, dept_name, head, (head, *staff))
        )
        for k in range(per_dept[d]):
            focus = bank.focuses[k % len(bank.focuses)]
            if k >= len(bank.focuses):
                focus = f"{focus} {k // len(bank.focuses) + 1}"
            people = tuple(next(names) for _ in range(team_sizes[t]))
            teams.append(
                Unit(
                    f"{dept_id}-{_slug(focus)}",
                    "team",
                    bank_index,
                    dept_id,
                    focus,
                    people[0],
                    people,
                )
            )
            t += 1
    company = Unit(COMPANY_ID, "company", _COMPANY_BANK, None, COMPANY_NAME, ceo, (ceo, *heads))
    units = [company, *departments, *teams]
    if individual_okrs:
        first_team = 1 + n_departments
        for i, team in enumerate(teams):
            for person in team.members[1:]:
                units.append(
                    Unit(
                        f"{team.team_id}-{_slug(person)}",
                        "individual",
                        team.bank,
                        team.department,
                        team.focus,
                        person,
                        (person,),
                        parent_unit=first_team + i,
                    )
                )
    return units


def _assign_profiles(rng: np.random.Generator, units: list[Unit]) -> tuple[list[Unit], dict]:
    """Pick the sandbagging, over-ambitious, zone-grading, over-confident and busy teams.

    Sandbagging teams come from different departments. Returns the units with their
    profiles (people inherit their team's) and the names of the special teams.
    """
    team_idx = [i for i, u in enumerate(units) if u.level == "team"]
    n_flag = max(2, len(team_idx) // 16)
    if len(team_idx) < 2 * n_flag + 4:
        raise ValueError("the generator needs at least 8 teams")
    order = [team_idx[i] for i in rng.permutation(len(team_idx))]
    sandbag, seen = [], set()
    for i in order:
        if units[i].department not in seen and len(sandbag) < n_flag:
            sandbag.append(i)
            seen.add(units[i].department)
    sandbag += [i for i in order if i not in sandbag][: n_flag - len(sandbag)]
    rest = [i for i in order if i not in sandbag]
    ambitious, rest = rest[:n_flag], rest[n_flag:]
    zone, overconfident, busy = rest[0], rest[1], rest[2:4]
    profile = dict.fromkeys(sandbag, SANDBAG) | dict.fromkeys(ambitious, AMBITIOUS)
    out = [
        replace(u, profile=profile.get(i if u.parent_unit is None else u.parent_unit, NORMAL))
        for i, u in enumerate(units)
    ]
    special = {
        "sandbag": [units[i].team_id for i in sandbag],
        "ambitious": [units[i].team_id for i in ambitious],
        "zone": units[zone].team_id,
        "overconfident": units[overconfident].team_id,
        "busy": [units[i].team_id for i in busy],
    }
    return out, special


def _teams_frame(units: list[Unit]) -> pd.DataFrame:
    """The teams table: company, departments, teams (and individuals)."""
    dept_names = {u.team_id: u.focus for u in units if u.level == "department"}
    rows = []
    for u in units:
        if u.level == "company":
            rows.append((u.team_id, COMPANY_NAME, None, "company"))
        elif u.level == "department":
            rows.append((u.team_id, u.focus, COMPANY_ID, "department"))
        elif u.level == "team":
            rows.append((u.team_id, f"{dept_names[u.department]} {u.focus}", u.department, "team"))
        else:
            rows.append((u.team_id, u.lead, units[u.parent_unit].team_id, "individual"))
    return pd.DataFrame(rows, columns=schema.TEAMS.column_names)


# --------------------------------------------------------------------------------------
# Objectives and alignment
# --------------------------------------------------------------------------------------


@dataclass
class _Objectives:
    """Objective columns plus what the key-result stage needs to know about each objective."""

    rows: dict[str, list]
    unit: list[int]
    cycle: list[int]
    n_krs: list[int]
    strict_parent: dict[int, tuple[int, int]]  # child objective -> (dept objective, kr pos)


def _kr_count(rng: np.random.Generator) -> int:
    return int(rng.choice([2, 3, 4], p=[0.2, 0.45, 0.35]))


def _build_objectives(
    rng: np.random.Generator, units: list[Unit], cycles: list[Cycle], special: dict
) -> _Objectives:
    """Objectives per cycle and unit, linked upward (directional, strict, orphan).

    The last company objective of every cycle gets no supporting objective. About one team
    objective in eight (normal teams only) links strictly to a key result of a department
    objective; about one in twenty-five is an orphan, as is one department objective in
    twenty.
    """
    cols = schema.OBJECTIVES.column_names
    obj = _Objectives({c: [] for c in cols}, [], [], [], {})
    running = len(cycles) - 1
    busy = set(special["busy"])
    unit_of = {u.team_id: i for i, u in enumerate(units)}

    def add(ci: int, ui: int, n: int, title: str, parent: str | None, n_krs: int) -> int:
        u, c = units[ui], cycles[ci]
        index = len(obj.unit)
        row = {
            "objective_id": f"{c.cycle_id}-{u.team_id}-o{n}",
            "cycle_id": c.cycle_id,
            "title": title,
            "team_id": u.team_id,
            "owner": u.lead,
            "level": u.level,
            "parent_objective_id": parent,
            "parent_kr_id": None,
            "weight": 2.0 if rng.random() < 0.05 else 1.0,
            "description": (
                OBJECTIVE_DESCRIPTIONS[rng.integers(len(OBJECTIVE_DESCRIPTIONS))]
                if rng.random() < 0.5
                else None
            ),
        }
        for k in cols:
            obj.rows[k].append(row[k])
        obj.unit.append(ui)
        obj.cycle.append(ci)
        obj.n_krs.append(n_krs)
        return index

    for ci in range(len(cycles)):
        by_unit: dict[int, list[int]] = {}
        strict_pool: dict[str, list[tuple[int, int]]] = {}
        for ui, u in enumerate(units):
            bank = _BANKS[u.bank]
            if u.level in ("company", "department"):
                titles = bank.objectives
                n = int(rng.integers(3, 5))
            elif u.level == "team":
                titles = tuple(t.format(f=u.focus) for t in bank.team_objectives)
                n = 6 if (ci == running and u.team_id in busy) else int(rng.integers(3, 6))
            else:
                titles = tuple(t.format(f=u.focus) for t in bank.team_objectives)
                n = int(rng.integers(1, 3))
            picked = [titles[i] for i in rng.permutation(len(titles))[:n]]
            created = []
            for n_obj, title in enumerate(picked, 1):
                parent = _pick_parent(rng, units, ui, by_unit, obj, unit_of)
                created.append(add(ci, ui, n_obj, title, parent, _kr_count(rng)))
            by_unit[ui] = created
            if u.level == "department":
                strict_pool[u.team_id] = [(o, k) for o in created for k in range(obj.n_krs[o])]
                order = rng.permutation(len(strict_pool[u.team_id]))
                strict_pool[u.team_id] = [strict_pool[u.team_id][k] for k in order]
        _link_strictly(rng, units, obj, [i for v in by_unit.values() for i in v], strict_pool)
    return obj


def _pick_parent(
    rng: np.random.Generator,
    units: list[Unit],
    ui: int,
    by_unit: dict[int, list[int]],
    obj: _Objectives,
    unit_of: dict[str, int],
) -> str | None:
    """The directional parent objective id (or None for an orphan or a top objective)."""
    u = units[ui]
    ids = obj.rows["objective_id"]
    if u.level == "company":
        return None
    if u.level == "department":
        supported = by_unit[0][:-1]  # the last company objective stays unsupported
        if rng.random() < 0.05:
            return None
        return ids[supported[rng.integers(len(supported))]]
    if u.level == "individual":
        team_objs = by_unit[u.parent_unit]
        return ids[team_objs[rng.integers(len(team_objs))]]
    if rng.random() < 0.04:
        return None
    dept_objs = by_unit[unit_of[u.department]]
    return ids[dept_objs[rng.integers(len(dept_objs))]]


def _link_strictly(
    rng: np.random.Generator,
    units: list[Unit],
    obj: _Objectives,
    created: list[int],
    strict_pool: dict[str, list[tuple[int, int]]],
) -> None:
    """Turn 12% of a cycle's team objectives into strict links (normal teams only, in place).

    The chosen objectives drop their directional parent and point at a key result of one
    of their department's objectives (each such key result is used once).
    """
    teams = [i for i in created if units[obj.unit[i]].level == "team"]
    eligible = [
        i
        for i in teams
        if units[obj.unit[i]].profile == NORMAL and obj.rows["parent_objective_id"][i] is not None
    ]
    wanted = round(0.12 * len(teams))
    for i in (eligible[j] for j in rng.permutation(len(eligible))):
        if wanted == 0:
            break
        pool = strict_pool.get(units[obj.unit[i]].department, [])
        if pool:
            obj.strict_parent[i] = pool.pop()
            obj.rows["parent_objective_id"][i] = None
            wanted -= 1


def _single_kr_objectives(
    rng: np.random.Generator, obj: _Objectives, units: list[Unit], running: int, special: dict
) -> list[int]:
    """Two team objectives of normal teams in the running cycle get a single key result."""
    excluded = {special["zone"], special["overconfident"]}
    candidates = [
        i
        for i, (ui, ci) in enumerate(zip(obj.unit, obj.cycle, strict=True))
        if ci == running
        and units[ui].level == "team"
        and units[ui].profile == NORMAL
        and units[ui].team_id not in excluded
        and i not in obj.strict_parent
    ]
    chosen = [candidates[i] for i in rng.choice(len(candidates), size=2, replace=False)]
    for i in chosen:
        obj.n_krs[i] = 1
    return chosen


# --------------------------------------------------------------------------------------
# Key results: texts and numbers
# --------------------------------------------------------------------------------------


def _metric_table() -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """All metric templates in one frame, with [bank, kind] → (first row, count) indices."""
    rows, start, count = [], np.zeros((len(_BANKS), 6), int), np.zeros((len(_BANKS), 6), int)
    for b, bank in enumerate(_BANKS):
        for kind in range(6):
            start[b, kind] = len(rows)
            members = [m for m in bank.metrics if m.kind == kind]
            rows += members
            count[b, kind] = len(members)
    table = pd.DataFrame([m.__dict__ for m in rows])
    return table, start, count


_METRICS, _METRIC_START, _METRIC_COUNT = _metric_table()


def _format_value(value: float, unit: str | None, dec: int) -> str:
    """A number as people write it in an OKR title: "EUR 1.2M", "12%", "30 h"."""
    digits = max(dec, 0)
    plain = f"{value:,.{digits}f}"
    if unit == "EUR":
        for size, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(value) >= size:
                return f"EUR {f'{value / size:.2f}'.rstrip('0').rstrip('.')}{suffix}"
        return f"EUR {plain}"
    suffix = {"%": "%", "x": "x", "h": " h", "days": " days", "min": " min", "ms": " ms"}
    return plain + suffix.get(unit or "", "")


def _draw_kinds(rng: np.random.Generator, kr: pd.DataFrame) -> np.ndarray:
    """kr_type per key result, plus the activity key results (2–4% of each cycle)."""
    n = len(kr)
    kind = rng.choice(5, size=n, p=TYPE_SHARES)
    no_baseline = (kr["profile"].to_numpy() == AMBITIOUS) | kr["overconfident"].to_numpy()
    kind[no_baseline & (kind == BAS)] = INC
    is_team = kr["level"].to_numpy() == "team"
    candidates = (
        is_team
        & (kr["profile"].to_numpy() == NORMAL)
        & (kr["pos"].to_numpy() == 1)
        & ~kr["zone"].to_numpy()
    )
    for ci in np.unique(kr["cycle"]):
        in_cycle = kr["cycle"].to_numpy() == ci
        pool = np.flatnonzero(candidates & in_cycle)
        k = min(len(pool), max(1, round(0.03 * in_cycle.sum())))
        kind[rng.choice(pool, size=k, replace=False)] = ACTIVITY
    return kind


def _pick_metrics(rng: np.random.Generator, kr: pd.DataFrame) -> np.ndarray:
    """Row of _METRICS per key result: distinct within an objective, varied across teams."""
    n_obj = int(kr["obj"].max()) + 1
    offsets = rng.integers(0, 1 << 30, size=(n_obj, 6))
    kind = kr["kind"].to_numpy()
    bank = kr["bank"].to_numpy()
    nth = kr.groupby(["obj", "kind"], sort=False).cumcount().to_numpy()
    count = _METRIC_COUNT[bank, kind]
    if (count == 0).any():  # the company bank has no activities
        raise ValueError("a metric bank has no template for a drawn kind")
    return _METRIC_START[bank, kind] + (offsets[kr["obj"].to_numpy(), kind] + nth) % count


def _draw_numbers(rng: np.random.Generator, kr: pd.DataFrame) -> pd.DataFrame:
    """start, target, range bounds per key result, shaped by the team's goal-setting profile.

    Over-ambitious teams set targets 2.5–4 times further away; sandbagging teams set targets
    at or 0.5–3% beyond the start, and start range key results inside the range.
    """
    m = _METRICS.iloc[kr["metric"].to_numpy()].reset_index(drop=True)
    n = len(kr)
    kind, profile = kr["kind"].to_numpy(), kr["profile"].to_numpy()
    dec = m["dec"].to_numpy()
    step = 10.0**-dec
    a, b, c, d = (m[x].to_numpy() for x in "abcd")
    start = _round(a + rng.random(n) * (b - a), dec)
    gain = c + rng.random(n) * (d - c)
    gain = np.where(profile == AMBITIOUS, gain * rng.uniform(2.5, 4.0, n), gain)
    cap = m["cap"].to_numpy()
    ceiling = np.where(np.isfinite(cap), cap - step, np.inf)

    up = np.minimum(start * (1 + gain), ceiling)
    down = start * (1 - np.minimum(gain, 0.85))
    target = _round(np.where(kind == DEC, down, up), dec)
    direction = np.where(kind == DEC, -1.0, 1.0)
    easy = _round(start * (1 + direction * rng.uniform(0.005, 0.03, n)), dec)
    easy = np.where(np.abs(easy - start) < step / 2, start + direction * step, easy)
    easy = np.where(rng.random(n) < 0.15, start, np.minimum(easy, np.maximum(ceiling, start)))
    target = np.where(profile == SANDBAG, easy, target)
    normal_bad = (profile != SANDBAG) & (np.abs(target - start) < step / 2)
    target = np.where(normal_bad & (kind == DEC), start - step, target)
    target = np.where(normal_bad & (kind != DEC), start + step, target)

    low, high = np.where(kind == RNG, a, np.nan), np.where(kind == RNG, b, np.nan)
    width = b - a
    side = rng.random(n)
    outside = np.where(
        side < 0.5, a - width * rng.uniform(0.15, 0.8, n), b + width * rng.uniform(0.15, 0.8, n)
    )
    inside = a + width * rng.uniform(0.2, 0.8, n)
    wants_inside = np.where(
        profile == SANDBAG, True, np.where(profile == AMBITIOUS, False, rng.random(n) < 0.3)
    )
    range_start = _round(np.where(wants_inside, inside, outside), dec)

    activity_target = np.round(c + rng.random(n) * (d - c))
    out = pd.DataFrame(
        {
            "start": np.select(
                [kind == RNG, kind == MIL, kind == BAS, kind == ACTIVITY],
                [range_start, 0.0, np.nan, 0.0],
                start,
            ),
            "target": np.select(
                [kind == RNG, kind == MIL, kind == BAS, kind == ACTIVITY],
                [np.nan, 1.0, np.nan, activity_target],
                target,
            ),
            "low": low,
            "high": high,
            "dec": dec,
            "cap": cap,
            "unit_name": m["unit"].to_numpy(),
            "template": m["template"].to_numpy(),
            "base_value": _round(a + rng.random(n) * (b - a), dec),
        }
    )
    out["range_inside"] = (kind == RNG) & (out["start"] >= a) & (out["start"] <= b)
    return out


def _round(values: np.ndarray, dec: np.ndarray) -> np.ndarray:
    """Round each value to its own number of decimals (negative: tens, hundreds …)."""
    scale = 10.0**dec
    return np.round(values * scale) / scale


def _titles(kr: pd.DataFrame) -> list[str]:
    """Key-result titles from the templates and the drawn numbers."""
    titles = []
    for tpl, unit, dec, s, t, lo, hi, no_start in zip(
        kr["template"],
        kr["unit_name"],
        kr["dec"],
        kr["start"],
        kr["target"],
        kr["low"],
        kr["high"],
        kr["missing_start"],
        strict=True,
    ):
        if no_start:
            tpl = tpl.replace(" from {s} to {t}", " to {t}")
        fmt = {}
        if "{s}" in tpl:
            fmt["s"] = _format_value(s, unit, dec)
        if "{t}" in tpl:
            fmt["t"] = _format_value(t, unit, dec)
        if "{lo}" in tpl:
            fmt["lo"] = _format_value(lo, unit, dec)
            fmt["hi"] = _format_value(hi, unit, dec)
        titles.append(tpl.format(**fmt))
    return titles


# --------------------------------------------------------------------------------------
# Planned progress and its repair
# --------------------------------------------------------------------------------------


def _draw_normal(rng: np.random.Generator, kr: pd.DataFrame, tight: bool) -> tuple:
    """(final, current) progress for normal teams' key results.

    The first draw mixes some maxed (1.0–1.25) and some low (0.05–0.38) key results into a
    broad middle; the `tight` redraw used by the repair stays in the middle. The
    over-confident team ends lower (mostly 0.28–0.6). Running cycle: current = final × pace.
    """
    n = len(kr)
    kind = kr["kind"].to_numpy()
    running, overconf = kr["running"].to_numpy(), kr["overconfident"].to_numpy()
    if tight:
        numeric = np.where(overconf, rng.uniform(0.4, 0.65, n), rng.uniform(0.5, 0.9, n))
        done_p = np.where(overconf, 0.35, 0.5)
    else:
        u = rng.random(n)
        maxed, low = np.where(overconf, 0.0, 0.1), np.where(overconf, 0.1, 0.25)
        mid_lo, mid_hi = np.where(overconf, 0.28, 0.42), np.where(overconf, 0.6, 0.97)
        numeric = np.select(
            [u < maxed, u < low],
            [rng.uniform(1.0, 1.25, n), rng.uniform(0.05, 0.38, n)],
            mid_lo + rng.random(n) * (mid_hi - mid_lo),
        )
        done_p = np.where(overconf, 0.35, 0.6)
    pace = np.where(overconf, rng.uniform(0.7, 0.95, n), rng.uniform(0.45, 0.8, n))
    pace = np.where(running, pace, 1.0)
    done_final = rng.random(n) < done_p
    done_now = done_final & (~running | (rng.random(n) < 0.5))
    recorded = ~running | (rng.random(n) < 0.85)
    stale_share = rng.uniform(0.2, 0.45, n)
    current = np.where(kr["stale"].to_numpy(), numeric * stale_share, numeric * pace)
    final = np.select([kind == MIL, kind == BAS], [done_final, recorded], numeric)
    current = np.select([kind == MIL, kind == BAS], [done_now, recorded], current)
    return final.astype(float), current.astype(float)


def _plan_progress(rng: np.random.Generator, kr: pd.DataFrame) -> pd.DataFrame:
    """Final and current progress per key result (1.0 = target reached).

    `final` is where the key result ends the cycle; `current` where it is at its last
    check-in (the same for finished cycles). Sandbagging teams end 4–15% of the start value
    beyond their (easy) target in every cycle, the running one included; over-ambitious teams
    at 0.06–0.25 with milestones not done. Milestones and baselines use 0/1 (done, recorded).
    """
    n = len(kr)
    kind, profile = kr["kind"].to_numpy(), kr["profile"].to_numpy()
    final, current = _draw_normal(rng, kr, tight=False)
    span = np.maximum(np.abs(kr["target"] - kr["start"]).to_numpy(), 10.0 ** -kr["dec"])
    overshoot = np.abs(kr["start"].to_numpy()) * rng.uniform(0.04, 0.15, n)
    beyond = np.nan_to_num(np.maximum(1 + overshoot / span, 1.05), nan=1.05)
    stuck = np.where(
        kr["running"].to_numpy(), rng.uniform(0.06, 0.2, n), rng.uniform(0.08, 0.25, n)
    )
    binary = (kind == MIL) | (kind == BAS)
    sandbag = np.where(binary, 1.0, beyond)
    ambitious = np.where(binary, 0.0, stuck)
    final = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], final)
    current = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], current)
    plan = pd.DataFrame({"final": final, "current": current}, index=kr.index)
    return plan


def _snap_to_values(kr: pd.DataFrame) -> None:
    """Move `current` onto the value grid (rounding, caps), so plan and data agree (in place).

    A current progress p becomes the value start + p × (target − start), rounded to the
    metric's decimals; p is then recomputed from that value.
    """
    kind = kr["kind"].to_numpy()
    p = kr["current"].to_numpy().copy()
    start, target, dec = kr["start"].to_numpy(), kr["target"].to_numpy(), kr["dec"].to_numpy()
    low, high = kr["low"].to_numpy(), kr["high"].to_numpy()
    bound = np.where(start < low, low, high)
    goal = np.where(kind == RNG, bound, target)
    span = goal - start
    linear = ((kind == INC) | (kind == DEC) | (kind == ACTIVITY)) & (span != 0)
    ranged = (kind == RNG) & ~kr["range_inside"].to_numpy() & (p < 1)
    movable = linear | ranged
    value = _round(np.minimum(start + p * span, kr["cap"].to_numpy()), dec)
    with np.errstate(invalid="ignore", divide="ignore"):
        snapped = (value - start) / span
    kr["current"] = np.where(movable, snapped, p)


def _plan_score(kr: pd.DataFrame) -> np.ndarray:
    """The score the planned current progress will produce (zones snapped)."""
    score = np.clip(kr["current"].to_numpy(), 0.0, 1.0)
    score = np.where(kr["range_inside"].to_numpy(), 1.0, score)
    zone = kr["zone"].to_numpy()
    snapped = ZONES[np.abs(score[:, None] - ZONES[None, :]).argmin(axis=1)]
    return np.where(zone, snapped, score)


def _violating(
    group: np.ndarray,
    score: np.ndarray,
    counted: np.ndarray,
    finished: np.ndarray,
    lenient: np.ndarray,
) -> np.ndarray:
    """Per group: does its score pattern look like sandbagging or over-ambition?

    A normal group (≥3 graded key results) must have a mean between 0.5 and 0.76, over all
    cycles and over finished cycles alone, with at most 45% maxed and 45%
    low over all cycles and over finished cycles alone. Groups with `lenient` key results
    (the over-confident team) may go down to a mean of 0.46 and 50% low.
    """
    n = int(group.max()) + 1
    w = counted.astype(float)
    wf = (counted & finished).astype(float)
    cnt = np.bincount(group, w, n)
    mean = np.bincount(group, w * score, n) / np.maximum(cnt, 1)
    fin_cnt = np.bincount(group, wf, n)
    fin_mean = np.bincount(group, wf * score, n) / np.maximum(fin_cnt, 1)
    maxed = np.bincount(group, w * (score >= 1.0), n) / np.maximum(cnt, 1)
    low = np.bincount(group, w * (score < 0.4), n) / np.maximum(cnt, 1)
    fin_maxed = np.bincount(group, wf * (score >= 1.0), n) / np.maximum(fin_cnt, 1)
    fin_low = np.bincount(group, wf * (score < 0.4), n) / np.maximum(fin_cnt, 1)
    soft = np.bincount(group, lenient.astype(float), n) > 0
    floor, low_max = np.where(soft, 0.46, 0.5), np.where(soft, 0.5, 0.45)
    return (cnt >= 3) & (
        (mean < floor)
        | (mean > 0.76)
        | (maxed > 0.45)
        | (low > low_max)
        | (
            (fin_cnt >= 3)
            & ((fin_mean < floor) | (fin_mean > 0.76) | (fin_maxed > 0.45) | (fin_low > low_max))
        )
    )


def _repair_normal_scores(rng: np.random.Generator, kr: pd.DataFrame, units: list[Unit]) -> None:
    """Redraw normal owners' and teams' progress until none of them looks flagged (in place).

    Random draws can leave a person with, say, only milestones that were all done; their key
    results are redrawn from the middle of the range. When that is not enough (a person
    holding mostly baselines), every twentieth round hands their milestones, baselines and
    in-range key results to a colleague in the same unit.
    """
    counted = (
        (kr["profile"].to_numpy() == NORMAL) & ~kr["strict"].to_numpy() & ~kr["ungraded"].to_numpy()
    )
    finished = ~kr["running"].to_numpy()
    team = pd.factorize(kr["team_id"])[0]
    # milestones, baselines and ranges started inside the range cannot take a middle score
    fixed = kr["kind"].isin([MIL, BAS]).to_numpy() | kr["range_inside"].to_numpy()
    lenient = kr["overconfident"].to_numpy()
    owner = pd.factorize(kr["owner"])[0]
    for round_ in range(200):
        _snap_to_values(kr)
        score = _plan_score(kr)
        bad_owner = _violating(owner, score, counted, finished, lenient)[owner] & counted
        bad_team = _violating(team, score, counted, finished, lenient)[team] & counted
        redo = bad_owner | bad_team
        if not redo.any():
            return
        if round_ % 20 == 19:
            _hand_over(rng, kr, bad_owner & fixed, units)
            owner = pd.factorize(kr["owner"])[0]
        final, current = _draw_normal(rng, kr.loc[redo], tight=True)
        kr.loc[redo, "final"] = final
        kr.loc[redo, "current"] = current


def _hand_over(
    rng: np.random.Generator, kr: pd.DataFrame, rows: np.ndarray, units: list[Unit]
) -> None:
    """Give the selected key results to another member of the same unit, where there is one."""
    for i in np.flatnonzero(rows):
        members = [m for m in units[kr["unit_idx"].iat[i]].members if m != kr["owner"].iat[i]]
        if members:
            kr.iloc[i, kr.columns.get_loc("owner")] = members[rng.integers(len(members))]


# --------------------------------------------------------------------------------------
# Check-ins
# --------------------------------------------------------------------------------------


def _first_check_in(cycle: Cycle) -> date:
    return cycle.start + timedelta(days=(CHECK_IN_WEEKDAY - cycle.start.weekday()) % 7)


def _check_in_counts(cycles: list[Cycle], as_of: date) -> np.ndarray:
    """Weekly check-ins per cycle, from its first check-in day up to min(end, as_of)."""
    counts = []
    for c in cycles:
        last = min(c.end, as_of)
        first = _first_check_in(c)
        counts.append(0 if first > last else (last - first).days // 7 + 1)
    return np.array(counts)


def _progress_paths(rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame) -> np.ndarray:
    """Progress (1.0 = target) at each check-in, ending exactly at the planned current."""
    k = ci["k"].to_numpy()
    t_rel, t_cyc = ci["t_rel"].to_numpy(), ci["t_cyc"].to_numpy()
    cur = kr["current"].to_numpy()[k]
    profile = kr["profile"].to_numpy()[k]
    n = len(kr)
    gamma = rng.uniform(0.6, 1.6, n)[k]
    wobble = rng.normal(0, 0.06, len(ci)) * 4 * t_rel * (1 - t_rel)
    normal = np.maximum(cur * t_rel**gamma + wobble, -0.05)
    reach = rng.uniform(0.1, 0.25, n)[k]
    t_last = kr["t_last"].to_numpy()[k]
    after = np.clip((t_cyc - reach) / np.maximum(t_last - reach, 1e-9), 0, 1)
    sandbag = np.where(t_cyc < reach, t_cyc / reach, 1 + (cur - 1) * after)
    # over-ambitious: a little progress early on, then hardly anything
    head_start = rng.uniform(0.7, 0.95, n)[k]
    ambitious = cur * (head_start + (1 - head_start) * np.floor(t_rel * 3 + 1e-9) / 3)
    path = np.select([profile == SANDBAG, profile == AMBITIOUS], [sandbag, ambitious], normal)

    kind = kr["kind"].to_numpy()[k]
    done_at = np.where(kr["profile"].to_numpy() == SANDBAG, 0.0, rng.uniform(0.3, 1.0, n))[k]
    milestone = (cur >= 1) & np.where(profile == SANDBAG, t_cyc >= reach, t_rel >= done_at)
    recorded_at = np.where(kr["profile"].to_numpy() == SANDBAG, 0.0, rng.uniform(0, 0.6, n))[k]
    baseline = (cur >= 1) & (t_rel >= recorded_at)
    return np.select([kind == MIL, kind == BAS], [milestone * 1.0, baseline * 1.0], path)


def _values(rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame) -> np.ndarray:
    """Check-in values from progress: start + p × (target − start), ranges and baselines aside."""
    k = ci["k"].to_numpy()
    p = ci["progress"].to_numpy()
    g = kr[
        ["kind", "start", "target", "low", "high", "dec", "range_inside", "base_value", "cap"]
    ].iloc[k]
    kind = g["kind"].to_numpy()
    start, target = g["start"].to_numpy(), g["target"].to_numpy()
    low, high = g["low"].to_numpy(), g["high"].to_numpy()
    dec = g["dec"].to_numpy()
    step = 10.0**-dec
    flat = np.abs(target - start) < step / 2
    direction = np.where(kind == DEC, -1.0, 1.0)
    linear = start + p * (target - start) + flat * direction * np.maximum(p - 1, 0) * step
    below = start < low
    bound, other = np.where(below, low, high), np.where(below, high, low)
    outside = np.where(
        p < 1, start + p * (bound - start), bound + np.minimum(p - 1, 0.9) * (other - bound)
    )
    wander = np.clip(start + rng.normal(0, 0.12, len(ci)) * (high - low), low, high)
    in_range = g["range_inside"].to_numpy()
    ranged = np.where(in_range, wander, outside)
    measured = np.where(p >= 1, g["base_value"].to_numpy() * rng.normal(1, 0.03, len(ci)), np.nan)
    value = np.select([kind == RNG, kind == MIL, kind == BAS], [ranged, p, measured], linear)
    value = np.minimum(value, g["cap"].to_numpy())
    value = np.where((kind == DEC) | (kind == INC), np.maximum(value, 0), value)
    return _round(value, dec)


def _confidence(rng: np.random.Generator, kr: pd.DataFrame, ci: pd.DataFrame) -> np.ndarray:
    """Stated confidence: roughly calibrated for normal teams, not for the special ones."""
    k = ci["k"].to_numpy()
    t = ci["t_cyc"].to_numpy()
    g = kr[["final", "profile", "overconfident"]].iloc[k]
    final = np.clip(g["final"].to_numpy(), 0, 1)
    profile = g["profile"].to_numpy()
    noise = rng.normal(0, 0.08, len(ci))
    calibrated = 0.65 * (1 - t) + final * t + noise
    conf = np.select(
        [g["overconfident"].to_numpy(), profile == SANDBAG, profile == AMBITIOUS],
        [
            rng.uniform(0.85, 0.95, len(ci)),
            rng.uniform(0.9, 1.0, len(ci)),
            0.5 * (1 - t) + 0.15 * t + noise / 2,
        ],
        calibrated,
    )
    return np.round(np.clip(conf, 0.05, 1.0) * 20) / 20


def _build_check_ins(
    rng: np.random.Generator, kr: pd.DataFrame, cycles: list[Cycle], as_of: date
) -> pd.DataFrame:
    """Weekly check-ins (fixed weekday) for every key result with data of its own.

    Also sets the working columns `current_value` (the last check-in value) and
    `last_check_in` of `kr`.
    """
    per_cycle = _check_in_counts(cycles, as_of)
    cyc = kr["cycle"].to_numpy()
    counts = per_cycle[cyc].copy()
    counts[kr["strict"].to_numpy() | kr["ungraded"].to_numpy()] = 0
    counts = np.where(kr["stale"].to_numpy(), kr["stale_count"].to_numpy(), counts)
    first_off = np.array([(_first_check_in(c) - c.start).days for c in cycles])
    length = np.array([c.days for c in cycles], dtype=float)
    kr["t_last"] = (first_off[cyc] + 7 * np.maximum(counts - 1, 0)) / length[cyc]

    k = np.repeat(np.arange(len(kr)), counts)
    j = np.arange(len(k)) - np.repeat(np.cumsum(counts) - counts, counts)
    last = np.repeat(counts - 1, counts)
    ci = pd.DataFrame(
        {
            "k": k,
            "t_rel": np.where(last > 0, j / np.maximum(last, 1), 1.0),
            "t_cyc": (first_off[cyc[k]] + 7 * j) / length[cyc[k]],
        }
    )
    ci["progress"] = _progress_paths(rng, kr, ci)
    value = _values(rng, kr, ci)
    zone = kr["zone"].to_numpy()[k]
    score = np.clip(ci["progress"].to_numpy(), 0, 1)
    score = np.where(kr["range_inside"].to_numpy()[k], 1.0, score)
    grade = ZONES[np.abs(score[:, None] - ZONES[None, :]).argmin(axis=1)]

    t = ci["t_cyc"].to_numpy()
    words = np.array(list(CHECK_IN_NOTES), dtype=object)  # on track, behind, at risk
    code = np.select([score >= 0.8 * t - 0.05, score >= 0.5 * t - 0.05], [0, 1], 2)
    note_table = np.array(list(CHECK_IN_NOTES.values()), dtype=object)
    pick = rng.integers(0, note_table.shape[1], len(ci))
    notes = np.where(rng.random(len(ci)) < 0.6, note_table[code, pick], None)
    status = words[code]
    first_day = np.array([np.datetime64(_first_check_in(c)) for c in cycles])
    minutes = rng.integers(8 * 60, 18 * 60, len(ci))
    checked_at = (first_day[cyc[k]] + (7 * j).astype("timedelta64[D]")).astype(
        "datetime64[s]"
    ) + minutes.astype("timedelta64[m]")
    value = np.where(zone, np.nan, value)
    kr["current_value"] = pd.Series(value).groupby(k).last().reindex(range(len(kr))).to_numpy()
    kr["last_check_in"] = pd.Series(checked_at).groupby(k).max().reindex(range(len(kr))).to_numpy()
    return pd.DataFrame(
        {
            "kr_id": kr["kr_id"].to_numpy()[k],
            "checked_at": pd.to_datetime(checked_at),
            "value": value,
            "grade": np.where(zone, grade, np.nan),
            "confidence": _confidence(rng, kr, ci),
            "status": status,
            "note": notes,
            "author": kr["owner"].to_numpy()[k],
        }
    )


# --------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------


def _key_result_skeleton(
    obj: _Objectives, units: list[Unit], special: dict, running: int
) -> pd.DataFrame:
    """One row per key result with its objective's cycle, unit, level and profile."""
    n_krs = np.array(obj.n_krs)
    o = np.repeat(np.arange(len(n_krs)), n_krs)
    pos = np.arange(len(o)) - np.repeat(np.cumsum(n_krs) - n_krs, n_krs)
    unit = np.array(obj.unit)[o]
    team_ids = np.array([u.team_id for u in units], dtype=object)
    team_of_unit = np.array(
        [u.team_id if u.parent_unit is None else units[u.parent_unit].team_id for u in units],
        dtype=object,
    )
    cycle = np.array(obj.cycle)[o]
    return pd.DataFrame(
        {
            "obj": o,
            "pos": pos,
            "unit_idx": unit,
            "cycle": cycle,
            "running": cycle == running,
            "team_id": team_ids[unit],
            "level": np.array([u.level for u in units], dtype=object)[unit],
            "bank": np.array([u.bank for u in units])[unit],
            "profile": np.array([u.profile for u in units])[unit],
            "zone": team_of_unit[unit] == special["zone"],
            "overconfident": team_of_unit[unit] == special["overconfident"],
            "objective_id": np.array(obj.rows["objective_id"], dtype=object)[o],
        }
    )


def _choose(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """A boolean mask with `k` (or fewer, if not enough) randomly chosen True entries of mask."""
    pool = np.flatnonzero(mask)
    out = np.zeros(len(mask), bool)
    out[rng.choice(pool, size=min(k, len(pool)), replace=False)] = True
    return out


def _mark_special_key_results(
    rng: np.random.Generator, kr: pd.DataFrame, obj: _Objectives, cycles: list[Cycle], as_of: date
) -> None:
    """Flag strict-linked, ungraded, stale and missing-start key results (in place)."""
    strict_pos = {(o, p) for o, p in obj.strict_parent.values()}
    kr["strict"] = [(o, p) in strict_pos for o, p in zip(kr["obj"], kr["pos"], strict=True)]
    kind = kr["kind"].to_numpy()
    plain = (
        (kr["profile"].to_numpy() == NORMAL)
        & kr["running"].to_numpy()
        & ~kr["strict"].to_numpy()
        & ~kr["zone"].to_numpy()
        & (kr["level"] == "team")
    )
    n_running = int(kr["running"].sum())
    numeric = (kind == INC) | (kind == DEC) | (kind == RNG)
    kr["ungraded"] = _choose(rng, plain & numeric, max(3, round(n_running * 0.01)))
    free = plain & ~kr["ungraded"].to_numpy()

    per_cycle = _check_in_counts(cycles, as_of)
    first = _first_check_in(cycles[-1])
    last_ok = (as_of - timedelta(days=STALE_DAYS + 1) - first).days // 7  # last allowed index
    stale = np.zeros(len(kr), bool)
    if last_ok >= 2 and per_cycle[-1] > last_ok + 1:
        stale = _choose(rng, free & (kind != BAS), max(5, round(n_running * 0.015)))
    kr["stale"] = stale
    kr["stale_count"] = np.where(stale, rng.integers(3, max(last_ok, 2) + 2, len(kr)), 0)
    free &= ~stale

    wanted = (kind == INC) & free & np.isin(kr["unit_name"], ["count", "EUR"])
    kr["missing_start"] = _choose(rng, wanted, 4)


def _owners(rng: np.random.Generator, kr: pd.DataFrame, units: list[Unit]) -> np.ndarray:
    """A key-result owner per key result, drawn from the unit's people.

    In sandbagging and over-ambitious teams the key results go round the team in turn, so
    that every member owns enough of them (≥ 3 per finished cycle) to be judged.
    """
    u = rng.random(len(kr))
    turn = kr.groupby("unit_idx", sort=False).cumcount().to_numpy()
    owners = []
    for i, x, k in zip(kr["unit_idx"], u, turn, strict=True):
        members = units[i].members
        pick = k % len(members) if units[i].profile != NORMAL else int(x * len(members))
        owners.append(members[pick])
    return np.array(owners, dtype=object)


def _retitle_strict_children(obj: _Objectives, kr: pd.DataFrame) -> None:
    """A strictly linked objective *is* its parent key result: same title, parent_kr_id set."""
    kr_index = {(o, p): i for i, (o, p) in enumerate(zip(kr["obj"], kr["pos"], strict=True))}
    for child, (parent_obj, pos) in obj.strict_parent.items():
        i = kr_index[(parent_obj, pos)]
        obj.rows["parent_kr_id"][child] = kr["kr_id"].iat[i]
        obj.rows["title"][child] = kr["title"].iat[i]


def _break_one_link(rng: np.random.Generator, obj: _Objectives, units: list[Unit]) -> str:
    """Point one directional link of a normal team at an objective that no longer exists."""
    target_cycle = 1 if max(obj.cycle) >= 1 else 0
    candidates = [
        i
        for i, (ui, ci) in enumerate(zip(obj.unit, obj.cycle, strict=True))
        if ci == target_cycle
        and units[ui].level == "team"
        and units[ui].profile == NORMAL
        and obj.rows["parent_objective_id"][i] is not None
    ]
    i = candidates[rng.integers(len(candidates))]
    existing = set(obj.rows["objective_id"])
    parent = obj.rows["parent_objective_id"][i]
    stem = parent.rsplit("-o", 1)[0]
    n = 9
    while f"{stem}-o{n}" in existing:
        n += 1
    obj.rows["parent_objective_id"][i] = f"{stem}-o{n}"
    return obj.rows["objective_id"][i]


def _kr_scores(key_results: pd.DataFrame) -> pd.Series:
    """A plain SPEC §5 score per key result from current_value (no grades, no strict links)."""
    kr = key_results.set_index("kr_id")
    current = kr["current_value"]
    start, target = kr["start_value"].fillna(0.0), kr["target_value"]
    span = (target - start).where(lambda s: s != 0)
    linear = ((current - start) / span).where(span.notna(), (current >= target) * 1.0)
    linear = linear.where(
        kr["kr_type"] != "decrease",
        ((start - current) / (start - target).where(lambda s: s != 0)).where(
            start != target, (current <= target) * 1.0
        ),
    )
    inside = (current >= kr["range_low"]) & (current <= kr["range_high"])
    nearest = kr["range_low"].where(current < kr["range_low"], kr["range_high"])
    toward = (current - kr["start_value"]) / (nearest - kr["start_value"])
    ranged = pd.Series(np.where(inside, 1.0, toward), index=kr.index)
    score = np.select(
        [kr["kr_type"] == "range", kr["kr_type"] == "milestone", kr["kr_type"] == "baseline"],
        [ranged, (current >= 0.5) * 1.0, current.notna() * 1.0],
        linear,
    )
    return pd.Series(np.clip(score, 0, 1), index=kr.index).where(current.notna())


def _manual_scores(rng: np.random.Generator, kr: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """Closing grades for ~5% of normal key results in finished cycles, close to computed."""
    eligible = (
        (kr["profile"].to_numpy() == NORMAL)
        & ~kr["running"].to_numpy()
        & ~kr["zone"].to_numpy()
        & ~kr["strict"].to_numpy()
    )
    chosen = eligible & (rng.random(len(kr)) < 0.05)
    computed = _kr_scores(frame).to_numpy()
    delta = rng.choice([-0.15, -0.1, 0.1, 0.15], size=len(kr))
    manual = np.round(np.clip(computed + delta, 0.05, 0.95), 2)
    manual = np.where(
        np.abs(manual - computed) < 0.01, np.round(np.clip(computed - delta, 0.05, 0.95), 2), manual
    )
    return np.where(chosen & ~np.isnan(computed), manual, np.nan)


def _key_results_frame(kr: pd.DataFrame, cycles: list[Cycle]) -> pd.DataFrame:
    """The canonical key_results table from the working frame."""
    kind = kr["kind"].to_numpy()
    ends = [c.end for c in cycles]
    due = [
        ends[c] - timedelta(days=int(e)) for c, e in zip(kr["cycle"], kr["due_early"], strict=True)
    ]
    no_data = kr["strict"].to_numpy() | kr["ungraded"].to_numpy()
    return pd.DataFrame(
        {
            "kr_id": kr["kr_id"],
            "objective_id": kr["objective_id"],
            "title": kr["title"],
            "kr_type": np.array(schema.KR_TYPES, dtype=object)[
                np.where(kind == ACTIVITY, INC, kind)
            ],
            "owner": kr["owner"],
            "unit": kr["unit_name"].where(kr["unit_name"].notna(), None),
            "start_value": kr["start"].where(~kr["missing_start"]).astype(float),
            "target_value": kr["target"].astype(float),
            "range_low": kr["low"].astype(float),
            "range_high": kr["high"].astype(float),
            "current_value": kr["current_value"].where(~no_data).astype(float),
            "manual_score": np.nan,
            "weight": np.where(kr["heavy"], 2.0, 1.0),
            "due_date": due,
        }
    )


def generate_company(
    n_departments: int = 6,
    n_teams: int = 32,
    n_cycles: int = 4,
    seed: int = DEMO_SEED,
    individual_okrs: bool = False,
    as_of: date = DEMO_AS_OF,
) -> DemoCompany:
    """A synthetic company of any size; `generate_demo()` is this with the demo's sizes.

    `n_cycles` quarters end with the quarter containing `as_of` (the running cycle). With
    `individual_okrs`, every team member also gets 1–2 objectives of their own (level
    individual), aligned to a team objective.
    """
    rng = np.random.default_rng(seed)
    cycles = quarter_cycles(as_of, n_cycles)
    running = len(cycles) - 1
    units = _build_units(rng, n_departments, n_teams, individual_okrs)
    units, special = _assign_profiles(rng, units)
    obj = _build_objectives(rng, units, cycles, special)
    single = _single_kr_objectives(rng, obj, units, running, special)

    kr = _key_result_skeleton(obj, units, special, running)
    kr["kr_id"] = [f"{o}-kr{p + 1}" for o, p in zip(kr["objective_id"], kr["pos"], strict=True)]
    kr["kind"] = _draw_kinds(rng, kr)
    kr["metric"] = _pick_metrics(rng, kr)
    kr = pd.concat([kr, _draw_numbers(rng, kr)], axis=1)
    kr["owner"] = _owners(rng, kr, units)
    _mark_special_key_results(rng, kr, obj, cycles, as_of)
    kr["start"] = np.where(kr["missing_start"], 0.0, kr["start"])
    kr["title"] = _titles(kr)
    kr["heavy"] = rng.random(len(kr)) < 0.05
    kr["due_early"] = np.where(
        (kr["kind"] == MIL) & (rng.random(len(kr)) < 0.4), rng.integers(21, 43, len(kr)), 0
    )

    kr = pd.concat([kr, _plan_progress(rng, kr)], axis=1)
    _repair_normal_scores(rng, kr, units)
    check_ins = _build_check_ins(rng, kr, cycles, as_of)

    _retitle_strict_children(obj, kr)
    broken = _break_one_link(rng, obj, units)
    key_results = _key_results_frame(kr, cycles)
    key_results["manual_score"] = _manual_scores(rng, kr, key_results)

    tables = {
        "cycles": pd.DataFrame(
            [(c.cycle_id, c.name, c.start, c.end) for c in cycles],
            columns=schema.CYCLES.column_names,
        ),
        "teams": _teams_frame(units),
        "objectives": pd.DataFrame(obj.rows, columns=schema.OBJECTIVES.column_names),
        "key_results": key_results,
        "check_ins": check_ins,
    }
    tables = {name: _canonical(name, frame) for name, frame in tables.items()}
    truth = _truth(tables, kr, special, obj, single, broken, as_of)
    return DemoCompany(tables=tables, as_of=as_of, truth=truth)


def generate_demo(seed: int = DEMO_SEED) -> DemoCompany:
    """The demo company: Acme Corp, 6 departments, 32 teams, Q1–Q4 2026, Q4 running."""
    return generate_company(seed=seed)


def _canonical(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the schema's columns, in order; numbers as float, text as object."""
    table = schema.TABLES_BY_NAME[name]
    frame = frame[table.column_names].reset_index(drop=True)
    out = {}
    for col in table.columns:
        values = frame[col.name]
        if col.sql_type == schema.NUMBER:
            out[col.name] = values.astype("float64")
        elif col.sql_type == schema.TEXT:
            text = values.astype(object)
            out[col.name] = text.where(text.notna(), None)
        elif col.sql_type == schema.TIMESTAMP:
            out[col.name] = pd.to_datetime(values)
        else:
            out[col.name] = values.astype(object)
    return pd.DataFrame(out)


def _truth(
    tables: dict[str, pd.DataFrame],
    kr: pd.DataFrame,
    special: dict,
    obj: _Objectives,
    single: list[int],
    broken: str,
    as_of: date,
) -> DemoTruth:
    """The ground truth, read back from the finished tables where possible."""
    objectives, key_results = tables["objectives"], tables["key_results"]
    team_of_obj = objectives.set_index("objective_id")["team_id"]
    kr_team = key_results["objective_id"].map(team_of_obj)

    def owners(teams: list[str]) -> frozenset[str]:
        return frozenset(key_results.loc[kr_team.isin(teams), "owner"])

    non_top = objectives["level"] != "company"
    orphans = objectives.loc[
        non_top & objectives["parent_objective_id"].isna() & objectives["parent_kr_id"].isna(),
        "objective_id",
    ]
    linked_objs = set(objectives["parent_objective_id"].dropna())
    linked_krs = set(objectives["parent_kr_id"].dropna())
    objs_with_linked_kr = set(
        key_results.loc[key_results["kr_id"].isin(linked_krs), "objective_id"]
    )
    top = objectives.loc[objectives["level"] == "company", "objective_id"]
    unsupported = [o for o in top if o not in linked_objs and o not in objs_with_linked_kr]

    running_cycle = tables["cycles"]["cycle_id"].iloc[-1]
    running_objs = objectives.loc[objectives["cycle_id"] == running_cycle]
    per_owner = running_objs.groupby("owner").size()
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=STALE_DAYS)
    stale = kr.loc[kr["stale"] & (kr["last_check_in"] < cutoff), "kr_id"]
    unrecorded = kr.loc[
        (kr["kind"] == BAS) & ~kr["zone"] & ~kr["strict"] & kr["current_value"].isna(), "kr_id"
    ]

    return DemoTruth(
        sandbagging_teams=frozenset(special["sandbag"]),
        over_ambitious_teams=frozenset(special["ambitious"]),
        sandbagging_owners=owners(special["sandbag"]),
        over_ambitious_owners=owners(special["ambitious"]),
        broken_link_objective_ids=frozenset([broken]),
        orphan_objective_ids=frozenset(orphans),
        unsupported_top_objective_ids=frozenset(unsupported),
        stale_kr_ids=frozenset(stale),
        activity_kr_ids=frozenset(kr.loc[kr["kind"] == ACTIVITY, "kr_id"]),
        strict_link_kr_ids=frozenset(linked_krs),
        ungraded_kr_ids=frozenset(kr.loc[kr["ungraded"], "kr_id"]),
        overconfident_team=special["overconfident"],
        zone_grading_team=special["zone"],
        missing_start_kr_ids=frozenset(kr.loc[kr["missing_start"], "kr_id"]),
        single_kr_objective_ids=frozenset(obj.rows["objective_id"][i] for i in single),
        busy_owners=frozenset(per_owner[per_owner >= 6].index),
        unrecorded_baseline_kr_ids=frozenset(unrecorded),
        manual_score_kr_ids=frozenset(
            key_results.loc[key_results["manual_score"].notna(), "kr_id"]
        ),
    )


# --------------------------------------------------------------------------------------
# The import template and the data files
# --------------------------------------------------------------------------------------


def _rows(table: schema.Table, rows: Sequence[Sequence]) -> pd.DataFrame:
    return _canonical(table.name, pd.DataFrame(list(rows), columns=table.column_names))


def template_tables() -> dict[str, pd.DataFrame]:
    """The small worked example shipped as the import template (one cycle, three teams)."""
    n = None
    q = "2026-Q1"
    cycles = _rows(schema.CYCLES, [(q, "Q1 2026", date(2026, 1, 1), date(2026, 3, 31))])
    teams = _rows(
        schema.TEAMS,
        [
            ("acme", "Acme Corp", n, "company"),
            ("customer-success", "Customer Success", "acme", "department"),
            ("cs-support", "Customer Success Support", "customer-success", "team"),
        ],
    )
    objectives = _rows(
        schema.OBJECTIVES,
        [
            (
                "O1",
                q,
                "Delight customers at every touchpoint",
                "acme",
                "Maria Lindqvist",
                "company",
                n,
                n,
                1.0,
                "Company objective for the quarter.",
            ),
            (
                "O2",
                q,
                "Make support a reason customers stay",
                "customer-success",
                "Kofi Mensah",
                "department",
                "O1",
                n,
                1.0,
                "Aligned (directionally) to O1.",
            ),
            (
                "O3",
                q,
                "Cut median ticket resolution time from 30 h to 12 h",
                "cs-support",
                "Ines Duarte",
                "team",
                n,
                "KR4",
                1.0,
                "Strictly linked: this objective is key result KR4 of O2.",
            ),
        ],
    )
    key_results = _rows(
        schema.KEY_RESULTS,
        [
            (
                "KR1",
                "O1",
                "Raise company NPS from 32 to 45",
                "increase",
                "Maria Lindqvist",
                "pts",
                32,
                45,
                n,
                n,
                40,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR2",
                "O1",
                "Keep gross margin between 72% and 78%",
                "range",
                "Maria Lindqvist",
                "%",
                68,
                n,
                72,
                78,
                73,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR3",
                "O1",
                "Establish a baseline for customer lifetime value per segment",
                "baseline",
                "Maria Lindqvist",
                "EUR",
                n,
                n,
                n,
                n,
                62000,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR4",
                "O2",
                "Cut median ticket resolution time from 30 h to 12 h",
                "decrease",
                "Kofi Mensah",
                "h",
                30,
                12,
                n,
                n,
                n,
                n,
                2.0,
                date(2026, 3, 31),
            ),
            (
                "KR5",
                "O2",
                "Launch the customer academy",
                "milestone",
                "Kofi Mensah",
                n,
                0,
                1,
                n,
                n,
                1,
                n,
                1.0,
                date(2026, 2, 28),
            ),
            (
                "KR6",
                "O2",
                "Raise customer satisfaction (CSAT) from 84% to 90%",
                "increase",
                "Kofi Mensah",
                "%",
                84,
                90,
                n,
                n,
                87,
                0.5,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR7",
                "O3",
                "Reduce first response time from 180 min to 60 min",
                "decrease",
                "Ines Duarte",
                "min",
                180,
                60,
                n,
                n,
                90,
                n,
                1.0,
                date(2026, 3, 31),
            ),
            (
                "KR8",
                "O3",
                "Grow the self-service resolution rate from 25% to 40%",
                "increase",
                "Tomas Novak",
                "%",
                25,
                40,
                n,
                n,
                31,
                n,
                1.0,
                date(2026, 3, 31),
            ),
        ],
    )

    def at(day: date) -> pd.Timestamp:
        return pd.Timestamp(day) + pd.Timedelta(hours=10)

    check_ins = _rows(
        schema.CHECK_INS,
        [
            (
                "KR1",
                at(date(2026, 1, 15)),
                34,
                n,
                0.7,
                "on track",
                "First survey wave in.",
                "Maria Lindqvist",
            ),
            ("KR1", at(date(2026, 2, 12)), 37, n, 0.6, "behind", n, "Maria Lindqvist"),
            (
                "KR1",
                at(date(2026, 3, 26)),
                40,
                n,
                0.6,
                "behind",
                "Closing value.",
                "Maria Lindqvist",
            ),
            ("KR2", at(date(2026, 2, 12)), 71, n, 0.8, "on track", n, "Maria Lindqvist"),
            (
                "KR2",
                at(date(2026, 3, 26)),
                73,
                n,
                0.9,
                "on track",
                "Inside the range.",
                "Maria Lindqvist",
            ),
            (
                "KR3",
                at(date(2026, 3, 26)),
                62000,
                n,
                1.0,
                "on track",
                "First measurement.",
                "Maria Lindqvist",
            ),
            ("KR5", at(date(2026, 1, 29)), 0, n, 0.7, "on track", n, "Kofi Mensah"),
            (
                "KR5",
                at(date(2026, 2, 26)),
                1,
                n,
                1.0,
                "on track",
                "Academy is live.",
                "Kofi Mensah",
            ),
            ("KR6", at(date(2026, 1, 29)), 85, n, 0.6, "behind", n, "Kofi Mensah"),
            (
                "KR6",
                at(date(2026, 3, 26)),
                87,
                n,
                0.5,
                "behind",
                "Closing grade set to 0.5.",
                "Kofi Mensah",
            ),
            ("KR7", at(date(2026, 2, 12)), 120, n, 0.7, "on track", n, "Ines Duarte"),
            ("KR7", at(date(2026, 3, 26)), 90, n, 0.8, "on track", n, "Ines Duarte"),
            (
                "KR8",
                at(date(2026, 2, 12)),
                n,
                0.3,
                0.5,
                "behind",
                "Graded in zones (0 / 0.3 / 0.7 / 1) instead of a value.",
                "Tomas Novak",
            ),
            ("KR8", at(date(2026, 3, 26)), 31, n, 0.4, "behind", n, "Tomas Novak"),
        ],
    )
    return {
        "cycles": cycles,
        "teams": teams,
        "objectives": objectives,
        "key_results": key_results,
        "check_ins": check_ins,
    }


def template_readme() -> list[list[str]]:
    """The README sheet of the import template, one list per row."""
    rows = [
        ["OKR Health import template"],
        [
            "Fill in the five sheets below (or keep the example and replace it). Only Objectives "
            "and KeyResults are required; the first row of each sheet is the header."
        ],
        [],
        ["Sheet", "What one row is", "Required columns", "All columns"],
    ]
    about = {
        "cycles": "an OKR cycle, e.g. a quarter (dates as Excel dates)",
        "teams": "a company, department, team or person; parent_team_id builds the tree",
        "objectives": "an objective; parent_objective_id aligns it to an objective above, "
        "parent_kr_id links it strictly to a key result above",
        "key_results": "a key result of an objective",
        "check_ins": "a progress update of a key result (value or grade, confidence 0-1)",
    }
    for table in schema.ENTITY_TABLES:
        rows.append(
            [
                table.sheet,
                about[table.name],
                ", ".join(table.required),
                ", ".join(table.column_names),
            ]
        )
    rows += [
        [],
        ["kr_type", "How the score (0-1) is computed"],
        ["increase", "(current - start) / (target - start); a missing start counts as 0"],
        ["decrease", "(start - current) / (start - target)"],
        [
            "range",
            "1 inside [range_low, range_high]; outside, progress from start toward the "
            "nearest bound",
        ],
        ["milestone", "1 when done (value 1), 0 when not done (value 0)"],
        ["baseline", "1 once any value has been recorded"],
        [],
        [
            "Values",
            "current = value of the latest check-in, else current_value. A manual_score "
            "(0-1) overrides the computed score. A check-in may carry a grade "
            "(0, 0.3, 0.7, 1) instead of a value. Weights default to 1.",
        ],
        ["Percentages", "Write 45 for 45% in value columns and set unit to %."],
    ]
    return rows


def write_data_files(data_dir: Path | str = Path("data")) -> tuple[Path, Path]:
    """Regenerate data/demo_company.xlsx and data/okr_template.xlsx; returns both paths."""
    from pipelines.write.workbook import write_canonical_workbook

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    demo_path = data_dir / "demo_company.xlsx"
    template_path = data_dir / "okr_template.xlsx"
    write_canonical_workbook(generate_demo().tables, demo_path)
    write_canonical_workbook(template_tables(), template_path, readme=template_readme())
    return demo_path, template_path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The OKR Health demo company.")
    parser.add_argument(
        "--write-data", action="store_true", help="rewrite demo_company.xlsx and okr_template.xlsx"
    )
    parser.add_argument("--data-dir", default="data", type=Path)
    args = parser.parse_args(argv)
    if args.write_data:
        for path in write_data_files(args.data_dir):
            print(f"wrote {path}")
        return
    company = generate_demo()
    for name, frame in company.tables.items():
        print(f"{name}: {len(frame)} rows")


if __name__ == "__main__":
    main()
