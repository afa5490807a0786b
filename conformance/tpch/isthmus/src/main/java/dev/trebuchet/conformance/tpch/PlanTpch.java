package dev.trebuchet.conformance.tpch;

import com.google.protobuf.util.JsonFormat;
import io.substrait.isthmus.ConverterProvider;
import io.substrait.isthmus.SqlToSubstrait;
import io.substrait.isthmus.SubstraitRelVisitor;
import io.substrait.isthmus.SubstraitTypeSystem;
import io.substrait.isthmus.sql.SubstraitCreateStatementParser;
import io.substrait.isthmus.sql.SubstraitSqlToCalcite;
import io.substrait.plan.ImmutablePlan;
import io.substrait.plan.Plan;
import io.substrait.plan.PlanProtoConverter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * PlanTpch converts the TPC-H queries to Substrait plans with Isthmus and writes each plan as
 * protobuf JSON of substrait.Plan.
 *
 * <p>Usage: {@code PlanTpch SCHEMA_SQL QUERY_DIR OUT_DIR [qNN ...]}. SCHEMA_SQL holds the CREATE
 * TABLE statements, separated by semicolons; QUERY_DIR holds qNN.sql; the plan of query qNN is
 * written to OUT_DIR/qNN.json. Without query names it converts q01 to q22 and writes a report of
 * the queries stock Isthmus cannot convert to OUT_DIR/FAILURES.md.
 *
 * <p>Each query is first converted the way {@link SqlToSubstrait#convert} does by default. If that
 * fails, the query is converted again with relaxed front-end settings: Calcite's Babel parser,
 * which accepts more keywords as identifiers ({@code AS value} in Q11), and a validator with
 * LENIENT conformance, which resolves select-list aliases in GROUP BY ({@code GROUP BY
 * supplier_no} in Q15). The settings only decide whether the SQL is accepted; the relational
 * algebra and its conversion to Substrait are Isthmus's own. FAILURES.md lists both the stock
 * error and whether the relaxed conversion produced the fixture. A query that fails both ways has
 * no plan file.
 */
public final class PlanTpch {
  private PlanTpch() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: PlanTpch SCHEMA_SQL QUERY_DIR OUT_DIR [qNN ...]");
      System.exit(2);
    }
    Path schema = Path.of(args[0]);
    Path queryDir = Path.of(args[1]);
    Path outDir = Path.of(args[2]);
    List<String> names = new ArrayList<>(Arrays.asList(args).subList(3, args.length));
    boolean all = names.isEmpty();
    if (all) {
      for (int i = 1; i <= 22; i++) {
        names.add(String.format("q%02d", i));
      }
    }

    Prepare.CatalogReader catalog =
        SubstraitCreateStatementParser.processCreateStatementsToCatalog(createStatements(schema));
    SqlToSubstrait converter = new SqlToSubstrait();
    JsonFormat.Printer printer = JsonFormat.printer();
    Files.createDirectories(outDir);

    Map<String, Failure> failures = new TreeMap<>();
    int written = 0;
    for (String name : names) {
      String sql = stripTerminator(Files.readString(queryDir.resolve(name + ".sql")));
      Path out = outDir.resolve(name + ".json");
      Plan plan = null;
      try {
        plan = converter.convert(sql, catalog);
      } catch (Exception | StackOverflowError e) {
        Failure f = new Failure(reason(e));
        failures.put(name, f);
        try {
          plan = convertRelaxed(sql, catalog);
          f.relaxed = "yes, the fixture comes from the relaxed conversion";
        } catch (Exception | StackOverflowError e2) {
          f.relaxed = "no: " + reason(e2);
        }
      }
      if (plan == null) {
        Files.deleteIfExists(out);
        continue;
      }
      io.substrait.proto.Plan proto = new PlanProtoConverter().toProto(plan);
      Files.writeString(out, printer.print(proto) + "\n", StandardCharsets.UTF_8);
      written++;
    }

    if (all) {
      writeFailures(outDir.resolve("FAILURES.md"), failures);
    }
    for (Map.Entry<String, Failure> f : failures.entrySet()) {
      System.err.printf(
          "PlanTpch: %s: stock Isthmus: %s; relaxed: %s%n",
          f.getKey(), f.getValue().stock, f.getValue().relaxed);
    }
    System.err.printf("PlanTpch: wrote %d/%d plans to %s%n", written, names.size(), outDir);
  }

  /** Failure records why stock Isthmus rejected a query and what the relaxed conversion did. */
  private static final class Failure {
    final String stock;
    String relaxed;

    Failure(String stock) {
      this.stock = stock;
    }
  }

  /**
   * convertRelaxed converts one query as {@link SqlToSubstrait#convert} does, but parses it with
   * the Babel parser and validates it with LENIENT conformance.
   */
  private static Plan convertRelaxed(String sql, Prepare.CatalogReader catalog) throws Exception {
    ConverterProvider provider = new ConverterProvider();
    SqlParser.Config parserConfig =
        SqlParser.config()
            .withUnquotedCasing(Casing.TO_UPPER)
            .withConformance(SqlConformanceEnum.LENIENT)
            .withParserFactory(SqlBabelParserImpl.FACTORY);
    SqlValidator validator =
        SqlValidatorUtil.newValidator(
            provider.getSqlOperatorTable(),
            catalog,
            catalog.getTypeFactory(),
            SqlValidator.Config.DEFAULT
                .withIdentifierExpansion(true)
                .withConformance(SqlConformanceEnum.LENIENT));
    RexBuilder rexBuilder = new RexBuilder(new JavaTypeFactoryImpl(SubstraitTypeSystem.TYPE_SYSTEM));
    RelOptCluster cluster =
        RelOptCluster.create(new HepPlanner(HepProgram.builder().build()), rexBuilder);
    List<RelRoot> roots =
        SubstraitSqlToCalcite.convertQueries(sql, catalog, validator, cluster, parserConfig);
    ImmutablePlan.Builder plan =
        Plan.builder()
            .version(Plan.Version.builder().from(Plan.Version.DEFAULT_VERSION).producer("isthmus").build());
    for (RelRoot root : roots) {
      plan.addRoots(SubstraitRelVisitor.convert(root, provider));
    }
    return plan.build();
  }

  /** createStatements splits the schema file into statements, dropping "--" comments. */
  private static String[] createStatements(Path schema) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(schema, StandardCharsets.UTF_8)) {
      int comment = line.indexOf("--");
      text.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
    }
    List<String> statements = new ArrayList<>();
    for (String s : text.toString().split(";")) {
      if (!s.isBlank()) {
        statements.add(s.trim());
      }
    }
    return statements.toArray(new String[0]);
  }

  /** stripTerminator removes the trailing semicolon Calcite's single-statement parser rejects. */
  private static String stripTerminator(String sql) {
    String s = sql.strip();
    return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * reason describes an exception on one line: its class and message, then those of each cause
   * whose message says something new.
   */
  private static String reason(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause()) {
      String msg = t.getMessage() == null ? "" : t.getMessage().strip();
      if (b.length() > 0) {
        if (msg.isEmpty() || b.indexOf(msg) >= 0) {
          continue;
        }
        b.append("; caused by ");
      }
      b.append(t.getClass().getSimpleName());
      if (!msg.isEmpty()) {
        b.append(": ").append(msg);
      }
    }
    return b.toString().replaceAll("\\s+", " ").replace("|", "\\|");
  }

  private static void writeFailures(Path path, Map<String, Failure> failures) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("# Isthmus plan failures\n\n");
    b.append("Generated by conformance/tpch/plans_isthmus.sh with io.substrait:isthmus ")
        .append(isthmusVersion())
        .append(".\n\n");
    if (failures.isEmpty()) {
      b.append("Isthmus converts all 22 queries.\n");
    } else {
      b.append("Stock Isthmus (`SqlToSubstrait.convert(sql, catalog)`) rejects these queries. ")
          .append("PlanTpch then retries with Calcite's Babel parser and a validator with ")
          .append("LENIENT conformance (see PlanTpch.java); those settings only decide whether ")
          .append("the SQL is accepted, not how it is converted.\n\n");
      b.append("| Query | Stock Isthmus error | Relaxed conversion succeeded |\n|---|---|---|\n");
      for (Map.Entry<String, Failure> f : failures.entrySet()) {
        b.append("| ")
            .append(f.getKey())
            .append(" | ")
            .append(f.getValue().stock)
            .append(" | ")
            .append(f.getValue().relaxed)
            .append(" |\n");
      }
    }
    Files.writeString(path, b.toString(), StandardCharsets.UTF_8);
  }

  private static String isthmusVersion() {
    String v = SqlToSubstrait.class.getPackage().getImplementationVersion();
    return v != null ? v : System.getProperty("isthmus.version", "(unknown version)");
  }
}
