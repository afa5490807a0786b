import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from trebuchet.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExecutorInfo(_message.Message):
    __slots__ = ("executor_id", "control_address", "flight_address", "task_slots")
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    CONTROL_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TASK_SLOTS_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    control_address: str
    flight_address: str
    task_slots: int
    def __init__(self, executor_id: _Optional[str] = ..., control_address: _Optional[str] = ..., flight_address: _Optional[str] = ..., task_slots: _Optional[int] = ...) -> None: ...

class RegisterExecutorRequest(_message.Message):
    __slots__ = ("executor",)
    EXECUTOR_FIELD_NUMBER: _ClassVar[int]
    executor: ExecutorInfo
    def __init__(self, executor: _Optional[_Union[ExecutorInfo, _Mapping]] = ...) -> None: ...

class RegisterExecutorResponse(_message.Message):
    __slots__ = ("heartbeat_interval",)
    HEARTBEAT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    heartbeat_interval: _duration_pb2.Duration
    def __init__(self, heartbeat_interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("executor_id", "running_tasks", "plan_jobs")
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    RUNNING_TASKS_FIELD_NUMBER: _ClassVar[int]
    PLAN_JOBS_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    running_tasks: _containers.RepeatedCompositeFieldContainer[_common_pb2.TaskId]
    plan_jobs: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, executor_id: _Optional[str] = ..., running_tasks: _Optional[_Iterable[_Union[_common_pb2.TaskId, _Mapping]]] = ..., plan_jobs: _Optional[_Iterable[str]] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ("reregister", "cancel_tasks", "release_jobs", "release_plans")
    REREGISTER_FIELD_NUMBER: _ClassVar[int]
    CANCEL_TASKS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_JOBS_FIELD_NUMBER: _ClassVar[int]
    RELEASE_PLANS_FIELD_NUMBER: _ClassVar[int]
    reregister: bool
    cancel_tasks: _containers.RepeatedCompositeFieldContainer[_common_pb2.TaskId]
    release_jobs: _containers.RepeatedScalarFieldContainer[str]
    release_plans: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, reregister: bool = ..., cancel_tasks: _Optional[_Iterable[_Union[_common_pb2.TaskId, _Mapping]]] = ..., release_jobs: _Optional[_Iterable[str]] = ..., release_plans: _Optional[_Iterable[str]] = ...) -> None: ...

class PollWorkRequest(_message.Message):
    __slots__ = ("executor_id", "free_slots", "wait_timeout")
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    FREE_SLOTS_FIELD_NUMBER: _ClassVar[int]
    WAIT_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    executor_id: str
    free_slots: int
    wait_timeout: _duration_pb2.Duration
    def __init__(self, executor_id: _Optional[str] = ..., free_slots: _Optional[int] = ..., wait_timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class PollWorkResponse(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[TaskDefinition]
    def __init__(self, tasks: _Optional[_Iterable[_Union[TaskDefinition, _Mapping]]] = ...) -> None: ...

class TaskDefinition(_message.Message):
    __slots__ = ("task_id", "plan", "tables", "settings", "inputs", "partition_count", "plan_ref")
    class SettingsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_COUNT_FIELD_NUMBER: _ClassVar[int]
    PLAN_REF_FIELD_NUMBER: _ClassVar[int]
    task_id: _common_pb2.TaskId
    plan: bytes
    tables: _containers.RepeatedCompositeFieldContainer[_common_pb2.Table]
    settings: _containers.ScalarMap[str, str]
    inputs: _containers.RepeatedCompositeFieldContainer[StageInput]
    partition_count: int
    plan_ref: StagePlanRef
    def __init__(self, task_id: _Optional[_Union[_common_pb2.TaskId, _Mapping]] = ..., plan: _Optional[bytes] = ..., tables: _Optional[_Iterable[_Union[_common_pb2.Table, _Mapping]]] = ..., settings: _Optional[_Mapping[str, str]] = ..., inputs: _Optional[_Iterable[_Union[StageInput, _Mapping]]] = ..., partition_count: _Optional[int] = ..., plan_ref: _Optional[_Union[StagePlanRef, _Mapping]] = ...) -> None: ...

class StagePlanRef(_message.Message):
    __slots__ = ("size", "sha256")
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    size: int
    sha256: bytes
    def __init__(self, size: _Optional[int] = ..., sha256: _Optional[bytes] = ...) -> None: ...

class GetStagePlanRequest(_message.Message):
    __slots__ = ("job_id", "stage_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    stage_id: int
    def __init__(self, job_id: _Optional[str] = ..., stage_id: _Optional[int] = ...) -> None: ...

class GetStagePlanResponse(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class StageInput(_message.Message):
    __slots__ = ("stage_id", "outputs")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    stage_id: int
    outputs: _containers.RepeatedCompositeFieldContainer[MapOutput]
    def __init__(self, stage_id: _Optional[int] = ..., outputs: _Optional[_Iterable[_Union[MapOutput, _Mapping]]] = ...) -> None: ...

class MapOutput(_message.Message):
    __slots__ = ("map_partition", "location", "partition_rows")
    MAP_PARTITION_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PARTITION_ROWS_FIELD_NUMBER: _ClassVar[int]
    map_partition: int
    location: _common_pb2.Location
    partition_rows: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, map_partition: _Optional[int] = ..., location: _Optional[_Union[_common_pb2.Location, _Mapping]] = ..., partition_rows: _Optional[_Iterable[int]] = ...) -> None: ...

class TaskStatus(_message.Message):
    __slots__ = ("task_id", "executor_id", "state", "failure", "output", "metrics")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    task_id: _common_pb2.TaskId
    executor_id: str
    state: _common_pb2.TaskState
    failure: _common_pb2.Failure
    output: _common_pb2.Location
    metrics: _common_pb2.TaskMetrics
    def __init__(self, task_id: _Optional[_Union[_common_pb2.TaskId, _Mapping]] = ..., executor_id: _Optional[str] = ..., state: _Optional[_Union[_common_pb2.TaskState, str]] = ..., failure: _Optional[_Union[_common_pb2.Failure, _Mapping]] = ..., output: _Optional[_Union[_common_pb2.Location, _Mapping]] = ..., metrics: _Optional[_Union[_common_pb2.TaskMetrics, _Mapping]] = ...) -> None: ...

class ReportTaskStatusRequest(_message.Message):
    __slots__ = ("statuses",)
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    statuses: _containers.RepeatedCompositeFieldContainer[TaskStatus]
    def __init__(self, statuses: _Optional[_Iterable[_Union[TaskStatus, _Mapping]]] = ...) -> None: ...

class ReportTaskStatusResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
