"""Read the whole demo pack (`data/demo/`) into validated records, ready to be stored.

`read_demo_pack` reads areas, GP practices, the twelve community-asset files, the taxonomy, and
generates the illustrative connectors, capacities and referrals. It touches no database. Its
`reports` hold one FileReport per input file; for every file read == loaded + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assetgraph.graph.model import (
    AreaLevel,
    AreaRecord,
    AssetRecord,
    CapacityRecord,
    ConnectorRecord,
    FileReport,
    GPPracticeRecord,
    MomentRecord,
    NeedRecord,
    OrganisationRecord,
    ReferralRecord,
    Rejection,
    VocabularyRecord,
)
from assetgraph.ingest import demo_pack as files
from assetgraph.ingest.areas import AreaLocator, read_areas
from assetgraph.ingest.classifier import Classifier, default_classifier
from assetgraph.ingest.gp import read_gp_practices
from assetgraph.ingest.illustrative import DEFAULT_SEED, generate_illustrative
from assetgraph.ingest.postcodes import PostcodeIndex
from assetgraph.ingest.sources import (
    SOURCES,
    SourceContext,
    merge_organisations,
    read_sources,
)
from assetgraph.paths import DEMO_DIR


class DemoPackIntegrityError(ValueError):
    """The records read from the pack are inconsistent (duplicate ids, dangling references)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoPack:
    """Everything the demo loads into the graph, plus a report per input file."""

    areas: tuple[AreaRecord, ...]
    gp_practices: tuple[GPPracticeRecord, ...]
    organisations: tuple[OrganisationRecord, ...]
    assets: tuple[AssetRecord, ...]
    needs: tuple[NeedRecord, ...]
    moments: tuple[MomentRecord, ...]
    audiences: tuple[VocabularyRecord, ...]
    activities: tuple[VocabularyRecord, ...]
    connectors: tuple[ConnectorRecord, ...]
    referrals: tuple[ReferralRecord, ...]
    capacities: tuple[CapacityRecord, ...]
    reports: list[FileReport]
    postcodes: PostcodeIndex
    anchor: date
    seed: int

    @property
    def asset_reports(self) -> list[FileReport]:
        """The reports of the twelve community-asset files only (not areas, postcodes, GPs).

        Their `loaded` counts rows, not assets: the 314 sports-facility rows make 171 assets
        (one per site), so use `len(assets)` to count assets.
        """
        files = {spec.file for spec in SOURCES}
        return [report for report in self.reports if report.file in files]

    @property
    def rejections(self) -> list[Rejection]:
        """All rejected rows of all files."""
        return [rejection for report in self.reports for rejection in report.rejected]


def _unique(kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise DemoPackIntegrityError(f"duplicate {kind} id {item!r}")
        seen.add(item)
    return seen


def _check(pack: DemoPack) -> None:
    area_codes = _unique("area", [area.code for area in pack.areas])
    _unique("practice", [practice.ods_code for practice in pack.gp_practices])
    organisation_ids = _unique("organisation", [o.id for o in pack.organisations])
    asset_ids = _unique("asset", [asset.id for asset in pack.assets])
    connector_ids = _unique("connector", [c.id for c in pack.connectors])
    _unique("referral", [referral.id for referral in pack.referrals])
    need_ids = {need.id for need in pack.needs}
    activity_ids = {activity.id for activity in pack.activities}
    audience_ids = {audience.id for audience in pack.audiences}
    for area in pack.areas:
        if area.parent_code is not None and area.parent_code not in area_codes:
            raise DemoPackIntegrityError(f"area {area.code} has unknown parent {area.parent_code}")
    for asset in pack.assets:
        if asset.organisation_id is not None and asset.organisation_id not in organisation_ids:
            raise DemoPackIntegrityError(f"asset {asset.id} names unknown organisation")
        for code in (asset.lsoa_code, asset.ward_code):
            if code is not None and code not in area_codes:
                raise DemoPackIntegrityError(f"asset {asset.id} is in unknown area {code}")
        for tags, known in (
            (asset.needs, need_ids),
            (asset.activities, activity_ids),
            (asset.audiences, audience_ids),
        ):
            for tag in tags:
                if tag.target_id not in known:
                    raise DemoPackIntegrityError(f"asset {asset.id} tag {tag.target_id} unknown")
    for connector in pack.connectors:
        for target in connector.connects:
            if target not in asset_ids:
                raise DemoPackIntegrityError(f"connector {connector.id} connects unknown asset")
        for other in connector.knows:
            if other not in connector_ids:
                raise DemoPackIntegrityError(f"connector {connector.id} knows unknown connector")


def read_demo_pack(
    *,
    pack_dir: Path = DEMO_DIR,
    anchor: date,
    seed: int = DEFAULT_SEED,
    classifier: Classifier | None = None,
) -> DemoPack:
    """Read the demo pack in `pack_dir` into records; no database access.

    `anchor` is the "today" of the illustrative referrals (all dated in the 365 days before it);
    `seed` fixes the illustrative generator, so the same pack, anchor and seed give identical
    output. `classifier` defaults to the repository's rules. Raises InputFileError /
    AreaDataError if a file is missing or unusable, DemoPackIntegrityError if the records are
    inconsistent (which would be a bug).
    """
    classifier = classifier or default_classifier()
    postcodes = PostcodeIndex.load(path=pack_dir / files.POSTCODES_FILE)
    postcode_report = FileReport(file=files.POSTCODES_FILE, read=len(postcodes), loaded=len(postcodes))
    areas = read_areas(
        lsoa_path=pack_dir / files.LSOA_FILE,
        ward_path=pack_dir / files.WARD_FILE,
        imd_path=pack_dir / files.IMD_FILE,
        loneliness_path=pack_dir / files.LONELINESS_FILE,
        population_path=pack_dir / files.POPULATION_FILE,
    )
    locator = AreaLocator.from_records(areas.areas)
    gp = read_gp_practices(
        registrations_path=pack_dir / files.GP_REGISTRATIONS_FILE,
        practices_path=pack_dir / files.GP_PRACTICES_FILE,
        locator=locator,
    )
    context = SourceContext(
        postcodes=postcodes,
        locator=locator,
        classifier=classifier,
        ward_names={ward.code: ward.name for ward in areas.wards},
        lad_code=areas.lad.code,
    )
    results = read_sources(pack_dir=pack_dir, ctx=context, specs=SOURCES)
    assets = tuple(asset for result in results for asset in result.assets)
    illustrative = generate_illustrative(
        practices=gp.practices,
        assets=assets,
        wards=[area for area in areas.areas if area.level is AreaLevel.WARD],
        anchor=anchor,
        seed=seed,
    )
    taxonomy = classifier.taxonomy
    pack = DemoPack(
        areas=areas.areas,
        gp_practices=gp.practices,
        organisations=tuple(merge_organisations(results)),
        assets=assets,
        needs=taxonomy.needs,
        moments=taxonomy.moments,
        audiences=taxonomy.audiences,
        activities=taxonomy.activities,
        connectors=illustrative.connectors,
        referrals=illustrative.referrals,
        capacities=illustrative.capacities,
        reports=[
            postcode_report,
            *areas.reports,
            *gp.reports,
            *(result.report for result in results),
        ],
        postcodes=postcodes,
        anchor=anchor,
        seed=seed,
    )
    _check(pack)
    return pack
