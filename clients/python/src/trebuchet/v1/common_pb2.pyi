from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_QUEUED: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    JOB_STATE_CANCELLED: _ClassVar[JobState]

class TaskState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_STATE_UNSPECIFIED: _ClassVar[TaskState]
    TASK_STATE_PENDING: _ClassVar[TaskState]
    TASK_STATE_RUNNING: _ClassVar[TaskState]
    TASK_STATE_SUCCEEDED: _ClassVar[TaskState]
    TASK_STATE_FAILED: _ClassVar[TaskState]
    TASK_STATE_CANCELLED: _ClassVar[TaskState]

class FailureKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_KIND_UNSPECIFIED: _ClassVar[FailureKind]
    FAILURE_KIND_INVALID_ARGUMENT: _ClassVar[FailureKind]
    FAILURE_KIND_NOT_FOUND: _ClassVar[FailureKind]
    FAILURE_KIND_UNIMPLEMENTED: _ClassVar[FailureKind]
    FAILURE_KIND_RESOURCE_EXHAUSTED: _ClassVar[FailureKind]
    FAILURE_KIND_EXECUTION_ERROR: _ClassVar[FailureKind]
    FAILURE_KIND_EXECUTOR_LOST: _ClassVar[FailureKind]
    FAILURE_KIND_FETCH_FAILED: _ClassVar[FailureKind]
    FAILURE_KIND_CANCELLED: _ClassVar[FailureKind]
    FAILURE_KIND_INTERNAL: _ClassVar[FailureKind]
    FAILURE_KIND_DEADLINE_EXCEEDED: _ClassVar[FailureKind]
    FAILURE_KIND_UNAVAILABLE: _ClassVar[FailureKind]

class TableFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TABLE_FORMAT_UNSPECIFIED: _ClassVar[TableFormat]
    TABLE_FORMAT_PARQUET: _ClassVar[TableFormat]
    TABLE_FORMAT_CSV: _ClassVar[TableFormat]
    TABLE_FORMAT_ARROW_IPC: _ClassVar[TableFormat]
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_QUEUED: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_CANCELLED: JobState
TASK_STATE_UNSPECIFIED: TaskState
TASK_STATE_PENDING: TaskState
TASK_STATE_RUNNING: TaskState
TASK_STATE_SUCCEEDED: TaskState
TASK_STATE_FAILED: TaskState
TASK_STATE_CANCELLED: TaskState
FAILURE_KIND_UNSPECIFIED: FailureKind
FAILURE_KIND_INVALID_ARGUMENT: FailureKind
FAILURE_KIND_NOT_FOUND: FailureKind
FAILURE_KIND_UNIMPLEMENTED: FailureKind
FAILURE_KIND_RESOURCE_EXHAUSTED: FailureKind
FAILURE_KIND_EXECUTION_ERROR: FailureKind
FAILURE_KIND_EXECUTOR_LOST: FailureKind
FAILURE_KIND_FETCH_FAILED: FailureKind
FAILURE_KIND_CANCELLED: FailureKind
FAILURE_KIND_INTERNAL: FailureKind
FAILURE_KIND_DEADLINE_EXCEEDED: FailureKind
FAILURE_KIND_UNAVAILABLE: FailureKind
TABLE_FORMAT_UNSPECIFIED: TableFormat
TABLE_FORMAT_PARQUET: TableFormat
TABLE_FORMAT_CSV: TableFormat
TABLE_FORMAT_ARROW_IPC: TableFormat

class Failure(_message.Message):
    __slots__ = ("kind", "message", "executor_id", "fetch")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    FETCH_FIELD_NUMBER: _ClassVar[int]
    kind: FailureKind
    message: str
    executor_id: str
    fetch: FetchFailure
    def __init__(self, kind: _Optional[_Union[FailureKind, str]] = ..., message: _Optional[str] = ..., executor_id: _Optional[str] = ..., fetch: _Optional[_Union[FetchFailure, _Mapping]] = ...) -> None: ...

