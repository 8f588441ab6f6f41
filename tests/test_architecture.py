"""The layout and dependency rules of docs/DEVELOPING.md, enforced."""

import ast
import platform
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("agencies", "scrutiny", "content")
# Imports only flow this way: config -> every app; scrutiny -> agencies, content; content -> agencies.
ALLOWED_IMPORTS = {
    "agencies": set(),
    "content": {"agencies"},
    "scrutiny": {"agencies", "content"},
}


def test_platform_folder_is_not_a_python_package() -> None:
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_and_uuid_work_under_pytest() -> None:
    assert platform.__file__ is not None and "site-packages" not in platform.__file__
    assert not platform.__file__.startswith(str(ROOT / "platform"))
    assert isinstance(platform.system(), str) and platform.system()
    assert uuid.uuid4().version == 4


def test_stdlib_platform_and_uuid_work_under_manage_py() -> None:
    code = "import platform, uuid; print(platform.system(), uuid.uuid4().version, platform.__file__)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    system, version, path = result.stdout.strip().splitlines()[-1].split(" ", 2)
    assert system and version == "4"
    assert not path.startswith(str(ROOT / "platform"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_stdlib_platform_works_inside_the_daphne_process(daphne_server) -> None:
    # daphne imports uuid (via twisted) and platform before serving; a shadowing package would
    # crash it at start-up. It answering its health check with the stdlib modules loaded proves it.
    import json
    import urllib.request

    with urllib.request.urlopen(f"{daphne_server.url}/healthz", timeout=5) as response:  # noqa: S310
        assert json.load(response)["status"] == "ok"
    code = (
        "import sys, platform; sys.argv=['daphne']; import daphne.server, uuid;"
        "print(platform.system(), uuid.uuid4().version)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "4"


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names & set(APPS) | ({"config"} & names)


@pytest.mark.parametrize("app", APPS)
def test_dependency_direction_between_apps(app: str) -> None:
    offenders = []
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        imported = _imported_apps(path) - {app}
        forbidden = imported - ALLOWED_IMPORTS[app]
        if forbidden:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(forbidden)}")
    assert not offenders, "\n".join(offenders)


# Inside the apps, sub-packages are layers of their own. A unit is the longest of these prefixes a
# module has, else its app's core ("agencies" below means agencies minus these sub-packages).
SUBPACKAGES = ("agencies.privacy", "agencies.realtime", "agencies.dropins", "scrutiny.governance")
# What each unit may import besides itself (apps outside these rules are
# test_dependency_direction_between_apps's business):
# - agencies.privacy (the identifier detector) is pure: nothing else from the project;
# - agencies.realtime (the socket and event core) builds on agencies' core only, never on the
#   features that use it (drop-ins, scrutiny, content);
# - agencies' core knows nothing of drop-ins, which build on it;
# - scrutiny.governance reads scrutiny and drop-ins, never content or config.
ALLOWED_UNIT_IMPORTS = {
    "agencies.privacy": set(),
    "agencies.realtime": {"agencies"},
    "agencies": {"agencies.realtime", "agencies.privacy"},
    "agencies.dropins": {"agencies", "agencies.realtime", "agencies.privacy"},
    "scrutiny.governance": {
        "agencies",
        "agencies.realtime",
        "agencies.privacy",
        "agencies.dropins",
        "scrutiny",
    },
}
PROJECT = (*APPS, "config")


def _unit(module: str) -> str | None:
    """The layer a dotted module name belongs to, or None outside the project."""
    for package in SUBPACKAGES:
        if module == package or module.startswith(f"{package}."):
            return package
    top = module.split(".")[0]
    return top if top in PROJECT else None


def _imported_units(path: Path) -> set[str]:
    """Every unit the file imports: `from agencies import dropins` counts as agencies.dropins."""
    units = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        units.update(unit for unit in map(_unit, modules) if unit is not None)
    return units


def _layer_offenders(root: Path) -> list[str]:
    offenders = []
    for app in ("agencies", "scrutiny"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            unit = _unit(module)
            if unit not in ALLOWED_UNIT_IMPORTS:
                continue
            forbidden = _imported_units(path) - {unit} - ALLOWED_UNIT_IMPORTS[unit]
            if forbidden:
                offenders.append(f"{path.relative_to(root)} ({unit}) imports {sorted(forbidden)}")
    return offenders


def test_dependency_direction_between_subpackages() -> None:
    offenders = _layer_offenders(ROOT)
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("agencies/realtime/bad.py", "from agencies.dropins import services"),
        ("agencies/realtime/bad.py", "import scrutiny.models"),
        ("agencies/privacy/bad.py", "from agencies import models"),
        ("agencies/privacy/bad.py", "from agencies.realtime.events import publish"),
        ("agencies/bad.py", "from agencies import dropins"),
        ("agencies/dropins/bad.py", "from content.models import GuidancePage"),
        ("scrutiny/governance/bad.py", "from content import services"),
    ],
)
def test_the_subpackage_rule_catches_a_forbidden_import(tmp_path: Path, path: str, source: str) -> None:
    for allowed in ("agencies/realtime/ok.py", "agencies/dropins/ok.py"):
        (tmp_path / allowed).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / allowed).write_text("from agencies.models import User\n")
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text(source + "\n")
    assert _layer_offenders(tmp_path) == [
        f"{path} ({_unit(path[:-3].replace('/', '.'))}) imports {sorted(_imported_units(tmp_path / path))}"
    ]


