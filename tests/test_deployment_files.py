"""The deployment files (docker/, .dockerignore, .env.example, DeepSeek-OCR/) checked by parsing them.

No Docker engine runs here, so the compose file is read with PyYAML and the Dockerfiles with the
small parser below, and their parts are checked against each other: the port a command serves is
the one published, health-checked and exposed; build args exist in the Dockerfile; the files a
Dockerfile copies are in the build context; the CUDA base image matches the torch index; the
services and models named are ones the CLI knows.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE_FILE = DOCKER / "docker-compose.yml"
DEEPSEEK = ROOT / "DeepSeek-OCR"

PROFILES = {"default", "blackwell", "large", "deepseek", "cpu"}
GPU_PROFILES = PROFILES - {"cpu"}
# The newest torch that download.pytorch.org publishes for CUDA 12.4 (cu124 stopped at 2.6.0):
# the default and large images cannot get a newer one.
NEWEST_TORCH_ON_CU124 = Version("2.6.0")
# torch 2.6.0, pinned for DeepSeek-OCR, exists for these CUDA builds only.
TORCH_2_6_CUDA_BUILDS = {"cu118", "cu124", "cu126"}
CUDA_IMAGE = re.compile(r"^nvidia/cuda:(?P<version>\d+\.\d+\.\d+)-(?:runtime|devel)-ubuntu22\.04$")
PYTHON_SLIM_IMAGE = re.compile(r"^python:3\.11-slim(?:-bookworm)?$")
TORCH_INDEX = re.compile(r"^https://download\.pytorch\.org/whl/(?P<build>cu\d{3})$")


# ---------------------------------------------------------------------- a Dockerfile parser


@dataclass
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ...
    arguments: str  # the rest of the logical line, continuations joined
    line: int  # where it starts, 1-based


@dataclass
class Stage:
    image: str  # as written, ${ARG}s unresolved
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    global_args: dict[str, str | None]  # ARGs before the first FROM, with their defaults
    stages: list[Stage]

    def resolved_images(self, build_args: dict[str, str] | None = None) -> list[str]:
        values = {**self.global_args, **(build_args or {})}
        return [_substitute(stage.image, values) for stage in self.stages]

    def declared_args(self) -> set[str]:
        names = set(self.global_args)
        for stage in self.stages:
            for instruction in stage.all("ARG"):
                names.add(instruction.arguments.split("=", 1)[0].strip())
        return names


def parse_instructions(text: str) -> list[Instruction]:
    """Logical instructions: comment lines dropped (also inside continuations), lines ending
    in a backslash joined to the next."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and pending):
            continue
        if not stripped:
            continue
        if not pending:
            start = number
        continued = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continued else stripped)
        if not continued:
            keyword, _, arguments = " ".join(pending).partition(" ")
            instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
            pending = []
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def parse_dockerfile(text: str) -> Dockerfile:
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    for instruction in parse_instructions(text):
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0], name))
        elif not stages:
            assert instruction.keyword == "ARG", f"line {instruction.line}: only ARG may precede FROM"
            key, has_default, value = instruction.arguments.partition("=")
            global_args[key.strip()] = value.strip() if has_default else None
        else:
            stages[-1].instructions.append(instruction)
    return Dockerfile(global_args, stages)


def _substitute(text: str, values: dict[str, str | None]) -> str:
    def value_of(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        assert values.get(name), f"{text}: ${name} has no value"
        return values[name]

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value_of, text)


def exec_form(arguments: str) -> list[str]:
    """A JSON-array argument list (CMD ["a", "b"]); shell form is split like a shell would."""
    if arguments.startswith("["):
        return json.loads(arguments)
    return shlex.split(arguments)


