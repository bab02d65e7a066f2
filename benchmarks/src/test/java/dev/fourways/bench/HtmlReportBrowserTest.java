package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * REPORT.html in a real browser: Debian's headless Chromium, driven through its chromedriver by
 * Selenium (nothing downloaded). The report is written from the committed sample's H2 and
 * PostgreSQL run folders ({@code docs/sample-report/}, real results, which also checks that
 * {@code --combine} still reads report folders written before results.json kept integers), then
 * opened from disk: every chart must have drawn a canvas of non-zero size, with the series and
 * categories of its data, the ⚠/≈ marks in its labels, and no error in the browser's console.
 * Screenshots of the top and of a ratio chart go to {@code target/html-report/}.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} the test fails: the
 * HTML report is part of what {@code ./mvnw verify} checks.
 */
class HtmlReportBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SAMPLE = Path.of("..", "docs", "sample-report");
    static final Path OUT = Path.of("target", "html-report");

    static WebDriver driver;
    static Path profile;
    /** Held so that its level sticks: Selenium warns that it has no DevTools binding for this Chromium, which the test does not use. */
    static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    @BeforeAll
    static void openTheReportInChromium() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            fail("REPORT.html is tested in headless Chromium, and " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: apt-get install -y chromium chromium-driver");
        }
        Files.createDirectories(OUT);
        Report.write(List.of(Results.read(SAMPLE.resolve("h2-run1")), Results.read(SAMPLE.resolve("postgresql-run1"))), OUT);

        SELENIUM.setLevel(Level.SEVERE);
        profile = Files.createTempDirectory("fourways-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--user-data-dir=" + profile,
                "--window-size=1280,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.get(OUT.resolve(HtmlReport.FILE).toAbsolutePath().toUri().toString());
    }

    @AfterAll
    static void close() throws Exception {
        if (driver != null) {
            driver.quit();
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyChartRendersItsDataWithTheMarksAndTheConsoleHasNoError() throws Exception {
        // given: every PNG chart the Markdown shows has an interactive chart in its place
        Map<String, ChartData.Spec> expected = ChartData.all(List.of(Results.read(SAMPLE.resolve("h2-run1")).withLabel("h2"),
                Results.read(SAMPLE.resolve("postgresql-run1")).withLabel("postgresql")));
        assertThat(expected).containsKeys("chart-ratio-h2.png", "chart-lookups-postgresql.png", "chart-startup-h2.png");

        // when
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (((Number) js("return document.querySelectorAll('.chart canvas').length")).intValue() < expected.size()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        // then
        List<Map<String, Object>> charts = (List<Map<String, Object>>) js("""
                return Array.from(document.querySelectorAll('.chart')).map(el => {
                  const canvas = el.querySelector('canvas');
                  const option = echarts.getInstanceByDom(el).getOption();
                  return {key: el.dataset.chart, width: canvas.getBoundingClientRect().width,
                          height: canvas.getBoundingClientRect().height,
                          series: option.series.map(s => s.name), categories: option.yAxis[0].data,
                          axis: option.xAxis[0].type,
                          labels: option.series.flatMap(s => s.data.map(d => d.label.formatter))};
                });""");
        assertThat(charts).extracting(c -> c.get("key")).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map<String, Object> chart : charts) {
            ChartData.Spec spec = expected.get((String) chart.get("key"));
            assertThat(((Number) chart.get("width")).doubleValue()).as("width of %s", chart.get("key")).isGreaterThan(300);
            assertThat(((Number) chart.get("height")).doubleValue()).as("height of %s", chart.get("key")).isGreaterThan(150);
            assertThat((List<String>) chart.get("series")).as("series of %s", chart.get("key"))
                    .containsExactlyElementsOf(spec.series().stream().map(ChartData.Series::name).toList());
            assertThat((List<String>) chart.get("categories")).containsExactlyElementsOf(spec.categories());
            assertThat(chart.get("axis")).isEqualTo(spec.log() ? "log" : "value");
        }
        Map<String, Object> ratio = charts.stream().filter(c -> c.get("key").equals("chart-ratio-h2.png")).findFirst().orElseThrow();
        assertThat(ratio.get("series")).isEqualTo(List.of("hibernate", "jdbi", "jooq", "mybatis"));
        assertThat((List<String>) ratio.get("categories")).contains("findById", "pageDeep", "cancelPurchasesPlacedBefore");
        assertThat(ratio.get("axis")).as("ratios from 0.8 to 24: a log axis").isEqualTo("log");
        assertThat((List<String>) ratio.get("labels")).anyMatch(l -> l.contains("≈")).anyMatch(l -> l.contains("⚠"));

        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("the browser console").isEmpty();

        screenshot("top.png");
        js("document.querySelector('[data-chart=\"chart-ratio-h2.png\"]').scrollIntoView()");
        screenshot("ratio-h2.png");
        js("document.querySelector('[data-chart=\"chart-lookups-h2.png\"]').scrollIntoView()");
        screenshot("lookups-h2.png");
    }

    @Test
    void theSummaryAndTheTablesAreThereAsInTheMarkdown() {
        String text = (String) js("return document.querySelector('main').innerText");
        assertThat(text).contains("Summary", "typical × jdbc", "At a glance: × jdbc on h2", "Start-up: from nothing to the first findById");
        assertThat(((Number) js("return document.querySelectorAll('table').length")).intValue()).isGreaterThan(10);
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), OUT.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
