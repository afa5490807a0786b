"""Client for the Trebuchet gateway's QueryService.

Failed calls raise grpc.RpcError carrying the server's status code, e.g.
INVALID_ARGUMENT for a plan that cannot be decoded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grpc
import pyarrow as pa
import pyarrow.ipc

from trebuchet.v1 import common_pb2, query_pb2, query_pb2_grpc

PlanLike = str | bytes | query_pb2.Plan


def _plan(plan: PlanLike) -> query_pb2.Plan:
    """A Plan from Substrait JSON text (str or UTF-8 bytes), or a Plan as is."""
    if isinstance(plan, query_pb2.Plan):
        return plan
    if isinstance(plan, bytes):
        plan = plan.decode("utf-8")
    return query_pb2.Plan(substrait_json=plan)


class Client:
    """A connection to a Trebuchet gateway at target ("host:port").

    timeout, in seconds, bounds every call; None waits forever.
    """

    def __init__(self, target: str, *, timeout: float | None = None) -> None:
        self._channel = grpc.insecure_channel(target)
        self._stub = query_pb2_grpc.QueryServiceStub(self._channel)
        self._timeout = timeout

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def execute(
        self, plan_json: PlanLike, settings: Mapping[str, str] | None = None
    ) -> pa.Table:
        """Runs a plan and returns its result."""
        return self.fetch(self.submit(plan_json, settings))

    def sql(self, text: str, settings: Mapping[str, str] | None = None) -> pa.Table:
        """Runs SQL (PostgreSQL dialect) against the cluster's catalog and
        returns the last statement's result: a query's rows; SHOW TABLES,
        DESCRIBE or EXPLAIN rows; for CREATE and DROP, one row naming the
        statement in a column "status". A syntax error raises grpc.RpcError
        with INVALID_ARGUMENT, its details giving the line and column."""
        return self.execute(query_pb2.Plan(sql=text), settings)

    def submit(
        self,
        plan_json: PlanLike,
        settings: Mapping[str, str] | None = None,
        job_name: str = "",
    ) -> str:
        """Starts a job for a plan and returns its id at once."""
        request = query_pb2.SubmitPlanRequest(
            plan=_plan(plan_json),
            settings=query_pb2.SessionSettings(values=settings or {}),
            job_name=job_name,
        )
        return self._stub.SubmitPlan(request, timeout=self._timeout).job_id

    def fetch(self, job_id: str) -> pa.Table:
        """Waits for a job to finish and returns its result."""
        chunks = self._stub.FetchResults(
            query_pb2.FetchResultsRequest(job_id=job_id), timeout=self._timeout
        )
        data = b"".join(chunk.arrow_ipc for chunk in chunks)
        with pa.ipc.open_stream(data) as reader:
            return reader.read_all()

    def status(self, job_id: str) -> query_pb2.JobStatus:
        """Returns a job's current status."""
        request = query_pb2.GetJobRequest(job_id=job_id)
        return self._stub.GetJob(request, timeout=self._timeout).status

    def cancel(self, job_id: str) -> query_pb2.JobStatus:
        """Cancels a queued or running job and returns its status."""
        request = query_pb2.CancelJobRequest(job_id=job_id)
        return self._stub.CancelJob(request, timeout=self._timeout).status

    def list_jobs(
        self, states: Iterable[common_pb2.JobState] = (), limit: int = 0
    ) -> list[query_pb2.JobStatus]:
        """Lists jobs, newest first: those in states (all if empty), at most
        limit of them (0 lets the server choose)."""
        request = query_pb2.ListJobsRequest(states=states, limit=limit)
        return list(self._stub.ListJobs(request, timeout=self._timeout).jobs)
