"""Public models of the planners' and network answers: introductions, gaps, overlaps, freshness,
connectors' reach and area profiles. Conversions from the graph's records live next to each model."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from assetgraph.api.schemas import NeedInterpretation, PointPublic
from assetgraph.graph.freshness import StaleReport
from assetgraph.graph.network import (
    ConnectorRanking,
    ConnectorSummary,
    Introductions,
    OrphanAssets,
    PathNode,
    Reach,
)
from assetgraph.graph.places import AreaProfile, AreaRef
from assetgraph.graph.planning import GapReport, OverlapReport
from assetgraph.graph.queries import ResolvedNeed

ILLUSTRATIVE_NOTE = "Connectors, referrals and capacity in the demo are generated (illustrative), not real."


def _need(need: ResolvedNeed) -> NeedInterpretation:
    return NeedInterpretation(term=need.term, need_id=need.need_id, name=need.name, matched_by=need.matched_by)


# ---- introductions --------------------------------------------------------------------------------


class EndpointPublic(BaseModel):
    """One end of an introduction."""

    kind: str = Field(description="gp, connector or asset")
    reference: str
    label: str


class PathNodePublic(BaseModel):
    """A practice, connector or asset on a path."""

    kind: str
    id: str
    name: str
    role: str | None = None
    illustrative: bool = False


class IntroductionStepPublic(BaseModel):
    """One link: actor, relation (works_at, knows, connects), target."""

    actor: PathNodePublic
    relation: str
    target: PathNodePublic
    text: str


class IntroductionPathPublic(BaseModel):
    """A chain of people from the start to the asset."""

    rank: int
    hops: int
    text: str = Field(examples=["Link worker 01 works at Park Medical Practice -> connects to Age UK Trafford"])
    introducer: PathNodePublic = Field(description="The connector who CONNECTS to the asset")
    referrals_by_introducer: int = Field(description="Referrals to the asset made via the introducer (illustrative)")
    steps: list[IntroductionStepPublic]
    illustrative: bool


class IntroductionsResponse(BaseModel):
    """Who can make a warm introduction: shortest chains first."""

    origin: EndpointPublic
    target: EndpointPublic
    max_hops: int
    count: int
    paths: list[IntroductionPathPublic]
    message: str | None = Field(default=None, description="Why the list is empty, when it is")
    illustrative: bool
    note: str = ILLUSTRATIVE_NOTE


def _path_node(node: PathNode) -> PathNodePublic:
    return PathNodePublic(kind=node.kind, id=node.id, name=node.name, role=node.role, illustrative=node.illustrative)


def introductions_public(result: Introductions) -> IntroductionsResponse:
    """Convert an Introductions answer to its public model."""
    return IntroductionsResponse(
        origin=EndpointPublic(kind=result.origin.kind, reference=result.origin.reference, label=result.origin.label),
        target=EndpointPublic(kind=result.target.kind, reference=result.target.reference, label=result.target.label),
        max_hops=result.max_hops,
        count=len(result.paths),
        paths=[
            IntroductionPathPublic(
                rank=p.rank,
                hops=p.hops,
                text=p.text,
                introducer=_path_node(p.introducer),
                referrals_by_introducer=p.referrals_by_introducer,
                steps=[
                    IntroductionStepPublic(
                        actor=_path_node(s.actor), relation=s.relation, target=_path_node(s.target), text=s.text
                    )
                    for s in p.steps
                ],
                illustrative=p.illustrative,
            )
            for p in result.paths
        ],
        message=result.message,
        illustrative=result.illustrative,
    )


# ---- gaps -----------------------------------------------------------------------------------------


class GapRowPublic(BaseModel):
    """One area's gap score for the need, with every component."""

    rank: int | None = Field(description="1 = largest gap; equal scores share a rank; None when not scored")
    code: str
    name: str
    level: str
    parent_code: str | None = None
    parent_name: str | None = None
    population: int | None
    imd_score: float | None = Field(description="IMD 2019 score (wards: population-weighted mean of LSOAs)")
    imd_decile: int | None = Field(description="1 = most deprived 10% in England (LSOAs only)")
    loneliness_pct: float | None
    imd_norm: float | None = Field(description="IMD score scaled 0..1 over the areas of the level")
    loneliness_norm: float | None = Field(description="Loneliness % scaled 0..1 over the areas of the level")
    need_index: float | None = Field(description="Mean of the available normalised components")
    assets_within_reach: int
    assets_with_capacity: int
    capacity: int = Field(description="Places per week of the assets whose capacity is known (illustrative)")
    spare_places: int
    effective_supply: float = Field(description="Sum of asset weights: 1, or 0.5 + 0.5 x spare/capacity")
    supply_per_1000: float | None
    gap_score: float | None = Field(description="need_index / (1 + supply_per_1000)")
    asset_ids: list[str]
    imd_missing: bool
    flags: list[str]
    illustrative: bool


