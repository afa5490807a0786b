from trebuchet.v1 import common_pb2 as _common_pb2
from trebuchet.v1 import scheduler_pb2 as _scheduler_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LaunchTasksRequest(_message.Message):
    __slots__ = ("tasks",)
    TASKS_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[_scheduler_pb2.TaskDefinition]
    def __init__(self, tasks: _Optional[_Iterable[_Union[_scheduler_pb2.TaskDefinition, _Mapping]]] = ...) -> None: ...

class LaunchTasksResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CancelTasksRequest(_message.Message):
    __slots__ = ("task_ids",)
    TASK_IDS_FIELD_NUMBER: _ClassVar[int]
    task_ids: _containers.RepeatedCompositeFieldContainer[_common_pb2.TaskId]
    def __init__(self, task_ids: _Optional[_Iterable[_Union[_common_pb2.TaskId, _Mapping]]] = ...) -> None: ...

class CancelTasksResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReleaseOutputsRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class ReleaseOutputsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
