using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Console.Cli;
using static System.FormattableString;

namespace NetworkTwin.Console.Lab.Scenario;

/// <summary>A backbone from files: an SNDlib network with link capacities and its traffic matrices (Mbit/s), one day of them chosen.</summary>
internal static class BackboneFiles
{
    /// <param name="who">The command or option that needs them, for the usage error.</param>
    /// <returns>The network, the matrices, the first matrix of <paramref name="day"/> and the matrices per day.</returns>
    public static (Network Network, TrafficMatrixCsv Matrices, int First, int PerDay) Read(FileInfo? networkFile, FileInfo? trafficFile, int day, string who)
    {
        if (networkFile is not { Exists: true } || trafficFile is not { Exists: true })
        {
            throw new CliUsageException($"{who} needs --network (SNDlib) and --traffic (matrices CSV), for example ../shared/data/sndlib/abilene/abilene.txt and ../shared/data/traffic/abilene_tm_5min_20040301_20040314.csv");
        }

        Network network;
        using (var networkReader = new StreamReader(networkFile.FullName))
        {
            network = SndlibReader.Read(networkReader, networkFile.FullName).Network;
        }

        using var reader = new StreamReader(trafficFile.FullName);
        var matrices = TrafficMatrixCsv.Read(network, reader, trafficFile.FullName);
        var perDay = (int)Math.Round(86400 / matrices.StepSeconds);
        var days = matrices.Rows.Count / Math.Max(1, perDay);
        if (day < 1 || day > days)
        {
            throw new CliUsageException(Invariant($"--day must be 1..{days} (the matrices cover {days} days)"));
        }

        return (network, matrices, (day - 1) * perDay, perDay);
    }
}
