namespace NetworkTwin.Central.Control;

/// <summary>
/// Where a decision is: proposed decisions are <see cref="Held"/> for an operator or <see cref="Approved"/>
/// by the policy; approved ones are <see cref="Sent"/> to their agent, which <see cref="Applied"/> or
/// <see cref="Refused"/> them; the measured effect makes an applied one <see cref="Confirmed"/> or
/// <see cref="Violated"/> (or <see cref="Unverified"/> when none arrives), and a violated one is
/// <see cref="RolledBack"/> when the policy says so.
/// </summary>
internal static class DecisionState
{
    public const string Held = "held";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Sent = "sent";
    public const string Applied = "applied";
    public const string Refused = "refused";
    public const string Confirmed = "confirmed";
    public const string Violated = "violated";
    public const string RolledBack = "rolled-back";
    public const string Unverified = "unverified";

    /// <summary>States in which the decision is still under way: no new one is made for its link meanwhile.</summary>
    public static readonly string[] Open = [Held, Approved, Sent, Applied];

    public static readonly string[] All = [Held, Approved, Rejected, Sent, Applied, Refused, Confirmed, Violated, RolledBack, Unverified];
}
