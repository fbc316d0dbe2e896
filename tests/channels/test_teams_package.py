"""The Teams app package (tools/teams_package.py), checked for what a Teams admin would notice on
upload: the files at the zip's root, the app id where Teams looks for it, no placeholder left, the
icons' sizes and the outline icon's colours, and a clear refusal before anything is written when a
setting is missing or wrong. No environment is read: every value is given here."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tools.teams_package import (
    OUT,
    TEMPLATE,
    PackageError,
    build_package,
    check_icons,
    main,
    png_bytes,
    values_from_environment,
)

APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
DOMAIN = "safeguarding-bot.example.org"
VALUES = {
    "app_id": APP_ID,
    "bot_domain": DOMAIN,
    "developer_name": "Example Partnership",
    "website_url": "https://partnership.example.org/assistant",
    "privacy_url": "https://partnership.example.org/privacy",
    "terms_url": "https://partnership.example.org/terms",
}
ENVIRONMENT = {
    "TEAMS_APP_ID": APP_ID,
    "BOT_DOMAIN": DOMAIN,
    "TEAMS_DEVELOPER_NAME": VALUES["developer_name"],
    "TEAMS_WEBSITE_URL": VALUES["website_url"],
    "TEAMS_PRIVACY_URL": VALUES["privacy_url"],
    "TEAMS_TERMS_URL": VALUES["terms_url"],
}


def build(tmp_path: Path, **changes: str) -> Path:
    return build_package(**{**VALUES, **changes}, out=tmp_path / "teams" / "safeguarding-assistant.zip")


@pytest.fixture
def package(tmp_path: Path) -> Iterator[zipfile.ZipFile]:
    with zipfile.ZipFile(build(tmp_path, version="1.4.2")) as opened:
        assert opened.testzip() is None
        yield opened


@pytest.fixture
def manifest(package: zipfile.ZipFile) -> dict[str, Any]:
    return json.loads(package.read("manifest.json").decode("utf-8"))


def test_the_zip_holds_exactly_the_manifest_and_two_icons_at_its_root(package: zipfile.ZipFile) -> None:
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_default_place_is_build_teams() -> None:
    assert OUT.parts[-3:] == ("build", "teams", "safeguarding-assistant.zip")


def test_the_app_id_is_the_apps_id_and_the_bots(manifest: dict[str, Any]) -> None:
    assert manifest["id"] == APP_ID
    assert [bot["botId"] for bot in manifest["bots"]] == [APP_ID]


def test_the_domain_version_and_developer_are_filled_in(manifest: dict[str, Any]) -> None:
    assert manifest["validDomains"] == [DOMAIN]
    assert manifest["version"] == "1.4.2"
    assert manifest["developer"] == {
        "name": VALUES["developer_name"],
        "websiteUrl": VALUES["website_url"],
        "privacyUrl": VALUES["privacy_url"],
        "termsOfUseUrl": VALUES["terms_url"],
    }


def test_no_placeholder_is_left(package: zipfile.ZipFile) -> None:
    text = package.read("manifest.json").decode("utf-8")
    assert "{{" not in text and "}}" not in text


def test_the_manifest_is_a_v1_16_conversational_bot_in_chats_and_channels(manifest: dict[str, Any]) -> None:
    assert manifest["$schema"].endswith("/teams/v1.16/MicrosoftTeams.schema.json")
    assert manifest["manifestVersion"] == "1.16"
    (bot,) = manifest["bots"]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_descriptions_and_names_fit_teams_limits(manifest: dict[str, Any]) -> None:
    assert 0 < len(manifest["description"]["short"]) <= 80
    assert 0 < len(manifest["description"]["full"]) <= 4000
    assert 0 < len(manifest["name"]["short"]) <= 30
    assert "999" in manifest["description"]["short"]
    for commands in manifest["bots"][0]["commandLists"]:
        for command in commands["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128


def test_the_colour_icon_is_192_square_and_in_colour(package: zipfile.ZipFile) -> None:
    with Image.open(io.BytesIO(package.read("color.png"))) as icon:
        assert icon.format == "PNG"
        assert icon.size == (192, 192)
        colours = icon.convert("RGB").getcolors(192 * 192) or []
    assert len(colours) > 2


def test_the_outline_icon_is_32_square_and_only_white_or_transparent(package: zipfile.ZipFile) -> None:
    with Image.open(io.BytesIO(package.read("outline.png"))) as icon:
        assert icon.format == "PNG"
        assert icon.size == (32, 32)
        assert icon.mode == "RGBA"
        colours = icon.getcolors(32 * 32) or []
    not_white = [colour for _, colour in colours if colour[3] and colour[:3] != (255, 255, 255)]
    assert not_white == []
    assert any(colour[3] == 255 for _, colour in colours), "the symbol is missing"
    assert any(colour[3] == 0 for _, colour in colours), "the background is not transparent"


def test_an_outline_icon_with_a_coloured_pixel_is_refused(package: zipfile.ZipFile) -> None:
    with Image.open(io.BytesIO(package.read("outline.png"))) as icon:
        spoiled = icon.copy()
    spoiled.putpixel((16, 16), (0, 0, 0, 255))
    with pytest.raises(PackageError, match="neither white nor transparent"):
        check_icons(package.read("color.png"), png_bytes(spoiled))


def test_the_same_values_give_the_same_package(tmp_path: Path) -> None:
    first = build(tmp_path / "a").read_bytes()
    second = build(tmp_path / "b").read_bytes()
    assert first == second


@pytest.mark.parametrize("missing", ["", "   "])
def test_a_missing_app_id_is_refused_naming_the_setting(tmp_path: Path, missing: str) -> None:
    with pytest.raises(PackageError, match="TEAMS_APP_ID is not set"):
        build(tmp_path, app_id=missing)
    assert not (tmp_path / "teams").exists(), "nothing is written when a check fails"


@pytest.mark.parametrize(
    "app_id", ["my-bot", "1b4e28ba2fa111d2883f0016d3cca427", "1b4e28ba-2fa1-11d2-883f-0016d3cca42g"]
)
def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path, app_id: str) -> None:
    with pytest.raises(PackageError, match="TEAMS_APP_ID .* is not a GUID"):
        build(tmp_path, app_id=app_id)


@pytest.mark.parametrize("domain", [f"https://{DOMAIN}", f"{DOMAIN}/webhooks", f"{DOMAIN}:443", "localhost"])
def test_a_domain_with_a_scheme_path_or_port_is_refused(tmp_path: Path, domain: str) -> None:
    with pytest.raises(PackageError, match="BOT_DOMAIN"):
        build(tmp_path, bot_domain=domain)


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"privacy_url": "http://partnership.example.org/privacy"}, "TEAMS_PRIVACY_URL"),
        ({"terms_url": ""}, "TEAMS_TERMS_URL"),
        ({"developer_name": "The Example Safeguarding Children Partnership"}, "TEAMS_DEVELOPER_NAME"),
        ({"version": "1.0"}, "TEAMS_APP_VERSION"),
    ],
)
def test_other_bad_settings_are_refused_by_name(tmp_path: Path, change: dict[str, str], setting: str) -> None:
    with pytest.raises(PackageError, match=setting):
        build(tmp_path, **change)


def test_a_value_with_quotes_stays_valid_json(tmp_path: Path) -> None:
    path = build(tmp_path, developer_name='The "Example" Partnership')
    with zipfile.ZipFile(path) as package:
        assert json.loads(package.read("manifest.json"))["developer"]["name"] == 'The "Example" Partnership'


def test_the_template_names_every_placeholder_the_tool_fills() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder in (
        "TEAMS_APP_ID",
        "BOT_DOMAIN",
        "VERSION",
        "DEVELOPER_NAME",
        "WEBSITE_URL",
        "PRIVACY_URL",
        "TERMS_URL",
    ):
        assert "{{" + placeholder + "}}" in text
    assert text.count("{{TEAMS_APP_ID}}") == 2


def test_settings_missing_from_the_environment_are_all_named() -> None:
    with pytest.raises(PackageError) as refused:
        values_from_environment({})
    message = str(refused.value)
    assert "\n" not in message
    for setting in ENVIRONMENT:
        assert setting in message
    assert "TEAMS_APP_VERSION" not in message, "the version has a default"


def test_the_command_fails_with_one_line_naming_the_missing_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = {name: value for name, value in ENVIRONMENT.items() if name != "TEAMS_APP_ID"}
    assert main(["--out", str(tmp_path / "p.zip")], environ=environment) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "TEAMS_APP_ID" in error
    assert not (tmp_path / "p.zip").exists()


def test_the_command_builds_the_package_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.zip"
    assert main(["--out", str(out)], environ=ENVIRONMENT) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and APP_ID in printed and "1.0.0" in printed
    with zipfile.ZipFile(out) as package:
        assert json.loads(package.read("manifest.json"))["version"] == "1.0.0"