class GapsResponse(BaseModel):
    """Every area of the level ranked by gap score for one need."""

    need: NeedInterpretation
    level: str
    radius_m: int
    formula: str
    count: int
    rows: list[GapRowPublic]
    illustrative: bool = Field(description="True when the spare capacity used is illustrative")
    note: str = ILLUSTRATIVE_NOTE


def gaps_public(report: GapReport) -> GapsResponse:
    """Convert a GapReport to its public model."""
    return GapsResponse(
        need=_need(report.need),
        level=report.level.value,
        radius_m=report.radius_m,
        formula=report.formula,
        count=len(report.rows),
        rows=[
            GapRowPublic(
                rank=row.rank,
                code=row.area.code,
                name=row.area.name,
                level=row.area.level.value,
                parent_code=row.area.parent_code,
                parent_name=row.area.parent_name,
                population=row.area.population,
                imd_score=row.area.imd_score,
                imd_decile=row.area.imd_decile,
                loneliness_pct=row.area.loneliness_pct,
                imd_norm=row.area.imd_norm,
                loneliness_norm=row.area.loneliness_norm,
                need_index=row.area.need_index,
                assets_within_reach=row.supply.assets,
                assets_with_capacity=row.supply.assets_with_capacity,
                capacity=row.supply.capacity,
                spare_places=row.supply.spare_places,
                effective_supply=row.supply.effective_supply,
                supply_per_1000=row.supply_per_1000,
                gap_score=row.gap_score,
                asset_ids=list(row.supply.asset_ids),
                imd_missing=row.area.imd_missing,
                flags=list(row.flags),
                illustrative=row.supply.illustrative,
            )
            for row in report.rows
        ],
        illustrative=report.illustrative,
    )


# ---- overlaps -------------------------------------------------------------------------------------


class OverlapAssetPublic(BaseModel):
    """An asset in an overlap."""

    id: str
    name: str
    kind: str | None = None
    source: str | None = None


class OrganisationAssetsPublic(BaseModel):
    """An organisation and its assets in the area for the need."""

    id: str
    name: str
    assets: list[OverlapAssetPublic]


class CoordinationPublic(BaseModel):
    """An area where two or more organisations deliver the same need."""

    area_code: str
    area_name: str
    level: str
    need_id: str
    need_name: str
    organisation_count: int
    organisations: list[OrganisationAssetsPublic]


class DuplicatePublic(BaseModel):
    """Two assets close together with similar names: probably one thing recorded twice."""

    first: OverlapAssetPublic
    second: OverlapAssetPublic
    distance_m: float
    similarity: float = Field(description="Mean of difflib ratio and token Jaccard of normalised names")
    ratio: float
    jaccard: float
    normalised_names: list[str]
    area_code: str | None = None
    area_name: str | None = None


class OverlapsResponse(BaseModel):
    """Coordination opportunities and probable duplicates."""

    needs: list[NeedInterpretation] = Field(description="The need asked for; empty means every top-level need")
    level: str
    max_distance_m: float
    min_similarity: float
    similarity_rule: str
    coordination_count: int
    coordination: list[CoordinationPublic]
    duplicate_count: int
    duplicates: list[DuplicatePublic]


