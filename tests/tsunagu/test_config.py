"""The departments config: validation with YAML paths, HDX default thresholds, location resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tsunagu.config import default_thresholds, duration_days, load_config, parse_config
from tsunagu.errors import ConfigError


def _minimal(**source_overrides: object) -> dict:
    source = {
        "id": "care-services",
        "kind": "csv",
        "location": "kaigo/care.csv",
        "cadence": "P1M",
        "resource_type": "介護サービス事業所",
        "field": "高齢",
        **source_overrides,
    }
    return {
        "municipality": {"code": "112011", "name": "川越市", "prefecture": "埼玉県"},
        "departments": [
            {
                "id": "kaigo-hoken",
                "name": "介護保険課",
                "contact_email": "kaigo@example.invalid",
                "sources": [source],
            }
        ],
    }


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("P7D", 7),  # a week
        ("P1M", 30),  # months count 30 days
        ("P1M14D", 44),  # HDX's monthly overdue threshold written out
        ("P1Y", 365),
        ("P2W", 14),
    ],
)
def test_duration_days(text: str, days: int) -> None:
    assert duration_days(text) == days


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        (7, (14, 21)),  # HDX weekly
        (30, (44, 60)),  # HDX monthly
        (90, (120, 150)),  # HDX quarterly
        (365, (425, 455)),  # HDX yearly
        (60, (74, 90)),  # between rows: the monthly gaps (+14, +30) carried over
    ],
)
def test_hdx_default_thresholds(cadence: int, expected: tuple[int, int]) -> None:
    assert default_thresholds(cadence) == expected


def test_source_thresholds_use_explicit_values_over_defaults() -> None:
    config = parse_config(_minimal(overdue_after="P40D", delinquent_after="P2M"))
    _, source = config.source("care-services")
    assert source.thresholds_days == (30, 40, 60)
    assert source.field == ("高齢",)


@pytest.mark.parametrize(
    ("overrides", "path", "hint"),
    [
        (
            {"kind": "pdf"},
            "departments[0].sources[0].kind",
            "'csv', 'excel', 'html', 'json_api', 'ckan' or 'inbox'",
        ),
        (
            {"colums": {}},
            "departments[0].sources[0].colums",
            "allowed here: id, kind, location",
        ),  # typo'd key
        ({"cadence": "monthly"}, "departments[0].sources[0].cadence", "pattern"),
        ({"kind": "html"}, "departments[0].sources[0]", "needs an 'html' block"),
        ({"overdue_after": "P10D"}, "departments[0].sources[0]", "cadence < overdue_after"),
    ],
)
def test_bad_config_names_yaml_path_and_what_is_allowed(overrides: dict, path: str, hint: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(_minimal(**overrides))
    message = str(info.value)
    assert f"  {path}:" in message
    assert hint in message


def test_wrong_municipality_check_digit_is_refused() -> None:
    data = _minimal()
    data["municipality"]["code"] = "112012"
    with pytest.raises(ConfigError, match=r"municipality\.code: .*check digit of 112012 should be 1"):
        parse_config(data)


def test_duplicate_source_ids_are_refused() -> None:
    data = _minimal()
    dept = data["departments"][0]
    data["departments"].append({**dept, "id": "other"})
    with pytest.raises(ConfigError, match="used twice"):
        parse_config(data)


def test_relative_locations_start_at_base_dir(tmp_path: Path) -> None:
    path = tmp_path / "config" / "city" / "departments.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump({**_minimal(), "base_dir": "../../demo"}, allow_unicode=True), encoding="utf-8")
    config = load_config(path)
    assert config.resolve("kaigo/care.csv") == str((tmp_path / "demo" / "kaigo" / "care.csv").resolve())
    assert config.resolve("http://127.0.0.1:9/x.json") == "http://127.0.0.1:9/x.json"


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the departments config"):
        load_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("departments: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(broken)


def test_demo_city_config_is_valid(repo_root: Path) -> None:
    config = load_config(repo_root / "config" / "kawagoe" / "departments.yaml")
    kinds = {source.kind for _, source in config.sources()}
    assert len(config.departments) >= 8
    assert len(config.sources()) >= 10
    assert {"csv", "excel", "html", "json_api", "inbox"} <= kinds
    assert all(d.contact_email.endswith("@example.invalid") for d in config.departments)


def test_an_inbox_folder_defaults_to_the_source_id() -> None:
    data = _minimal(kind="inbox")
    del data["departments"][0]["sources"][0]["location"]
    _, source = parse_config(data).source("care-services")
    assert source.location == "care-services"
    csv = _minimal()
    del csv["departments"][0]["sources"][0]["location"]
    with pytest.raises(ConfigError, match=r"sources\[0\]\.location: required key is missing"):
        parse_config(csv)  # only a drop folder has a default place
