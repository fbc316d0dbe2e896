"""Build the Microsoft Teams app package: `python -m tools.teams_package` (`make teams-package`).

Teams installs a bot from a zip holding `manifest.json` and two icons at its root; an admin uploads
it in the Teams Admin Centre, or someone sideloads it. The manifest is
deploy/teams/manifest.template.json filled from settings (the environment, then `.env`):

- TEAMS_APP_ID: the Azure Bot's Microsoft App ID (a GUID), the same one the channel checks tokens
  against, so it is both the app's `id` and `bots[0].botId`;
- BOT_DOMAIN: the public host name the bot is reached on, no scheme and no path;
- TEAMS_DEVELOPER_NAME, TEAMS_WEBSITE_URL, TEAMS_PRIVACY_URL, TEAMS_TERMS_URL: who publishes the app
  and the pages Teams links to (the partnership's own);
- TEAMS_APP_VERSION: 1.0.0 unless set; Teams' schema asks for a new version whenever the manifest
  changes, so raise it before uploading a changed package.

The icons are drawn here rather than kept as files, so their sizes and colours are checked each time
the package is built. Everything is checked before the zip is written, because the Admin Centre's own
errors are vague and come only after the upload: a bad id, a missing setting, a description too
long, an icon of the wrong size or an outline icon with a pixel that is neither white nor transparent
stops the build with one line naming the problem. docs/channels.md is the set-up guide.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from bot.settings import ROOT, settings

TEMPLATE = ROOT / "deploy" / "teams" / "manifest.template.json"
OUT = ROOT / "build" / "teams" / "safeguarding-assistant.zip"
DEFAULT_VERSION = "1.0.0"
COLOR_ICON, OUTLINE_ICON = "color.png", "outline.png"
COLOR_SIZE, OUTLINE_SIZE = 192, 32
# Teams' manifest schema (v1.16): the limits an upload is refused for.
SHORT_DESCRIPTION_CHARS = 80
FULL_DESCRIPTION_CHARS = 4000
SHORT_NAME_CHARS = 30
DEVELOPER_NAME_CHARS = 32
WHITE = (255, 255, 255)
# Shapes are drawn this many times larger and scaled down, for smooth edges.
SCALE = 8
# A fixed time for the zip's entries, so the same settings always give the same bytes.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
_HOST = re.compile(r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class PackageError(ValueError):
    """Why the package was not built, in one line that names the setting or the rule."""


@dataclass(frozen=True)
class PackageValues:
    """What fills the template (SETTINGS names the setting each one comes from)."""

    app_id: str
    bot_domain: str
    developer_name: str
    website_url: str
    privacy_url: str
    terms_url: str
    version: str = DEFAULT_VERSION


# Each value: its setting in .env, the template's placeholder, and what to put there.
SETTINGS: dict[str, tuple[str, str, str]] = {
    "app_id": ("TEAMS_APP_ID", "TEAMS_APP_ID", "the Azure Bot's Microsoft App ID, a GUID"),
    "bot_domain": ("BOT_DOMAIN", "BOT_DOMAIN", "the bot's public host name, e.g. bot.example.org"),
    "developer_name": (
        "TEAMS_DEVELOPER_NAME",
        "DEVELOPER_NAME",
        "who publishes the app, e.g. the partnership",
    ),
    "website_url": ("TEAMS_WEBSITE_URL", "WEBSITE_URL", "an https:// page about the app or the partnership"),
    "privacy_url": ("TEAMS_PRIVACY_URL", "PRIVACY_URL", "the https:// privacy notice"),
    "terms_url": ("TEAMS_TERMS_URL", "TERMS_URL", "the https:// terms of use"),
    "version": ("TEAMS_APP_VERSION", "VERSION", f"the app's version, default {DEFAULT_VERSION}"),
}


def values_from_environment(environ: Mapping[str, str] | None = None) -> PackageValues:
    """The settings from `environ`, or from the environment after `.env` is loaded into it.

    Every missing setting is named at once, so a first run tells the whole story."""
    if environ is None:
        settings()  # loads .env into the environment without overriding it
        environ = os.environ
    found = {name: (environ.get(setting) or "").strip() for name, (setting, _, _) in SETTINGS.items()}
    found["version"] = found["version"] or DEFAULT_VERSION
    missing = [f"{SETTINGS[name][0]} ({SETTINGS[name][2]})" for name, value in found.items() if not value]
    if missing:
        raise PackageError(f"not set in .env or the environment: {'; '.join(missing)}")
    return PackageValues(**found)


def check_values(values: PackageValues) -> None:
    """Each value as Teams will want it, or PackageError naming the setting."""
    for field in fields(values):
        if not getattr(values, field.name):
            setting, _, meaning = SETTINGS[field.name]
            raise PackageError(f"{setting} is not set: {meaning}")
    if not _GUID.match(values.app_id):
        raise PackageError(
            f"TEAMS_APP_ID {values.app_id!r} is not a GUID (like 00000000-0000-0000-0000-000000000000): "
            "copy the Microsoft App ID from the Azure Bot's Configuration page"
        )
    if not _HOST.match(values.bot_domain):
        raise PackageError(
            f"BOT_DOMAIN {values.bot_domain!r} is not a host name: give it without https://, port or path, "
            "e.g. bot.example.org"
        )
    if not _SEMVER.match(values.version):
        raise PackageError(f"TEAMS_APP_VERSION {values.version!r} is not a version like 1.0.0")
    if len(values.developer_name) > DEVELOPER_NAME_CHARS:
        raise PackageError(
            f"TEAMS_DEVELOPER_NAME is {len(values.developer_name)} characters; Teams allows "
            f"{DEVELOPER_NAME_CHARS} (use a short form of the name)"
        )
    for name in ("website_url", "privacy_url", "terms_url"):
        value = getattr(values, name)
        if not value.lower().startswith("https://") or len(value) <= len("https://"):
            raise PackageError(f"{SETTINGS[name][0]} {value!r} must be an https:// address")


def fill_template(text: str, values: PackageValues) -> dict[str, Any]:
    """The template with every placeholder replaced (as JSON string content, so quotes stay safe)."""
    by_placeholder = {SETTINGS[field.name][1]: getattr(values, field.name) for field in fields(values)}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in by_placeholder:
            raise PackageError(f"the template has a placeholder nothing fills: {{{{{name}}}}}")
        return json.dumps(by_placeholder[name])[1:-1]

    filled = _PLACEHOLDER.sub(replace, text)
    try:
        manifest = json.loads(filled)
    except ValueError as error:
        raise PackageError(f"the filled template is not valid JSON: {error}") from error
    if not isinstance(manifest, dict):
        raise PackageError("the template is not a JSON object")
    return manifest


def check_manifest(manifest: dict[str, Any], values: PackageValues) -> None:
    """What the Admin Centre refuses an upload for, checked before the zip is written."""
    text = json.dumps(manifest)
    if "{{" in text:
        left = ", ".join(_PLACEHOLDER.findall(text)) or "{{"
        raise PackageError(f"placeholders left in manifest.json: {left}")
    if manifest.get("manifestVersion") != "1.16":
        raise PackageError("manifest.json must have manifestVersion 1.16 (the schema it names)")
    bots = manifest.get("bots") or [{}]
    for where, value in (("id", manifest.get("id")), ("bots[0].botId", bots[0].get("botId"))):
        if not isinstance(value, str) or not _GUID.match(value):
            raise PackageError(f"manifest.json {where} is not a GUID: {value!r}")
        if value != values.app_id:
            raise PackageError(f"manifest.json {where} is not TEAMS_APP_ID")
    if values.bot_domain not in (manifest.get("validDomains") or []):
        raise PackageError("manifest.json validDomains does not hold BOT_DOMAIN")
    description = manifest.get("description") or {}
    if not 0 < len(description.get("short", "")) <= SHORT_DESCRIPTION_CHARS:
        raise PackageError(f"the short description must be 1 to {SHORT_DESCRIPTION_CHARS} characters")
    if not 0 < len(description.get("full", "")) <= FULL_DESCRIPTION_CHARS:
        raise PackageError(f"the full description must be 1 to {FULL_DESCRIPTION_CHARS:,} characters")
    if not 0 < len((manifest.get("name") or {}).get("short", "")) <= SHORT_NAME_CHARS:
        raise PackageError(f"the short name must be 1 to {SHORT_NAME_CHARS} characters")
    if not _HEX_COLOUR.match(str(manifest.get("accentColor", ""))):
        raise PackageError("accentColor must be a colour like #1D4F91")
    if manifest.get("icons") != {"color": COLOR_ICON, "outline": OUTLINE_ICON}:
        raise PackageError(f"icons must name {COLOR_ICON} and {OUTLINE_ICON}, the files in the package")


def color_icon(accent: str) -> Image.Image:
    """192×192, full colour: a white speech bubble with a small heart, on the accent colour.

    The background is a plain square (Teams rounds the corners itself and asks for no rounding in
    the file), and the bubble keeps inside the middle 96×96 so Teams' cropping never cuts it."""
    image = Image.new("RGB", (COLOR_SIZE * SCALE, COLOR_SIZE * SCALE), accent)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(_at(48, 54, 144, 122), radius=18 * SCALE, fill=WHITE)
    draw.polygon(_at(64, 116, 58, 142, 88, 118), fill=WHITE)
    _heart(draw, 96, 88, 18, accent)
    return image.resize((COLOR_SIZE, COLOR_SIZE), Image.Resampling.LANCZOS)


