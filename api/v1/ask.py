"""Plain-English questions turned into a structured search."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assetgraph.api.deps import GraphDep
from assetgraph.api.errors import ErrorBody, FieldError
from assetgraph.api.responses import model_json
from assetgraph.api.schemas import SearchResponse
from assetgraph.api.v1.assets import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SEARCH_ERRORS, to_public
from assetgraph.graph.ask import MAX_QUESTION_LENGTH, Interpretation, ask

router = APIRouter(tags=["ask"])

EXAMPLE_QUESTION = "unused groups near Park Medical Practice that tackle loneliness for older men on Tuesdays"


class RecognisedPublic(BaseModel):
    """A phrase of the question (as typed), the search parameter it became, and how it was recognised."""

    phrase: str
    became: str = Field(examples=["near=gp:P91003"])
    detail: str


class InterpretationPublic(BaseModel):
    """How the question was read: the structured search, phrase by phrase, and what was not understood."""

    params: dict[str, Any] = Field(
        description="The parameters of GET /v1/assets/search this question stands for",
        examples=[{"near": "gp:P91003", "need": ["isolation"], "audience": ["older-people", "men"]}],
    )
    search_url: str = Field(description="The same search as a /v1/assets/search URL")
    recognised: list[RecognisedPublic]
    not_understood: list[str] = Field(description="Words that were not understood (stop words are not listed)")
    notes: list[str] = Field(default=[], description="Choices the parser made, e.g. between two practices")


class AskResponse(SearchResponse):
    """The interpretation of a plain-English question next to the results of the search it stands for."""

    question: str
    interpretation: InterpretationPublic


def interpretation_public(interpretation: Interpretation) -> InterpretationPublic:
    """The public form of an interpretation, with the equivalent search URL."""
    query = urlencode(
        {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in interpretation.params.items()}, doseq=True
    )
    return InterpretationPublic(
        params=interpretation.params,
        search_url=f"/v1/assets/search?{query}",
        recognised=[
            RecognisedPublic(phrase=r.phrase, became=r.became, detail=r.detail) for r in interpretation.recognised
        ],
        not_understood=list(interpretation.not_understood),
        notes=list(interpretation.notes),
    )


_ASK_ERRORS: dict[int | str, dict[str, Any]] = {
    404: SEARCH_ERRORS[404],
    422: {
        "model": ErrorBody,
        "description": "The question names no place (code place_needed, with the interpretation in `details`), "
        "or a parameter it became is invalid (as for /v1/assets/search).",
        "content": {
            "application/json": {
                "example": {
                    "code": "place_needed",
                    "message": "Say where: near a GP practice, a postcode, a ward or 'lat,lon' (or quote a name).",
                    "errors": [{"field": "q", "message": "no place in the question"}],
                    "details": {"interpretation": {"params": {"need": ["isolation"]}, "not_understood": []}},
                }
            }
        },
    },
}


@router.get("/ask", response_model=AskResponse, responses=_ASK_ERRORS)
def ask_route(
    graph: GraphDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUESTION_LENGTH,
            description="The question",
            openapi_examples={
                "headline": {"summary": "Unused groups near a practice", "value": EXAMPLE_QUESTION},
                "walking": {"summary": "Free walking groups", "value": "free walking groups within a mile of WA14 2DD"},
                "moment": {
                    "summary": "A social moment",
                    "value": "something for a recently bereaved carer near M33 7XZ",
                },
            },
        ),
    ],
    as_of: Annotated[date | None, Query(description="Measure usage (and 'today') as of this day")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Results per page")] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(description="next_cursor from the previous page of the same question")] = None,
) -> Response:
    """A plain-English question read into a search (shown phrase by phrase), with its results."""
    interpretation, result = ask(graph, q, as_of=as_of, limit=limit, cursor=cursor)
    public = interpretation_public(interpretation)
    if result is None:
        message = "Say where: near a GP practice, a postcode, a ward or 'lat,lon' (or quote a name)."
        body = ErrorBody(
            code="place_needed",
            message=message,
            errors=[FieldError(field="q", message="no place in the question")],
            details={"interpretation": public.model_dump()},
        )
        return JSONResponse(status_code=422, content=body.model_dump(exclude_none=True))
    return model_json(
        AskResponse(question=interpretation.question, interpretation=public, **to_public(result).model_dump())
    )
