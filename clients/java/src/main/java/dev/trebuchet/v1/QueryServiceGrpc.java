package dev.trebuchet.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * QueryService is the client-facing front door, served by the gateway over
 * Connect, gRPC and gRPC-Web on one port.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class QueryServiceGrpc {

  private QueryServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "trebuchet.v1.QueryService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.SubmitPlanRequest,
      dev.trebuchet.v1.SubmitPlanResponse> getSubmitPlanMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SubmitPlan",
      requestType = dev.trebuchet.v1.SubmitPlanRequest.class,
      responseType = dev.trebuchet.v1.SubmitPlanResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.SubmitPlanRequest,
      dev.trebuchet.v1.SubmitPlanResponse> getSubmitPlanMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.SubmitPlanRequest, dev.trebuchet.v1.SubmitPlanResponse> getSubmitPlanMethod;
    if ((getSubmitPlanMethod = QueryServiceGrpc.getSubmitPlanMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getSubmitPlanMethod = QueryServiceGrpc.getSubmitPlanMethod) == null) {
          QueryServiceGrpc.getSubmitPlanMethod = getSubmitPlanMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.SubmitPlanRequest, dev.trebuchet.v1.SubmitPlanResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SubmitPlan"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.SubmitPlanRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.SubmitPlanResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("SubmitPlan"))
              .build();
        }
      }
    }
    return getSubmitPlanMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.WatchJobRequest,
      dev.trebuchet.v1.WatchJobResponse> getWatchJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "WatchJob",
      requestType = dev.trebuchet.v1.WatchJobRequest.class,
      responseType = dev.trebuchet.v1.WatchJobResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.WatchJobRequest,
      dev.trebuchet.v1.WatchJobResponse> getWatchJobMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.WatchJobRequest, dev.trebuchet.v1.WatchJobResponse> getWatchJobMethod;
    if ((getWatchJobMethod = QueryServiceGrpc.getWatchJobMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getWatchJobMethod = QueryServiceGrpc.getWatchJobMethod) == null) {
          QueryServiceGrpc.getWatchJobMethod = getWatchJobMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.WatchJobRequest, dev.trebuchet.v1.WatchJobResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "WatchJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.WatchJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.WatchJobResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("WatchJob"))
              .build();
        }
      }
    }
    return getWatchJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.GetJobRequest,
      dev.trebuchet.v1.GetJobResponse> getGetJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetJob",
      requestType = dev.trebuchet.v1.GetJobRequest.class,
      responseType = dev.trebuchet.v1.GetJobResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.GetJobRequest,
      dev.trebuchet.v1.GetJobResponse> getGetJobMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.GetJobRequest, dev.trebuchet.v1.GetJobResponse> getGetJobMethod;
    if ((getGetJobMethod = QueryServiceGrpc.getGetJobMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getGetJobMethod = QueryServiceGrpc.getGetJobMethod) == null) {
          QueryServiceGrpc.getGetJobMethod = getGetJobMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.GetJobRequest, dev.trebuchet.v1.GetJobResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.GetJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.GetJobResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("GetJob"))
              .build();
        }
      }
    }
    return getGetJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.FetchResultsRequest,
      dev.trebuchet.v1.FetchResultsResponse> getFetchResultsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "FetchResults",
      requestType = dev.trebuchet.v1.FetchResultsRequest.class,
      responseType = dev.trebuchet.v1.FetchResultsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.FetchResultsRequest,
      dev.trebuchet.v1.FetchResultsResponse> getFetchResultsMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.FetchResultsRequest, dev.trebuchet.v1.FetchResultsResponse> getFetchResultsMethod;
    if ((getFetchResultsMethod = QueryServiceGrpc.getFetchResultsMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getFetchResultsMethod = QueryServiceGrpc.getFetchResultsMethod) == null) {
          QueryServiceGrpc.getFetchResultsMethod = getFetchResultsMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.FetchResultsRequest, dev.trebuchet.v1.FetchResultsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "FetchResults"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.FetchResultsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.FetchResultsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("FetchResults"))
              .build();
        }
      }
    }
    return getFetchResultsMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.ExecutePlanRequest,
      dev.trebuchet.v1.ExecutePlanResponse> getExecutePlanMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ExecutePlan",
      requestType = dev.trebuchet.v1.ExecutePlanRequest.class,
      responseType = dev.trebuchet.v1.ExecutePlanResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.ExecutePlanRequest,
      dev.trebuchet.v1.ExecutePlanResponse> getExecutePlanMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.ExecutePlanRequest, dev.trebuchet.v1.ExecutePlanResponse> getExecutePlanMethod;
    if ((getExecutePlanMethod = QueryServiceGrpc.getExecutePlanMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getExecutePlanMethod = QueryServiceGrpc.getExecutePlanMethod) == null) {
          QueryServiceGrpc.getExecutePlanMethod = getExecutePlanMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.ExecutePlanRequest, dev.trebuchet.v1.ExecutePlanResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ExecutePlan"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ExecutePlanRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ExecutePlanResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("ExecutePlan"))
              .build();
        }
      }
    }
    return getExecutePlanMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.ExplainPlanRequest,
      dev.trebuchet.v1.ExplainPlanResponse> getExplainPlanMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ExplainPlan",
      requestType = dev.trebuchet.v1.ExplainPlanRequest.class,
      responseType = dev.trebuchet.v1.ExplainPlanResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.ExplainPlanRequest,
      dev.trebuchet.v1.ExplainPlanResponse> getExplainPlanMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.ExplainPlanRequest, dev.trebuchet.v1.ExplainPlanResponse> getExplainPlanMethod;
    if ((getExplainPlanMethod = QueryServiceGrpc.getExplainPlanMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getExplainPlanMethod = QueryServiceGrpc.getExplainPlanMethod) == null) {
          QueryServiceGrpc.getExplainPlanMethod = getExplainPlanMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.ExplainPlanRequest, dev.trebuchet.v1.ExplainPlanResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ExplainPlan"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ExplainPlanRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ExplainPlanResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("ExplainPlan"))
              .build();
        }
      }
    }
    return getExplainPlanMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelJobRequest,
      dev.trebuchet.v1.CancelJobResponse> getCancelJobMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CancelJob",
      requestType = dev.trebuchet.v1.CancelJobRequest.class,
      responseType = dev.trebuchet.v1.CancelJobResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelJobRequest,
      dev.trebuchet.v1.CancelJobResponse> getCancelJobMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.CancelJobRequest, dev.trebuchet.v1.CancelJobResponse> getCancelJobMethod;
    if ((getCancelJobMethod = QueryServiceGrpc.getCancelJobMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getCancelJobMethod = QueryServiceGrpc.getCancelJobMethod) == null) {
          QueryServiceGrpc.getCancelJobMethod = getCancelJobMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.CancelJobRequest, dev.trebuchet.v1.CancelJobResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CancelJob"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.CancelJobRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.CancelJobResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("CancelJob"))
              .build();
        }
      }
    }
    return getCancelJobMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.trebuchet.v1.ListJobsRequest,
      dev.trebuchet.v1.ListJobsResponse> getListJobsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListJobs",
      requestType = dev.trebuchet.v1.ListJobsRequest.class,
      responseType = dev.trebuchet.v1.ListJobsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.trebuchet.v1.ListJobsRequest,
      dev.trebuchet.v1.ListJobsResponse> getListJobsMethod() {
    io.grpc.MethodDescriptor<dev.trebuchet.v1.ListJobsRequest, dev.trebuchet.v1.ListJobsResponse> getListJobsMethod;
    if ((getListJobsMethod = QueryServiceGrpc.getListJobsMethod) == null) {
      synchronized (QueryServiceGrpc.class) {
        if ((getListJobsMethod = QueryServiceGrpc.getListJobsMethod) == null) {
          QueryServiceGrpc.getListJobsMethod = getListJobsMethod =
              io.grpc.MethodDescriptor.<dev.trebuchet.v1.ListJobsRequest, dev.trebuchet.v1.ListJobsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListJobs"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ListJobsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.trebuchet.v1.ListJobsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new QueryServiceMethodDescriptorSupplier("ListJobs"))
              .build();
        }
      }
    }
    return getListJobsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static QueryServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<QueryServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<QueryServiceStub>() {
        @java.lang.Override
        public QueryServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new QueryServiceStub(channel, callOptions);
        }
      };
    return QueryServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static QueryServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<QueryServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<QueryServiceBlockingV2Stub>() {
        @java.lang.Override
        public QueryServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new QueryServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return QueryServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static QueryServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<QueryServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<QueryServiceBlockingStub>() {
        @java.lang.Override
        public QueryServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new QueryServiceBlockingStub(channel, callOptions);
        }
      };
    return QueryServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static QueryServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<QueryServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<QueryServiceFutureStub>() {
        @java.lang.Override
        public QueryServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new QueryServiceFutureStub(channel, callOptions);
        }
      };
    return QueryServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * SubmitPlan starts a job for a plan (Substrait, or SQL) and returns at once
     * with its id. Plans that cannot be decoded, refer to unknown tables or
     * columns, or use unknown functions are refused here with INVALID_ARGUMENT
     * or NOT_FOUND. A plan's size is bounded only by the gateway's request
     * limit (256 MiB unless configured otherwise): larger requests, to this
     * and every other method, fail with RESOURCE_EXHAUSTED naming the limit.
     * </pre>
     */
    default void submitPlan(dev.trebuchet.v1.SubmitPlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.SubmitPlanResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSubmitPlanMethod(), responseObserver);
    }

    /**
     * <pre>
     * WatchJob streams the job's status: the current status first, then every
     * change, ending after a terminal state.
     * </pre>
     */
    default void watchJob(dev.trebuchet.v1.WatchJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.WatchJobResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getWatchJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * GetJob returns the job's current status.
     * </pre>
     */
    default void getJob(dev.trebuchet.v1.GetJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetJobResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * FetchResults waits for the job to finish and streams its result as one
     * Arrow IPC stream, cut into chunks: concatenate the chunks' bytes and read
     * them with any Arrow IPC stream reader.
     * </pre>
     */
    default void fetchResults(dev.trebuchet.v1.FetchResultsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.FetchResultsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getFetchResultsMethod(), responseObserver);
    }

    /**
     * <pre>
     * ExecutePlan submits a plan, waits for it and returns the whole result in
     * one response, for small results and for tools such as curl. Results over
     * max_rows fail with RESOURCE_EXHAUSTED; use SubmitPlan and FetchResults
     * for large ones.
     * </pre>
     */
    default void executePlan(dev.trebuchet.v1.ExecutePlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExecutePlanResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getExecutePlanMethod(), responseObserver);
    }

    /**
     * <pre>
     * ExplainPlan returns the physical plan of a Substrait plan as text. With
     * analyze set it runs the plan as a job, discards its rows, and returns the
     * plan annotated with each operator's output rows, batches and time.
     * </pre>
     */
    default void explainPlan(dev.trebuchet.v1.ExplainPlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExplainPlanResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getExplainPlanMethod(), responseObserver);
    }

    /**
     * <pre>
     * CancelJob cancels a queued or running job. Cancelling a finished job is a
     * no-op that returns its final status.
     * </pre>
     */
    default void cancelJob(dev.trebuchet.v1.CancelJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelJobResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCancelJobMethod(), responseObserver);
    }

    /**
     * <pre>
     * ListJobs lists known jobs, newest first.
     * </pre>
     */
    default void listJobs(dev.trebuchet.v1.ListJobsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ListJobsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListJobsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service QueryService.
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public static abstract class QueryServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return QueryServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service QueryService.
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public static final class QueryServiceStub
      extends io.grpc.stub.AbstractAsyncStub<QueryServiceStub> {
    private QueryServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected QueryServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new QueryServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * SubmitPlan starts a job for a plan (Substrait, or SQL) and returns at once
     * with its id. Plans that cannot be decoded, refer to unknown tables or
     * columns, or use unknown functions are refused here with INVALID_ARGUMENT
     * or NOT_FOUND. A plan's size is bounded only by the gateway's request
     * limit (256 MiB unless configured otherwise): larger requests, to this
     * and every other method, fail with RESOURCE_EXHAUSTED naming the limit.
     * </pre>
     */
    public void submitPlan(dev.trebuchet.v1.SubmitPlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.SubmitPlanResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSubmitPlanMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * WatchJob streams the job's status: the current status first, then every
     * change, ending after a terminal state.
     * </pre>
     */
    public void watchJob(dev.trebuchet.v1.WatchJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.WatchJobResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getWatchJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * GetJob returns the job's current status.
     * </pre>
     */
    public void getJob(dev.trebuchet.v1.GetJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetJobResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * FetchResults waits for the job to finish and streams its result as one
     * Arrow IPC stream, cut into chunks: concatenate the chunks' bytes and read
     * them with any Arrow IPC stream reader.
     * </pre>
     */
    public void fetchResults(dev.trebuchet.v1.FetchResultsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.FetchResultsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getFetchResultsMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ExecutePlan submits a plan, waits for it and returns the whole result in
     * one response, for small results and for tools such as curl. Results over
     * max_rows fail with RESOURCE_EXHAUSTED; use SubmitPlan and FetchResults
     * for large ones.
     * </pre>
     */
    public void executePlan(dev.trebuchet.v1.ExecutePlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExecutePlanResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getExecutePlanMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ExplainPlan returns the physical plan of a Substrait plan as text. With
     * analyze set it runs the plan as a job, discards its rows, and returns the
     * plan annotated with each operator's output rows, batches and time.
     * </pre>
     */
    public void explainPlan(dev.trebuchet.v1.ExplainPlanRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExplainPlanResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getExplainPlanMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * CancelJob cancels a queued or running job. Cancelling a finished job is a
     * no-op that returns its final status.
     * </pre>
     */
    public void cancelJob(dev.trebuchet.v1.CancelJobRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelJobResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCancelJobMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * ListJobs lists known jobs, newest first.
     * </pre>
     */
    public void listJobs(dev.trebuchet.v1.ListJobsRequest request,
        io.grpc.stub.StreamObserver<dev.trebuchet.v1.ListJobsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListJobsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service QueryService.
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public static final class QueryServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<QueryServiceBlockingV2Stub> {
    private QueryServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected QueryServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new QueryServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * SubmitPlan starts a job for a plan (Substrait, or SQL) and returns at once
     * with its id. Plans that cannot be decoded, refer to unknown tables or
     * columns, or use unknown functions are refused here with INVALID_ARGUMENT
     * or NOT_FOUND. A plan's size is bounded only by the gateway's request
     * limit (256 MiB unless configured otherwise): larger requests, to this
     * and every other method, fail with RESOURCE_EXHAUSTED naming the limit.
     * </pre>
     */
    public dev.trebuchet.v1.SubmitPlanResponse submitPlan(dev.trebuchet.v1.SubmitPlanRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSubmitPlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WatchJob streams the job's status: the current status first, then every
     * change, ending after a terminal state.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.trebuchet.v1.WatchJobResponse>
        watchJob(dev.trebuchet.v1.WatchJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getWatchJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetJob returns the job's current status.
     * </pre>
     */
    public dev.trebuchet.v1.GetJobResponse getJob(dev.trebuchet.v1.GetJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * FetchResults waits for the job to finish and streams its result as one
     * Arrow IPC stream, cut into chunks: concatenate the chunks' bytes and read
     * them with any Arrow IPC stream reader.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.trebuchet.v1.FetchResultsResponse>
        fetchResults(dev.trebuchet.v1.FetchResultsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getFetchResultsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ExecutePlan submits a plan, waits for it and returns the whole result in
     * one response, for small results and for tools such as curl. Results over
     * max_rows fail with RESOURCE_EXHAUSTED; use SubmitPlan and FetchResults
     * for large ones.
     * </pre>
     */
    public dev.trebuchet.v1.ExecutePlanResponse executePlan(dev.trebuchet.v1.ExecutePlanRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getExecutePlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ExplainPlan returns the physical plan of a Substrait plan as text. With
     * analyze set it runs the plan as a job, discards its rows, and returns the
     * plan annotated with each operator's output rows, batches and time.
     * </pre>
     */
    public dev.trebuchet.v1.ExplainPlanResponse explainPlan(dev.trebuchet.v1.ExplainPlanRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getExplainPlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CancelJob cancels a queued or running job. Cancelling a finished job is a
     * no-op that returns its final status.
     * </pre>
     */
    public dev.trebuchet.v1.CancelJobResponse cancelJob(dev.trebuchet.v1.CancelJobRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCancelJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListJobs lists known jobs, newest first.
     * </pre>
     */
    public dev.trebuchet.v1.ListJobsResponse listJobs(dev.trebuchet.v1.ListJobsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListJobsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service QueryService.
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public static final class QueryServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<QueryServiceBlockingStub> {
    private QueryServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected QueryServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new QueryServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * SubmitPlan starts a job for a plan (Substrait, or SQL) and returns at once
     * with its id. Plans that cannot be decoded, refer to unknown tables or
     * columns, or use unknown functions are refused here with INVALID_ARGUMENT
     * or NOT_FOUND. A plan's size is bounded only by the gateway's request
     * limit (256 MiB unless configured otherwise): larger requests, to this
     * and every other method, fail with RESOURCE_EXHAUSTED naming the limit.
     * </pre>
     */
    public dev.trebuchet.v1.SubmitPlanResponse submitPlan(dev.trebuchet.v1.SubmitPlanRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSubmitPlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * WatchJob streams the job's status: the current status first, then every
     * change, ending after a terminal state.
     * </pre>
     */
    public java.util.Iterator<dev.trebuchet.v1.WatchJobResponse> watchJob(
        dev.trebuchet.v1.WatchJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getWatchJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * GetJob returns the job's current status.
     * </pre>
     */
    public dev.trebuchet.v1.GetJobResponse getJob(dev.trebuchet.v1.GetJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * FetchResults waits for the job to finish and streams its result as one
     * Arrow IPC stream, cut into chunks: concatenate the chunks' bytes and read
     * them with any Arrow IPC stream reader.
     * </pre>
     */
    public java.util.Iterator<dev.trebuchet.v1.FetchResultsResponse> fetchResults(
        dev.trebuchet.v1.FetchResultsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getFetchResultsMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ExecutePlan submits a plan, waits for it and returns the whole result in
     * one response, for small results and for tools such as curl. Results over
     * max_rows fail with RESOURCE_EXHAUSTED; use SubmitPlan and FetchResults
     * for large ones.
     * </pre>
     */
    public dev.trebuchet.v1.ExecutePlanResponse executePlan(dev.trebuchet.v1.ExecutePlanRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getExecutePlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ExplainPlan returns the physical plan of a Substrait plan as text. With
     * analyze set it runs the plan as a job, discards its rows, and returns the
     * plan annotated with each operator's output rows, batches and time.
     * </pre>
     */
    public dev.trebuchet.v1.ExplainPlanResponse explainPlan(dev.trebuchet.v1.ExplainPlanRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getExplainPlanMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * CancelJob cancels a queued or running job. Cancelling a finished job is a
     * no-op that returns its final status.
     * </pre>
     */
    public dev.trebuchet.v1.CancelJobResponse cancelJob(dev.trebuchet.v1.CancelJobRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCancelJobMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * ListJobs lists known jobs, newest first.
     * </pre>
     */
    public dev.trebuchet.v1.ListJobsResponse listJobs(dev.trebuchet.v1.ListJobsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListJobsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service QueryService.
   * <pre>
   * QueryService is the client-facing front door, served by the gateway over
   * Connect, gRPC and gRPC-Web on one port.
   * </pre>
   */
  public static final class QueryServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<QueryServiceFutureStub> {
    private QueryServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected QueryServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new QueryServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * SubmitPlan starts a job for a plan (Substrait, or SQL) and returns at once
     * with its id. Plans that cannot be decoded, refer to unknown tables or
     * columns, or use unknown functions are refused here with INVALID_ARGUMENT
     * or NOT_FOUND. A plan's size is bounded only by the gateway's request
     * limit (256 MiB unless configured otherwise): larger requests, to this
     * and every other method, fail with RESOURCE_EXHAUSTED naming the limit.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.SubmitPlanResponse> submitPlan(
        dev.trebuchet.v1.SubmitPlanRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSubmitPlanMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * GetJob returns the job's current status.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.GetJobResponse> getJob(
        dev.trebuchet.v1.GetJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetJobMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ExecutePlan submits a plan, waits for it and returns the whole result in
     * one response, for small results and for tools such as curl. Results over
     * max_rows fail with RESOURCE_EXHAUSTED; use SubmitPlan and FetchResults
     * for large ones.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.ExecutePlanResponse> executePlan(
        dev.trebuchet.v1.ExecutePlanRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getExecutePlanMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ExplainPlan returns the physical plan of a Substrait plan as text. With
     * analyze set it runs the plan as a job, discards its rows, and returns the
     * plan annotated with each operator's output rows, batches and time.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.ExplainPlanResponse> explainPlan(
        dev.trebuchet.v1.ExplainPlanRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getExplainPlanMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * CancelJob cancels a queued or running job. Cancelling a finished job is a
     * no-op that returns its final status.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.CancelJobResponse> cancelJob(
        dev.trebuchet.v1.CancelJobRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCancelJobMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * ListJobs lists known jobs, newest first.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.trebuchet.v1.ListJobsResponse> listJobs(
        dev.trebuchet.v1.ListJobsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListJobsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SUBMIT_PLAN = 0;
  private static final int METHODID_WATCH_JOB = 1;
  private static final int METHODID_GET_JOB = 2;
  private static final int METHODID_FETCH_RESULTS = 3;
  private static final int METHODID_EXECUTE_PLAN = 4;
  private static final int METHODID_EXPLAIN_PLAN = 5;
  private static final int METHODID_CANCEL_JOB = 6;
  private static final int METHODID_LIST_JOBS = 7;

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
        case METHODID_SUBMIT_PLAN:
          serviceImpl.submitPlan((dev.trebuchet.v1.SubmitPlanRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.SubmitPlanResponse>) responseObserver);
          break;
        case METHODID_WATCH_JOB:
          serviceImpl.watchJob((dev.trebuchet.v1.WatchJobRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.WatchJobResponse>) responseObserver);
          break;
        case METHODID_GET_JOB:
          serviceImpl.getJob((dev.trebuchet.v1.GetJobRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.GetJobResponse>) responseObserver);
          break;
        case METHODID_FETCH_RESULTS:
          serviceImpl.fetchResults((dev.trebuchet.v1.FetchResultsRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.FetchResultsResponse>) responseObserver);
          break;
        case METHODID_EXECUTE_PLAN:
          serviceImpl.executePlan((dev.trebuchet.v1.ExecutePlanRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExecutePlanResponse>) responseObserver);
          break;
        case METHODID_EXPLAIN_PLAN:
          serviceImpl.explainPlan((dev.trebuchet.v1.ExplainPlanRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.ExplainPlanResponse>) responseObserver);
          break;
        case METHODID_CANCEL_JOB:
          serviceImpl.cancelJob((dev.trebuchet.v1.CancelJobRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.CancelJobResponse>) responseObserver);
          break;
        case METHODID_LIST_JOBS:
          serviceImpl.listJobs((dev.trebuchet.v1.ListJobsRequest) request,
              (io.grpc.stub.StreamObserver<dev.trebuchet.v1.ListJobsResponse>) responseObserver);
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
          getSubmitPlanMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.SubmitPlanRequest,
              dev.trebuchet.v1.SubmitPlanResponse>(
                service, METHODID_SUBMIT_PLAN)))
        .addMethod(
          getWatchJobMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.trebuchet.v1.WatchJobRequest,
              dev.trebuchet.v1.WatchJobResponse>(
                service, METHODID_WATCH_JOB)))
        .addMethod(
          getGetJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.GetJobRequest,
              dev.trebuchet.v1.GetJobResponse>(
                service, METHODID_GET_JOB)))
        .addMethod(
          getFetchResultsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.trebuchet.v1.FetchResultsRequest,
              dev.trebuchet.v1.FetchResultsResponse>(
                service, METHODID_FETCH_RESULTS)))
        .addMethod(
          getExecutePlanMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.ExecutePlanRequest,
              dev.trebuchet.v1.ExecutePlanResponse>(
                service, METHODID_EXECUTE_PLAN)))
        .addMethod(
          getExplainPlanMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.ExplainPlanRequest,
              dev.trebuchet.v1.ExplainPlanResponse>(
                service, METHODID_EXPLAIN_PLAN)))
        .addMethod(
          getCancelJobMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.CancelJobRequest,
              dev.trebuchet.v1.CancelJobResponse>(
                service, METHODID_CANCEL_JOB)))
        .addMethod(
          getListJobsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.trebuchet.v1.ListJobsRequest,
              dev.trebuchet.v1.ListJobsResponse>(
                service, METHODID_LIST_JOBS)))
        .build();
  }

  private static abstract class QueryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    QueryServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.trebuchet.v1.Query.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("QueryService");
    }
  }

  private static final class QueryServiceFileDescriptorSupplier
      extends QueryServiceBaseDescriptorSupplier {
    QueryServiceFileDescriptorSupplier() {}
  }

  private static final class QueryServiceMethodDescriptorSupplier
      extends QueryServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    QueryServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (QueryServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new QueryServiceFileDescriptorSupplier())
              .addMethod(getSubmitPlanMethod())
              .addMethod(getWatchJobMethod())
              .addMethod(getGetJobMethod())
              .addMethod(getFetchResultsMethod())
              .addMethod(getExecutePlanMethod())
              .addMethod(getExplainPlanMethod())
              .addMethod(getCancelJobMethod())
              .addMethod(getListJobsMethod())
              .build();
        }
      }
    }
    return result;
  }
}
