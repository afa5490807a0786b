"""End-to-end tests of the Python client against `trebuchet standalone`.

The server binary is $TREBUCHET_BIN (default bin/trebuchet, from `make build`);
without it the tests fail. Run from the repo root:

    .venv/bin/python -m pytest clients/python/tests
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import grpc
import pyarrow as pa
import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "clients" / "python" / "src"))

from trebuchet.v1 import common_pb2  # noqa: E402
from trebuchet_client import Client  # noqa: E402

TPCH = REPO / "conformance" / "testdata" / "tpch"
TABLES = ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]
STARTUP_SECONDS = 30
# grpc.health.v1.HealthCheckResponse{status: SERVING}, serialized.
HEALTH_SERVING = b"\x08\x01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(target: str, server: subprocess.Popen, log: Path) -> None:
    """Polls the gRPC health service until the server answers SERVING."""
    deadline = time.monotonic() + STARTUP_SECONDS
    with grpc.insecure_channel(target) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")  # raw bytes
        while True:
            if server.poll() is not None:
                pytest.fail(f"trebuchet exited with {server.returncode}:\n{log.read_text()}")
            try:
                if check(b"", timeout=1) == HEALTH_SERVING:
                    return
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.UNIMPLEMENTED:
                    return  # it answers, just without a health service
            if time.monotonic() > deadline:
                pytest.fail(f"trebuchet not serving after {STARTUP_SECONDS} s:\n{log.read_text()}")
            time.sleep(0.1)


@pytest.fixture(scope="session")
def target(tmp_path_factory: pytest.TempPathFactory):
    """Starts `trebuchet standalone` over the TPC-H sf0.01 tables; yields its address."""
    binary = Path(os.environ.get("TREBUCHET_BIN", REPO / "bin" / "trebuchet")).resolve()
    if not binary.is_file():
        pytest.fail(f"no server binary at {binary}: run `make build` or set TREBUCHET_BIN")
    address = f"127.0.0.1:{free_port()}"
    args = [str(binary), "standalone", "--listen", address]
    for table in TABLES:
        args += ["--table", f"{table}={TPCH / 'sf0.01' / f'{table}.parquet'}"]
    log = tmp_path_factory.mktemp("trebuchet") / "stderr.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr)
    try:
        wait_until_serving(address, server, log)
        yield address
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def client(target: str):
    with Client(target, timeout=120) as c:
        yield c


def plan(query: str) -> str:
    return (TPCH / "plans" / "datafusion" / f"{query}.json").read_text()


def matches(got: object, want: str) -> bool:
    """Numbers agree within 0.01, anything else as text; empty means null."""
    if got is None:
        return want == ""
    if isinstance(got, (int, float, Decimal)) and not isinstance(got, bool):
        return abs(float(got) - float(want)) <= 0.01
    return str(got) == want


def assert_matches_answer(table: pa.Table, query: str) -> None:
    with (TPCH / "answers" / "sf0.01" / f"{query}.csv").open(newline="") as f:
        header, *want = csv.reader(f, delimiter="|")
    assert table.column_names == header
    got = list(zip(*(column.to_pylist() for column in table.columns)))
    assert len(got) == len(want), f"{len(got)} rows, want {len(want)}"
    for i, (got_row, want_row) in enumerate(zip(got, want)):
        for name, g, w in zip(header, got_row, want_row):
            assert matches(g, w), f"row {i}, {name}: got {g!r}, want {w!r}"


@pytest.mark.parametrize("query", ["q06", "q01"])
def test_tpch(client: Client, query: str) -> None:
    assert_matches_answer(client.execute(plan(query)), query)


def test_plan_as_bytes_with_settings(client: Client) -> None:
    table = client.execute(plan("q06").encode(), settings={"target_partitions": "2"})
    assert_matches_answer(table, "q06")


def test_garbage_plan_is_invalid_argument(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as e:
        client.execute("this is not a plan")
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_job_lifecycle(client: Client) -> None:
    job_id = client.submit(plan("q06"), job_name="lifecycle")
    assert client.fetch(job_id).num_rows == 1

    status = client.status(job_id)
    assert (status.job_id, status.job_name) == (job_id, "lifecycle")
    assert status.state == common_pb2.JOB_STATE_SUCCEEDED
    assert status.result_rows == 1

    assert job_id in [job.job_id for job in client.list_jobs()]
    done = client.list_jobs(states=[common_pb2.JOB_STATE_SUCCEEDED], limit=1000)
    assert job_id in [job.job_id for job in done]
    assert job_id not in [job.job_id for job in client.list_jobs(states=[common_pb2.JOB_STATE_FAILED])]

    # Cancelling a finished job is a no-op that returns its final status.
    assert client.cancel(job_id).state == common_pb2.JOB_STATE_SUCCEEDED


def test_unknown_job_is_not_found(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as e:
        client.status("no-such-job")
    assert e.value.code() == grpc.StatusCode.NOT_FOUND


def test_sql(client: Client) -> None:
    query = (TPCH / "queries" / "q06.sql").read_text()
    assert_matches_answer(client.sql(query), "q06")
    tables = client.sql("SHOW TABLES")
    assert tables.column("name").to_pylist() == TABLES


def test_sql_syntax_error_is_invalid_argument(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as e:
        client.sql("SELECT 1 FORM region")
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "line 1, column 15" in e.value.details()
