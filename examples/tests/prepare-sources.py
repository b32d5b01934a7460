#!/usr/bin/env python3
"""Prepare one component's sources as azldev's PrepareSources does, for the rpmbuild test.

Until `cairn render` exists, this stands in for it, with cairn's own overlay engine
(`cairn overlay apply`) doing the edits:

1. Upstream components: clone the component's dist-git repository (the distro's
   `dist-git-base-uri`, branch `dist-git-branch`) and copy each file of its `sources` file from
   the lookaside cache (`lookaside-base-uri`), checking its hash. Local components: copy the
   spec's directory.
2. Collect the overlays in azldev's order (azldev-reference.md §2.2, step 5): the macros file
   for `build.with`/`without`/`defines` (`%{load:}` line and `Source9999`), the component's
   inline overlays, then those of its `overlay-files`, then the `%check` skip. The "modified by
   azldev" header is left out: it changes no build.
3. Write them as one overlay file and apply it with `cairn overlay apply`.

Usage: prepare-sources.py --cairn BIN --project DIR --out DIR COMPONENT
Prints the prepared spec's path.
"""

import argparse
import glob
import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
import urllib.parse
from pathlib import Path


def fail(message):
    print(f"prepare-sources: error: {message}", file=sys.stderr)
    sys.exit(2)


def load_project(project_file):
    """The project's files merged as the example needs: components and distros by name.

    Includes are globs relative to the including file, loaded depth-first, parent first;
    relative `source`, `path` and `overlay-files` entries stay relative to their own file,
    which is recorded per component as `__dir__`.
    """
    components, distros, project = {}, {}, {}

    def load(path):
        data = tomllib.loads(path.read_text())
        for name, component in data.get("components", {}).items():
            if name in components:
                fail(f"{path}: component {name} is defined twice")
            components[name] = {**component, "__dir__": path.parent}
        for name, distro in data.get("distros", {}).items():
            merged = distros.setdefault(name, {})
            for key, value in distro.items():
                if key == "versions":
                    for version, fields in value.items():
                        merged.setdefault("versions", {}).setdefault(version, {}).update(fields)
                else:
                    merged[key] = value
        project.update(data.get("project", {}))
        for pattern in data.get("includes", []):
            matches = sorted(glob.glob(str(path.parent / pattern), recursive=True))
            if not matches and not glob.has_magic(pattern):
                fail(f"{path}: included file {pattern} does not exist")
            for match in matches:
                load(Path(match))

    load(project_file)
    return components, distros, project


def expand(template, values):
    # azldev path-escapes each value it puts into a URI template.
    for name, value in values.items():
        template = template.replace(f"${name}", urllib.parse.quote(value, safe=""))
    return template


def file_url_path(url):
    if not url.startswith("file://"):
        fail(f"{url}: only file:// locations are supported by this test")
    return Path(urllib.parse.unquote(url[len("file://") :]))


def fetch_upstream(name, component, distros, project, out):
    spec = component.get("spec", {})
    upstream = spec.get("upstream-distro")
    if upstream is None:
        # The default distro version's default-component-config names the upstream.
        default = project["default-distro"]
        ours = distros[default["name"]]
        version = ours["versions"][default.get("version", ours["default-version"])]
        upstream = version["default-component-config"]["spec"]["upstream-distro"]
    distro = distros[upstream["name"]]
    version = distro["versions"][upstream.get("version", distro["default-version"])]
    for key in ("dist-git-base-uri", "lookaside-base-uri"):
        if key not in distro:
            fail(f"distro {upstream['name']} has no {key}: run scripts/fetch-example-sources")
    repository = expand(distro["dist-git-base-uri"], {"pkg": spec.get("upstream-name", name)})
    subprocess.run(
        ["git", "clone", "-q", "--branch", version["dist-git-branch"], repository, str(out)],
        check=True,
    )
    shutil.rmtree(out / ".git")
    sources = out / "sources"
    for line in sources.read_text().splitlines() if sources.exists() else []:
        hashtype, rest = line.split(" (", 1)
        filename, digest = rest.split(") = ")
        url = expand(
            distro["lookaside-base-uri"],
            {"pkg": name, "filename": filename, "hashtype": hashtype.lower(), "hash": digest},
        )
        target = out / filename
        shutil.copyfile(file_url_path(url), target)
        actual = hashlib.new(hashtype.lower(), target.read_bytes()).hexdigest()
        if actual != digest:
            fail(f"{url}: {hashtype} {actual}, but {sources} records {digest}")


