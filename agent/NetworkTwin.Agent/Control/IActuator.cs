namespace NetworkTwin.Agent.Control;

/// <summary>
/// Carries a capacity target out at the site (a shaper rate, a provisioning request). Pluggable:
/// the default one writes the targets to a file and runs a hook script (<see cref="FileHookActuator"/>).
/// </summary>
internal interface IActuator
{
    /// <summary>
    /// Puts <paramref name="target"/> in force; <paramref name="all"/> is every link's target after the change.
    /// Returns what was done, for the acknowledgement. Throws <see cref="InvalidDataException"/> with the
    /// reason when the site refused it; the previous targets then stay in force.
    /// </summary>
    string Apply(LinkTarget target, LinkTarget? previous, IReadOnlyCollection<LinkTarget> all);
}
