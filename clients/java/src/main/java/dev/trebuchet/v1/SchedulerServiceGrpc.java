package dev.trebuchet.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * SchedulerService is what executors call. An executor registers, then keeps
 * itself alive with heartbeats and reports every task's end. It receives work
 * in one of two ways, chosen at registration: pushed to its ExecutorService
 * (when it gives a control_address), or pulled with PollWork.
 * Plans travel once: a task definition names its stage's plan (StagePlanRef)
 * instead of carrying it, and an executor fetches each stage plan it runs
 * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
 * runs, so no message holds a whole plan and plan size is not bound by a
 * message size limit.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class SchedulerServiceGrpc {

  private SchedulerServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "trebuchet.v1.SchedulerService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.RegisterExecutorRequest,
      dev.trebuchet.v1.RegisterExecutorResponse> getRegisterExecutorMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "RegisterExecutor",
      requestType = dev.trebuchet.v1.RegisterExecutorRequest.class,
      responseType = dev.trebuchet.v1.RegisterExecutorResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.RegisterExecutorRequest,
      dev.trebuchet.v1.RegisterExecutorResponse> getRegisterExecutorMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.RegisterExecutorRequest, dev.trebuchet.v1.RegisterExecutorResponse> getRegisterExecutorMethod;
    if ((getRegisterExecutorMethod = SchedulerServiceGrpc.getRegisterExecutorMethod) == null) {
      synchronized (SchedulerServiceGrpc.class) {
        if ((getRegisterExecutorMethod = SchedulerServiceGrpc.getRegisterExecutorMethod) == null) {
          SchedulerServiceGrpc.getRegisterExecutorMethod = getRegisterExecutorMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.RegisterExecutorRequest, dev.trebuchet.v1.RegisterExecutorResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "RegisterExecutor"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.RegisterExecutorRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.RegisterExecutorResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SchedulerServiceMethodDescriptorSupplier("RegisterExecutor"))
              .build();
        }
      }
    }
    return getRegisterExecutorMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.HeartbeatRequest,
      dev.trebuchet.v1.HeartbeatResponse> getHeartbeatMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "Heartbeat",
      requestType = dev.trebuchet.v1.HeartbeatRequest.class,
      responseType = dev.trebuchet.v1.HeartbeatResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.HeartbeatRequest,
      dev.trebuchet.v1.HeartbeatResponse> getHeartbeatMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.HeartbeatRequest, dev.trebuchet.v1.HeartbeatResponse> getHeartbeatMethod;
    if ((getHeartbeatMethod = SchedulerServiceGrpc.getHeartbeatMethod) == null) {
      synchronized (SchedulerServiceGrpc.class) {
        if ((getHeartbeatMethod = SchedulerServiceGrpc.getHeartbeatMethod) == null) {
          SchedulerServiceGrpc.getHeartbeatMethod = getHeartbeatMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.HeartbeatRequest, dev.trebuchet.v1.HeartbeatResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "Heartbeat"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.HeartbeatRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.HeartbeatResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SchedulerServiceMethodDescriptorSupplier("Heartbeat"))
              .build();
        }
      }
    }
    return getHeartbeatMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.PollWorkRequest,
      dev.trebuchet.v1.PollWorkResponse> getPollWorkMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "PollWork",
      requestType = dev.trebuchet.v1.PollWorkRequest.class,
      responseType = dev.trebuchet.v1.PollWorkResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.PollWorkRequest,
      dev.trebuchet.v1.PollWorkResponse> getPollWorkMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.PollWorkRequest, dev.trebuchet.v1.PollWorkResponse> getPollWorkMethod;
    if ((getPollWorkMethod = SchedulerServiceGrpc.getPollWorkMethod) == null) {
      synchronized (SchedulerServiceGrpc.class) {
        if ((getPollWorkMethod = SchedulerServiceGrpc.getPollWorkMethod) == null) {
          SchedulerServiceGrpc.getPollWorkMethod = getPollWorkMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.PollWorkRequest, dev.trebuchet.v1.PollWorkResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "PollWork"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.PollWorkRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.PollWorkResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SchedulerServiceMethodDescriptorSupplier("PollWork"))
              .build();
        }
      }
    }
    return getPollWorkMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.ReportTaskStatusRequest,
      dev.trebuchet.v1.ReportTaskStatusResponse> getReportTaskStatusMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ReportTaskStatus",
      requestType = dev.trebuchet.v1.ReportTaskStatusRequest.class,
      responseType = dev.trebuchet.v1.ReportTaskStatusResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.ReportTaskStatusRequest,
      dev.trebuchet.v1.ReportTaskStatusResponse> getReportTaskStatusMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.ReportTaskStatusRequest, dev.trebuchet.v1.ReportTaskStatusResponse> getReportTaskStatusMethod;
    if ((getReportTaskStatusMethod = SchedulerServiceGrpc.getReportTaskStatusMethod) == null) {
      synchronized (SchedulerServiceGrpc.class) {
        if ((getReportTaskStatusMethod = SchedulerServiceGrpc.getReportTaskStatusMethod) == null) {
          SchedulerServiceGrpc.getReportTaskStatusMethod = getReportTaskStatusMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.ReportTaskStatusRequest, dev.trebuchet.v1.ReportTaskStatusResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ReportTaskStatus"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ReportTaskStatusRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ReportTaskStatusResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SchedulerServiceMethodDescriptorSupplier("ReportTaskStatus"))
              .build();
        }
      }
    }
    return getReportTaskStatusMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.GetStagePlanRequest,
      dev.trebuchet.v1.GetStagePlanResponse> getGetStagePlanMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetStagePlan",
      requestType = dev.trebuchet.v1.GetStagePlanRequest.class,
      responseType = dev.trebuchet.v1.GetStagePlanResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.GetStagePlanRequest,
      dev.trebuchet.v1.GetStagePlanResponse> getGetStagePlanMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.GetStagePlanRequest, dev.trebuchet.v1.GetStagePlanResponse> getGetStagePlanMethod;
    if ((getGetStagePlanMethod = SchedulerServiceGrpc.getGetStagePlanMethod) == null) {
      synchronized (SchedulerServiceGrpc.class) {
        if ((getGetStagePlanMethod = SchedulerServiceGrpc.getGetStagePlanMethod) == null) {
          SchedulerServiceGrpc.getGetStagePlanMethod = getGetStagePlanMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.GetStagePlanRequest, dev.trebuchet.v1.GetStagePlanResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetStagePlan"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.GetStagePlanRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.GetStagePlanResponse.getDefaultInstance()))
              .setSchemaDescriptor(new SchedulerServiceMethodDescriptorSupplier("GetStagePlan"))
              .build();
        }
      }
    }
    return getGetStagePlanMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static SchedulerServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceStub>() {
        @java.lang.Override
        public SchedulerServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SchedulerServiceStub(channel, callOptions);
        }
      };
    return SchedulerServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static SchedulerServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceBlockingV2Stub>() {
        @java.lang.Override
        public SchedulerServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SchedulerServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return SchedulerServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static SchedulerServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceBlockingStub>() {
        @java.lang.Override
        public SchedulerServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SchedulerServiceBlockingStub(channel, callOptions);
        }
      };
    return SchedulerServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static SchedulerServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<SchedulerServiceFutureStub>() {
        @java.lang.Override
        public SchedulerServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new SchedulerServiceFutureStub(channel, callOptions);
        }
      };
    return SchedulerServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * RegisterExecutor adds an executor, or re-adds one the scheduler forgot.
     * </pre>
     */
    default void registerExecutor(dev.trebuchet.v1.RegisterExecutorRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.RegisterExecutorResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getRegisterExecutorMethod(), responseObserver);
    }

    /**
     * <pre>
     * Heartbeat tells the scheduler the executor is alive. An executor that
     * misses heartbeats for the returned timeout is declared lost.
     * </pre>
     */
    default void heartbeat(dev.trebuchet.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getHeartbeatMethod(), responseObserver);
    }

    /**
     * <pre>
     * PollWork waits up to wait_timeout for tasks to run and returns them; an
     * empty response means none arrived in time. Only for pull executors.
     * </pre>
     */
    default void pollWork(dev.trebuchet.v1.PollWorkRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.PollWorkResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getPollWorkMethod(), responseObserver);
    }

    /**
     * <pre>
     * ReportTaskStatus reports task state changes, at least each task's end.
     * </pre>
     */
    default void reportTaskStatus(dev.trebuchet.v1.ReportTaskStatusRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReportTaskStatusResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getReportTaskStatusMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetStagePlan streams the serialized plan of one stage of a job, in
     * chunks of about 1 MiB whose concatenation is the plan StagePlanRef
     * describes. A job that is unknown or has finished is NOT_FOUND.
     * </pre>
     */
    default void getStagePlan(dev.trebuchet.v1.GetStagePlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetStagePlanResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetStagePlanMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service SchedulerService.
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public static abstract class SchedulerServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return SchedulerServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service SchedulerService.
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public static final class SchedulerServiceStub
      extends io.grpc.stub.AbstractAsyncStub<SchedulerServiceStub> {
    private SchedulerServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SchedulerServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SchedulerServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * RegisterExecutor adds an executor, or re-adds one the scheduler forgot.
     * </pre>
     */
    public void registerExecutor(dev.trebuchet.v1.RegisterExecutorRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.RegisterExecutorResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getRegisterExecutorMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Heartbeat tells the scheduler the executor is alive. An executor that
     * misses heartbeats for the returned timeout is declared lost.
     * </pre>
     */
    public void heartbeat(dev.trebuchet.v1.HeartbeatRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.HeartbeatResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * PollWork waits up to wait_timeout for tasks to run and returns them; an
     * empty response means none arrived in time. Only for pull executors.
     * </pre>
     */
    public void pollWork(dev.trebuchet.v1.PollWorkRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.PollWorkResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getPollWorkMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ReportTaskStatus reports task state changes, at least each task's end.
     * </pre>
     */
    public void reportTaskStatus(dev.trebuchet.v1.ReportTaskStatusRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReportTaskStatusResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getReportTaskStatusMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetStagePlan streams the serialized plan of one stage of a job, in
     * chunks of about 1 MiB whose concatenation is the plan StagePlanRef
     * describes. A job that is unknown or has finished is NOT_FOUND.
     * </pre>
     */
    public void getStagePlan(dev.trebuchet.v1.GetStagePlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetStagePlanResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getGetStagePlanMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service SchedulerService.
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public static final class SchedulerServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<SchedulerServiceBlockingV2Stub> {
    private SchedulerServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SchedulerServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SchedulerServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * RegisterExecutor adds an executor, or re-adds one the scheduler forgot.
     * </pre>
     */
    public dev.trebuchet.v1.RegisterExecutorResponse registerExecutor(dev.trebuchet.v1.RegisterExecutorRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getRegisterExecutorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Heartbeat tells the scheduler the executor is alive. An executor that
     * misses heartbeats for the returned timeout is declared lost.
     * </pre>
     */
    public dev.trebuchet.v1.HeartbeatResponse heartbeat(dev.trebuchet.v1.HeartbeatRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * PollWork waits up to wait_timeout for tasks to run and returns them; an
     * empty response means none arrived in time. Only for pull executors.
     * </pre>
     */
    public dev.trebuchet.v1.PollWorkResponse pollWork(dev.trebuchet.v1.PollWorkRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getPollWorkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReportTaskStatus reports task state changes, at least each task's end.
     * </pre>
     */
    public dev.trebuchet.v1.ReportTaskStatusResponse reportTaskStatus(dev.trebuchet.v1.ReportTaskStatusRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getReportTaskStatusMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetStagePlan streams the serialized plan of one stage of a job, in
     * chunks of about 1 MiB whose concatenation is the plan StagePlanRef
     * describes. A job that is unknown or has finished is NOT_FOUND.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.trebuchet.v1.GetStagePlanResponse>
        getStagePlan(dev.trebuchet.v1.GetStagePlanRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getGetStagePlanMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service SchedulerService.
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public static final class SchedulerServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<SchedulerServiceBlockingStub> {
    private SchedulerServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SchedulerServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SchedulerServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * RegisterExecutor adds an executor, or re-adds one the scheduler forgot.
     * </pre>
     */
    public dev.trebuchet.v1.RegisterExecutorResponse registerExecutor(dev.trebuchet.v1.RegisterExecutorRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getRegisterExecutorMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Heartbeat tells the scheduler the executor is alive. An executor that
     * misses heartbeats for the returned timeout is declared lost.
     * </pre>
     */
    public dev.trebuchet.v1.HeartbeatResponse heartbeat(dev.trebuchet.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getHeartbeatMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * PollWork waits up to wait_timeout for tasks to run and returns them; an
     * empty response means none arrived in time. Only for pull executors.
     * </pre>
     */
    public dev.trebuchet.v1.PollWorkResponse pollWork(dev.trebuchet.v1.PollWorkRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getPollWorkMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ReportTaskStatus reports task state changes, at least each task's end.
     * </pre>
     */
    public dev.trebuchet.v1.ReportTaskStatusResponse reportTaskStatus(dev.trebuchet.v1.ReportTaskStatusRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getReportTaskStatusMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetStagePlan streams the serialized plan of one stage of a job, in
     * chunks of about 1 MiB whose concatenation is the plan StagePlanRef
     * describes. A job that is unknown or has finished is NOT_FOUND.
     * </pre>
     */
    public java.util.Iterator<dev.trebuchet.v1.GetStagePlanResponse> getStagePlan(
        dev.trebuchet.v1.GetStagePlanRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getGetStagePlanMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service SchedulerService.
   * <pre>
   * SchedulerService is what executors call. An executor registers, then keeps
   * itself alive with heartbeats and reports every task's end. It receives work
   * in one of two ways, chosen at registration: pushed to its ExecutorService
   * (when it gives a control_address), or pulled with PollWork.
   * Plans travel once: a task definition names its stage's plan (StagePlanRef)
   * instead of carrying it, and an executor fetches each stage plan it runs
   * with GetStagePlan, streamed in chunks, once for all the stage's tasks it
   * runs, so no message holds a whole plan and plan size is not bound by a
   * message size limit.
   * </pre>
   */
  public static final class SchedulerServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<SchedulerServiceFutureStub> {
    private SchedulerServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected SchedulerServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new SchedulerServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * RegisterExecutor adds an executor, or re-adds one the scheduler forgot.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.RegisterExecutorResponse> registerExecutor(
        dev.trebuchet.v1.RegisterExecutorRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getRegisterExecutorMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Heartbeat tells the scheduler the executor is alive. An executor that
     * misses heartbeats for the returned timeout is declared lost.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.HeartbeatResponse> heartbeat(
        dev.trebuchet.v1.HeartbeatRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getHeartbeatMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * PollWork waits up to wait_timeout for tasks to run and returns them; an
     * empty response means none arrived in time. Only for pull executors.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.PollWorkResponse> pollWork(
        dev.trebuchet.v1.PollWorkRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getPollWorkMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ReportTaskStatus reports task state changes, at least each task's end.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.ReportTaskStatusResponse> reportTaskStatus(
        dev.trebuchet.v1.ReportTaskStatusRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getReportTaskStatusMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_REGISTER_EXECUTOR = 0;
  private static final int METHODID_HEARTBEAT = 1;
  private static final int METHODID_POLL_WORK = 2;
  private static final int METHODID_REPORT_TASK_STATUS = 3;
  private static final int METHODID_GET_STAGE_PLAN = 4;

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
        case METHODID_REGISTER_EXECUTOR:
          serviceImpl.registerExecutor((dev.trebuchet.v1.RegisterExecutorRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.RegisterExecutorResponse>) responseObserver);
          break;
        case METHODID_HEARTBEAT:
          serviceImpl.heartbeat((dev.trebuchet.v1.HeartbeatRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.HeartbeatResponse>) responseObserver);
          break;
        case METHODID_POLL_WORK:
          serviceImpl.pollWork((dev.trebuchet.v1.PollWorkRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.PollWorkResponse>) responseObserver);
          break;
        case METHODID_REPORT_TASK_STATUS:
          serviceImpl.reportTaskStatus((dev.trebuchet.v1.ReportTaskStatusRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.ReportTaskStatusResponse>) responseObserver);
          break;
        case METHODID_GET_STAGE_PLAN:
          serviceImpl.getStagePlan((dev.trebuchet.v1.GetStagePlanRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetStagePlanResponse>) responseObserver);
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
          getRegisterExecutorMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.RegisterExecutorRequest,
              dev.trebuchet.v1.RegisterExecutorResponse>(
                service, METHODID_REGISTER_EXECUTOR)))
        .addMethod(
          getHeartbeatMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.HeartbeatRequest,
              dev.trebuchet.v1.HeartbeatResponse>(
                service, METHODID_HEARTBEAT)))
        .addMethod(
          getPollWorkMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.PollWorkRequest,
              dev.trebuchet.v1.PollWorkResponse>(
                service, METHODID_POLL_WORK)))
        .addMethod(
          getReportTaskStatusMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.ReportTaskStatusRequest,
              dev.trebuchet.v1.ReportTaskStatusResponse>(
                service, METHODID_REPORT_TASK_STATUS)))
        .addMethod(
          getGetStagePlanMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.trebuchet.v1.GetStagePlanRequest,
              dev.trebuchet.v1.GetStagePlanResponse>(
                service, METHODID_GET_STAGE_PLAN)))
        .build();
  }

  private static abstract class SchedulerServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    SchedulerServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.trebuchet.v1.Scheduler.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("SchedulerService");
    }
  }

  private static final class SchedulerServiceFileDescriptorSupplier
      extends SchedulerServiceBaseDescriptorSupplier {
    SchedulerServiceFileDescriptorSupplier() {}
  }

  private static final class SchedulerServiceMethodDescriptorSupplier
      extends SchedulerServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    SchedulerServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (SchedulerServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new SchedulerServiceFileDescriptorSupplier())
              .addMethod(getRegisterExecutorMethod())
              .addMethod(getHeartbeatMethod())
              .addMethod(getPollWorkMethod())
              .addMethod(getReportTaskStatusMethod())
              .addMethod(getGetStagePlanMethod())
              .build();
        }
      }
    }
    return result;
  }
}
