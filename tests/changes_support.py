"""A small hand-built graph and tokens for the write-endpoint tests (no demo load needed).

Places (WGS-84): Park Medical Practice P91003 and postcode WA15 7XR at (53.398559, -2.315695); one
ward and one LSOA, squares of about 1.1 km x 0.7 km around it; one asset 60 m north of the
practice (Timperley Knit and Natter), one 1.5 km west (Altrincham Walking Group), an organisation,
and a connector who works at the practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from assetgraph.api.app import create_app
from assetgraph.graph import store
from assetgraph.graph.connection import Graph
from assetgraph.graph.model import (
    AbcdKind,
    AreaLevel,
    AreaRecord,
    AssetRecord,
    CapacityRecord,
    ConnectorRecord,
    GPPracticeRecord,
    NeedRecord,
    OrganisationRecord,
    Point,
    Tag,
    VocabularyRecord,
)
from assetgraph.graph.tokens import Role, create_token
from assetgraph.settings import Settings

PRACTICE = Point(lat=53.398559, lon=-2.315695)
KNIT_ID = "test:knit"
WALK_ID = "test:walk"
ORG_ID = "charity:1012345"
CONNECTOR_ID = "connector:test-one"
OTHER_CONNECTOR_ID = "connector:test-two"
WARD = "E05000001"
LSOA = "E01000001"
POSTCODE = "WA15 7XR"


def _square(lat: float, lon: float, half_lat: float, half_lon: float) -> str:
    w, e, s, n = lon - half_lon, lon + half_lon, lat - half_lat, lat + half_lat
    return f"POLYGON (({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))"


def seed(graph: Graph) -> None:
    """Write the small graph into an empty database."""
    store.merge_postcodes(graph, store.postcode_rows([(POSTCODE, PRACTICE.lat, PRACTICE.lon, "E08000009")]))
    store.merge_areas(
        graph,
        [
            AreaRecord(
                code=WARD,
                name="Test ward",
                level=AreaLevel.WARD,
                geometry_wkt=_square(PRACTICE.lat, PRACTICE.lon, 0.006, 0.016),
                centroid=PRACTICE,
            ),
            AreaRecord(
                code=LSOA,
                name="Test LSOA",
                level=AreaLevel.LSOA,
                geometry_wkt=_square(PRACTICE.lat, PRACTICE.lon, 0.003, 0.008),
                centroid=PRACTICE,
                parent_code=WARD,
            ),
        ],
    )
    store.merge_gp_practices(
        graph,
        [
            GPPracticeRecord(
                ods_code="P91003", name="Park Medical Practice", location=PRACTICE, lsoa_code=LSOA, ward_code=WARD
            )
        ],
    )
    store.merge_taxonomy(
        graph,
        needs=[
            NeedRecord(id="isolation", name="Isolation and loneliness", synonyms=("loneliness",)),
            NeedRecord(id="befriending", name="Befriending", parent_id="isolation"),
            NeedRecord(id="physical-activity", name="Physical activity"),
        ],
        moments=[],
        audiences=[VocabularyRecord(id="older-people", name="Older people")],
        activities=[
            VocabularyRecord(id="knit-and-natter", name="Knit and natter"),
            VocabularyRecord(id="walking", name="Walking group"),
        ],
    )
    store.merge_organisations(
        graph,
        [
            OrganisationRecord(
                id=ORG_ID, name="Timperley Friends", org_type="charity", charity_number="1012345", source="test"
            )
        ],
    )
    store.merge_assets(
        graph,
        [
            AssetRecord(
                id=KNIT_ID,
                name="Timperley Knit and Natter",
                kind=AbcdKind.ASSOCIATION,
                location=Point(lat=PRACTICE.lat + 0.00054, lon=PRACTICE.lon),
                source="test",
                source_id="knit",
                description="Knitting and a chat for anyone feeling lonely.",
                postcode=POSTCODE,
                organisation_id=ORG_ID,
                lsoa_code=LSOA,
                ward_code=WARD,
                needs=(Tag(target_id="isolation", rule="test"),),
                activities=(Tag(target_id="knit-and-natter", rule="test"),),
            ),
            AssetRecord(
                id=WALK_ID,
                name="Altrincham Walking Group",
                kind=AbcdKind.ASSOCIATION,
                location=Point(lat=PRACTICE.lat, lon=PRACTICE.lon - 0.0226),
                source="test",
                source_id="walk",
                needs=(Tag(target_id="physical-activity", rule="test"), Tag(target_id="isolation", rule="test")),
            ),
        ],
    )
    store.set_capacities(graph, [CapacityRecord(asset_id=KNIT_ID, capacity=20, spare_places=5)])
    store.merge_connectors(
        graph,
        [
            ConnectorRecord(
                id=CONNECTOR_ID,
                display_name="Connector one",
                role="link worker",
                works_at="P91003",
                connects=(KNIT_ID,),
            ),
            ConnectorRecord(id=OTHER_CONNECTOR_ID, display_name="Connector two", role="community connector"),
        ],
    )


def make_tokens(graph: Graph) -> dict[Role, str]:
    """One token per role, named 'test <role>'; returns the secrets."""
    return {role: create_token(graph, name=f"test {role.value}", role=role).secret for role in Role}


def bearer(secret: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {secret}"}


@contextmanager
def client(settings: Settings, graph: Graph) -> Iterator[TestClient]:
    """An HTTP client over `graph`."""
    with TestClient(create_app(settings, graph=graph)) as opened:
        yield opened
