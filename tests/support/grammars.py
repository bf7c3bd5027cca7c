"""The official grammars, located at run time in installed packages (never committed).

- TMX 1.4b: the LISA DTD ``schemas/tmx14.dtd`` inside OmegaT's jar (Debian ``omegat``),
  or ``$TMX_DTD``;
- XLIFF 1.2 strict and XLIFF 2.0 core XSDs with ``xml.xsd`` from Debian
  ``php-symfony-translation``, or ``$XLIFF_SCHEMA_DIR``;
- PO: ``msgfmt -c`` (Debian ``gettext``).

``xmllint --nonet`` never fetches anything: ``xml.xsd`` is mapped by an XML
catalog for XLIFF 1.2 and by a symlink tree for XLIFF 2.0, whose core XSD
imports it by a relative path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Grammars", "Verdict", "OMEGAT_JAR", "SCHEMA_DIR", "shared_grammars"]

OMEGAT_JAR = Path(os.environ.get("OMEGAT_JAR", "/usr/share/omegat/OmegaT.jar"))
SCHEMA_DIR = Path(os.environ.get("XLIFF_SCHEMA_DIR",
                                 "/usr/share/php/Symfony/Component/Translation/Resources/schemas"))


@dataclass(frozen=True)
class Verdict:
    """What a validator said about one file."""

    ok: bool
    output: str

    def __bool__(self) -> bool:
        return self.ok


class Grammars:
    """Validators for every export format, set up once in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.xmllint = shutil.which("xmllint")
        self.msgfmt = shutil.which("msgfmt")
        self.tmx_dtd = self._tmx_dtd()
        self.xliff12_xsd, self.xliff12_catalog = self._xliff12()
        self.xliff2_xsd = self._xliff2()

    # -- locating -----------------------------------------------------------------

    def _tmx_dtd(self) -> Path | None:
        if os.environ.get("TMX_DTD"):
            return Path(os.environ["TMX_DTD"])
        if not OMEGAT_JAR.is_file():
            return None
        try:
            with zipfile.ZipFile(OMEGAT_JAR) as jar:
                data = jar.read("schemas/tmx14.dtd")
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        dtd = self.workdir / "tmx14.dtd"
        dtd.write_bytes(data)
        return dtd

    def _xliff12(self) -> tuple[Path | None, Path | None]:
        xsd, xml_xsd = SCHEMA_DIR / "xliff-core-1.2-strict.xsd", SCHEMA_DIR / "xml.xsd"
        if not (xsd.is_file() and xml_xsd.is_file()):
            return None, None
        catalog = self.workdir / "catalog.xml"
        catalog.write_text(
            '<?xml version="1.0"?>\n'
            '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
            f'  <uri name="http://www.w3.org/2001/xml.xsd" uri="{xml_xsd.as_uri()}"/>\n'
            f'  <system systemId="http://www.w3.org/2001/xml.xsd" uri="{xml_xsd.as_uri()}"/>\n'
            '</catalog>\n', encoding="utf-8")
        return xsd, catalog

    def _xliff2(self) -> Path | None:
        xsd, xml_xsd = SCHEMA_DIR / "xliff-core-2.0.xsd", SCHEMA_DIR / "xml.xsd"
        if not (xsd.is_file() and xml_xsd.is_file()):
            return None
        tree = self.workdir / "xliff2"
        w3c = tree / "informativeCopiesOf3rdPartySchemas" / "w3c"
        w3c.mkdir(parents=True, exist_ok=True)
        for link, target in ((tree / xsd.name, xsd), (w3c / "xml.xsd", xml_xsd)):
            if not link.exists():
                link.symlink_to(target)
        return tree / xsd.name

    def missing(self, fmt: str) -> str | None:
        """Why ``fmt`` cannot be validated here, or None when it can."""
        if fmt == "po":
            return None if self.msgfmt else "msgfmt not installed (apt-get install gettext)"
        if not self.xmllint:
            return "xmllint not installed (apt-get install libxml2-utils)"
        if fmt == "tmx" and not self.tmx_dtd:
            return f"no TMX DTD: {OMEGAT_JAR} missing (apt-get install omegat) and TMX_DTD unset"
        if fmt == "xliff-1.2" and not self.xliff12_xsd:
            return f"no XLIFF 1.2 XSD in {SCHEMA_DIR} (apt-get install php-symfony-translation)"
        if fmt == "xliff-2" and not self.xliff2_xsd:
            return f"no XLIFF 2.0 XSD in {SCHEMA_DIR} (apt-get install php-symfony-translation)"
        return None

    # -- validating ---------------------------------------------------------------

    def validate(self, fmt: str, *paths: Path) -> Verdict:
        """Validate files of one format; ``ok`` only when every file is valid."""
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        if fmt == "po":
            outputs, ok = [], True
            for path in paths:
                run = subprocess.run([self.msgfmt, "-c", "--check-format", "-o", os.devnull, str(path)],
                                     capture_output=True, text=True, env=env)
                ok &= run.returncode == 0 and not run.stderr.strip()
                outputs.append(run.stderr)
            return Verdict(ok, "\n".join(outputs))
        command = [self.xmllint, "--noout", "--nonet"]
        if fmt == "tmx":
            command += ["--dtdvalid", str(self.tmx_dtd)]
        elif fmt == "xliff-1.2":
            command += ["--schema", str(self.xliff12_xsd)]
            env["XML_CATALOG_FILES"] = str(self.xliff12_catalog)
        elif fmt == "xliff-2":
            command += ["--schema", str(self.xliff2_xsd)]
        else:
            raise ValueError(f"no grammar for {fmt!r}")
        run = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, env=env)
        output = run.stdout + run.stderr
        return Verdict(run.returncode == 0 and "fails to validate" not in output, output)


_SHARED: list[Grammars] = []


def shared_grammars(factory: "object") -> Grammars:
    """One :class:`Grammars` per test process (``factory`` is pytest's ``tmp_path_factory``)."""
    if not _SHARED:
        _SHARED.append(Grammars(factory.mktemp("grammars")))  # type: ignore[attr-defined]
    return _SHARED[0]
