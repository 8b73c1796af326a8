"""The error catalogue: each entry's code is its attribute name, and codes are unique."""

from __future__ import annotations

import pytest

from factcheck.errors import ErrorMessage, Errors, InputError


def entries() -> dict[str, ErrorMessage]:
    return {k: v for k, v in vars(Errors).items() if isinstance(v, ErrorMessage)}


def test_each_code_is_its_attribute_name() -> None:
    found = entries()
    assert len(found) >= 20
    assert all(
        msg.code == name and name[0] == "E" and name[1:].isdigit() for name, msg in found.items()
    )


def test_make_formats_the_template_and_keeps_the_code() -> None:
    exc = InputError.make(Errors.E008, path="a.pdf", suffix=".pdf", expected=".txt")
    assert exc.code == "E008"
    assert str(exc).startswith("a.pdf: unsupported file type '.pdf'")
    assert str(exc).endswith("[E008]")


def test_a_misspelt_code_is_an_attribute_error() -> None:
    # mypy --strict reports it before this; at run time it fails at once, not only when raised.
    with pytest.raises(AttributeError):
        getattr(Errors, "E999")  # noqa: B009


def test_an_error_is_one_line_whatever_the_file_name_holds() -> None:
    # A file name can hold line breaks and a workflow command; the error shown must not.
    error = InputError.make(Errors.E001, path="bad\n::error file=x::pwned\r.txt")
    assert str(error) == "bad\\n::error file=x::pwned\\r.txt: path does not exist [E001]"
    assert "\n" not in str(error) and "\r" not in str(error)
    leading = InputError.make(Errors.E001, path="::stop-commands::token.txt")
    assert str(leading) == "./::stop-commands::token.txt: path does not exist [E001]"


def test_an_error_line_cannot_carry_a_terminal_escape() -> None:
    # ESC (colour, cursor moves, an OSC 8 link ended by BEL), DEL, a C1 CSI and a byte of a name
    # that is not UTF-8 are shown as \xNN in every error line, not only in the gate's.
    error = InputError.make(Errors.E002, path="a\x1b[2J\x1b]8;;http://x\x07b\x7f\x9b\udce9.txt")
    assert str(error) == "a\\x1b[2J\\x1b]8;;http://x\\x07b\\x7f\\x9b\\xe9.txt: file is empty [E002]"
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in str(error))