def outline_icon() -> Image.Image:
    """32×32, white on transparent only: the speech bubble as a line, with the heart inside.

    Every pixel is pure white and only its transparency varies (so smooth edges are still white),
    which is what Teams allows. No padding: Teams wants the symbol to fill the square."""
    mask = Image.new("L", (OUTLINE_SIZE * SCALE, OUTLINE_SIZE * SCALE), 0)
    draw = ImageDraw.Draw(mask)
    draw.rounded_rectangle(_at(0.5, 0.5, 31.5, 24), radius=6 * SCALE, fill=255)
    draw.polygon(_at(5, 22, 4, 31.5, 14, 22), fill=255)
    # Hollow the bubble and its tail, leaving a line about two pixels wide.
    draw.rounded_rectangle(_at(2.7, 2.7, 29.3, 21.8), radius=4 * SCALE, fill=0)
    draw.polygon(_at(7, 21, 6.4, 26.5, 11.2, 21), fill=0)
    _heart(draw, 16, 12, 5.5, 255)
    alpha = mask.resize((OUTLINE_SIZE, OUTLINE_SIZE), Image.Resampling.LANCZOS)
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (*WHITE, 0))
    image.putalpha(alpha)
    return image


def _at(*points: float) -> list[float]:
    """Coordinates on the icon's own grid, on the larger canvas it is drawn on."""
    return [point * SCALE for point in points]


