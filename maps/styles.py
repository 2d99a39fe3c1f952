"""A colour and a Font Awesome icon per need, the same on every map, and the legend that explains them.

The needs of the taxonomy (`data/rules/taxonomy.yaml`) have hand-picked styles; any other need id
gets a colour and an icon chosen from its id by a stable hash, so it too looks the same on every map.
Every colour carries white icons with a contrast of at least 4.5:1.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

_COLOUR = re.compile(r"^#[0-9a-f]{6}$")
_ICON = re.compile(r"^fa-[a-z0-9-]+$")

#: Colours for pins and swatches; each carries white text/icons at >= 4.5:1.
PALETTE: tuple[str, ...] = (
    "#1b6ca8",  # blue
    "#c0392b",  # red
    "#1e8449",  # green
    "#7d3c98",  # purple
    "#a04000",  # burnt orange
    "#0e6f6e",  # teal
    "#a93266",  # magenta
    "#4d5656",  # slate
    "#7e5109",  # brown
    "#1a5276",  # navy
    "#6b6b0c",  # olive
    "#922b21",  # maroon
)

#: Icons for needs outside the taxonomy (picked by a hash of the need id).
FALLBACK_ICONS: tuple[str, ...] = ("fa-star", "fa-heart", "fa-leaf", "fa-circle-dot", "fa-handshake-angle")

# need id -> (palette index, icon) for the needs of data/rules/taxonomy.yaml
_TAXONOMY: dict[str, tuple[int, str]] = {
    "isolation": (0, "fa-people-group"),
    "befriending": (0, "fa-hand-holding-heart"),
    "social-connection": (0, "fa-comments"),
    "physical-activity": (2, "fa-person-walking"),
    "mental-wellbeing": (3, "fa-brain"),
    "anxiety-and-depression": (3, "fa-cloud-sun"),
    "suicide-prevention": (3, "fa-life-ring"),
    "food": (4, "fa-utensils"),
    "cooking-and-healthy-eating": (4, "fa-carrot"),
    "money-and-debt": (10, "fa-sterling-sign"),
    "debt-advice": (10, "fa-scale-balanced"),
    "benefits-advice": (10, "fa-file-invoice"),
    "carers": (6, "fa-hands-holding-child"),
    "young-carers": (6, "fa-child-reaching"),
    "bereavement": (7, "fa-dove"),
    "long-term-conditions": (1, "fa-notes-medical"),
    "dementia": (1, "fa-person-cane"),
    "cancer-support": (1, "fa-ribbon"),
    "cancer-prevention": (11, "fa-shield-heart"),
    "stop-smoking": (11, "fa-ban-smoking"),
    "disability": (9, "fa-wheelchair"),
    "learning-disability": (9, "fa-puzzle-piece"),
    "sensory-impairment": (9, "fa-ear-deaf"),
    "employment": (8, "fa-briefcase"),
    "housing": (5, "fa-house"),
    "homelessness": (5, "fa-person-shelter"),
    "learning-and-skills": (8, "fa-graduation-cap"),
    "digital-inclusion": (9, "fa-laptop"),
    "nature-and-green-space": (2, "fa-tree"),
    "arts-and-creativity": (6, "fa-palette"),
    "family-and-parenting": (4, "fa-children"),
    "substance-misuse": (7, "fa-prescription-bottle"),
    "domestic-abuse": (11, "fa-shield-halved"),
    "advice-and-advocacy": (5, "fa-circle-info"),
}

#: Style of things that are not needs.
GP_COLOUR = "#005eb8"  # NHS blue
GP_ICON = "fa-user-doctor"
CONNECTOR_COLOUR = "#4a235a"
CONNECTOR_ICON = "fa-people-arrows"
LINKED_ASSET_COLOUR = "#1a5276"
LINKED_ASSET_ICON = "fa-link"
ORPHAN_ASSET_COLOUR = "#b03a2e"
ORPHAN_ASSET_ICON = "fa-link-slash"
NO_NEED_ID = "_no-need"
NO_NEED_NAME = "No need recorded"


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedStyle:
    """How one need looks on a map.

    Attributes:
        id: The need id.
        name: Display name (escaped wherever it is put in HTML).
        colour: Pin and swatch colour, "#rrggbb".
        icon: Font Awesome 6 solid icon class, e.g. "fa-people-group".
    """

    id: str
    name: str
    colour: str
    icon: str

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.colour):
            raise ValueError(f"need {self.id!r}: colour must be '#rrggbb' in lower case, got {self.colour!r}")
        if not _ICON.match(self.icon):
            raise ValueError(f"need {self.id!r}: icon must be a Font Awesome class like 'fa-star', got {self.icon!r}")


class _NamedNeed(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


def _hashed(need_id: str, size: int) -> int:
    return int.from_bytes(hashlib.sha256(need_id.encode("utf-8")).digest()[:4], "big") % size


def style_for(need_id: str, name: str | None = None) -> NeedStyle:
    """The style of one need: hand-picked for taxonomy needs, else derived from a hash of the id."""
    if need_id == NO_NEED_ID:
        return NeedStyle(id=need_id, name=name or NO_NEED_NAME, colour="#4d5656", icon="fa-location-dot")
    if need_id in _TAXONOMY:
        index, icon = _TAXONOMY[need_id]
    else:
        index, icon = _hashed(need_id, len(PALETTE)), FALLBACK_ICONS[_hashed(need_id + "/icon", len(FALLBACK_ICONS))]
    return NeedStyle(id=need_id, name=name or need_id.replace("-", " ").capitalize(), colour=PALETTE[index], icon=icon)


def need_styles(needs: Iterable[_NamedNeed | tuple[str, str] | str]) -> dict[str, NeedStyle]:
    """Styles for `needs` (NeedRecords, `(id, name)` pairs or bare ids), keyed by id, in the given order."""
    out: dict[str, NeedStyle] = {}
    for need in needs:
        if isinstance(need, str):
            need_id, name = need, None
        elif isinstance(need, tuple):
            need_id, name = need
        else:
            need_id, name = need.id, need.name
        out.setdefault(need_id, style_for(need_id, name))
    return out


def complete_styles(
    given: Mapping[str, NeedStyle] | None, needs_seen: Sequence[tuple[str, str | None]]
) -> dict[str, NeedStyle]:
    """`given` styles, plus a derived style for every need id in `needs_seen` that `given` lacks."""
    out = dict(given or {})
    for need_id, name in needs_seen:
        if need_id not in out:
            out[need_id] = style_for(need_id, name)
    return out


def swatch_html(colour: str, icon: str | None = None, *, shape: str = "round") -> str:
    """A small coloured marker sample (decorative: hidden from screen readers) for legends and layer names."""
    if not _COLOUR.match(colour.lower()):
        raise ValueError(f"bad colour {colour!r}")
    glyph = f'<i class="fa-solid {icon}"></i>' if icon and _ICON.match(icon) else ""
    return (
        f'<span class="ag-swatch ag-swatch-{shape}" style="background-color:{colour}" aria-hidden="true">{glyph}</span>'
    )


def layer_label(style: NeedStyle, count: int | None = None) -> str:
    """HTML for a need's entry in the layer control: its swatch and escaped name (and marker count)."""
    suffix = f" ({count:,})" if count is not None else ""
    return f"{swatch_html(style.colour, style.icon)}{html.escape(style.name)}{suffix}"


def legend_html(title: str, entries: Sequence[tuple[str, str]], *, note: str | None = None) -> str:
    """A legend body: an escaped title, then one row per `(swatch HTML, plain-text label)` entry."""
    rows = "".join(f"<li>{swatch}<span>{html.escape(label)}</span></li>" for swatch, label in entries)
    tail = f'<p class="ag-legend-note">{html.escape(note)}</p>' if note else ""
    return f'<h2 class="ag-legend-title">{html.escape(title)}</h2><ul>{rows}</ul>{tail}'


def need_legend_html(styles: Iterable[NeedStyle], counts: Mapping[str, int] | None = None) -> str:
    """The legend of the need layers: colour, icon and name of each need (with its asset count)."""
    entries = []
    for style in styles:
        label = style.name if counts is None else f"{style.name} ({counts.get(style.id, 0):,})"
        entries.append((swatch_html(style.colour, style.icon), label))
    return legend_html("Assets by need", entries)
