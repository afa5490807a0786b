from trebuchet.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FileSink(_message.Message):
    __slots__ = ("uri", "format", "partition_by", "single_file", "options")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    URI_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PARTITION_BY_FIELD_NUMBER: _ClassVar[int]
    SINGLE_FILE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    uri: str
    format: _common_pb2.TableFormat
    partition_by: _containers.RepeatedScalarFieldContainer[str]
    single_file: bool
    options: _containers.ScalarMap[str, str]
    def __init__(self, uri: _Optional[str] = ..., format: _Optional[_Union[_common_pb2.TableFormat, str]] = ..., partition_by: _Optional[_Iterable[str]] = ..., single_file: bool = ..., options: _Optional[_Mapping[str, str]] = ...) -> None: ...