def overlaps_public(report: OverlapReport) -> OverlapsResponse:
    """Convert an OverlapReport to its public model."""
    return OverlapsResponse(
        needs=[_need(n) for n in report.needs],
        level=report.level.value,
        max_distance_m=report.max_distance_m,
        min_similarity=report.min_similarity,
        similarity_rule=report.similarity_rule,
        coordination_count=len(report.coordination),
        coordination=[
            CoordinationPublic(
                area_code=c.area_code,
                area_name=c.area_name,
                level=c.level.value,
                need_id=c.need_id,
                need_name=c.need_name,
                organisation_count=len(c.organisations),
                organisations=[
                    OrganisationAssetsPublic(id=o.id, name=o.name, assets=[OverlapAssetPublic(**a) for a in o.assets])
                    for o in c.organisations
                ],
            )
            for c in report.coordination
        ],
        duplicate_count=len(report.duplicates),
        duplicates=[
            DuplicatePublic(
                first=OverlapAssetPublic(id=d.first.id, name=d.first.name, kind=d.first.kind, source=d.first.source),
                second=OverlapAssetPublic(
                    id=d.second.id, name=d.second.name, kind=d.second.kind, source=d.second.source
                ),
                distance_m=d.distance_m,
                similarity=d.similarity,
                ratio=d.ratio,
                jaccard=d.jaccard,
                normalised_names=list(d.normalised_names),
                area_code=d.area_code,
                area_name=d.area_name,
            )
            for d in report.duplicates
        ],
    )


# ---- freshness ------------------------------------------------------------------------------------


class StaleAssetPublic(BaseModel):
    """An asset due for verification."""

    id: str
    name: str
    kind: str | None = None
    source: str | None = None
    verified_at: date | None
    days_since_verified: int | None


class StaleGroupPublic(BaseModel):
    """The stale assets of one organisation (organisation_id null: run by no organisation we know)."""

    organisation_id: str | None
    organisation_name: str | None
    count: int
    never_verified: int
    verified_before_cutoff: int
    oldest_verified_at: date | None
    assets: list[StaleAssetPublic]
    truncated: bool = Field(description="True when assets lists fewer than count (see assets_per_group)")


class StaleResponse(BaseModel):
    """Assets whose verification is missing or old, by organisation."""

    as_of: date
    older_than_days: int
    cutoff: date
    rule: str
    total: int
    never_verified: int
    group_count: int
    groups: list[StaleGroupPublic]


def stale_public(report: StaleReport) -> StaleResponse:
    """Convert a StaleReport to its public model."""
    return StaleResponse(
        as_of=report.as_of,
        older_than_days=report.older_than_days,
        cutoff=report.cutoff,
        rule=report.rule,
        total=report.total,
        never_verified=report.never_verified,
        group_count=len(report.groups),
        groups=[
            StaleGroupPublic(
                organisation_id=g.organisation_id,
                organisation_name=g.organisation_name,
                count=g.count,
                never_verified=g.never_verified,
                verified_before_cutoff=g.verified_before_cutoff,
                oldest_verified_at=g.oldest_verified_at,
                assets=[
                    StaleAssetPublic(
                        id=a.id,
                        name=a.name,
                        kind=a.kind,
                        source=a.source,
                        verified_at=a.verified_at,
                        days_since_verified=a.days_since_verified,
                    )
                    for a in g.assets
                ],
                truncated=g.truncated,
            )
            for g in report.groups
        ],
    )


# ---- connectors' network --------------------------------------------------------------------------


class ConnectorPublic(BaseModel):
    """A connector: display name, role and practice only (no contact details)."""

    id: str
    display_name: str
    role: str | None = None
    works_at: list[dict[str, str]] = Field(description="GP practices: ods_code and name")
    illustrative: bool


class ReachedAssetPublic(BaseModel):
    """An asset reached, and through which connectors (hop 2)."""

    id: str
    name: str
    kind: str
    via: list[str] = []


class ReachedPersonPublic(BaseModel):
    """A connector reached, and through which connectors or practice (hop 2)."""

    id: str
    display_name: str
    role: str | None = None
    via: list[str] = []