def env_values(stage: Stage) -> dict[str, str]:
    values: dict[str, str] = {}
    for instruction in stage.all("ENV"):
        words = shlex.split(instruction.arguments)
        if words and "=" not in words[0]:  # legacy form: ENV KEY value with spaces
            values[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, value = word.partition("=")
            values[key] = value
    return values


def healthcheck_command(stage: Stage) -> list[str]:
    instruction = stage.last("HEALTHCHECK")
    assert instruction is not None, "no HEALTHCHECK in the final stage"
    options, _, command = instruction.arguments.partition("CMD")
    assert command, f"HEALTHCHECK without CMD: {instruction.arguments}"
    return exec_form(command.strip())


def copy_sources(stage: Stage) -> list[str]:
    """Files a stage copies from the build context (not from other stages)."""
    sources = []
    for instruction in stage.all("COPY") + stage.all("ADD"):
        words = shlex.split(instruction.arguments)
        if any(w.startswith("--from=") for w in words):
            continue
        paths = [w for w in words if not w.startswith("--")]
        sources.extend(paths[:-1])
    return sources


def load_dockerfile(relative: str) -> Dockerfile:
    return parse_dockerfile((ROOT / relative).read_text())


# ---------------------------------------------------------------------- .dockerignore, as Docker reads it


def _glob_regex(pattern: str) -> re.Pattern:
    parts = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            parts.append(".*")
            i += 2
            if pattern.startswith("/", i):
                parts[-1] = "(?:.*/)?"
                i += 1
            continue
        char = pattern[i]
        parts.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        i += 1
    return re.compile("".join(parts) + r"\Z")


def in_build_context(path: str, ignore_lines: list[str]) -> bool:
    """Whether `path` (relative to the context) survives .dockerignore: the last pattern that
    matches the path or one of its parent directories decides; `!` re-includes."""
    included = True
    prefixes = [str(Path(*Path(path).parts[:n])) for n in range(1, len(Path(path).parts) + 1)]
    for line in ignore_lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = _glob_regex(line.lstrip("!").strip("/"))
        if any(pattern.match(prefix) for prefix in prefixes):
            included = negated
    return included


# ---------------------------------------------------------------------- compose helpers


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def command_of(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def option(command: list[str], name: str) -> str | None:
    """The value of `--name VALUE` or `--name=VALUE` (the last one given, as click takes it)."""
    value = None
    for i, word in enumerate(command):
        if word == name and i + 1 < len(command):
            value = command[i + 1]
        elif word.startswith(name + "="):
            value = word.split("=", 1)[1]
    return value


def published_ports(service: dict) -> list[tuple[str | None, int, int]]:
    """(host address, host port, container port) of each short-syntax `ports` entry."""
    mapped = []
    for entry in service.get("ports", []):
        parts = str(entry).split(":")
        assert len(parts) in (2, 3), f"port entry {entry!r}: give host and container ports"
        address = parts[0] if len(parts) == 3 else None
        mapped.append((address, int(parts[-2]), int(parts[-1].split("/")[0])))
    return mapped


def healthcheck_url(test: list[str]) -> str:
    urls = [word for word in test if word.startswith("http")]
    assert len(urls) == 1, f"healthcheck {test}: expected one URL"
    return urls[0]


def duration_s(text: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"bad duration {text!r}"
    return sum(float(n) * units[u] for n, u in parts)


def profile_of(service: dict) -> str:
    profiles = service.get("profiles", [])
    assert len(profiles) == 1, f"each service belongs to exactly one profile, not {profiles}"
    return profiles[0]


def dockerfile_of(service: dict) -> tuple[Dockerfile, dict[str, str]]:
    build = service["build"]
    return load_dockerfile(build["dockerfile"]), {k: str(v) for k, v in build.get("args", {}).items()}


def service_by_profile(services: dict, profile: str) -> dict:
    return next(s for s in services.values() if profile_of(s) == profile)


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


# ---------------------------------------------------------------------- the parsers themselves


def test_dockerfile_parser_joins_continuations_and_skips_comments():
    text = (
        "ARG BASE=img:1\n"
        "FROM ${BASE} AS build\n"
        "# a comment\n"
        "RUN a \\\n"
        "    # comment inside a continuation\n"
        "    && b\n"
        "FROM other\n"
        'CMD ["x", "--port", "9"]\n'
    )
    parsed = parse_dockerfile(text)
    assert parsed.global_args == {"BASE": "img:1"}
    assert [s.name for s in parsed.stages] == ["build", None]
    assert parsed.stages[0].instructions[0].arguments == "a && b"
    assert parsed.resolved_images({"BASE": "img:2"}) == ["img:2", "other"]
    assert exec_form(parsed.stages[1].last("CMD").arguments) == ["x", "--port", "9"]


def test_dockerignore_matcher_follows_parent_directories_and_negation():
    lines = ["*", "!keep/", "**/__pycache__"]
    assert in_build_context("keep/a/b.py", lines)
    assert not in_build_context("keep/a/__pycache__/b.pyc", lines)
    assert not in_build_context("other/b.py", lines)
    assert not in_build_context(".env", lines)


# ---------------------------------------------------------------------- docker-compose.yml


def test_compose_defines_the_five_profiles(services):
    assert {profile_of(s) for s in services.values()} == PROFILES


def test_every_service_reads_the_env_file_and_builds_from_the_repository_root(services):
    for name, service in services.items():
        assert service["env_file"] == "../.env", name
        assert service["build"]["context"] == "..", name
        assert (ROOT / service["build"]["dockerfile"]).is_file(), name
        assert service.get("restart") in ("unless-stopped", "always", "on-failure"), name


def test_api_key_is_not_blanked_by_a_valueless_environment_entry(services):
    # `environment: [OBLIGATIONS_API_KEY]` unsets the key whenever the shell lacks it, which
    # would override the value the env_file gives.
    for name, service in services.items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            assert "OBLIGATIONS_API_KEY" not in environment, name
        else:
            assert not ("OBLIGATIONS_API_KEY" in environment and environment["OBLIGATIONS_API_KEY"] is None), name


def test_each_command_serves_on_all_interfaces_the_port_it_publishes_and_health_checks(services):
    for name, service in services.items():
        command = command_of(service)
        assert command[:2] == ["obligations", "serve"], name
        assert option(command, "--host") == "0.0.0.0", name
        port = int(option(command, "--port"))
        ports = published_ports(service)
        assert [container for _, _, container in ports] == [port], name
        assert all(host == port for _, host, _ in ports), name
        assert all(address == "127.0.0.1" for address, _, _ in ports), f"{name}: publish on loopback by default"

        check = service["healthcheck"]
        probe_script = next(word for word in check["test"] if word.endswith("healthcheck.py"))
        dockerfile, _ = dockerfile_of(service)
        destinations = [shlex.split(i.arguments)[-1] for i in dockerfile.stages[-1].all("COPY")]
        assert probe_script in destinations, f"{name}: {probe_script} is not in the image"
        url = urlparse(healthcheck_url(check["test"]))
        assert (url.hostname, url.port, url.path) == ("127.0.0.1", port, "/health"), name
        for key in ("interval", "timeout", "retries", "start_period"):
            assert key in check, f"{name}: healthcheck without {key}"
        assert duration_s(check["timeout"]) < duration_s(check["interval"]), name


def test_model_services_allow_long_start_periods(services):
    for name, service in services.items():
        start_period = duration_s(service["healthcheck"]["start_period"])
        if profile_of(service) in GPU_PROFILES:
            assert start_period >= 10 * 60, f"{name}: a model download takes minutes"
    assert duration_s(service_by_profile(services, "large")["healthcheck"]["start_period"]) >= \
        duration_s(service_by_profile(services, "default")["healthcheck"]["start_period"])


def test_services_that_can_run_together_use_different_host_ports(services):
    # The Qwen profiles are alternatives for one GPU; each may run beside deepseek and cpu.
    qwen = [s for s in services.values() if option(command_of(s), "--service") == "qwen_local"]
    others = [s for s in services.values() if option(command_of(s), "--service") != "qwen_local"]
    assert qwen and others
    for service in qwen:
        together = [service, *others]
        host_ports = [host for s in together for _, host, _ in published_ports(s)]
        assert len(host_ports) == len(set(host_ports)), host_ports
    assert option(command_of(service_by_profile(services, "deepseek")), "--port") == "8000"


def test_gpu_services_reserve_an_nvidia_gpu_and_cpu_does_not(services):
    for name, service in services.items():
        devices = service.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
        if profile_of(service) in GPU_PROFILES:
            assert len(devices) == 1, name
            assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"], name
            assert devices[0].get("count", "all") in (1, "all") or "device_ids" in devices[0], name
        else:
            assert not devices, name


def test_model_cache_volume_is_mounted_at_hf_home(compose, services):
    assert "models" in compose["volumes"]
    for name, service in services.items():
        if profile_of(service) not in GPU_PROFILES:
            continue
        dockerfile, _ = dockerfile_of(service)
        hf_home = (service.get("environment") or {}).get("HF_HOME") or env_values(dockerfile.stages[-1]).get("HF_HOME")
        assert hf_home, f"{name}: HF_HOME is not set, the model cache would not be on the volume"
        assert f"models:{hf_home}" in service["volumes"], name


def test_build_args_exist_in_the_dockerfile_and_images_are_real_tags(services):
    for name, service in services.items():
        dockerfile, args = dockerfile_of(service)
        unknown = set(args) - dockerfile.declared_args()
        assert not unknown, f"{name}: build args the Dockerfile does not declare: {unknown}"
        for image in dockerfile.resolved_images(args):
            if image in {s.name for s in dockerfile.stages}:
                continue
            assert CUDA_IMAGE.match(image) or PYTHON_SLIM_IMAGE.match(image), f"{name}: unexpected base image {image}"


def test_torch_index_matches_the_cuda_base_image(services):
    builds = {}
    for name, service in services.items():
        dockerfile, args = dockerfile_of(service)
        values = {**dockerfile.global_args, **args}
        for stage in dockerfile.stages:
            for instruction in stage.all("ARG"):
                key, _, default = instruction.arguments.partition("=")
                values.setdefault(key.strip(), default.strip() or None)
        if "TORCH_INDEX_URL" not in values:
            assert profile_of(service) == "cpu", f"{name}: a GPU image without a torch index"
            continue
        build = TORCH_INDEX.match(values["TORCH_INDEX_URL"]).group("build")
        builds[profile_of(service)] = build
        for image in dockerfile.resolved_images(args):
            version = CUDA_IMAGE.match(image).group("version")
            major, minor, _ = version.split(".")
            assert build == f"cu{major}{minor}", f"{name}: {image} beside torch {build}"
    assert builds["default"] == "cu124" and builds["large"] == "cu124"
    assert builds["blackwell"] == "cu128"
    assert builds["deepseek"] in TORCH_2_6_CUDA_BUILDS


def test_commands_name_services_and_models_the_cli_knows(services):
    from obligations import backends
    from obligations.cli import main

    serve = main.commands.get("serve") if hasattr(main, "commands") else None
    service_option = next((p for p in serve.params if p.name == "service"), None) if serve else None
    known_services = set(getattr(service_option.type, "choices", None) or backends.SERVICES)

    catalog_file = ROOT / "obligations" / "models.toml"
    models = tomllib.loads(catalog_file.read_text()).get("model", []) if catalog_file.exists() else None
    families = {m["id"]: m["family"] for m in models} if models else None
    service_families = getattr(backends, "SERVICE_FAMILIES", {})
    for name, service in services.items():
        command = command_of(service)
        service_name = option(command, "--service")
        assert service_name in known_services, f"{name}: --service {service_name}"
        model = option(command, "--model")
        if model is None or families is None:
            continue
        assert model in families, f"{name}: --model {model} is not in obligations/models.toml"
        if service_name in service_families:
            assert families[model] in service_families[service_name], f"{name}: {service_name} cannot run {model}"
    if families is None:
        pytest.skip("obligations/models.toml does not exist yet: model ids unchecked")


# ---------------------------------------------------------------------- Dockerfiles


DOCKERFILES = ["docker/Dockerfile.gpu", "docker/Dockerfile.cpu", "docker/Dockerfile.deepseek"]


@pytest.mark.parametrize("relative", DOCKERFILES)
def test_dockerfile_final_stage_exposes_checks_and_serves_one_port_as_non_root(relative):
    final = load_dockerfile(relative).stages[-1]
    command = exec_form(final.last("CMD").arguments)
    assert command[:2] == ["obligations", "serve"]
    port = int(option(command, "--port"))
    assert option(command, "--host") == "0.0.0.0"
    assert [int(p.split("/")[0]) for i in final.all("EXPOSE") for p in i.arguments.split()] == [port]
    url = urlparse(healthcheck_url(healthcheck_command(final)))
    assert (url.port, url.path) == (port, "/health")
    user = final.last("USER")
    assert user is not None and user.arguments.split(":")[0] not in ("root", "0")
    assert "--start-period" in final.last("HEALTHCHECK").arguments


@pytest.mark.parametrize("relative", DOCKERFILES)
def test_dockerfile_copies_only_what_the_build_context_holds(relative):
    ignore_lines = (ROOT / ".dockerignore").read_text().splitlines()
    for stage in load_dockerfile(relative).stages:
        for source in copy_sources(stage):
            assert (ROOT / source).exists(), f"{relative} copies {source}, which does not exist"
            assert in_build_context(source, ignore_lines), f"{relative} copies {source}, which .dockerignore drops"
            if (ROOT / source).is_dir():
                for inner in (ROOT / source).rglob("*.py"):
                    assert in_build_context(str(inner.relative_to(ROOT)), ignore_lines), inner


def test_dockerignore_keeps_secrets_and_bulk_out_of_the_context():
    ignore_lines = (ROOT / ".dockerignore").read_text().splitlines()
    for path in (".env", ".git/config", ".venv/bin/python", "output/x.json", "input/snils_sample.jpg",
                 "tests/test_pipeline_e2e.py", "DeepSeek-OCR/.venv/bin/python",
                 "obligations/__pycache__/cli.cpython-311.pyc"):
        assert not in_build_context(path, ignore_lines), path


def _installed_extras(dockerfile: Dockerfile) -> set[str]:
    extras = set()
    for stage in dockerfile.stages:
        for instruction in stage.all("RUN"):
            found = re.search(r"requirements_from_pyproject\.py\s+\S+((?:\s+[a-z][\w-]*)*)", instruction.arguments)
            if found:
                extras |= set(found.group(1).split())
    return extras


def test_images_install_the_extras_they_need_and_that_pyproject_defines():
    defined = set(pyproject()["project"].get("optional-dependencies", {}))
    expected = {"docker/Dockerfile.gpu": {"gpu", "serve"}, "docker/Dockerfile.cpu": {"serve"},
                # not [gpu]: its transformers floor is above the version DeepSeek-OCR's code runs on
                "docker/Dockerfile.deepseek": {"serve"}}
    for relative, extras in expected.items():
        dockerfile = load_dockerfile(relative)
        assert _installed_extras(dockerfile) == extras, relative
        assert extras <= defined, f"{relative} installs extras pyproject.toml lacks: {extras - defined}"
        source_install = [i for s in dockerfile.stages for i in s.all("RUN") if "--no-deps /opt/src" in i.arguments]
        assert source_install, f"{relative}: the package itself is never installed"
    cpu_runs = [i.arguments for s in load_dockerfile("docker/Dockerfile.cpu").stages for i in s.all("RUN")]
    assert not any("torch" in run for run in cpu_runs), "the CPU image installs no torch"


def test_package_data_covers_the_data_files_a_non_editable_install_needs():
    # The images install the package from a copy of the source, not in editable mode: data files
    # the package-data globs miss are simply absent there.
    globs = pyproject()["tool"]["setuptools"]["package-data"]["obligations"]
    package = ROOT / "obligations"
    for data_file in package.rglob("*.toml"):
        relative = data_file.relative_to(package)
        assert any(relative.match(g) and len(relative.parts) == len(Path(g).parts) for g in globs), \
            f"obligations/{relative} is not in [tool.setuptools.package-data]"


def test_gpu_extra_accepts_the_newest_torch_of_the_cu124_index():
    extras = pyproject()["project"]["optional-dependencies"]
    for line in extras["gpu"]:
        requirement = Requirement(line)
        if requirement.name == "torch":
            assert requirement.specifier.contains(NEWEST_TORCH_ON_CU124, prereleases=True), \
                f"the default/large images get torch {NEWEST_TORCH_ON_CU124} from cu124, but gpu asks {line}"


# ---------------------------------------------------------------------- DeepSeek-OCR/


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (DEEPSEEK / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{line}: constraints must be exact"
            pins[requirement.name] = Version(specifier.version)
    return pins


def test_deepseek_pins_cover_the_model_code_and_agree_with_the_project():
    pins = _pins()
    assert {"torch", "torchvision", "transformers", "tokenizers", "flash-attn"} <= set(pins)
    project = pyproject()["project"]
    needed = project["dependencies"] + project["optional-dependencies"]["serve"]
    for line in needed + (DEEPSEEK / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.name in pins and (requirement.marker is None or requirement.marker.evaluate()):
            assert requirement.specifier.contains(pins[requirement.name], prereleases=True), \
                f"{line} conflicts with the DeepSeek-OCR pin {pins[requirement.name]}"


def test_start_script_offers_only_cuda_builds_torch_2_6_has():
    script = (DEEPSEEK / "start.sh").read_text()
    offered = set(re.findall(r"^\s*(cu\d{3}(?:\s*\|\s*cu\d{3})*)\)", script, re.M)[0].replace(" ", "").split("|"))
    assert offered == TORCH_2_6_CUDA_BUILDS
    assert 'serve --service deepseek --port 8000 "$@"' in script
    assert "--no-build-isolation" in (DEEPSEEK / "install_flash_attn.sh").read_text()


@pytest.mark.parametrize("script", ["start.sh", "install_flash_attn.sh"])
def test_deepseek_scripts_parse_and_pass_shellcheck(script):
    path = DEEPSEEK / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    subprocess.run(["bash", "-n", str(path)], check=True)
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_start_script_refuses_a_torch_build_that_does_not_exist(tmp_path):
    # The variable is checked first, before the GPU is probed or anything is installed.
    venv_existed = (DEEPSEEK / ".venv").exists()
    result = subprocess.run(["bash", str(DEEPSEEK / "start.sh")], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DEEPSEEK_TORCH_CUDA": "cu121"})
    assert result.returncode == 3
    assert "cu121" in result.stderr and "cu124" in result.stderr
    assert (DEEPSEEK / ".venv").exists() == venv_existed


# ---------------------------------------------------------------------- .env.example, .gitignore


def test_env_example_names_the_variables_with_no_secret_filled_in():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    assert set(values) >= {"HF_TOKEN", "OBLIGATIONS_API_KEY", "QWEN_REMOTE_URL"}
    assert all(value == "" for value in values.values()), "the example must not carry real values"


def test_gitignore_keeps_env_out_of_git():
    lines = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert ".env" in lines or "/.env" in lines


def _run_start_script(tmp_path, capabilities: str | None, **env) -> subprocess.CompletedProcess:
    """start.sh with a stand-in nvidia-smi that reports `capabilities` (None: no nvidia-smi)."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    if capabilities is not None:
        stub = stubs / "nvidia-smi"
        stub.write_text(f"#!/bin/sh\nprintf '{capabilities}\\n'\n")
        stub.chmod(0o755)
    return subprocess.run(["bash", str(DEEPSEEK / "start.sh")], capture_output=True, text=True, timeout=60,
                          env={"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path), **env})


@pytest.mark.parametrize("capabilities, complaint", [
    (None, "nvidia-smi not found"),
    ("7.5", "compute capability: 7.5"),  # Turing: no flash-attn 2
    ("12.0", "Blackwell"),  # RTX 50: no kernels in torch 2.6.0
    ("7.5\\n12.0", "7.5,12.0"),
])
def test_start_script_refuses_gpus_deepseek_cannot_run_on(tmp_path, capabilities, complaint):
    result = _run_start_script(tmp_path, capabilities)
    assert result.returncode == 3
    assert complaint in result.stderr


def test_start_script_accepts_an_ampere_or_newer_gpu_and_then_checks_python(tmp_path):
    if (DEEPSEEK / ".venv" / ".obligations-installed").exists():
        pytest.skip("DeepSeek-OCR/.venv is installed here: the script would start the server")
    # 8.6 passes the GPU check; the missing interpreter then stops it before anything is installed.
    venv_existed = (DEEPSEEK / ".venv").exists()
    result = _run_start_script(tmp_path, "7.0\\n8.6", PYTHON=str(tmp_path / "no-such-python"))
    assert result.returncode == 3
    assert "compute capability" not in result.stderr
    assert "Python 3.10, 3.11 or 3.12" in result.stderr
    assert (DEEPSEEK / ".venv").exists() == venv_existed