def _heart(draw: ImageDraw.ImageDraw, x: float, y: float, size: float, fill: str | int) -> None:
    """A heart centred on (x, y), `size` from the middle to each side, on the icon's grid."""
    lobe = size * 0.5
    # The two lobes overlap a little in the middle, so no seam shows between them.
    draw.ellipse(_at(x - 2 * lobe, y - 1.6 * lobe, x + 0.15 * lobe, y + 0.4 * lobe), fill=fill)
    draw.ellipse(_at(x - 0.15 * lobe, y - 1.6 * lobe, x + 2 * lobe, y + 0.4 * lobe), fill=fill)
    draw.polygon(
        _at(x - 0.96 * size, y - 0.25 * lobe, x + 0.96 * size, y - 0.25 * lobe, x, y + 1.1 * size), fill=fill
    )


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def check_icons(color: bytes, outline: bytes) -> None:
    """The icons as written: sizes, a colour icon that is not blank, an outline of white and clear."""
    with Image.open(io.BytesIO(color)) as image:
        if image.format != "PNG" or image.size != (COLOR_SIZE, COLOR_SIZE):
            raise PackageError(f"{COLOR_ICON} must be a {COLOR_SIZE}x{COLOR_SIZE} PNG, not {image.size}")
        if len(_colours(image.convert("RGB"))) < 2:
            raise PackageError(f"{COLOR_ICON} is a single colour: the symbol is missing")
    with Image.open(io.BytesIO(outline)) as image:
        if image.format != "PNG" or image.size != (OUTLINE_SIZE, OUTLINE_SIZE):
            raise PackageError(
                f"{OUTLINE_ICON} must be a {OUTLINE_SIZE}x{OUTLINE_SIZE} PNG, not {image.size}"
            )
        if image.mode != "RGBA":
            raise PackageError(f"{OUTLINE_ICON} must have a transparent background (RGBA), not {image.mode}")
        colours = _colours(image)
        others = sum(count for count, colour in colours if colour[3] and colour[:3] != WHITE)
        if others:
            raise PackageError(f"{OUTLINE_ICON} has {others} pixels that are neither white nor transparent")
        if not any(colour[3] == 255 for _, colour in colours):
            raise PackageError(f"{OUTLINE_ICON} has no solid white: the symbol is missing")


