using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;

namespace NetworkTwin.Agent.Control;

/// <summary>
/// The default actuator: writes every link's target to a JSON file (atomically) and then runs the
/// configured hook script, if any, with the change in its arguments and environment:
/// <c>hook LINK CAPACITY_GBPS COMMAND_ID</c>, and <c>NETWORKTWIN_TARGETS_FILE</c>,
/// <c>NETWORKTWIN_LINK</c>, <c>NETWORKTWIN_CELLS</c>, <c>NETWORKTWIN_CAPACITY_GBPS</c>,
/// <c>NETWORKTWIN_PREVIOUS_GBPS</c>, <c>NETWORKTWIN_COMMAND_ID</c>, <c>NETWORKTWIN_DECISION_ID</c>.
/// A hook that exits non-zero or runs past its timeout refuses the change: the file gets its previous
/// content back and the agent tells the coordinator what the hook said.
/// </summary>
internal sealed partial class FileHookActuator(IOptions<AgentOptions> options) : IActuator
{
    public string TargetsFile => options.Value.ResolvedTargetsFile;

    public string Apply(LinkTarget target, LinkTarget? previous, IReadOnlyCollection<LinkTarget> all)
    {
        var path = TargetsFile;
        var before = File.Exists(path) ? File.ReadAllBytes(path) : null;
        Write(path, all);
        var hook = options.Value.Actuator.HookScript;
        if (string.IsNullOrWhiteSpace(hook))
        {
            return $"wrote {path}; no hook script configured";
        }

        try
        {
            var said = RunHook(hook, target, previous, path);
            return $"wrote {path}; hook {Path.GetFileName(hook)} exited 0{(said.Length > 0 ? ": " + said : string.Empty)}";
        }
        catch (InvalidDataException)
        {
            if (before is null)
            {
                File.Delete(path);
            }
            else
            {
                AtomicFile.Write(path, before);
            }

            throw;
        }
    }

    /// <summary>The targets a previous run left in the file (empty when there is none or it is damaged).</summary>
    public static IReadOnlyList<LinkTarget> Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), TargetsJson.Default.TargetsDocument)?.Links ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static void Write(string path, IReadOnlyCollection<LinkTarget> all) =>
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(new TargetsDocument([.. all.OrderBy(t => t.LinkId)]), TargetsJson.Default.TargetsDocument));

    private string RunHook(string hook, LinkTarget target, LinkTarget? previous, string path)
    {
        var info = new ProcessStartInfo(hook)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!,
        };
        var invariant = CultureInfo.InvariantCulture;
        info.ArgumentList.Add(target.LinkId.ToString(invariant));
        info.ArgumentList.Add(target.CapacityGbps.ToString("0.###", invariant));
        info.ArgumentList.Add(target.CommandId.ToString(invariant));
        info.Environment["NETWORKTWIN_TARGETS_FILE"] = path;
        info.Environment["NETWORKTWIN_LINK"] = target.LinkId.ToString(invariant);
        info.Environment["NETWORKTWIN_CELLS"] = string.Join(',', target.Cells);
        info.Environment["NETWORKTWIN_CAPACITY_GBPS"] = target.CapacityGbps.ToString("0.###", invariant);
        info.Environment["NETWORKTWIN_PREVIOUS_GBPS"] = previous?.CapacityGbps.ToString("0.###", invariant) ?? string.Empty;
        info.Environment["NETWORKTWIN_COMMAND_ID"] = target.CommandId.ToString(invariant);
        info.Environment["NETWORKTWIN_DECISION_ID"] = target.DecisionId.ToString(invariant);

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidDataException($"hook {hook} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidDataException($"hook {hook} could not be started: {ex.Message} (is it executable?)", ex);
        }

        using (process)
        {
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromSeconds(options.Value.Actuator.HookTimeoutSeconds)))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidDataException($"hook {hook} ran past {options.Value.Actuator.HookTimeoutSeconds} s and was stopped; the previous targets stay in force");
            }

            process.WaitForExit();
            string said;
            lock (output)
            {
                said = output.ToString().Trim();
            }

            said = said.Length > 500 ? "..." + said[^500..] : said;
            return process.ExitCode == 0
                ? said
                : throw new InvalidDataException($"hook {hook} exited {process.ExitCode}: {(said.Length > 0 ? said : "(it printed nothing)")}; the previous targets stay in force");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < 64 * 1024)
            {
                output.AppendLine(line);
            }
        }
    }

    private sealed record TargetsDocument(IReadOnlyList<LinkTarget> Links);

    /// <summary>The targets file's serializer (camelCase, indented), generated at build time for the native agent.</summary>
    [JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(TargetsDocument))]
    private sealed partial class TargetsJson : JsonSerializerContext;
}