class HopPublic(BaseModel):
    """What is reached in one number of hops."""

    assets: list[ReachedAssetPublic]
    people: list[ReachedPersonPublic]


class ReachResponse(BaseModel):
    """Assets and people a connector reaches in 1 and 2 hops."""

    connector: ConnectorPublic
    counts: dict[str, int]
    hop_1: HopPublic
    hop_2: HopPublic
    rule: str
    illustrative: bool
    note: str = ILLUSTRATIVE_NOTE


def _connector(summary: ConnectorSummary) -> ConnectorPublic:
    return ConnectorPublic(
        id=summary.id,
        display_name=summary.display_name,
        role=summary.role,
        works_at=summary.works_at,
        illustrative=summary.illustrative,
    )


def reach_public(reach: Reach) -> ReachResponse:
    """Convert a Reach to its public model."""
    return ReachResponse(
        connector=_connector(reach.connector),
        counts=reach.counts,
        hop_1=HopPublic(
            assets=[ReachedAssetPublic(id=a.id, name=a.name, kind=a.kind) for a in reach.assets_1],
            people=[ReachedPersonPublic(id=p.id, display_name=p.display_name, role=p.role) for p in reach.people_1],
        ),
        hop_2=HopPublic(
            assets=[ReachedAssetPublic(id=a.id, name=a.name, kind=a.kind, via=list(a.via)) for a in reach.assets_2],
            people=[
                ReachedPersonPublic(id=p.id, display_name=p.display_name, role=p.role, via=list(p.via))
                for p in reach.people_2
            ],
        ),
        rule=reach.rule,
        illustrative=reach.connector.illustrative,
    )


class RankedConnectorPublic(BaseModel):
    """A connector with reach counts."""

    rank: int
    connector: ConnectorPublic
    counts: dict[str, int]


class ConnectorRankingResponse(BaseModel):
    """Connectors ranked by reach (or name), one page."""

    sort: str
    rule: str
    total: int
    offset: int
    limit: int
    items: list[RankedConnectorPublic]
    illustrative: bool
    note: str = ILLUSTRATIVE_NOTE


def ranking_public(ranking: ConnectorRanking) -> ConnectorRankingResponse:
    """Convert a ConnectorRanking to its public model."""
    return ConnectorRankingResponse(
        sort=ranking.sort.value,
        rule=ranking.rule,
        total=ranking.total,
        offset=ranking.offset,
        limit=ranking.limit,
        items=[
            RankedConnectorPublic(rank=item.rank, connector=_connector(item.connector), counts=item.counts)
            for item in ranking.items
        ],
        illustrative=ranking.illustrative,
    )


class OrphanAssetPublic(BaseModel):
    """An asset no connector links people to."""

    id: str
    name: str
    kind: str
    source: str | None = None
    postcode: str | None = None
    organisations: list[str]
    wards: list[str]


class OrphanAssetsResponse(BaseModel):
    """A page of assets no connector CONNECTS to."""

    need: NeedInterpretation | None
    kind: str | None
    total: int
    offset: int
    limit: int
    items: list[OrphanAssetPublic]
    illustrative: bool = Field(default=True, description="Which connectors link to what is illustrative in the demo")
    note: str = ILLUSTRATIVE_NOTE


def orphans_public(page: OrphanAssets, *, illustrative: bool) -> OrphanAssetsResponse:
    """Convert an OrphanAssets page to its public model."""
    return OrphanAssetsResponse(
        need=_need(page.need) if page.need else None,
        kind=page.kind,
        total=page.total,
        offset=page.offset,
        limit=page.limit,
        items=[
            OrphanAssetPublic(
                id=a.id,
                name=a.name,
                kind=a.kind,
                source=a.source,
                postcode=a.postcode,
                organisations=a.organisations,
                wards=a.wards,
            )
            for a in page.items
        ],
        illustrative=illustrative,
    )


# ---- areas ----------------------------------------------------------------------------------------


