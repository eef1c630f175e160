using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Replay;

/// <summary><c>networktwin lab replay</c>: publish a capture's .dat files to a broker at real time or faster.</summary>
public static class ReplayCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Capture folder with throughput-cell-N.dat and/or pkt-stats-cell-N.dat.", Required = true };
        var broker = new Option<string>("--broker") { Description = "MQTT broker HOST[:PORT].", DefaultValueFactory = _ => "127.0.0.1:1883" };
        var site = new Option<string>("--site") { Description = "Site id in the topics nt/<site>/<cell>/<kind>.", DefaultValueFactory = _ => "site-1" };
        var speed = new Option<double>("--speed") { Description = "1 = real time, 10 = ten times faster, 0 = as fast as possible.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format") { Description = "Payload form: text (the .dat lines) or binary (compact, stamped with the send time).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "binary");
        var qos = new Option<int>("--qos") { Description = "MQTT QoS 0 or 1.", DefaultValueFactory = _ => 0 };
        var batch = new Option<double>("--batch-ms") { Description = "Data time per message per cell and kind.", DefaultValueFactory = _ => 10 };
        var seconds = new Option<double?>("--seconds") { Description = "Replay only the first N seconds of data." };
        var command = new Command("replay", "Publish .dat telemetry (real or generated) to an MQTT broker as live RUs and DUs would.")
        {
            data, broker, site, speed, format, qos, batch, seconds,
        };
        command.SetAction(async (parse, ct) =>
        {
            var (host, port) = BrokerAddress.Parse(parse.GetRequiredValue(broker));
            var q = parse.GetValue(qos);
            if (q is not (0 or 1))
            {
                throw new CliUsageException($"--qos must be 0 or 1 (got {q}).");
            }

            var options = new ReplayOptions
            {
                Site = parse.GetRequiredValue(site),
                Speed = parse.GetValue(speed),
                Binary = parse.GetValue(format) == "binary",
                Qos = (MqttQos)q,
                BatchMilliseconds = parse.GetValue(batch),
                LimitSeconds = parse.GetValue(seconds),
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                throw new CliUsageException(string.Join(Environment.NewLine, problems));
            }

            var source = await ReplaySource.LoadAsync(parse.GetRequiredValue(data).FullName, null, ct).ConfigureAwait(false);
            foreach (var rejected in source.Rejected)
            {
                console.MarkupLine($"[yellow]skipped:[/] {Markup.Escape(rejected)}");
            }

            await using var client = new MqttClient(new MqttClientOptions { Host = host, Port = port, ClientId = $"nt-replay-{Environment.ProcessId}", CleanSession = true });
            client.Start();
            await RunWithProgressAsync(console, client, source, options, ct).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Replays with a progress bar; shared with the demo.</summary>
    public static async Task<ReplayProgress> RunWithProgressAsync(IAnsiConsole console, MqttClient client, ReplaySource source, ReplayOptions options, CancellationToken ct)
    {
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(15));
            try
            {
                await client.WaitConnectedAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new IOException($"Cannot reach the MQTT broker at {client.Endpoint}: {client.GetStatistics().LastError ?? "no answer"}.");
            }
        }

        ReplayProgress? done = null;
        var speed = options.Speed == 0 ? "as fast as possible" : $"{options.Speed:0.##}x real time";
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"replaying {source.Cells.Count} cells {speed}", maxValue: Math.Max(1e-9, source.EndSeconds - source.StartSeconds));
                done = await TelemetryReplayer.RunAsync(source, client, options, new Progress<ReplayProgress>(p =>
                {
                    task.MaxValue = Math.Max(1e-9, p.TotalSeconds);
                    task.Value = p.DataSeconds;
                    task.Description = $"replaying {source.Cells.Count} cells {speed}: {p.Messages:N0} msgs, {p.Rows:N0} rows";
                }), ct).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        console.MarkupLine($"published {done!.Messages:N0} messages ({done.Rows:N0} rows, {done.TotalSeconds:0.0} s of data) to {Markup.Escape(client.Endpoint)}");
        return done;
    }
}
