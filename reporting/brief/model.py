"""The brief's shape (docs/pages.md, "The brief"): sections of sentences, each sentence a run of
our own words and of user text (titles, names) kept apart, so that every renderer escapes
the user text its own way (Markdown, HTML, a terminal) and never our words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode


@dataclass(frozen=True)
class Text:
    """User text inside a sentence (a title, a name), with the dashboard page it opens
    (a relative link such as `objective?id=…`), if any."""

    value: str
    link: str | None = None


Part = str | Text
Sentence = tuple[Part, ...]


def plain(sentence: Sentence) -> str:
    """A sentence as plain text, links dropped."""
    return "".join(p.value if isinstance(p, Text) else p for p in sentence)


@dataclass(frozen=True)
class Section:
    """One paragraph of the brief: `key` names it (verdict, health, changes, attention,
    coach, lessons), `lines` are its sentences, `items` its bullet points."""

    key: str
    heading: str
    lines: tuple[Sentence, ...] = ()
    items: tuple[Sentence, ...] = ()

    def plain_lines(self) -> list[str]:
        """The sentences as plain text (links dropped)."""
        return [plain(s) for s in self.lines]

    def plain_items(self) -> list[str]:
        """The bullet points as plain text (links dropped)."""
        return [plain(s) for s in self.items]

    def links(self) -> list[tuple[str, str]]:
        """(text, relative link) of each bullet point that opens with a link."""
        firsts = [s[0] for s in self.items if s]
        return [(p.value, p.link) for p in firsts if isinstance(p, Text) and p.link]


@dataclass(frozen=True)
class Scope:
    """The unit a brief is about: the company, a department, a team or an owner (the most
    specific one given wins), in one cycle."""

    cycle_id: str
    department: str | None = None
    team: str | None = None
    owner: str | None = None

    @property
    def level(self) -> str:
        for level in ("owner", "team", "department"):
            if getattr(self, level) is not None:
                return level
        return "company"

    @property
    def name(self) -> str | None:
        """The unit's name (None for the company)."""
        return None if self.level == "company" else getattr(self, self.level)

    def view_link(self) -> str:
        """The dashboard's Overview (the owner's page for an owner) on this unit and cycle."""
        if self.level == "owner":
            return "owner?" + urlencode({"name": self.owner})
        query = {"cycle": self.cycle_id}
        for key in ("department", "team"):
            value = getattr(self, key)
            if value is not None:
                query[key] = value
        return "?" + urlencode(query)


@dataclass(frozen=True)
class Brief:
    """A unit's brief for a cycle, in plain words: `title` names the unit and cycle."""

    scope: Scope
    title: Sentence
    cycle_name: str
    cycle_state: str
    as_of: date
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def objective_link(objective_id: str, cycle_id: str) -> str:
    """A relative link to an objective's page (as dashboard/links.py makes them)."""
    return "objective?" + urlencode({"id": objective_id, "cycle": cycle_id})


def owner_link(name: str) -> str:
    """A relative link to an owner's page."""
    return "owner?" + urlencode({"name": name})


def absolute(link: str, base_url: str | None) -> str:
    """`link` under the dashboard's address `base_url` (kept relative without one)."""
    if not base_url:
        return link
    return base_url.rstrip("/") + "/" + link
