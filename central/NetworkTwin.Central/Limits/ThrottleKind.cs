namespace NetworkTwin.Central.Limits;

/// <summary>Which limit acted, the <c>limit</c> label of networktwin_central_throttled.</summary>
internal enum ThrottleKind
{
    /// <summary>An agent's results were slowed to its rate.</summary>
    Results,

    /// <summary>An agent's call was refused for its call rate.</summary>
    Calls,

    /// <summary>An agent's stream was refused: too many open.</summary>
    Streams,

    /// <summary>An operator's call was refused.</summary>
    Operator,
}
