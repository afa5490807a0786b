package dev.trebuchet.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * ExecutorService is what the scheduler calls on executors that accept pushed
 * work. Task outputs are served separately, by the executor's Arrow Flight
 * service: DoGet with the ticket of the task's output Location.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class ExecutorServiceGrpc {

  private ExecutorServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "trebuchet.v1.ExecutorService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.LaunchTasksRequest,
      dev.trebuchet.v1.LaunchTasksResponse> getLaunchTasksMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "LaunchTasks",
      requestType = dev.trebuchet.v1.LaunchTasksRequest.class,
      responseType = dev.trebuchet.v1.LaunchTasksResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.LaunchTasksRequest,
      dev.trebuchet.v1.LaunchTasksResponse> getLaunchTasksMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.LaunchTasksRequest, dev.trebuchet.v1.LaunchTasksResponse> getLaunchTasksMethod;
    if ((getLaunchTasksMethod = ExecutorServiceGrpc.getLaunchTasksMethod) == null) {
      synchronized (ExecutorServiceGrpc.class) {
        if ((getLaunchTasksMethod = ExecutorServiceGrpc.getLaunchTasksMethod) == null) {
          ExecutorServiceGrpc.getLaunchTasksMethod = getLaunchTasksMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.LaunchTasksRequest, dev.trebuchet.v1.LaunchTasksResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "LaunchTasks"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.LaunchTasksRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.LaunchTasksResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExecutorServiceMethodDescriptorSupplier("LaunchTasks"))
              .build();
        }
      }
    }
    return getLaunchTasksMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelTasksRequest,
      dev.trebuchet.v1.CancelTasksResponse> getCancelTasksMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelTasks",
      requestType = dev.trebuchet.v1.CancelTasksRequest.class,
      responseType = dev.trebuchet.v1.CancelTasksResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelTasksRequest,
      dev.trebuchet.v1.CancelTasksResponse> getCancelTasksMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelTasksRequest, dev.trebuchet.v1.CancelTasksResponse> getCancelTasksMethod;
    if ((getCancelTasksMethod = ExecutorServiceGrpc.getCancelTasksMethod) == null) {
      synchronized (ExecutorServiceGrpc.class) {
        if ((getCancelTasksMethod = ExecutorServiceGrpc.getCancelTasksMethod) == null) {
          ExecutorServiceGrpc.getCancelTasksMethod = getCancelTasksMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.CancelTasksRequest, dev.trebuchet.v1.CancelTasksResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelTasks"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.CancelTasksRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.CancelTasksResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExecutorServiceMethodDescriptorSupplier("CancelTasks"))
              .build();
        }
      }
    }
    return getCancelTasksMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.ReleaseOutputsRequest,
      dev.trebuchet.v1.ReleaseOutputsResponse> getReleaseOutputsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReleaseOutputs",
      requestType = dev.trebuchet.v1.ReleaseOutputsRequest.class,
      responseType = dev.trebuchet.v1.ReleaseOutputsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.ReleaseOutputsRequest,
      dev.trebuchet.v1.ReleaseOutputsResponse> getReleaseOutputsMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.ReleaseOutputsRequest, dev.trebuchet.v1.ReleaseOutputsResponse> getReleaseOutputsMethod;
    if ((getReleaseOutputsMethod = ExecutorServiceGrpc.getReleaseOutputsMethod) == null) {
      synchronized (ExecutorServiceGrpc.class) {
        if ((getReleaseOutputsMethod = ExecutorServiceGrpc.getReleaseOutputsMethod) == null) {
          ExecutorServiceGrpc.getReleaseOutputsMethod = getReleaseOutputsMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.ReleaseOutputsRequest, dev.trebuchet.v1.ReleaseOutputsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReleaseOutputs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ReleaseOutputsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ReleaseOutputsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new ExecutorServiceMethodDescriptorSupplier("ReleaseOutputs"))
              .build();
        }
      }
    }
    return getReleaseOutputsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static ExecutorServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceStub>() {
        @java.lang.Override
        public ExecutorServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExecutorServiceStub(channel, callOptions);
        }
      };
    return ExecutorServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static ExecutorServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceBlockingV2Stub>() {
        @java.lang.Override
        public ExecutorServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExecutorServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return ExecutorServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static ExecutorServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceBlockingStub>() {
        @java.lang.Override
        public ExecutorServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExecutorServiceBlockingStub(channel, callOptions);
        }
      };
    return ExecutorServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static ExecutorServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<ExecutorServiceFutureStub>() {
        @java.lang.Override
        public ExecutorServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new ExecutorServiceFutureStub(channel, callOptions);
        }
      };
    return ExecutorServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * LaunchTasks starts tasks and returns once they are accepted; each task's
     * end is reported with SchedulerService.ReportTaskStatus.
     * </pre>
     */
    default void launchTasks(dev.trebuchet.v1.LaunchTasksRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.LaunchTasksResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getLaunchTasksMethod(), responseObserver);
    }

    /**
     * <pre>
     * CancelTasks stops tasks and drops their outputs. Unknown tasks are
     * ignored.
     * </pre>
     */
    default void cancelTasks(dev.trebuchet.v1.CancelTasksRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelTasksResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelTasksMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReleaseOutputs drops the outputs of a finished job's tasks.
     * </pre>
     */
    default void releaseOutputs(dev.trebuchet.v1.ReleaseOutputsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReleaseOutputsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReleaseOutputsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service ExecutorService.
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public static abstract class ExecutorServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return ExecutorServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service ExecutorService.
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public static final class ExecutorServiceStub
      extends io.grpc.stub.AbstractAsyncStub<ExecutorServiceStub> {
    private ExecutorServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExecutorServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExecutorServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * LaunchTasks starts tasks and returns once they are accepted; each task's
     * end is reported with SchedulerService.ReportTaskStatus.
     * </pre>
     */
    public void launchTasks(dev.trebuchet.v1.LaunchTasksRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.LaunchTasksResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getLaunchTasksMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CancelTasks stops tasks and drops their outputs. Unknown tasks are
     * ignored.
     * </pre>
     */
    public void cancelTasks(dev.trebuchet.v1.CancelTasksRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelTasksResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelTasksMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReleaseOutputs drops the outputs of a finished job's tasks.
     * </pre>
     */
    public void releaseOutputs(dev.trebuchet.v1.ReleaseOutputsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReleaseOutputsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReleaseOutputsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service ExecutorService.
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public static final class ExecutorServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<ExecutorServiceBlockingV2Stub> {
    private ExecutorServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExecutorServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExecutorServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * LaunchTasks starts tasks and returns once they are accepted; each task's
     * end is reported with SchedulerService.ReportTaskStatus.
     * </pre>
     */
    public dev.trebuchet.v1.LaunchTasksResponse launchTasks(dev.trebuchet.v1.LaunchTasksRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getLaunchTasksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CancelTasks stops tasks and drops their outputs. Unknown tasks are
     * ignored.
     * </pre>
     */
    public dev.trebuchet.v1.CancelTasksResponse cancelTasks(dev.trebuchet.v1.CancelTasksRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelTasksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReleaseOutputs drops the outputs of a finished job's tasks.
     * </pre>
     */
    public dev.trebuchet.v1.ReleaseOutputsResponse releaseOutputs(dev.trebuchet.v1.ReleaseOutputsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getReleaseOutputsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service ExecutorService.
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public static final class ExecutorServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<ExecutorServiceBlockingStub> {
    private ExecutorServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExecutorServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExecutorServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * LaunchTasks starts tasks and returns once they are accepted; each task's
     * end is reported with SchedulerService.ReportTaskStatus.
     * </pre>
     */
    public dev.trebuchet.v1.LaunchTasksResponse launchTasks(dev.trebuchet.v1.LaunchTasksRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getLaunchTasksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CancelTasks stops tasks and drops their outputs. Unknown tasks are
     * ignored.
     * </pre>
     */
    public dev.trebuchet.v1.CancelTasksResponse cancelTasks(dev.trebuchet.v1.CancelTasksRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelTasksMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReleaseOutputs drops the outputs of a finished job's tasks.
     * </pre>
     */
    public dev.trebuchet.v1.ReleaseOutputsResponse releaseOutputs(dev.trebuchet.v1.ReleaseOutputsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReleaseOutputsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service ExecutorService.
   * <pre>
   * ExecutorService is what the scheduler calls on executors that accept pushed
   * work. Task outputs are served separately, by the executor's Arrow Flight
   * service: DoGet with the ticket of the task's output Location.
   * </pre>
   */
  public static final class ExecutorServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<ExecutorServiceFutureStub> {
    private ExecutorServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected ExecutorServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new ExecutorServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * LaunchTasks starts tasks and returns once they are accepted; each task's
     * end is reported with SchedulerService.ReportTaskStatus.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.LaunchTasksResponse> launchTasks(
        dev.trebuchet.v1.LaunchTasksRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getLaunchTasksMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CancelTasks stops tasks and drops their outputs. Unknown tasks are
     * ignored.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.CancelTasksResponse> cancelTasks(
        dev.trebuchet.v1.CancelTasksRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelTasksMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReleaseOutputs drops the outputs of a finished job's tasks.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.ReleaseOutputsResponse> releaseOutputs(
        dev.trebuchet.v1.ReleaseOutputsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReleaseOutputsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_LAUNCH_TASKS = 0;
  private static final int METHODID_CANCEL_TASKS = 1;
  private static final int METHODID_RELEASE_OUTPUTS = 2;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_LAUNCH_TASKS:
          serviceImpl.launchTasks((dev.trebuchet.v1.LaunchTasksRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.LaunchTasksResponse>) responseObserver);
          break;
        case METHODID_CANCEL_TASKS:
          serviceImpl.cancelTasks((dev.trebuchet.v1.CancelTasksRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelTasksResponse>) responseObserver);
          break;
        case METHODID_RELEASE_OUTPUTS:
          serviceImpl.releaseOutputs((dev.trebuchet.v1.ReleaseOutputsRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReleaseOutputsResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getLaunchTasksMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.LaunchTasksRequest,
              dev.trebuchet.v1.LaunchTasksResponse>(
                service, METHODID_LAUNCH_TASKS)))
        .addMethod(
          getCancelTasksMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.CancelTasksRequest,
              dev.trebuchet.v1.CancelTasksResponse>(
                service, METHODID_CANCEL_TASKS)))
        .addMethod(
          getReleaseOutputsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.ReleaseOutputsRequest,
              dev.trebuchet.v1.ReleaseOutputsResponse>(
                service, METHODID_RELEASE_OUTPUTS)))
        .build();
  }

  private static abstract class ExecutorServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    ExecutorServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.trebuchet.v1.Executor.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("ExecutorService");
    }
  }

  private static final class ExecutorServiceFileDescriptorSupplier
      extends ExecutorServiceBaseDescriptorSupplier {
    ExecutorServiceFileDescriptorSupplier() {}
  }

  private static final class ExecutorServiceMethodDescriptorSupplier
      extends ExecutorServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    ExecutorServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (ExecutorServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new ExecutorServiceFileDescriptorSupplier())
              .addMethod(getLaunchTasksMethod())
              .addMethod(getCancelTasksMethod())
              .addMethod(getReleaseOutputsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
