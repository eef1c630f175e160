using System.Globalization;
using NetworkTwin.Console.Cli;

namespace NetworkTwin.Console.Lab.Replay;

/// <summary>Parses --broker HOST[:PORT].</summary>
public static class BrokerAddress
{
    public static (string Host, int Port) Parse(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return string.IsNullOrWhiteSpace(value) ? throw new CliUsageException("--broker must be HOST or HOST:PORT.") : (value, 1883);
        }

        var host = value[..colon];
        return string.IsNullOrWhiteSpace(host) || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
            ? throw new CliUsageException($"--broker \"{value}\" must be HOST or HOST:PORT with a port 1..65535.")
            : (host, port);
    }
}
