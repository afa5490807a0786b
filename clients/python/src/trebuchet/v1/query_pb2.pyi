import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from trebuchet.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResultFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_FORMAT_UNSPECIFIED: _ClassVar[ResultFormat]
    RESULT_FORMAT_ARROW_IPC: _ClassVar[ResultFormat]
    RESULT_FORMAT_JSON: _ClassVar[ResultFormat]
RESULT_FORMAT_UNSPECIFIED: ResultFormat
RESULT_FORMAT_ARROW_IPC: ResultFormat
RESULT_FORMAT_JSON: ResultFormat

class Plan(_message.Message):
    __slots__ = ("substrait_binary", "substrait_json", "sql")
    SUBSTRAIT_BINARY_FIELD_NUMBER: _ClassVar[int]
    SUBSTRAIT_JSON_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    substrait_binary: bytes
    substrait_json: str
    sql: str
    def __init__(self, substrait_binary: _Optional[bytes] = ..., substrait_json: _Optional[str] = ..., sql: _Optional[str] = ...) -> None: ...

class SessionSettings(_message.Message):
    __slots__ = ("values",)
    class ValuesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.ScalarMap[str, str]
    def __init__(self, values: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SubmitPlanRequest(_message.Message):
    __slots__ = ("plan", "settings", "job_name")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    settings: SessionSettings
    job_name: str
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ..., settings: _Optional[_Union[SessionSettings, _Mapping]] = ..., job_name: _Optional[str] = ...) -> None: ...

class SubmitPlanResponse(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class JobStatus(_message.Message):
    __slots__ = ("job_id", "job_name", "state", "failure", "submitted_at", "started_at", "finished_at", "tasks_total", "tasks_succeeded", "tasks_failed", "result_rows", "result_locations", "stages")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    TASKS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    TASKS_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    TASKS_FAILED_FIELD_NUMBER: _ClassVar[int]
    RESULT_ROWS_FIELD_NUMBER: _ClassVar[int]
    RESULT_LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    job_name: str
    state: _common_pb2.JobState
    failure: _common_pb2.Failure
    submitted_at: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    tasks_total: int
    tasks_succeeded: int
    tasks_failed: int
    result_rows: int
    result_locations: _containers.RepeatedCompositeFieldContainer[_common_pb2.Location]
    stages: _containers.RepeatedCompositeFieldContainer[StageStatus]
    def __init__(self, job_id: _Optional[str] = ..., job_name: _Optional[str] = ..., state: _Optional[_Union[_common_pb2.JobState, str]] = ..., failure: _Optional[_Union[_common_pb2.Failure, _Mapping]] = ..., submitted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., tasks_total: _Optional[int] = ..., tasks_succeeded: _Optional[int] = ..., tasks_failed: _Optional[int] = ..., result_rows: _Optional[int] = ..., result_locations: _Optional[_Iterable[_Union[_common_pb2.Location, _Mapping]]] = ..., stages: _Optional[_Iterable[_Union[StageStatus, _Mapping]]] = ...) -> None: ...

class StageStatus(_message.Message):
    __slots__ = ("stage_id", "output", "input_stage_ids", "tasks_total", "tasks_succeeded", "tasks_running", "metrics", "tasks")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    INPUT_STAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    TASKS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    TASKS_SUCCEEDED_FIELD_NUMBER: _ClassVar[int]
    TASKS_RUNNING_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    stage_id: int
    output: str
    input_stage_ids: _containers.RepeatedScalarFieldContainer[int]
    tasks_total: int
    tasks_succeeded: int
    tasks_running: int
    metrics: _common_pb2.TaskMetrics
    tasks: _containers.RepeatedCompositeFieldContainer[TaskAttempt]
    def __init__(self, stage_id: _Optional[int] = ..., output: _Optional[str] = ..., input_stage_ids: _Optional[_Iterable[int]] = ..., tasks_total: _Optional[int] = ..., tasks_succeeded: _Optional[int] = ..., tasks_running: _Optional[int] = ..., metrics: _Optional[_Union[_common_pb2.TaskMetrics, _Mapping]] = ..., tasks: _Optional[_Iterable[_Union[TaskAttempt, _Mapping]]] = ...) -> None: ...

class TaskAttempt(_message.Message):
    __slots__ = ("partition", "attempt", "state", "executor_id", "metrics")
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    partition: int
    attempt: int
    state: _common_pb2.TaskState
    executor_id: str
    metrics: _common_pb2.TaskMetrics
    def __init__(self, partition: _Optional[int] = ..., attempt: _Optional[int] = ..., state: _Optional[_Union[_common_pb2.TaskState, str]] = ..., executor_id: _Optional[str] = ..., metrics: _Optional[_Union[_common_pb2.TaskMetrics, _Mapping]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: JobStatus
    def __init__(self, status: _Optional[_Union[JobStatus, _Mapping]] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: JobStatus
    def __init__(self, status: _Optional[_Union[JobStatus, _Mapping]] = ...) -> None: ...

class FetchResultsRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class FetchResultsResponse(_message.Message):
    __slots__ = ("arrow_ipc",)
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    arrow_ipc: bytes
    def __init__(self, arrow_ipc: _Optional[bytes] = ...) -> None: ...

class ExecutePlanRequest(_message.Message):
    __slots__ = ("plan", "settings", "format", "max_rows")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MAX_ROWS_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    settings: SessionSettings
    format: ResultFormat
    max_rows: int
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ..., settings: _Optional[_Union[SessionSettings, _Mapping]] = ..., format: _Optional[_Union[ResultFormat, str]] = ..., max_rows: _Optional[int] = ...) -> None: ...

class Column(_message.Message):
    __slots__ = ("name", "type", "nullable")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NULLABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    nullable: bool
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., nullable: bool = ...) -> None: ...

class ExecutePlanResponse(_message.Message):
    __slots__ = ("job_id", "columns", "arrow_ipc", "rows")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    columns: _containers.RepeatedCompositeFieldContainer[Column]
    arrow_ipc: bytes
    rows: _containers.RepeatedCompositeFieldContainer[_struct_pb2.ListValue]
    def __init__(self, job_id: _Optional[str] = ..., columns: _Optional[_Iterable[_Union[Column, _Mapping]]] = ..., arrow_ipc: _Optional[bytes] = ..., rows: _Optional[_Iterable[_Union[_struct_pb2.ListValue, _Mapping]]] = ...) -> None: ...

class ExplainPlanRequest(_message.Message):
    __slots__ = ("plan", "settings", "analyze")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    ANALYZE_FIELD_NUMBER: _ClassVar[int]
    plan: Plan
    settings: SessionSettings
    analyze: bool
    def __init__(self, plan: _Optional[_Union[Plan, _Mapping]] = ..., settings: _Optional[_Union[SessionSettings, _Mapping]] = ..., analyze: bool = ...) -> None: ...

class ExplainPlanResponse(_message.Message):
    __slots__ = ("text", "job_id")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    text: str
    job_id: str
    def __init__(self, text: _Optional[str] = ..., job_id: _Optional[str] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: JobStatus
    def __init__(self, status: _Optional[_Union[JobStatus, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("states", "limit")
    STATES_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedScalarFieldContainer[_common_pb2.JobState]
    limit: int
    def __init__(self, states: _Optional[_Iterable[_Union[_common_pb2.JobState, str]]] = ..., limit: _Optional[int] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[JobStatus]
    def __init__(self, jobs: _Optional[_Iterable[_Union[JobStatus, _Mapping]]] = ...) -> None: ...