def toml_value(value):
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    fail(f"unexpected overlay value {value!r}")


def collect_overlays(name, component, out):
    overlays = []
    build = component.get("build", {})
    macros = {f"_with_{flag}": "1" for flag in build.get("with", [])}
    macros |= {f"_without_{flag}": "1" for flag in build.get("without", [])}
    macros |= build.get("defines", {})
    for undefined in build.get("undefines", []):
        macros.pop(undefined, None)
    if macros:
        macros_file = f"{name}.azl.macros"
        (out / macros_file).write_text(
            "# Macros for the build of this component, from its project configuration.\n"
            "# Loaded by the spec.\n"
            + "".join(f"%{key} {value}\n" for key, value in sorted(macros.items()))
        )
        overlays.append(
            {
                "type": "spec-prepend-lines",
                "lines": [
                    "# Macros from the project configuration",
                    f"%{{load:%{{_sourcedir}}/{macros_file}}}",
                    "",
                ],
            }
        )
        overlays.append({"type": "spec-insert-tag", "tag": "Source9999", "value": macros_file})
    for overlay in component.get("overlays", []):
        overlays.append(absolute_source(overlay, component["__dir__"]))
    for pattern in component.get("overlay-files", []):
        for path in sorted(glob.glob(str(component["__dir__"] / pattern), recursive=True)):
            data = tomllib.loads(Path(path).read_text())
            for overlay in data.get("overlays", []):
                overlays.append(absolute_source(overlay, Path(path).parent))
    check = build.get("check", {})
    if check.get("skip"):
        overlays.append(
            {
                "type": "spec-prepend-lines",
                "section": "%check",
                "lines": [f"# Check section disabled: {check['skip_reason']}", "exit 0", ""],
            }
        )
    return overlays


def absolute_source(overlay, directory):
    overlay = {key: value for key, value in overlay.items() if key != "metadata"}
    if "source" in overlay:
        overlay["source"] = str((directory / overlay["source"]).resolve())
    return overlay


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cairn", required=True)
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("component")
    args = parser.parse_args()
    components, distros, project = load_project(args.project / "azldev.toml")
    name = args.component
    if name not in components:
        fail(f"no component {name} in {args.project}")
    component = components[name]
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    spec = component.get("spec", {})
    if spec.get("type") == "local":
        spec_path = component["__dir__"] / spec["path"]
        shutil.copytree(spec_path.parent, out, ignore=shutil.ignore_patterns("*.comp.toml"))
        if spec_path.name != f"{name}.spec":
            (out / spec_path.name).rename(out / f"{name}.spec")
    else:
        fetch_upstream(name, component, distros, project, out)

    overlays = collect_overlays(name, component, out)
    if overlays:
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as file:
            file.write('[metadata]\ncategory = "azl-platform-adaptation"\n')
            file.write('upstream-status = "inapplicable"\n')
            for overlay in overlays:
                file.write("\n[[overlays]]\n")
                for key, value in overlay.items():
                    file.write(f"{key} = {toml_value(value)}\n")
        try:
            subprocess.run(
                [args.cairn, "-q", "overlay", "apply", "--overlays", file.name, str(out)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        finally:
            Path(file.name).unlink()
    print(out / f"{name}.spec")


if __name__ == "__main__":
    main()
