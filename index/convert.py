"""Legacy word-processor files (.doc, .odt) to DOCX through LibreOffice headless, so the DOCX reader does the rest.

Each conversion runs in its own temporary directory with its own LibreOffice profile (`-env:UserInstallation`), so
conversions never share or lock a profile and a crash leaves nothing behind; a timeout kills the whole process group.
A file whose bytes are not a Word 97-2003 / RTF / OpenDocument container is refused before LibreOffice sees it (it
would otherwise import any bytes as plain text).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from core.errors import ConversionError, CorruptFileError, MissingToolError
from core.settings import Settings

LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def missing_converter(settings: Settings) -> str:
    """What .doc/.odt conversion lacks on this machine, in Vietnamese ("" when LibreOffice is installed)."""
    return "" if shutil.which(settings.soffice_command) else f"chưa cài LibreOffice (gói {LIBREOFFICE_PACKAGE})"


def looks_like(data: bytes, extension: str) -> bool:
    """Whether the bytes are what a .doc (Word 97-2003 OLE container or RTF) or .odt (OpenDocument zip) holds."""
    if extension == ".odt":
        return data.startswith(_ZIP_MAGIC) and _ODT_MIMETYPE in data[:200]
    return data.startswith(_OLE_MAGIC) or data.lstrip()[:5] == b"{\\rtf"


def convert_to_docx(data: bytes, extension: str, settings: Settings, source: str) -> bytes:
    """The DOCX bytes LibreOffice makes of a .doc/.odt file; typed errors for a missing tool, a bad file, a timeout."""
    if not looks_like(data, extension):
        raise CorruptFileError(
            f"Tệp {extension} bị hỏng hoặc không đúng định dạng (không phải tệp Word/OpenDocument), không đọc được.",
            f"The {extension} file is corrupt or not a Word/OpenDocument file.",
            detail=source,
        )
    missing = missing_converter(settings)
    if missing:
        raise MissingToolError(
            f"Tệp {extension} cần LibreOffice để chuyển sang DOCX nhưng máy {missing}; hãy chạy scripts/setup.sh "
            "hoặc lưu lại tệp dạng DOCX.",
            f"{extension} files need LibreOffice ({LIBREOFFICE_PACKAGE}), which is not installed.",
            detail=source,
        )
    with tempfile.TemporaryDirectory(prefix="plan-assistant-convert-") as folder:
        work = Path(folder)
        original = work / f"input{extension}"
        original.write_bytes(data)
        command = [
            shutil.which(settings.soffice_command) or settings.soffice_command,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(work / "out"), str(original),
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                   cwd=work, env={**os.environ, "HOME": str(work)})
        try:
            _, errors = process.communicate(timeout=settings.convert_timeout_s)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(
                f"LibreOffice không chuyển xong tệp trong {settings.convert_timeout_s:.0f} giây "
                "(PLAN_ASSISTANT_CONVERT_TIMEOUT_S); tệp có thể bị hỏng hoặc quá lớn.",
                f"LibreOffice did not finish converting within {settings.convert_timeout_s:.0f} s.",
                detail=source,
            ) from error
        converted = work / "out" / "input.docx"
        if process.returncode != 0 or not converted.is_file() or converted.stat().st_size == 0:
            raise ConversionError(detail=f"{source}: {errors.decode('utf-8', 'replace').strip()[-300:]}")
        return converted.read_bytes()
