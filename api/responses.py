"""Responses serialised once, straight from the public model."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_json(model: BaseModel) -> Response:
    """The model as a JSON response.

    Handed a model, FastAPI validates it against the route's response model again and then serialises
    it (two more passes over every result); a route that built its public model itself returns this
    instead, and keeps `response_model` in its decorator for the OpenAPI document.
    """
    return Response(content=model.model_dump_json(), media_type="application/json")