class FetchFailure(_message.Message):
    __slots__ = ("stage_id", "map_partition", "executor_id")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    MAP_PARTITION_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    stage_id: int
    map_partition: int
    executor_id: str
    def __init__(self, stage_id: _Optional[int] = ..., map_partition: _Optional[int] = ..., executor_id: _Optional[str] = ...) -> None: ...

class TaskId(_message.Message):
    __slots__ = ("job_id", "stage_id", "partition", "attempt")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    stage_id: int
    partition: int
    attempt: int
    def __init__(self, job_id: _Optional[str] = ..., stage_id: _Optional[int] = ..., partition: _Optional[int] = ..., attempt: _Optional[int] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ("executor_id", "flight_address", "ticket")
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    flight_address: str
    ticket: bytes
    def __init__(self, executor_id: _Optional[str] = ..., flight_address: _Optional[str] = ..., ticket: _Optional[bytes] = ...) -> None: ...

class Table(_message.Message):
    __slots__ = ("name", "format", "paths", "location", "create")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PATHS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    CREATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: TableFormat
    paths: _containers.RepeatedScalarFieldContainer[str]
    location: str
    create: bool
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[TableFormat, str]] = ..., paths: _Optional[_Iterable[str]] = ..., location: _Optional[str] = ..., create: bool = ...) -> None: ...

class TaskMetrics(_message.Message):
    __slots__ = ("output_rows", "output_batches", "output_bytes", "elapsed_nanos", "partition_rows", "spills", "spilled_rows", "spilled_bytes", "peak_memory_bytes", "operators")
    OUTPUT_ROWS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BATCHES_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_BYTES_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_NANOS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_ROWS_FIELD_NUMBER: _ClassVar[int]
    SPILLS_FIELD_NUMBER: _ClassVar[int]
    SPILLED_ROWS_FIELD_NUMBER: _ClassVar[int]
    SPILLED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PEAK_MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    OPERATORS_FIELD_NUMBER: _ClassVar[int]
    output_rows: int
    output_batches: int
    output_bytes: int
    elapsed_nanos: int
    partition_rows: _containers.RepeatedScalarFieldContainer[int]
    spills: int
    spilled_rows: int
    spilled_bytes: int
    peak_memory_bytes: int
    operators: _containers.RepeatedCompositeFieldContainer[OperatorMetrics]
    def __init__(self, output_rows: _Optional[int] = ..., output_batches: _Optional[int] = ..., output_bytes: _Optional[int] = ..., elapsed_nanos: _Optional[int] = ..., partition_rows: _Optional[_Iterable[int]] = ..., spills: _Optional[int] = ..., spilled_rows: _Optional[int] = ..., spilled_bytes: _Optional[int] = ..., peak_memory_bytes: _Optional[int] = ..., operators: _Optional[_Iterable[_Union[OperatorMetrics, _Mapping]]] = ...) -> None: ...

class OperatorMetrics(_message.Message):
    __slots__ = ("operator", "depth", "output_rows", "spills", "spilled_rows", "spilled_bytes")
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_ROWS_FIELD_NUMBER: _ClassVar[int]
    SPILLS_FIELD_NUMBER: _ClassVar[int]
    SPILLED_ROWS_FIELD_NUMBER: _ClassVar[int]
    SPILLED_BYTES_FIELD_NUMBER: _ClassVar[int]
    operator: str
    depth: int
    output_rows: int
    spills: int
    spilled_rows: int
    spilled_bytes: int
    def __init__(self, operator: _Optional[str] = ..., depth: _Optional[int] = ..., output_rows: _Optional[int] = ..., spills: _Optional[int] = ..., spilled_rows: _Optional[int] = ..., spilled_bytes: _Optional[int] = ...) -> None: ...

class ShuffleRead(_message.Message):
    __slots__ = ("stage_id", "whole")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    WHOLE_FIELD_NUMBER: _ClassVar[int]
    stage_id: int
    whole: bool
    def __init__(self, stage_id: _Optional[int] = ..., whole: bool = ...) -> None: ...