def _colours(image: Image.Image) -> list[tuple[int, tuple[int, ...]]]:
    """Each colour in the image with how many pixels have it."""
    found = image.getcolors(image.width * image.height) or []
    return [(count, colour if isinstance(colour, tuple) else (int(colour),)) for count, colour in found]


def build_package(
    *,
    app_id: str,
    bot_domain: str,
    developer_name: str,
    website_url: str,
    privacy_url: str,
    terms_url: str,
    version: str = DEFAULT_VERSION,
    out: Path = OUT,
    template: Path = TEMPLATE,
) -> Path:
    """Check the values, fill the manifest, draw the icons, check all three and write the zip.

    Takes every value explicitly (the tests call it without any environment); returns the zip's path.
    Nothing is written unless every check passes, and an older package at `out` is replaced whole."""
    values = PackageValues(
        app_id=app_id.strip(),
        bot_domain=bot_domain.strip(),
        developer_name=developer_name.strip(),
        website_url=website_url.strip(),
        privacy_url=privacy_url.strip(),
        terms_url=terms_url.strip(),
        version=version.strip(),
    )
    check_values(values)
    manifest = fill_template(template.read_text(encoding="utf-8"), values)
    check_manifest(manifest, values)
    files = {
        "manifest.json": (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        COLOR_ICON: png_bytes(color_icon(str(manifest["accentColor"]))),
        OUTLINE_ICON: png_bytes(outline_icon()),
    }
    check_icons(files[COLOR_ICON], files[OUTLINE_ICON])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            package.writestr(entry, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(out)
    return out


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.teams_package", description="Build the Microsoft Teams app package."
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the zip (default {OUT})")
    arguments = parser.parse_args(argv)
    try:
        values = values_from_environment(environ)
        path = build_package(**asdict(values), out=arguments.out)
    except PackageError as error:
        print(f"Teams package not built: {error}", file=sys.stderr)
        return 1
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(
        f"Wrote {shown} ({path.stat().st_size:,} bytes):\n"
        f"  manifest.json  app id {values.app_id}, version {values.version}, domain {values.bot_domain}\n"
        f"  {COLOR_ICON}      {COLOR_SIZE}x{COLOR_SIZE}, full colour\n"
        f"  {OUTLINE_ICON}    {OUTLINE_SIZE}x{OUTLINE_SIZE}, white on transparent\n"
        "Upload it in the Teams Admin Centre (Teams apps > Manage apps > Upload new app) or sideload it "
        "in Teams (Apps > Manage your apps > Upload an app); docs/channels.md has the steps."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
