"""Tests of tests/batch/test_decoding.py."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from tests.helpers import batch_file, cli, process, records


def test_binary_garbage_is_one_clear_exit_2(tmp_path: Path) -> None:
    code, records, stderr = batch_file(tmp_path, bytes(range(256)) * 40)
    assert code == 2 and records == [] and len(stderr.splitlines()) == 1


def test_binary_garbage_after_a_header_is_one_clear_exit_2_naming_the_line(tmp_path: Path) -> None:
    code, records, stderr = batch_file(tmp_path, b"id,weight\na,70\n" + bytes(range(1, 256)) + b"\nb,80\n")
    assert code == 2 and records == [] and "line 4 has the byte" in stderr  # the garbage holds a line feed


def test_binary_garbage_in_a_named_encoding_gives_row_errors_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_bytes(b"id,weight\na,70\n" + bytes(range(1, 256)) + b"\nb,80\n")
    run = cli("batch", str(path), "--encoding", "cp1252")  # 0x81 and others are not cp1252
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.code == 3
    assert records[0]["id"] == "a" and "error" not in records[0]
    assert records[-1]["id"] == "b" and "error" not in records[-1]
    assert any("error" in r for r in records[1:-1])


def test_a_nul_byte_in_a_cell_is_a_row_error(tmp_path: Path) -> None:
    code, records, _ = batch_file(tmp_path, b"id,weight\na,70\nb,7\x000\nc,80\n")
    assert code == 3
    assert [("error" in r) for r in records] == [False, True, False]
    assert records[1]["error"]["field"] == "weight"


def test_a_utf16_export(tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + "id,weight\r\nü,70\r\n".encode("utf-16-le")
    code, records, _ = batch_file(tmp_path, data)
    assert code == 0 and records[0]["id"] == "ü"


def test_a_file_that_is_not_utf8_stops_before_output_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,weight\nBob,80\nZoë-1,70\n".encode("latin-1"))
    run = cli("batch", str(path))
    assert run.code == 2 and run.stdout == "" and "\ufffd" not in run.stderr
    assert "line 3 has the byte \\xEB" in run.stderr and "--encoding cp1252" in run.stderr


@pytest.mark.slow  # more than a MiB through stdin: about 18 s
def test_undecodable_bytes_after_stdins_first_mib_are_row_errors_never_replaced() -> None:
    body = b"id,weight\n" + b"A,70\n" * 220_000 + "Zoë-1,70\nBob,80\n".encode("latin-1")
    run = process("batch", "-", input=body)
    out = records(run.stdout.decode())
    assert "\ufffd" not in run.stdout.decode()
    assert out[-2]["id"] == "Zo\\xeb-1" and "(\\xeb)" in out[-2]["error"]["message"]
    assert "--encoding" in out[-2]["error"]["message"]
    assert "error" not in out[-1] and run.returncode == 3
