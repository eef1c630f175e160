using System.CommandLine;
using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Lab.Fronthaul;
using Spectre.Console;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>
/// <c>networktwin lab validate fronthaul</c>: the capture analysed as <c>lab analyze fronthaul</c> does, then each link's
/// sizing held against ns-3 (packet by packet through a drop-tail switch port) beside the fluid model.
/// </summary>
public static class ValidateFronthaulCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Capture folder, as for lab analyze fronthaul.", Required = true };
        var links = new Option<int?>("--links") { Description = "Number of links the operator says exist (default: what the data supports)." };
        var pins = new Option<string[]>("--pin") { Description = "Known placement CELL=LINK; repeat for more cells.", Arity = ArgumentArity.ZeroOrMore };
        var buffer = new Option<double>("--buffer-us") { Description = "Switch buffer as drain time in microseconds.", DefaultValueFactory = _ => 143 };
        var loss = new Option<double>("--loss") { Description = "Loss target as a fraction (0.01 = 1%).", DefaultValueFactory = _ => 0.01 };
        var only = new Option<int[]>("--link") { Description = "Validate only this link (repeat for more; default: every link).", Arity = ArgumentArity.ZeroOrMore };
        var seconds = new Option<double?>("--seconds") { Description = "Replay only the first SECONDS of each link's traffic in both models (default: all of it)." };
        var frame = new Option<int>("--frame-bytes") { Description = "Largest eCPRI frame in bytes (9000: jumbo frames; 1500: standard).", DefaultValueFactory = _ => EcpriPacketizer.DefaultMaxFrameBytes };
        var header = new Option<int>("--header-bytes") { Description = "Ethernet, eCPRI and O-RAN header bytes added to every frame in ns-3 (0: the twin's bytes exactly).", DefaultValueFactory = _ => 0 };
        var parallel = new Option<int>("--parallel") { Description = "ns-3 runs at once.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var program = new Option<FileInfo?>("--ns3-program") { Description = $"The ns-3 program (default: tools/NetworkTwin.Ns3/bin/{Ns3Program.FronthaulQueue} in the repository, or in the folder ${Ns3Program.EnvironmentVariable} names)." };
        var json = new Option<FileInfo?>("--json") { Description = "Write every link's figures and loss curves as JSON to this file." };
        var command = new Command("fronthaul", "Hold each fronthaul link's capacity against ns-3: packet-level loss at the twin's capacity and 5% either side, and the capacity ns-3 needs for the loss target, beside the fluid model.")
        {
            data, links, pins, buffer, loss, only, seconds, frame, header, parallel, program, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new Ns3ValidationSettings(parse.GetValue(buffer) * 1e-6, parse.GetValue(loss), parse.GetValue(frame), parse.GetValue(header), parse.GetValue(parallel));
            var span = parse.GetValue(seconds);
            if (settings.MaxFrameBytes is < 64 or > 65_535 || settings.HeaderBytes < 0 || settings.HeaderBytes >= settings.MaxFrameBytes)
            {
                throw new CliUsageException($"--frame-bytes must be 64..65535 and --header-bytes 0..frame-1 (got {settings.MaxFrameBytes} and {settings.HeaderBytes}).");
            }

            if (settings.Parallel < 1 || span is <= 0)
            {
                throw new CliUsageException($"--parallel must be at least 1 and --seconds above 0 (got {settings.Parallel} and {span}).");
            }

            var ns3 = Ns3Program.Locate(Ns3Program.FronthaulQueue, parse.GetValue(program)?.FullName);
            var options = new FronthaulOptions
            {
                DeclaredLinks = parse.GetValue(links),
                Pins = PinParser.Parse(parse.GetValue(pins) ?? []),
                BufferMicros = parse.GetValue(buffer),
                LossTarget = parse.GetValue(loss),
            };
            var run = await AnalyzeFronthaulCommand.RunAsync(console, parse.GetRequiredValue(data).FullName, options, new ReportOutputs(null, null), ct).ConfigureAwait(false);
            var wanted = parse.GetValue(only) ?? [];
            var unknown = wanted.Where(id => run.Report.Links.All(l => l.Id != id)).ToArray();
            if (unknown.Length > 0)
            {
                throw new CliUsageException($"--link {string.Join(", ", unknown)}: the analysis found link(s) {string.Join(", ", run.Report.Links.Select(l => l.Id))} only.");
            }

            var chosen = run.Report.Links.Where(l => wanted.Length == 0 || wanted.Contains(l.Id)).ToList();
            var results = await ValidateAsync(console, run.Capture.Dataset, chosen, ns3, settings, span, ct).ConfigureAwait(false);
            FronthaulValidationRenderer.Render(console, run.Folder, settings, results);
            if (parse.GetValue(json) is { } file)
            {
                await FronthaulValidationRenderer.WriteJsonAsync(file.FullName, settings, results, ct).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static async Task<List<Ns3LinkValidation>> ValidateAsync(
        IAnsiConsole console,
        FronthaulDataset dataset,
        IReadOnlyList<LinkReport> links,
        Ns3Program ns3,
        Ns3ValidationSettings settings,
        double? seconds,
        CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("networktwin-ns3-");
        var results = new List<Ns3LinkValidation>();
        try
        {
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    foreach (var link in links)
                    {
                        var task = ctx.AddTask($"link {link.Id}: ns-3 runs", maxValue: 1);
                        var traffic = FronthaulAnalyzer.TrafficOf(dataset, link);
                        if (seconds is { } s)
                        {
                            traffic = traffic.Take(s);
                        }

                        var progress = new Progress<(int Done, int Planned)>(p =>
                        {
                            task.MaxValue = p.Planned;
                            task.Value = p.Done;
                        });
                        results.Add(await Ns3LinkValidator.ValidateAsync(traffic, ns3, settings, work.FullName, progress, ct).ConfigureAwait(false));
                        task.Value = task.MaxValue;
                    }
                }).ConfigureAwait(false);
        }
        finally
        {
            work.Delete(recursive: true);
        }

        return results;
    }
}
