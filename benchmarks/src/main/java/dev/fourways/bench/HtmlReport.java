package dev.fourways.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Image;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * {@code REPORT.html}: {@code REPORT.md} rendered to HTML (CommonMark with GitHub's tables), so
 * both say the same, with each PNG chart replaced by an interactive Apache ECharts chart
 * (tooltips with µs/op, interval and ratio; a log axis where values span orders of magnitude;
 * the ⚠/≈ marks at the end of the bars). ECharts's script is read from its WebJar on the class
 * path and inlined, with the charts' data ({@link ChartData}), so the page works offline, opened
 * from disk.
 */
final class HtmlReport {

    static final String FILE = "REPORT.html";
    /** The ECharts build inside the WebJar (the full build: bar charts, log axes, tooltips, mark lines). */
    static final String ECHARTS = "META-INF/resources/webjars/echarts/" + versionOfEcharts() + "/dist/echarts.min.js";

    private HtmlReport() {
    }

    /**
     * Writes {@value #FILE} into {@code out}.
     *
     * @param markdown the report's Markdown, as written to REPORT.md
     * @param runs     the runs the charts come from
     * @return the file written
     */
    static Path write(String markdown, List<Results> runs, Path out) {
        Map<String, ChartData.Spec> charts = ChartData.all(runs);
        List<Extension> extensions = List.of(TablesExtension.create());
        Node document = Parser.builder().extensions(extensions).build().parse(markdown);
        String body = HtmlRenderer.builder().extensions(extensions)
                .nodeRendererFactory(context -> new ChartRenderer(context, charts)).build().render(document);
        String page = TEMPLATE.replace("@BODY@", body)
                .replace("@STYLE@", STYLE)
                .replace("@ECHARTS@", script(echarts()))
                .replace("@CHARTS@", script(JsonFiles.line(charts)))
                .replace("@RENDER@", RENDER);
        Path file = out.resolve(FILE);
        try {
            Files.writeString(file, page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** An image of a chart that has a spec becomes the chart's container; any other image stays an image. */
    private static final class ChartRenderer implements NodeRenderer {
        private final HtmlNodeRendererContext context;
        private final Map<String, ChartData.Spec> charts;

        ChartRenderer(HtmlNodeRendererContext context, Map<String, ChartData.Spec> charts) {
            this.context = context;
            this.charts = charts;
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(Image.class);
        }

        @Override
        public void render(Node node) {
            Image image = (Image) node;
            ChartData.Spec spec = charts.get(image.getDestination());
            String file = context.encodeUrl(image.getDestination());
            if (spec == null) {
                context.getWriter().raw("<img src=\"" + file + "\" alt=\"" + escape(image.getDestination()) + "\">");
                return;
            }
            // A block in the paragraph's place: the browser closes the <p> before it.
            context.getWriter().raw("<span class=\"chart\" data-chart=\"" + escape(image.getDestination()) + "\" style=\"height:"
                    + spec.height() + "px\"></span><span class=\"chart-note\">" + escape(spec.note()) + " · <a href=\"" + file
                    + "\">the same chart as PNG</a></span>");
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Text that can stand inside a {@code <script>} element: no {@code </script>} in it. */
    private static String script(String js) {
        return js.replace("</", "<\\/");
    }

    private static String echarts() {
        try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IllegalStateException(ECHARTS + " is not on the class path (the org.webjars.npm:echarts dependency)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ECHARTS, e);
        }
    }

    /** The WebJar's version, from its Maven properties inside the jar (so the pom's pin is the only one). */
    private static String versionOfEcharts() {
        try (InputStream in = HtmlReport.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>fourways: what each data-access style costs over plain JDBC</title>
            <style>@STYLE@</style>
            <script>@ECHARTS@</script>
            </head>
            <body>
            <main>
            @BODY@
            </main>
            <script>const FOURWAYS_CHARTS = @CHARTS@;</script>
            <script>@RENDER@</script>
            </body>
            </html>
            """;

    private static final String STYLE = """
            body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
                   margin: 0; background: #fafafa; }
            main { max-width: 1200px; margin: 0 auto; padding: 16px 28px 48px; background: #fff; }
            h1 { font-size: 1.7em; border-bottom: 2px solid #457b9d; padding-bottom: .2em; }
            h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: .8em 0; font-size: 13px; display: block; overflow-x: auto; }
            th, td { border: 1px solid #ddd; padding: 3px 8px; }
            th { background: #f0f4f8; position: sticky; top: 0; }
            tr:nth-child(even) td { background: #fafcfe; }
            td[align=right], th[align=right] { font-variant-numeric: tabular-nums; white-space: nowrap; }
            code { background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
            .chart { display: block; width: 100%; margin: 1em 0 .2em; }
            .chart-note { display: block; color: #666; font-size: 12px; margin-bottom: 1.5em; }
            """;

    /** Builds each chart's ECharts option from its spec (see {@link ChartData.Spec}). */
    private static final String RENDER = """
            (function () {
              const esc = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c]);
              function option(spec) {
                const series = spec.series.map(s => ({
                  name: s.name, type: 'bar', barMaxWidth: 22, itemStyle: {color: s.colour},
                  data: s.points.map(p => ({value: p.value, label: {show: true, position: 'right', formatter: p.label,
                      color: p.value === null ? '#b00' : '#333', fontSize: 11}}))
                }));
                if (spec.jdbcLine && series.length) {
                  series[0].markLine = {silent: true, symbol: 'none', data: [{xAxis: 1}],
                    lineStyle: {color: '#333', type: 'dashed'}, label: {formatter: '1.0 = jdbc', position: 'end'}};
                }
                return {
                  animation: false,
                  title: {text: spec.title, left: 'center', textStyle: {fontSize: 14}},
                  legend: {top: 26, data: spec.series.map(s => s.name)},
                  grid: {left: 12, right: 110, top: 58, bottom: 40, containLabel: true},
                  tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, formatter: params => {
                    const rows = params.map(p => {
                      const tip = spec.series[p.seriesIndex].points[p.dataIndex].tip;
                      return tip ? p.marker + '<b>' + esc(p.seriesName) + '</b>: ' + esc(tip) : '';
                    }).filter(r => r);
                    return '<b>' + esc(params[0].name) + '</b><br>' + rows.join('<br>');
                  }},
                  yAxis: {type: 'category', data: spec.categories, inverse: true, axisLabel: {fontSize: 12}},
                  xAxis: spec.log ? {type: 'log', name: spec.unit, nameLocation: 'middle', nameGap: 26, logBase: 10}
                                  : {type: 'value', name: spec.unit, nameLocation: 'middle', nameGap: 26, min: 0},
                  series: series
                };
              }
              document.querySelectorAll('.chart').forEach(el => {
                const spec = FOURWAYS_CHARTS[el.dataset.chart];
                const chart = echarts.init(el, null, {renderer: 'canvas'});
                chart.setOption(option(spec));
                window.addEventListener('resize', () => chart.resize());
              });
            })();
            """;
}
