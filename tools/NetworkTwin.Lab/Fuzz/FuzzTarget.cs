namespace NetworkTwin.Lab.Fuzz;

/// <summary>
/// One parser of outside input under the fuzzer: what it is fed (<see cref="Run"/> gets the raw bytes) and
/// which exceptions are its documented way of refusing input (a clear error the caller shows). Any other
/// exception is a crash: the caller would print a stack trace or the service would lose the message.
/// </summary>
public sealed record FuzzTarget(string Name, string What, Func<IEnumerable<byte[]>> Seeds, FuzzTarget.Parse Run, IReadOnlyList<Type> Refusals)
{
    /// <summary>Feeds one input to the parser.</summary>
    public delegate void Parse(ReadOnlySpan<byte> input);

    /// <summary>Tokens the mutator splices in: the format's keywords and separators.</summary>
    public IReadOnlyList<byte[]> Dictionary { get; init; } = [];

    public bool IsRefusal(Exception ex) => Refusals.Any(t => t.IsInstanceOfType(ex));
}