class AreaRefPublic(BaseModel):
    """Another area."""

    code: str
    name: str
    level: str
    population: int | None = None
    imd_score: float | None = None
    imd_decile: int | None = None
    loneliness_pct: float | None = None


class NeedCountPublic(BaseModel):
    """Assets in the area tackling a need (narrower needs included)."""

    need_id: str
    name: str
    assets: int
    top_level: bool


class AreaGapPublic(BaseModel):
    """The area's gap score for one top-level need, and its rank among areas of the same level."""

    need_id: str
    need_name: str
    gap_score: float | None
    rank: int | None
    of: int
    need_index: float | None
    assets_within_reach: int
    effective_supply: float
    supply_per_1000: float | None
    illustrative: bool


class ConnectorPresencePublic(BaseModel):
    """Connectors working in the area: counts only (connectors' details need a token)."""

    working_at_practices_here: int
    connecting_to_assets_here: int
    total: int
    by_role: dict[str, int]
    illustrative: bool


class AreaProfileResponse(BaseModel):
    """An area's profile."""

    code: str
    name: str
    level: str
    centroid: PointPublic
    parent: AreaRefPublic | None
    children: list[AreaRefPublic]
    population: int | None
    imd_score: float | None
    imd_decile: int | None
    imd_note: str | None
    loneliness_pct: float | None
    loneliness_decile: int | None
    asset_count: int
    assets_by_kind: dict[str, int]
    assets_by_need: list[NeedCountPublic]
    gp_practices: list[dict[str, str | int | None]]
    connectors: ConnectorPresencePublic
    gap_radius_m: int
    gaps: list[AreaGapPublic]
    gaps_note: str | None
    flags: list[str]
    illustrative: bool
    note: str = ILLUSTRATIVE_NOTE


def _ref(ref: AreaRef) -> AreaRefPublic:
    return AreaRefPublic(
        code=ref.code,
        name=ref.name,
        level=ref.level,
        population=ref.population,
        imd_score=ref.imd_score,
        imd_decile=ref.imd_decile,
        loneliness_pct=ref.loneliness_pct,
    )


def area_public(profile: AreaProfile) -> AreaProfileResponse:
    """Convert an AreaProfile to its public model."""
    return AreaProfileResponse(
        code=profile.code,
        name=profile.name,
        level=profile.level,
        centroid=PointPublic(lat=profile.centroid.lat, lon=profile.centroid.lon),
        parent=_ref(profile.parent) if profile.parent else None,
        children=[_ref(c) for c in profile.children],
        population=profile.population,
        imd_score=profile.imd_score,
        imd_decile=profile.imd_decile,
        imd_note=profile.imd_note,
        loneliness_pct=profile.loneliness_pct,
        loneliness_decile=profile.loneliness_decile,
        asset_count=profile.asset_count,
        assets_by_kind=profile.assets_by_kind,
        assets_by_need=[
            NeedCountPublic(need_id=n.need_id, name=n.name, assets=n.assets, top_level=n.top_level)
            for n in profile.assets_by_need
        ],
        gp_practices=profile.gp_practices,
        connectors=ConnectorPresencePublic(
            working_at_practices_here=profile.connectors.working_at_practices_here,
            connecting_to_assets_here=profile.connectors.connecting_to_assets_here,
            total=profile.connectors.total,
            by_role=profile.connectors.by_role,
            illustrative=profile.connectors.illustrative,
        ),
        gap_radius_m=profile.gap_radius_m,
        gaps=[
            AreaGapPublic(
                need_id=g.need_id,
                need_name=g.need_name,
                gap_score=g.gap_score,
                rank=g.rank,
                of=g.of,
                need_index=g.need_index,
                assets_within_reach=g.assets_within_reach,
                effective_supply=g.effective_supply,
                supply_per_1000=g.supply_per_1000,
                illustrative=g.illustrative,
            )
            for g in profile.gaps
        ],
        gaps_note=profile.gaps_note,
        flags=profile.flags,
        illustrative=profile.connectors.illustrative or any(g.illustrative for g in profile.gaps),
    )
