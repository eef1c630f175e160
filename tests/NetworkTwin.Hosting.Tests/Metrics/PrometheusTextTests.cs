using NetworkTwin.Hosting.Metrics;

namespace NetworkTwin.Hosting.Tests.Metrics;

public class PrometheusTextTests
{
    [Fact]
    public void Text_HasHelpAndTypeOnce_EscapedLabels_AndPrometheusSpecialValues()
    {
        var text = new PrometheusText()
            .Counter("nt_rows_total", "Rows applied.", 12)
            .Gauge("nt_link_capacity_gbps", "Sized capacity.", 41.5, ("link", "1"), ("site", "a\"b\\c"))
            .Gauge("nt_link_capacity_gbps", "Sized capacity.", double.NaN, ("link", "2"), ("site", "x"))
            .ToString();

        Assert.Equal(
            "# HELP nt_rows_total Rows applied.\n# TYPE nt_rows_total counter\nnt_rows_total 12\n" +
            "# HELP nt_link_capacity_gbps Sized capacity.\n# TYPE nt_link_capacity_gbps gauge\n" +
            "nt_link_capacity_gbps{link=\"1\",site=\"a\\\"b\\\\c\"} 41.5\n" +
            "nt_link_capacity_gbps{link=\"2\",site=\"x\"} NaN\n",
            text);
    }
}
