using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace IncidentBot.Web.Pages.Reviews;

/// <summary>One series of a chart: its name, its colour (a CSS value, so dark mode applies) and a value per label.</summary>
public sealed record ChartSeries(string Name, string Color, IReadOnlyList<double?> Values);

/// <summary>
/// Charts drawn on the server as inline SVG: no script and nothing fetched. The SVG scales to its box (a viewBox and
/// a width of 100%), its text takes the page's colours, and each chart carries a title and a table-free description
/// for screen readers.
/// </summary>
public static class SvgCharts
{
    // About the size the chart is shown at (a third of the page, or a phone's width), so its text stays readable.
    private const double Width = 360;
    private const double Height = 190;
    private const double Left = 30;
    private const double Right = 8;
    private const double Top = 14;
    private const double Bottom = 26;

    /// <summary>Most labels written under the axis; with more, every second (third …) one is.</summary>
    private const int MaxLabels = 6;

    /// <summary>Bars side by side per label, one per series.</summary>
    public static IHtmlContent Bars(string title, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, string? unit = null) =>
        Draw(title, labels, series, unit, bars: true);

    /// <summary>One line per series across the labels; a missing value breaks the line.</summary>
    public static IHtmlContent Lines(string title, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, string? unit = null) =>
        Draw(title, labels, series, unit, bars: false);

    private static HtmlString Draw(string title, IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, string? unit, bool bars)
    {
        var max = series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var top = NiceCeiling(max);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = labels.Count == 0 ? plotW : plotW / labels.Count;
        double Y(double v) => Top + plotH - (v / top * plotH);

        var sb = new StringBuilder();
        var id = $"chart-{Math.Abs(title.GetHashCode(StringComparison.Ordinal)):x}";
        sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\"><svg viewBox=\"0 0 {Width} {Height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}\" preserveAspectRatio=\"xMidYMid meet\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}\">{E(title)}: {E(Describe(labels, series, unit))}</title>");

        // Grid lines and their values: four steps up to a round top.
        for (var step = 0; step <= 4; step++)
        {
            var v = top / 4 * step;
            var y = Y(v);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\" style=\"stroke:var(--line)\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" class=\"axis\">{E(Number(v))}</text>");
        }

        var every = (labels.Count + MaxLabels - 1) / MaxLabels;
        for (var i = 0; i < labels.Count; i += Math.Max(every, 1))
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (slot * i) + (slot / 2))}\" y=\"{Height - Bottom + 15}\" text-anchor=\"middle\" class=\"axis\">{E(labels[i])}</text>");
        }

        if (bars)
        {
            var group = slot * 0.7;
            var barW = series.Count == 0 ? group : group / series.Count;
            for (var s = 0; s < series.Count; s++)
            {
                for (var i = 0; i < labels.Count; i++)
                {
                    if (series[s].Values[i] is not { } v)
                    {
                        continue;
                    }

                    var x = Left + (slot * i) + (slot * 0.15) + (barW * s);
                    sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(Y(v))}\" width=\"{F(Math.Max(barW - 2, 1))}\" height=\"{F(Top + plotH - Y(v))}\" style=\"fill:{series[s].Color}\"><title>{E($"{series[s].Name}, {labels[i]}: {Number(v)}{unit}")}</title></rect>");
                    if (v > 0)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + (barW / 2) - 1)}\" y=\"{F(Y(v) - 3)}\" text-anchor=\"middle\" class=\"value\">{E(Number(v))}</text>");
                    }
                }
            }
        }
        else
        {
            foreach (var s in series)
            {
                var path = new StringBuilder();
                var pen = false;
                for (var i = 0; i < labels.Count; i++)
                {
                    if (s.Values[i] is not { } v)
                    {
                        pen = false;
                        continue;
                    }

                    var x = Left + (slot * i) + (slot / 2);
                    path.Append(CultureInfo.InvariantCulture, $"{(pen ? 'L' : 'M')}{F(x)},{F(Y(v))} ");
                    pen = true;
                    sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(Y(v))}\" r=\"3\" style=\"fill:{s.Color}\"><title>{E($"{s.Name}, {labels[i]}: {Number(v)}{unit}")}</title></circle>");
                }

                if (path.Length > 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().Trim()}\" style=\"fill:none;stroke:{s.Color};stroke-width:2\"/>");
                }
            }
        }

        sb.Append("</svg><figcaption class=\"legend\">");
        foreach (var s in series)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<span><i style=\"background:{s.Color}\"></i>{E(s.Name)}</span>");
        }

        sb.Append("</figcaption></figure>");
        return new HtmlString(sb.ToString());
    }

    private static string Describe(IReadOnlyList<string> labels, IReadOnlyList<ChartSeries> series, string? unit) =>
        string.Join("; ", series.Select(s => $"{s.Name} " + string.Join(", ", labels.Select((l, i) => $"{l} {(s.Values[i] is { } v ? Number(v) + unit : "none")}"))));

    /// <summary>1, 2, 5 × 10ⁿ at or above the highest value, so grid lines fall on round numbers.</summary>
    private static double NiceCeiling(double max)
    {
        if (max <= 0)
        {
            return 4;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var m in new[] { 1.0, 2, 4, 5, 10 })
        {
            if (m * magnitude >= max)
            {
                return Math.Max(m * magnitude, 4);
            }
        }

        return 10 * magnitude;
    }

    private static string Number(double v) => Math.Abs(v - Math.Round(v)) < 0.05 ? Math.Round(v).ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
