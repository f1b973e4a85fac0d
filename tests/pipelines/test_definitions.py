"""The code location: one factory over the config gives predictable asset keys, groups, job and schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from pipelines.factory import REFRESH_JOB, build_definitions

CITY = {
    "municipality": {"code": "112011", "name": "川越市", "prefecture": "埼玉県"},
    "departments": [
        {
            "id": "kaigo-hoken",
            "name": "介護保険課",
            "contact_email": "kaigo@example.invalid",
            "sources": [
                {
                    "id": "care-services",
                    "kind": "csv",
                    "location": "care.csv",
                    "cadence": "P1M",
                    "resource_type": "介護サービス事業所",
                    "field": "高齢",
                },
            ],
        },
        {
            "id": "kodomo",
            "name": "こども政策課",
            "contact_email": "kodomo@example.invalid",
            "sources": [
                {
                    "id": "kodomo-shokudo",
                    "kind": "excel",
                    "location": "shokudo.xlsx",
                    "cadence": "P3M",
                    "resource_type": "子ども食堂",
                    "field": "子ども",
                },
                {
                    "id": "circles",
                    "kind": "inbox",
                    "location": "circles",
                    "cadence": "P6M",
                    "resource_type": "子育て支援サークル",
                    "field": "子ども",
                },
            ],
        },
    ],
}


def _defs(tmp_path: Path) -> dg.Definitions:
    config = tmp_path / "departments.yaml"
    config.write_text(yaml.safe_dump(CITY, allow_unicode=True), encoding="utf-8")
    return build_definitions(str(config), str(tmp_path / "data"))


def test_asset_keys_and_groups_snapshot(tmp_path: Path) -> None:
    graph = _defs(tmp_path).resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {
        "raw/kaigo-hoken/care-services": "kaigo_hoken",
        "conformed/kaigo-hoken/care-services": "kaigo_hoken",
        "raw/kodomo/kodomo-shokudo": "kodomo",
        "conformed/kodomo/kodomo-shokudo": "kodomo",
        "raw/kodomo/circles": "kodomo",
        "conformed/kodomo/circles": "kodomo",
        "geocoded": "city",
        "resources": "city",
        "freshness": "city",
        "release": "city",
    }


def test_stages_depend_on_each_other_in_order(tmp_path: Path) -> None:
    graph = _defs(tmp_path).resolve_asset_graph()

    def parents(key: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(dg.AssetKey.from_user_string(key)).parent_keys}

    assert parents("conformed/kodomo/circles") == {"raw/kodomo/circles"}
    assert parents("geocoded") == {
        "conformed/kaigo-hoken/care-services",
        "conformed/kodomo/kodomo-shokudo",
        "conformed/kodomo/circles",
    }
    assert parents("resources") == {"geocoded"}
    assert parents("release") == {"resources", "freshness"}


def test_job_schedule_and_freshness_policy_follow_the_config(tmp_path: Path) -> None:
    defs = _defs(tmp_path)
    assert defs.resolve_job_def(REFRESH_JOB).executor_def.name == "in_process"
    schedule = defs.resolve_schedule_def("daily_refresh")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Asia/Tokyo"
    raw = defs.resolve_assets_def(dg.AssetKey(["raw", "kodomo", "kodomo-shokudo"]))
    policy = raw.specs_by_key[raw.key].freshness_policy
    assert policy.fail_window.to_timedelta().days == 120  # HDX: quarterly -> overdue after 120 days


def test_demo_code_location_loads(repo_root: Path, tmp_path: Path) -> None:
    defs = build_definitions(str(repo_root / "config" / "kawagoe" / "departments.yaml"), str(tmp_path))
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    assert sum(1 for k in keys if k.path[0] == "raw") >= 10


def test_inbox_sensor_requests_a_run_of_that_source_when_a_file_is_dropped(tmp_path: Path) -> None:
    from pipelines.resources import TsunaguResource

    defs = _defs(tmp_path)
    sensor = defs.resolve_sensor_def("inbox_circles")
    resource = TsunaguResource(config_path=str(tmp_path / "departments.yaml"), data_dir=str(tmp_path / "data"))

    def evaluate() -> dg.SensorResult:
        with dg.build_sensor_context(resources={"tsunagu": resource}) as context:
            return sensor(context)

    assert "nothing in the circles drop folder" in str(evaluate().skip_reason)
    folder = tmp_path / "data" / "inbox" / "circles"
    folder.mkdir(parents=True)
    (folder / "サークル一覧.csv").write_text("名称,住所\nぴよぴよ,川越市新富町1-1-1\n", encoding="utf-8")
    (request,) = evaluate().run_requests
    assert request.run_key.startswith("circles:サークル一覧.csv:")
    assert {k.to_user_string() for k in request.asset_selection} == {
        "raw/kodomo/circles", "conformed/kodomo/circles", "geocoded", "resources", "freshness", "release"
    }  # fmt: skip
