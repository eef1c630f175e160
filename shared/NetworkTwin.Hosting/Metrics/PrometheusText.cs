using System.Globalization;
using System.Text;

namespace NetworkTwin.Hosting.Metrics;

/// <summary>
/// Builds the Prometheus text exposition format (version 0.0.4): a HELP and a TYPE line per
/// metric, then its samples. Label values are escaped; NaN and infinities are written as
/// Prometheus spells them. (No Prometheus exporter package is available here.)
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _described = new(StringComparer.Ordinal);

    public PrometheusText Counter(string name, string help, double value, params (string Name, string Value)[] labels) => Sample(name, "counter", help, value, labels);

    public PrometheusText Gauge(string name, string help, double value, params (string Name, string Value)[] labels) => Sample(name, "gauge", help, value, labels);

    public override string ToString() => _text.ToString();

    private PrometheusText Sample(string name, string type, string help, double value, (string Name, string Value)[] labels)
    {
        if (_described.Add(name))
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                _text.Append(i == 0 ? string.Empty : ",").Append(labels[i].Name).Append("=\"")
                    .Append(labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                    .Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
