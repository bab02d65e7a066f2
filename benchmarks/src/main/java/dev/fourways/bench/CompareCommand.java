package dev.fourways.bench;

import dev.fourways.db.Database;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./compare}'s command line (picocli): the one place where the options and their usage
 * text live; the {@code compare} script only builds and passes its arguments here. Every option is
 * checked before anything starts (no build, no JVM fork, no database): a bad one ends the command
 * with exit code {@value #BAD_OPTION} and one line on standard error naming the option.
 *
 * <p>Exit codes: 0 done (or {@code --help}, {@code --check}); {@value #BAD_OPTION} a bad option;
 * 1 the run itself failed (a message, and JMH's log in the report folder).
 */
@Command(name = "compare", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the JMH benchmarks of every data-access style against plain JDBC (the floor) and writes a "
                + "report folder: REPORT.md, REPORT.html (interactive charts), PNG charts, results.json, statements.json."},
        footer = {"", "Examples:",
                "  ./compare                          every style on H2, quick (about 48 min)",
                "  ./compare --full                   numbers worth publishing (about 1 h 30)",
                "  ./compare --store jdbc,jooq        only these styles",
                "  ./compare --bench 'count|findById' only count, findById",
                "  ./compare --db postgresql          against a local server",
                "  JAVA_OPTS='-Dfourways.db.url=jdbc:postgresql://host/db' ./compare --db postgresql",
                "  ./compare --combine r/h2 r/pg --out r/both",
                "                                     one report, the runs side by side",
                "",
                "Exit codes: 0 done, 1 the run failed, 2 a bad option (refused before anything starts).",
                "Plain JMH works too: java -jar benchmarks/target/benchmarks.jar -h"})
final class CompareCommand implements Callable<Integer> {

    /** The exit code of a bad option (picocli's {@code ExitCode.USAGE}). */
    static final int BAD_OPTION = CommandLine.ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    ModeOption mode;

    static final class ModeOption {
        @Option(names = "--quick", description = "one warm JVM per style, the styles taking turns one measured iteration each (the default; about 48 min on H2)")
        boolean quick;
        @Option(names = "--full", description = "a fresh JVM per benchmark and style, 3 forks, 10 measured iterations")
        boolean full;
        @Option(names = "--smoke", description = "in-process, one short iteration: checks the pipeline, the numbers mean nothing")
        boolean smoke;
    }

    @Option(names = "--store", split = ",", paramLabel = "STYLE",
            description = "only these styles (jdbc, the floor, is always added); default: every style found")
    List<String> stores;

    @Option(names = "--bench", paramLabel = "REGEX",
            description = "only the benchmarks whose method name contains a match of this Java regex (a find, "
                    + "case-sensitive), query and start-up benchmarks alike: 'find' selects findById, findByUsername, "
                    + "findWithPurchases; '^count$' only count; start-up is 'openAndFindFirstUser'")
    String bench;

    @Option(names = "--db", paramLabel = "DB",
            description = "h2 (default, in memory), postgresql or mariadb (the server must run; -Dfourways.db.url/user/password "
                    + "in JAVA_OPTS point elsewhere)")
    String db;

    @Option(names = "--users", paramLabel = "N", description = "users to seed, each with 10 purchases (default 10000)")
    Integer users;

    @Option(names = "--growth", split = ",", paramLabel = "TABLES",
            description = "start-up as the model grows (model-growth's sweep on H2, into <out>/growth, before the query "
                    + "benchmarks): the model sizes in tables; default 10,100 (3 forks per point, about 4 min) or "
                    + "10,100,500,1000 with --full (with the class-data-sharing run; about 35 min, more the first time, "
                    + "when the models are generated); none skips it")
    List<String> growth;

    @Option(names = "--out", paramLabel = "DIR", description = "the report folder (default reports/<timestamp>)")
    Path out;

    @Option(names = "--combine", arity = "1..*", paramLabel = "RUN_DIR",
            description = "no run: one report from these report folders side by side (each written by ./compare)")
    List<Path> combine;

    @Option(names = "--check", hidden = true,
            description = "check the options and exit 0 (the script does this before it builds)")
    boolean check;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    /**
     * Parses and runs; returns the exit code.
     *
     * @param args the command line
     */
    static int execute(String... args) {
        CommandLine line = new CommandLine(new CompareCommand());
        line.setParameterExceptionHandler(CompareCommand::badOption);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("compare: the run failed: " + (e instanceof Compare.RunFailed ? e.getMessage() : e));
            if (!(e instanceof Compare.RunFailed)) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return line.execute(args);
    }

    /** One line naming the option, then the exit code for a bad option; no usage dump. */
    private static int badOption(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("compare: " + e.getMessage() + " (./compare --help lists the options)");
        err.flush();
        return BAD_OPTION;
    }

    @Override
    public Integer call() throws Exception {
        if (combine != null) {
            List<Results> runs = combined();
            if (!check) {
                System.out.println("Report: " + Report.write(runs, outOrDefault()));
            }
            return 0;
        }
        RunSettings settings = settings();
        List<Integer> tables = growthTables(settings.mode());
        if (!check) {
            if (!tables.isEmpty()) {
                GrowthSweep.run(tables, settings.mode(), settings.out());
            }
            System.out.println("Report: " + Compare.run(settings, System.out));
        }
        return 0;
    }

    /** The options of a run, checked; throws {@link ParameterException} naming the first bad one. */
    RunSettings settings() {
        String database = database();
        serverOverrides(database);
        Optional<Pattern> pattern = pattern();
        if (users != null && users < 1) {
            throw bad("--users: must be at least 1, was " + users);
        }
        Compare.Mode m = mode == null || mode.quick ? Compare.Mode.QUICK : mode.full ? Compare.Mode.FULL : Compare.Mode.SMOKE;
        int n = users != null ? users : m == Compare.Mode.SMOKE ? RequestBenchmark.MIN_USERS : 10_000;
        RunSettings settings = new RunSettings(m, stores(), database, n, pattern, outOrDefault());
        if (!settings.requests().isEmpty() && n < RequestBenchmark.MIN_USERS) {
            throw bad("--users: the request benchmarks need at least " + RequestBenchmark.MIN_USERS + " users ("
                    + RequestBenchmark.QUERIES + " that only one thread writes, for each of "
                    + RequestBenchmark.THREADS.get(RequestBenchmark.THREADS.size() - 1) + " threads), was " + n
                    + "; or leave the requests out with --bench");
        }
        return settings;
    }

    /** The model sizes for the start-up sweep; empty for {@code --growth none} and for a smoke run. */
    List<Integer> growthTables(Compare.Mode m) {
        if (growth == null) {
            return m == Compare.Mode.FULL ? List.of(10, 100, 500, 1000) : m == Compare.Mode.QUICK ? List.of(10, 100) : List.of();
        }
        if (growth.equals(List.of("none"))) {
            return List.of();
        }
        List<Integer> tables = new java.util.ArrayList<>();
        for (String value : growth) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n < 2 || n > 5000) {
                    throw bad("--growth: model sizes from 2 to 5000 tables, was " + n);
                }
                tables.add(n);
            } catch (NumberFormatException e) {
                throw bad("--growth: 'none' or model sizes in tables (10,100), was '" + value + "'");
            }
        }
        return tables.stream().sorted().distinct().toList();
    }

    private String database() {
        String property = System.getProperty("fourways.db");
        String chosen = db != null ? db : property != null ? property : "h2";
        List<String> known = Arrays.stream(Database.values()).map(Database::id).toList();
        if (!known.contains(chosen)) {
            throw bad((db != null ? "--db" : "-Dfourways.db") + ": no database named '" + chosen + "'; known: "
                    + String.join(", ", known));
        }
        if (db != null && property != null && !property.equals(db)) {
            throw bad("--db " + db + " contradicts -Dfourways.db=" + property + "; give one of them");
        }
        return chosen;
    }

    /** A server URL must go with a server database, and with the same one: otherwise the run would quietly use another database. */
    private void serverOverrides(String database) {
        String url = System.getProperty("fourways.db.url");
        if (url == null) {
            return;
        }
        if (database.equals("h2")) {
            throw bad("-Dfourways.db.url=" + url + " is given but the database is h2 (in memory): add --db postgresql or --db mariadb");
        }
        if (!url.startsWith("jdbc:" + database + ":")) {
            throw bad("-Dfourways.db.url=" + url + " is not a jdbc:" + database + ": URL, but --db is " + database);
        }
    }

    private Optional<Pattern> pattern() {
        if (bench == null) {
            return Optional.empty();
        }
        Pattern p;
        try {
            p = Pattern.compile(bench);
        } catch (PatternSyntaxException e) {
            throw bad("--bench: '" + bench + "' is not a valid regex: " + e.getDescription());
        }
        if (RunSettings.benchmarkMethods().stream().noneMatch(m -> RunSettings.selects(Optional.of(p), m))) {
            throw bad("--bench: '" + bench + "' matches no benchmark method; they are "
                    + String.join(", ", RunSettings.benchmarkMethods()));
        }
        return Optional.of(p);
    }

    /** The styles asked for, or every style found; in {@link Styles#found()} order, jdbc always first. */
    private List<String> stores() {
        List<String> found = Styles.found();
        if (stores == null) {
            return found;
        }
        List<String> chosen = new ArrayList<>();
        for (String s : stores) {
            String name = s.trim();
            if (!found.contains(name)) {
                throw bad("--store: no style named '" + name + "'; found: " + String.join(", ", found));
            }
            chosen.add(name);
        }
        // jdbc is the floor every ratio divides by: always measured.
        if (!chosen.contains("jdbc")) {
            chosen.add(0, "jdbc");
        }
        return Styles.inOrder(chosen);
    }

    /** The folders of {@code --combine}, each read as a report folder; only {@code --out} goes with it. */
    private List<Results> combined() {
        if (mode != null || stores != null || bench != null || db != null || users != null) {
            throw bad("--combine: only --out goes with it (--quick, --full, --smoke, --store, --bench, --db and --users "
                    + "apply to a run)");
        }
        List<Results> runs = new ArrayList<>();
        for (Path dir : combine) {
            for (String file : List.of(Results.RESULTS, Results.ENVIRONMENT)) {
                if (!Files.isRegularFile(dir.resolve(file))) {
                    throw bad("--combine: " + dir + " is not a fourways report folder (no " + file + "; ./compare writes one)");
                }
            }
            try {
                runs.add(Results.read(dir));
            } catch (RuntimeException e) {
                throw bad("--combine: cannot read the report folder " + dir + ": " + e.getMessage());
            }
        }
        return runs;
    }

    private Path outOrDefault() {
        return out != null ? out : Path.of("reports", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
