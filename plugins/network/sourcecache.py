"""What reading a Markdown source finds, kept in ``cache/sources/`` between runs.

Reading a post means decoding and checking its bytes, splitting its header and finding
every link, image and short link in it with its line and column (``links.scan_references``):
about two thirds of ``chorus check`` at 10,000 posts. None of that depends on anything but
the file's bytes, so it is kept per source, keyed by a digest of the bytes, and a run that
finds the same bytes again takes the header fields, the body's place in the text and the
references from the cache. The bytes are still decoded and checked on every run (strict
UTF-8, no control characters), since the cache is not trusted to vouch for them; and
everything that depends on more than the bytes (typed header values, the slug, the status
at the build's moment, the author's department, every rule) is computed again on each
run, exactly as for a file read for the first time.

The cache is a JSON file (not pickle: ``cache/`` is restored by CI jobs and could come
from anywhere, and loading it must not run code). It is named after a digest of the code
that computes what it holds, so a change to that code starts a new one. A file that cannot
be read, or whose entries do not have the expected shape, is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

import markdown

from . import links, model, postmeta, posts, rendering, sourcefile
from .model import Reference, RefForm
from .postmeta import Header

_VERSION = 1
_FORMS = {form.value: form for form in RefForm}  # a dict lookup: RefForm(value) is ten times slower


def _code_digest(short_links: bool, block_parser: bool) -> str:
    """What computes the entries: this code, the parsers and the model's shapes, the
    Unicode tables NFC and the checks use, and Python-Markdown (the scan asks its patterns
    and its block parser)."""
    digest = hashlib.sha256(
        f"v{_VERSION} {unicodedata.unidata_version} {markdown.__version__} {short_links} {block_parser}".encode()
    )
    # rendering: the Markdown configuration the scan's block parser uses
    for module in (sourcefile, postmeta, posts, links, model, rendering):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError("link text must be a string or null")


class SourceCache:
    """The parsed header and references of each source, by its path in ``content/``.

    ``folder`` None: nothing is kept (each source is read in full)."""

    def __init__(self, folder: Path | None, short_links: bool, block_parser: bool = True):
        self.file = folder / f"{_code_digest(short_links, block_parser)}.json" if folder is not None else None
        self.entries = self._load()
        self.seen: dict[str, dict[str, Any]] = {}  # this run's entries: what save() keeps
        self.changed = False

    def _load(self) -> dict[str, Any]:
        if self.file is None:
            return {}
        try:
            loaded = json.loads(self.file.read_bytes())
        except (OSError, RecursionError, ValueError):  # unreadable, not JSON, nested too deep
            return {}
        return loaded if isinstance(loaded, dict) else {}

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def lookup(self, relative: str, digest: str, text: str) -> tuple[Header, tuple[Reference, ...]] | None:
        """(header, references) of ``text``, decoded (and checked) from the bytes of ``relative``
        whose digest is ``digest``, when an earlier run read the same bytes without problems."""
        entry = self.entries.get(relative)
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            return None
        try:
            body_at, body_line = int(entry["body_at"]), int(entry["body_line"])
            fields = {str(key): (str(raw), int(line)) for key, (raw, line) in entry["fields"].items()}
            references = tuple(
                Reference(_FORMS[form], str(target), int(line), int(col), bool(image), _text(link_text))
                for form, target, line, col, image, link_text in entry["references"]
            )
        except (AttributeError, KeyError, OverflowError, TypeError, ValueError):
            return None  # not an entry this code wrote
        if not 0 <= body_at <= len(text):
            return None
        self.seen[relative] = entry
        return Header(fields, text[body_at:], body_line), references

    def store(
        self, relative: str, digest: str, text: str, header: Header, references: tuple[Reference, ...]
    ) -> None:
        """Keep what reading ``text`` found (only for a source read without problems)."""
        self.seen[relative] = {
            "digest": digest,
            "fields": {key: [raw, line] for key, (raw, line) in header.fields.items()},
            "body_at": len(text) - len(header.body),  # the body is the text's tail
            "body_line": header.body_line,
            "references": [[r.form.value, r.target, r.line, r.col, r.image, r.text] for r in references],
        }
        self.changed = True

    def save(self) -> None:
        """Write this run's entries (sources gone since the last run are dropped), atomically,
        and delete files other code wrote; a cache that cannot be written is left as it was."""
        if self.file is None or not (self.changed or self.seen.keys() != self.entries.keys()):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(self.seen, ensure_ascii=False, separators=(",", ":")), "utf-8")
            os.replace(partial, self.file)
            for older in self.file.parent.glob("*.json"):  # another code digest: never read again
                if older != self.file:
                    older.unlink(missing_ok=True)
        except OSError:
            return
        self.entries, self.changed = dict(self.seen), False