def test_no_code_edits_sys_path() -> None:
    offenders = []
    for path in ROOT.rglob("*.py"):
        if (
            any(part in {".venv", "node_modules", "var"} for part in path.parts)
            or path.name == Path(__file__).name
        ):
            continue
        if "sys.path" in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


# The identifier detector's modules, in the order their imports run: each imports only modules
# before it in this tuple, so the package has no cycle (docs/architecture.md, "The identifier
# detector"). A module of the package that is not listed here fails the test.
IDENTIFIER_PACKAGE = ROOT / "agencies" / "privacy" / "identifiers"
IDENTIFIER_LAYERS = (
    "kinds",
    "normalisation",
    "lexicon",
    "tokens",
    "context",
    "names",
    "patterns",
    "places",
    "detector",
)
MODULE_LINES = 400


def _sibling_imports(path: Path, package: str) -> set[str]:
    """The modules of `package` that the file imports (`from package.x import y` counts as x)."""
    siblings: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        siblings.update(
            module.removeprefix(f"{package}.").split(".")[0]
            for module in modules
            if module.startswith(f"{package}.")
        )
    return siblings


def _identifier_layer_offenders(package_dir: Path) -> list[str]:
    package = "agencies.privacy.identifiers"
    offenders = []
    for path in sorted(package_dir.glob("*.py")):
        if path.stem == "__init__":
            continue
        if path.stem not in IDENTIFIER_LAYERS:
            offenders.append(f"{path.name} is not in IDENTIFIER_LAYERS")
            continue
        before = set(IDENTIFIER_LAYERS[: IDENTIFIER_LAYERS.index(path.stem)])
        upward = _sibling_imports(path, package) - before
        if upward:
            offenders.append(f"{path.name} imports {sorted(upward)}, not before it")
    return offenders


def test_identifier_modules_import_only_the_modules_before_them() -> None:
    assert {path.stem for path in IDENTIFIER_PACKAGE.glob("*.py")} == {"__init__", *IDENTIFIER_LAYERS}
    assert _identifier_layer_offenders(IDENTIFIER_PACKAGE) == []


@pytest.mark.parametrize(
    ("module", "source", "offence"),
    [
        (
            "lexicon",
            "from agencies.privacy.identifiers.names import name_hits",
            "imports ['names'], not before it",
        ),
        ("kinds", "from agencies.privacy.identifiers import detector", "imports ['detector'], not before it"),
        ("stray", "import re", "is not in IDENTIFIER_LAYERS"),
    ],
)
def test_the_identifier_layer_rule_catches_an_upward_import(
    tmp_path: Path, module: str, source: str, offence: str
) -> None:
    (tmp_path / "detector.py").write_text("from agencies.privacy.identifiers.kinds import ALL_KINDS\n")
    (tmp_path / f"{module}.py").write_text(source + "\n")
    assert _identifier_layer_offenders(tmp_path) == [f"{module}.py {offence}"]


def test_identifier_modules_stay_small() -> None:
    sizes = {path.name: len(path.read_text().splitlines()) for path in IDENTIFIER_PACKAGE.glob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > MODULE_LINES} == {}


def _private_imports(path: Path) -> list[str]:
    """`from <project module> import _name`: another module's private name."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
            found.extend(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            )
    return found


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = []
    for top in PROJECT:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts and (names := _private_imports(path)):
                offenders.append(f"{path.relative_to(ROOT)} imports {names}")
    assert not offenders, "\n".join(offenders)


def test_the_private_import_rule_catches_one(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text("from agencies.privacy.identifiers.lexicon import _one_and_many_words, is_word\n")
    assert _private_imports(path) == ["agencies.privacy.identifiers.lexicon._one_and_many_words"]
