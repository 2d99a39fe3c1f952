"""The taxonomy and the rule-based classifier: a case table of text -> tags and rule text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assetgraph.graph.model import AbcdKind
from assetgraph.ingest.classifier import (
    Classification,
    Classifier,
    RulesError,
    TaxonomyError,
    UnknownSourceError,
    load_taxonomy,
    split_categories,
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def _tags(result: Classification) -> dict[str, dict[str, str]]:
    return {
        "need": {t.target_id: t.rule for t in result.needs},
        "activity": {t.target_id: t.rule for t in result.activities},
        "audience": {t.target_id: t.rule for t in result.audiences},
    }


# (source, texts, categories, kind, target id, expected rule)
CASES: list[tuple[str, list[tuple[str, str]], tuple[str, ...], str, str, str]] = [
    (
        "charities",
        [("description", "We aim to tackle loneliness in older people")],
        (),
        "need",
        "isolation",
        'synonym "loneliness" of need "isolation" in description',
    ),
    (
        "charities",
        [("description", "Listening Ear service for residents feeling lonely or isolated.")],
        (),
        "need",
        "isolation",
        'synonym "lonely" of need "isolation" in description',
    ),
    (
        "charities",
        [("name", "Sale Walking Group")],
        (),
        "activity",
        "walking",
        'keyword "walking" in name',
    ),
    (
        "charities",
        [("name", "Sale Walking Group")],
        (),
        "need",
        "physical-activity",
        'keyword "walking" in name',
    ),
    ("allotments", [("name", "Eaton Road")], (), "activity", "gardening", "source rule: allotments"),
    ("allotments", [("name", "Eaton Road")], (), "need", "nature-and-green-space", "source rule: allotments"),
    ("sports-clubs", [("name", "Timperley Bowling Club")], ("Bowling",), "activity", "bowls", 'category "Bowling"'),
    ("sports-clubs", [("name", "X")], ("Cricket", "Tennis"), "activity", "tennis", 'category "Tennis"'),
    ("sports-clubs", [("name", "X")], ("Bowling",), "need", "physical-activity", "source rule: sports-clubs"),
    ("food-banks", [("name", "Pantry")], (), "need", "food", "source rule: food-banks"),
    (
        "care-homes",
        [("name", "Ascot House")],
        ("Residential homes",),
        "audience",
        "older-people",
        "source rule: care-homes",
    ),
    (
        "childrens-centres",
        [("name", "Stretford Children's Centre")],
        (),
        "audience",
        "families",
        "source rule: childrens-centres",
    ),
    (
        "charities",
        [("name", "TRAFFORD MENCAP"), ("activities", "relief of people with a learning disability")],
        (),
        "need",
        "learning-disability",
        'synonym "mencap" of need "learning-disability" in name',
    ),
    (
        "charities",
        [("activities", "Provision of information, advice and support to carers")],
        (),
        "need",
        "carers",
        'synonym "carers" of need "carers" in activities',
    ),
    (
        "mental-health-services",
        [("name", "Larkhill Demetia Cafe (Later Life Living)")],
        (),
        "need",
        "dementia",
        'synonym "demetia" of need "dementia" in name',
    ),
    (
        "mental-health-services",
        [("description", "Offers activities such as arts & crafts and music")],
        (),
        "activity",
        "arts-and-crafts",
        'synonym "arts and crafts" of activity "arts-and-crafts" in description',
    ),
    (
        "charities",
        [("name", "St Mary's Football Club")],
        (),
        "need",
        "physical-activity",
        'keyword "football club" in name',
    ),
    (
        "charities",
        [("name", "Urmston Bowls Club")],
        (),
        "need",
        "physical-activity",
        'activity "bowls" implies need "physical-activity"',
    ),
    (
        "charities",
        [("activities", "support for people with long term conditions such as COPD")],
        (),
        "need",
        "long-term-conditions",
        'synonym "long-term condition" of need "long-term-conditions" in activities',
    ),
    (
        "charities",
        [("activities", "Meets for a coffee morning every week; women's group")],
        (),
        "audience",
        "women",
        'synonym "women\'s" of audience "women" in activities',
    ),
]


@pytest.mark.parametrize(("source", "texts", "categories", "kind", "target", "rule"), CASES)
def test_case_table(
    classifier: Classifier,
    source: str,
    texts: list[tuple[str, str]],
    categories: tuple[str, ...],
    kind: str,
    target: str,
    rule: str,
) -> None:
    result = classifier.classify(source=source, texts=texts, categories=categories)
    tags = _tags(result)
    assert tags[kind].get(target) == rule, tags


# (source, text, kind, target that must NOT be tagged)
NEGATIVE_CASES: list[tuple[str, str, str, str]] = [
    ("charities", "Membership for people within walking distance", "activity", "walking"),
    ("charities", "A party in the park with a display of flowers", "activity", "arts-and-crafts"),
    ("charities", "A party in the park with a display of flowers", "activity", "play"),
    ("charities", "A women's group meeting monthly", "audience", "men"),
    ("charities", "The relief of people with a learning disability", "need", "learning-and-skills"),
    ("charities", "Raising money by the collection of money", "need", "money-and-debt"),
    ("charities", "Support for people of all walks of life", "activity", "walking"),
    ("charities", "The Smith Family Charitable Trust", "audience", "families"),
    ("charities", "Sporting Memories: reminiscence for people with dementia", "need", "physical-activity"),
    ("charities", "Supporting Trans-Pennine rail heritage", "audience", "lgbtq"),
    ("charities", "Manchester United supporters", "audience", "men"),
    ("charities", "a popular destination", "activity", "football"),
    ("greenspace", "St Mary's Church", "activity", "worship"),
    ("allotments", "Church Road", "activity", "worship"),
    ("allotments", "Moss Lane/Golf Road", "activity", "golf"),
    ("places-of-worship", "Woodlands United Reformed Church", "need", "nature-and-green-space"),
    ("sports-facilities", "St Ambrose Catholic College", "activity", "worship"),
]


@pytest.mark.parametrize(("source", "text", "kind", "target"), NEGATIVE_CASES)
def test_no_junk_matches(classifier: Classifier, source: str, text: str, kind: str, target: str) -> None:
    result = classifier.classify(source=source, texts=[("name", text)])
    assert target not in _tags(result)[kind]


def test_one_tag_per_target_first_rule_wins(classifier: Classifier) -> None:
    result = classifier.classify(
        source="mental-health-services",
        texts=[("name", "Lonely Hearts"), ("description", "for people who feel lonely, loneliness")],
    )
    isolation = [tag for tag in result.needs if tag.target_id == "isolation"]
    assert [tag.rule for tag in isolation] == ['synonym "lonely" of need "isolation" in name']
    mental = [tag for tag in result.needs if tag.target_id == "mental-wellbeing"]
    assert [tag.rule for tag in mental] == ["source rule: mental-health-services"]
    again = classifier.classify(
        source="mental-health-services",
        texts=[("name", "Lonely Hearts"), ("description", "for people who feel lonely, loneliness")],
    )
    assert again == result


def test_plural_case_and_hyphen_variants(classifier: Classifier) -> None:
    result = classifier.classify(source="charities", texts=[("name", "WALKING GROUPS and Long-Term Conditions")])
    tags = _tags(result)
    assert tags["activity"]["walking"] == 'keyword "walking" in name'
    assert tags["need"]["long-term-conditions"].startswith('synonym "long-term condition"')


def test_kinds(classifier: Classifier) -> None:
    expected = {
        "charities": AbcdKind.ASSOCIATION,
        "mental-health-services": AbcdKind.INSTITUTION,
        "sports-clubs": AbcdKind.ASSOCIATION,
        "allotments": AbcdKind.PHYSICAL,
        "care-homes": AbcdKind.INSTITUTION,
        "food-banks": AbcdKind.ECONOMIC,
        "childrens-centres": AbcdKind.INSTITUTION,
        "libraries": AbcdKind.INSTITUTION,
        "green-flags": AbcdKind.PHYSICAL,
        "places-of-worship": AbcdKind.ASSOCIATION,
        "sports-facilities": AbcdKind.PHYSICAL,
        "greenspace": AbcdKind.PHYSICAL,
    }
    assert {source: classifier.kind_for(source=source) for source in classifier.sources} == expected
    with pytest.raises(UnknownSourceError):
        classifier.classify(source="nope", texts=[])


def test_split_categories() -> None:
    assert split_categories("Cricket, Tennis") == ("Cricket", "Tennis")
    assert split_categories("Nursing homes|Residential homes") == ("Nursing homes", "Residential homes")
    assert split_categories(None) == ()


def test_taxonomy_shape() -> None:
    taxonomy = load_taxonomy()
    need_ids = {need.id for need in taxonomy.needs}
    for required in (
        "isolation",
        "physical-activity",
        "mental-wellbeing",
        "food",
        "money-and-debt",
        "carers",
        "bereavement",
        "long-term-conditions",
        "cancer-prevention",
        "employment",
        "housing",
        "learning-and-skills",
        "nature-and-green-space",
        "arts-and-creativity",
        "family-and-parenting",
        "substance-misuse",
        "digital-inclusion",
    ):
        assert required in need_ids
    isolation = next(need for need in taxonomy.needs if need.id == "isolation")
    assert {"loneliness", "lonely", "social isolation"} <= set(isolation.synonyms)
    assert taxonomy.narrower("isolation") >= {"isolation", "befriending", "social-connection"}
    moments = {moment.id: moment for moment in taxonomy.moments}
    for required in ("bereavement", "retirement", "new-diagnosis", "becoming-a-carer", "new-parent", "moving-home"):
        assert moments[required].raises and set(moments[required].raises) <= need_ids
    assert "widowed" in moments["bereavement"].synonyms
    audience_ids = {audience.id for audience in taxonomy.audiences}
    assert {"older-people", "young-people", "children", "carers", "men", "women", "families"} <= audience_ids
    activity_ids = {activity.id for activity in taxonomy.activities}
    assert {"walking", "knit-and-natter", "community-cafe", "gardening", "choir", "bowls", "worship"} <= activity_ids
    for kind in ("need", "moment", "audience", "activity"):
        for record in taxonomy.records(kind):
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record.id)
            assert record.synonyms


def test_match_terms_for_plain_english(classifier: Classifier) -> None:
    found = classifier.match_terms("recently widowed man, lonely, would like a walking group")
    assert {t.target_id for t in found.moments} == {"bereavement"}
    assert "isolation" in {t.target_id for t in found.needs}
    assert "walking" in {t.target_id for t in found.activities}


def test_bad_taxonomy_and_rules_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("needs:\n  - {id: a, name: A, parent: missing}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="unknown parent"):
        load_taxonomy(bad)
    cyclic = tmp_path / "cyclic.yaml"
    cyclic.write_text("needs:\n  - {id: a, name: A, parent: b}\n  - {id: b, name: B, parent: a}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="cycle"):
        load_taxonomy(cyclic)
    taxonomy = load_taxonomy()
    with pytest.raises(RulesError, match="unknown need"):
        Classifier(taxonomy=taxonomy, rules={"sources": {"x": {"kind": "physical", "needs": ["nope"]}}})
    with pytest.raises(RulesError, match="ABCD kind"):
        Classifier(taxonomy=taxonomy, rules={"sources": {"x": {"kind": "shop"}}})
    with pytest.raises(RulesError, match="invalid pattern"):
        Classifier(
            taxonomy=taxonomy,
            rules={"sources": {"x": {"kind": "physical"}}, "keywords": [{"pattern": "(", "needs": ["food"]}]},
        )
