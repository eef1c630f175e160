using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Sync;

/// <summary>
/// Applies the coordinator's commands, each command id once: configuration changes to the live
/// analysis (validated like the agent's own configuration, kept in
/// <c>coordinator-settings.json</c> so they survive a restart) and model updates (checked by
/// SHA-256, loaded and checked by <see cref="Forecast.ModelSlot"/>, then stored under <c>models/</c>) and
/// capacity targets (carried out by the actuator, see <see cref="Control.CapacityTargets"/>). The last applied id is kept in <c>commands.json</c>;
/// a command seen again is acknowledged again without being applied twice.
/// </summary>
internal sealed partial class CommandApplier(IOptions<AgentOptions> options, IConfiguration configuration, LiveTwin twin, Forecast.ModelSlot models, Control.CapacityTargets targets, ILogger<CommandApplier> logger)
{
    /// <summary>What a refusal lists as allowed: the fixed keys and the pin pattern.</summary>
    private static readonly string AllowedKeys = string.Join(", ", AgentOptions.RemoteKeys.Append("Agent:Analysis:Pins:<cell>"));

    public const string SettingsFileName = "coordinator-settings.json";

    private readonly Lock _gate = new();

    public long LastApplied => ReadState().LastApplied;

    /// <summary>The settings the coordinator set earlier, for the configuration to load at start (empty when none or unreadable).</summary>
    public static Dictionary<string, string?> LoadRemoteSettings(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, SettingsFileName);
        try
        {
            return File.Exists(path) ? ParseRemoteSettings(File.ReadAllBytes(path), path) : new(StringComparer.OrdinalIgnoreCase);
        }
        catch (InvalidDataException)
        {
            // A damaged file must not stop the agent: it starts on its own configuration.
            return new(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// coordinator-settings.json: an object of remote keys to text values. Anything else in it (a key the coordinator may
    /// not change, a value that is not text) is refused with <see cref="InvalidDataException"/> naming <paramref name="where"/>:
    /// the file only ever holds what <see cref="Configure"/> accepted, so a different one was damaged or edited.
    /// </summary>
    public static Dictionary<string, string?> ParseRemoteSettings(ReadOnlySpan<byte> json, string where)
    {
        Dictionary<string, string?>? settings;
        try
        {
            settings = JsonSerializer.Deserialize(json, StateJson.Default.DictionaryStringString);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not an object of settings to text values ({ex.Message})", ex);
        }

        var foreign = (settings ?? []).Keys.Where(k => !IsRemoteKey(k)).ToList();
        if (foreign.Count > 0)
        {
            throw new InvalidDataException($"{where}: {string.Join(", ", foreign.Take(3))} cannot be set remotely; allowed: {AllowedKeys}");
        }

        // Configuration keys ignore case: two spellings of one key are one setting, and the configuration would refuse both.
        var keyed = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings ?? [])
        {
            if (!keyed.TryAdd(key, value))
            {
                throw new InvalidDataException($"{where}: {key} is there twice, in different case");
            }
        }

        return keyed;
    }

    /// <summary>
    /// The agent's options with <paramref name="remote"/> on top of <paramref name="configuration"/>, bound and validated
    /// like at start; <see cref="InvalidDataException"/> with every problem when they do not fit.
    /// </summary>
    public static AgentOptions Proposed(IConfiguration configuration, IReadOnlyDictionary<string, string?> remote)
    {
        var proposed = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(remote).Build();
        AgentOptions candidate;
        try
        {
            candidate = proposed.GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException($"a value does not fit its setting: {ex.Message}", ex);
        }

        var result = new AgentOptionsValidator().Validate(null, candidate);
        if (result.Failed)
        {
            throw new InvalidDataException(string.Join(" ", result.Failures));
        }

        return candidate;
    }

    /// <summary>
    /// Applies (or recognises as already applied) one command; returns the acknowledgement to send, and whether the
    /// command was seen before (the coordinator sends a command again until its acknowledgement is stored).
    /// </summary>
    public AppliedCommand Apply(Command command)
    {
        lock (_gate)
        {
            var ack = new CommandAck { AgentId = command.AgentId, CommandId = command.CommandId };
            var state = ReadState();
            if (command.CommandId <= state.LastApplied)
            {
                ack.Applied = true;
                ack.Detail = $"already applied (this agent has applied through command {state.LastApplied})";
                return new AppliedCommand(ack, SeenBefore: true);
            }

            try
            {
                ack.Detail = command.BodyCase switch
                {
                    Command.BodyOneofCase.Configure => Configure(command.Configure),
                    Command.BodyOneofCase.Model => StoreModel(command.Model),
                    Command.BodyOneofCase.Capacity => targets.Apply(command.CommandId, command.Capacity, twin.Latest?.Report.Links),
                    _ => throw new InvalidDataException("this agent does not know the command's kind; update the agent"),
                };
                ack.Applied = true;
                Log.Applied(logger, command.CommandId, command.Reason, ack.Detail);
            }
            catch (InvalidDataException ex)
            {
                ack.Applied = false;
                ack.Detail = ex.Message;
                Log.Refused(logger, command.CommandId, ex.Message);
            }

            // A refused command is done too: the coordinator has the reason and may send a corrected one.
            WriteState(new CommandState(command.CommandId));
            return new AppliedCommand(ack, SeenBefore: false);
        }
    }

    private string Configure(ConfigurationChange change)
    {
        if (change.Settings.Count == 0)
        {
            throw new InvalidDataException("the configuration change has no settings");
        }

        var unknown = change.Settings.Keys.Where(k => !IsRemoteKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"cannot change {string.Join(", ", unknown)} remotely; allowed: {AllowedKeys}");
        }

        var directory = options.Value.ResolvedDataDirectory;
        var remote = LoadRemoteSettings(directory);
        foreach (var (key, value) in change.Settings)
        {
            remote[key] = value;
        }

        // The agent's configuration with the change on top, bound and validated like at start.
        var candidate = Proposed(configuration, remote);
        AtomicFile.Write(Path.Combine(directory, SettingsFileName), JsonSerializer.SerializeToUtf8Bytes(remote, StateJson.Default.DictionaryStringString));
        twin.Reconfigure(candidate.Analysis);
        return "analysis now " + string.Join(", ", change.Settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
    }

    private static bool IsRemoteKey(string key) =>
        AgentOptions.RemoteKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
        || PinKey().IsMatch(key);

    private string StoreModel(ModelUpdate model)
    {
        if (!ModelName().IsMatch(model.Name))
        {
            throw new InvalidDataException($"model name '{model.Name}' must be 1..64 letters, digits, '-' or '_'");
        }

        if (model.Onnx.IsEmpty)
        {
            throw new InvalidDataException($"model {model.Name} v{model.Version} has no bytes");
        }

        var actual = Convert.ToHexString(SHA256.HashData(model.Onnx.Span));
        if (!actual.Equals(model.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"model {model.Name} v{model.Version}: SHA-256 is {actual}, the command says {model.Sha256}; not stored");
        }

        // Loaded and checked before it is stored: a model that fails leaves the current one in use.
        var installed = models.Install(model.Name, model.Version, model.Onnx.ToByteArray());
        var folder = Path.Combine(options.Value.ResolvedDataDirectory, "models");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{model.Name}-v{model.Version}.onnx"));
        AtomicFile.Write(path, model.Onnx.ToByteArray());
        return $"{installed}; stored {path} ({model.Onnx.Length} bytes, SHA-256 checked)";
    }

    private string StatePath => Path.Combine(options.Value.ResolvedDataDirectory, "commands.json");

    private CommandState ReadState()
    {
        try
        {
            return File.Exists(StatePath) ? JsonSerializer.Deserialize(File.ReadAllText(StatePath), StateJson.Default.CommandState) ?? new(0) : new(0);
        }
        catch (JsonException)
        {
            return new(0);
        }
    }

    private void WriteState(CommandState state) => AtomicFile.Write(StatePath, JsonSerializer.SerializeToUtf8Bytes(state, StateJson.Default.CommandState));

    [GeneratedRegex("^Agent:Analysis:Pins:[0-9]{1,9}$", RegexOptions.IgnoreCase)]
    private static partial Regex PinKey();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ModelName();

    private sealed record CommandState(long LastApplied);

    /// <summary>The state files' serializer, generated at build time (the native agent has no reflection-based one).</summary>
    [JsonSerializable(typeof(CommandState))]
    [JsonSerializable(typeof(Dictionary<string, string?>))]
    private sealed partial class StateJson : JsonSerializerContext;

    private static partial class Log
    {
        [LoggerMessage(8101, LogLevel.Information, "Applied coordinator command {CommandId} ({Reason}): {Detail}")]
        public static partial void Applied(ILogger logger, long commandId, string reason, string detail);

        [LoggerMessage(8102, LogLevel.Warning, "Refused coordinator command {CommandId}: {Reason}. The previous settings stay in force; the coordinator is told why")]
        public static partial void Refused(ILogger logger, long commandId, string reason);
    }
}
