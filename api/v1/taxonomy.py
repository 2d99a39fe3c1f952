"""Needs, social moments, audiences and activities, with synonyms and hierarchy."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody
from assetgraph.graph.taxonomy import NeedEntry, get_need, list_moments, list_needs, list_vocabulary

router = APIRouter(tags=["taxonomy"])


class NeedPublic(BaseModel):
    """A need with its synonyms, its place in the hierarchy and how many assets tackle it."""

    id: str = Field(examples=["isolation"])
    name: str = Field(examples=["Isolation and loneliness"])
    synonyms: list[str]
    parent: str | None = Field(description="The broader need this one is PART_OF")
    children: list[str] = Field(description="Needs directly PART_OF this one")
    ancestors: list[str] = Field(description="Broader needs, nearest first")
    depth: int = Field(description="0 for a top-level need")
    raised_by: list[str] = Field(description="Social moments that raise this need")
    assets: int = Field(description="Assets (not closed) that TACKLE this need itself")
    assets_including_narrower: int = Field(description="Assets that tackle this need or a narrower one")


class NeedList(BaseModel):
    """Every need in hierarchy order: each top-level need followed by its narrower needs."""

    count: int
    needs: list[NeedPublic]


class RaisedNeedPublic(BaseModel):
    """A need a social moment raises."""

    id: str
    name: str


class MomentPublic(BaseModel):
    """A social moment, the needs it raises, and how many assets tackle one of them (or a narrower one)."""

    id: str = Field(examples=["bereavement"])
    name: str
    synonyms: list[str]
    raises: list[RaisedNeedPublic]
    assets: int


class MomentList(BaseModel):
    """Every social moment."""

    count: int
    moments: list[MomentPublic]


class TermPublic(BaseModel):
    """An audience or activity with its synonyms and how many assets (not closed) link to it."""

    id: str
    name: str
    synonyms: list[str]
    assets: int


class AudienceList(BaseModel):
    """Every audience (assets are FOR them)."""

    count: int
    audiences: list[TermPublic]


class ActivityList(BaseModel):
    """Every activity (assets OFFER them)."""

    count: int
    activities: list[TermPublic]


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": ErrorBody,
        "description": "No need with this id (code need_not_found; the message suggests close ids)",
        "content": {
            "application/json": {
                "example": {"code": "need_not_found", "message": "No need with id 'isolaton'. Did you mean: isolation?"}
            }
        },
    }
}


def _need(entry: NeedEntry) -> NeedPublic:
    return NeedPublic(
        id=entry.id,
        name=entry.name,
        synonyms=list(entry.synonyms),
        parent=entry.parent_id,
        children=list(entry.children),
        ancestors=list(entry.ancestors),
        depth=entry.depth,
        raised_by=list(entry.raised_by),
        assets=entry.assets_direct,
        assets_including_narrower=entry.assets_including_narrower,
    )


@router.get("/needs", response_model=NeedList)
def needs_route(graph: GraphDep) -> NeedList:
    """Every need with synonyms, parent, children and asset counts, in hierarchy order."""
    needs = [_need(entry) for entry in list_needs(graph)]
    return NeedList(count=len(needs), needs=needs)


@router.get("/needs/{need_id}", response_model=NeedPublic, responses=_NOT_FOUND)
def need_route(
    graph: GraphDep,
    need_id: Annotated[str, Path(description="A need id", openapi_examples={"isolation": {"value": "isolation"}})],
) -> NeedPublic:
    """One need by id, with its hierarchy and asset counts."""
    return _need(get_need(graph, need_id))


@router.get("/moments", response_model=MomentList)
def moments_route(graph: GraphDep) -> MomentList:
    """Every social moment with the needs it raises and how many assets tackle them."""
    moments = [
        MomentPublic(
            id=m.id,
            name=m.name,
            synonyms=list(m.synonyms),
            raises=[RaisedNeedPublic(id=n.id, name=n.name) for n in m.raises],
            assets=m.assets,
        )
        for m in list_moments(graph)
    ]
    return MomentList(count=len(moments), moments=moments)


@router.get("/audiences", response_model=AudienceList)
def audiences_route(graph: GraphDep) -> AudienceList:
    """Every audience with synonyms and how many assets are for it."""
    terms = [
        TermPublic(id=t.id, name=t.name, synonyms=list(t.synonyms), assets=t.assets)
        for t in list_vocabulary(graph, "audience")
    ]
    return AudienceList(count=len(terms), audiences=terms)


@router.get("/activities", response_model=ActivityList)
def activities_route(graph: GraphDep) -> ActivityList:
    """Every activity with synonyms and how many assets offer it."""
    terms = [
        TermPublic(id=t.id, name=t.name, synonyms=list(t.synonyms), assets=t.assets)
        for t in list_vocabulary(graph, "activity")
    ]
    return ActivityList(count=len(terms), activities=terms)
