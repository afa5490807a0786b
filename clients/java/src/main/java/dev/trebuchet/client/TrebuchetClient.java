package dev.trebuchet.client;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.trebuchet.v1.Column;
import dev.trebuchet.v1.ExecutePlanRequest;
import dev.trebuchet.v1.ExecutePlanResponse;
import dev.trebuchet.v1.Plan;
import dev.trebuchet.v1.QueryServiceGrpc;
import dev.trebuchet.v1.ResultFormat;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/** A minimal client of the Trebuchet gateway's QueryService, over plaintext gRPC. */
public final class TrebuchetClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final QueryServiceGrpc.QueryServiceBlockingStub queries;

  /** Connects to a gateway at target, e.g. "127.0.0.1:50050". */
  public TrebuchetClient(String target) {
    channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    queries = QueryServiceGrpc.newBlockingStub(channel);
  }

  /**
   * Runs a Substrait plan, given in the protobuf JSON mapping, and returns its whole result as rows
   * of JSON values. Failures are thrown as {@link StatusRuntimeException} with the server's code.
   */
  public ExecutePlanResponse executePlan(String planJson) {
    return queries.executePlan(
        ExecutePlanRequest.newBuilder()
            .setPlan(Plan.newBuilder().setSubstraitJson(planJson))
            .setFormat(ResultFormat.RESULT_FORMAT_JSON)
            .build());
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Usage: TrebuchetClient PLAN.json [TARGET]; prints the result as '|'-separated rows. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: TrebuchetClient PLAN.json [TARGET]");
      System.exit(2);
    }
    String plan = Files.readString(Path.of(args[0]));
    String target = args.length > 1 ? args[1] : "127.0.0.1:50050";
    try (TrebuchetClient client = new TrebuchetClient(target)) {
      ExecutePlanResponse response = client.executePlan(plan);
      StringJoiner header = new StringJoiner("|");
      for (Column column : response.getColumnsList()) {
        header.add(column.getName());
      }
      System.out.println(header);
      for (ListValue row : response.getRowsList()) {
        StringJoiner line = new StringJoiner("|");
        for (Value value : row.getValuesList()) {
          line.add(format(value));
        }
        System.out.println(line);
      }
    } catch (StatusRuntimeException e) {
      System.err.println("trebuchet: " + e.getStatus());
      System.exit(1);
    }
  }

  private static String format(Value value) {
    switch (value.getKindCase()) {
      case NULL_VALUE:
        return "";
      case NUMBER_VALUE:
        double d = value.getNumberValue();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return Boolean.toString(value.getBoolValue());
      default:
        return value.toString().trim();
    }
  }
}
